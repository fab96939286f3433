"""L16.2.7.3 Serious adverse events and deaths. Set: Safety.

ADAE records of the Safety set that are serious (AESER = "Y") or fatal
(AESDTH = "Y", AEOUT = "FATAL" or grade 5), with the AE listing columns, plus
``Death date`` / ``Death day`` (ADSL DTHDT; study day relative to infusion)
for participants who died. A participant who died without a fatal AE record
gets one row with the death only (``Preferred term`` empty).
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import is_fatal, is_serious
from analysis.derive.teae import reference_dates
from analysis.displays._ae_listing import AE_COLUMN_VARIABLES, ae_rows
from analysis.displays._listing import listing_ard
from analysis.displays._safety import safety_population
from analysis.displays.n14_3_3 import event_links
from analysis.displays.registry import declare
from analysis.displays.t14_3_6 import deaths

ID = "L16.2.7.3"


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    ae = s.adae.loc[is_serious(s.adae) | is_fatal(s.adae)]
    out = ae_rows(ae, group_var, config)
    dead = deaths(s.adsl)
    ref = reference_dates(data["ADSL"], config)
    dthdt = (pd.to_datetime(dead.set_index("USUBJID")["DTHDT"]) if "DTHDT" in dead.columns
             else pd.Series(pd.NaT, index=dead["USUBJID"]))
    extra = [u for u in dead["USUBJID"] if u not in set(out["Participant"])]
    if extra:
        add = pd.DataFrame({"Participant": extra,
                            "Dose level": dead.set_index("USUBJID").loc[extra, group_var].values})
        out = pd.concat([out, add], ignore_index=True)
    out["Death date"] = out["Participant"].map(dthdt)
    day = (out["Death date"] - out["Participant"].map(ref)).dt.days
    out["Death day"] = day.astype("Int64")
    out = out.sort_values(["Participant", "Start date", "Seq."], kind="mergesort",
                          na_position="last")
    return out.reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Serious AEs (recorded as serious by the investigator) and AEs leading to death (outcome fatal or grade 5), any onset. "
        "Death day: study day of death relative to the CAR-T infusion (Day 0).",
    ]


# a row of an event with a narrative links to it (N14.3.3)
DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes, links=event_links,
                  layout={"column_variables": AE_COLUMN_VARIABLES})
