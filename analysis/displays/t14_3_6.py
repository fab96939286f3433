"""T14.3.6 Serious TEAEs and deaths. Set: Safety.

Columns: dose levels + Total, N = Safety set. Row blocks ``group2 = SECTION``:

``Serious TEAEs`` (overall window; AESER = "Y"; SAP 3, TEAE):
  ``ANY`` participants with >= 1 serious TEAE; then SOC (``AEBODSYS``) and PT
  (``AEDECOD``) rows (once per participant; descending Total frequency, then
  alphabetical);
``Deaths``:
  ``DEATH`` participants who died (ADSL DTHFL = "Y" or DTHDT present);
  ``DEATH28`` of whom died by Day 28 (DTHDT - INFDT <= 28; study day, SAP 3);
  ``FATAL`` participants with a TEAE leading to death (AESDTH = "Y",
  AEOUT = "FATAL" or grade 5), then ``AEDECOD`` rows by PT of the fatal TEAE.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import is_fatal, is_serious, sort_by_frequency, subjects_per_key
from analysis.derive.teae import (
    WINDOW_OVERALL,
    primary_window_days,
    reference_dates,
    teae_in_window,
)
from analysis.displays._safety import safety_population
from analysis.displays._soc_pt import soc_pt_rows
from analysis.displays.registry import declare
from analysis.stats.summaries import count_rows

ID = "T14.3.6"
SERIOUS = "Serious TEAEs"
DEATHS = "Deaths"


def deaths(adsl: pd.DataFrame) -> pd.DataFrame:
    """Participants who died: DTHFL = "Y" or a death date (SAP 5, T14.3.6)."""
    died = pd.Series(False, index=adsl.index)
    if "DTHFL" in adsl.columns:
        died |= adsl["DTHFL"].eq("Y")
    if "DTHDT" in adsl.columns:
        died |= adsl["DTHDT"].notna()
    return adsl.loc[died]


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    te = teae_in_window(s.adae, WINDOW_OVERALL)
    ser = te.loc[is_serious(te)]
    rows = s.bign_rows()
    k1 = dict(display_id=ID, group_var=group_var, group2="SECTION", group2_level=SERIOUS)
    rows += count_rows(ser, s.bign, variable="ANY", stat_label="Participants with any serious TEAE",
                       **k1)
    rows += soc_pt_rows(ser, s.bign, display_id=ID, group_var=group_var, group2="SECTION",
                        soc_in_group2=False, group2_level=SERIOUS)
    k2 = dict(display_id=ID, group_var=group_var, group2="SECTION", group2_level=DEATHS)
    dead = deaths(s.adsl)
    rows += count_rows(dead, s.bign, variable="DEATH", stat_label="Deaths", **k2)
    d = primary_window_days(config)
    if "DTHDT" in dead.columns and len(dead):
        ref = reference_dates(data["ADSL"], config).reindex(dead["USUBJID"]).values
        day = (pd.to_datetime(dead["DTHDT"]).values - ref).astype("timedelta64[D]").astype(float)
        early = dead.loc[pd.Series(day <= d, index=dead.index)]
    else:
        early = dead.iloc[0:0]
    rows += count_rows(early, s.bign, variable="DEATH28", stat_label=f"Deaths by Day {d}", **k2)
    fat = te.loc[is_fatal(te)]
    rows += count_rows(fat, s.bign, variable="FATAL", stat_label="TEAE leading to death", **k2)
    pts = sort_by_frequency(subjects_per_key(fat, "AEDECOD"), "AEDECOD") if len(fat) else []
    for pt in pts:
        rows += count_rows(fat.loc[fat["AEDECOD"] == pt], s.bign, variable="AEDECOD",
                           variable_level=pt, stat_label="Fatal TEAE, preferred term", **k2)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Serious TEAE: a TEAE the investigator recorded as serious, onset on or after the start of lymphodepletion to Month 12 or "
        "the data cut-off. Participants are counted once per SOC and PT.",
        "Deaths: all deaths in the Safety set (any cause). TEAE leading to death: outcome fatal "
        "or grade 5 (CTCAE v5.0).",
        f"Day {primary_window_days(config)}: study day relative to infusion (Day 0).",
    ]


LAYOUT = {"variable_labels": {
    "ANY": "Participants with any serious TEAE", "AEBODSYS": "System organ class",
    "AEDECOD": "Preferred term", "DEATH": "Deaths (any cause)", "DEATH28": "Deaths by Day 28",
    "FATAL": "TEAE leading to death",
}}


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
