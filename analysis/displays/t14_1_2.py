"""T14.1.2 Analysis sets by dose level. Set: Enrolled.

Columns: dose levels + Total, N = Enrolled participants (BIGN). Rows (SAP 2),
participants ``n``, ``N`` and ``pct`` of the column N, in this order: ``ENR``
Enrolled (ENRLFL, all ADSL rows when absent), ``SAF`` Safety (SAFFL), ``INF``
Infused (INFFL), ``DLT`` DLT-evaluable (DLTEVLFL). A set whose ADSL flag is
absent has no row.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.catalogue import ANALYSIS_SETS
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.displays.registry import declare
from analysis.sets import analysis_set, population
from analysis.stats.summaries import count_rows

ID = "T14.1.2"
DEFINITIONS = {
    "ENR": "consented and met eligibility",
    "SAF": "received any lymphodepletion chemotherapy",
    "INF": "received the CAR-T infusion",
    "DLT": "infused and either completed 28 days of follow-up after infusion or had a DLT",
}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = population(data, config, ID, group_var)
    rows = s.bign_rows()
    for code, (name, flag) in ANALYSIS_SETS.items():
        if code != "ENR" and flag not in s.adsl.columns:
            continue
        members = analysis_set(s.adsl, code)
        rows += count_rows(members, s.bign, display_id=ID, variable=code, group_var=group_var,
                           stat_label=f"{name} ({code})")
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    window = config.registry["dlt_window_days"]
    defs = {**DEFINITIONS, "DLT": DEFINITIONS["DLT"].replace("28", str(window))}
    text = "; ".join(f"{ANALYSIS_SETS[c][0]} ({c}): {d}" for c, d in defs.items())
    return [f"Analysis sets (SAP 2): {text}. Percentages are of the enrolled participants "
            "of the column."]


DISPLAY = declare(ID, ard=ard, footnotes=footnotes)
