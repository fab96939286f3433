"""T14.1.1 Participant disposition. Set: Enrolled.

Columns: dose levels + Total (``group1`` = the grouping variable, TRT01A by
default), N = Enrolled participants (BIGN). Rows, each participants ``n``,
``N`` (column N) and ``pct`` = 100 n / N (SAP 4), in this order:

- ``ENROLLED`` enrolled (everyone in the set);
- ``LYMPHODEPLETED`` received lymphodepletion (SAFFL; SAP 2 Safety set);
- ``INFUSED`` received the CAR-T infusion (INFFL, else INFDT; SAP 2 Infused set);
- ``COMPLETED`` completed Month 12 (EOSSTT = COMPLETED);
- ``DISCONTINUED`` discontinued the study, then one row per reason
  (``variable`` = ``DCSREAS``, ``variable_level`` = the reason, sorted);
- ``ONGOING`` in follow-up at the cut-off (EOSSTT = ONGOING);
- ``DIED`` died (DTHFL, else DTHDT).

A row whose ADSL source variable is absent is left out (a standard ADSL of
another study may lack INFFL or EOSSTT). Derivation: analysis.derive.disposition.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.disposition import derive_disposition
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.summaries import count_rows

ID = "T14.1.1"
LABELS = {
    "ENROLLED": "Enrolled",
    "LYMPHODEPLETED": "Received lymphodepletion",
    "INFUSED": "Received CAR-T infusion",
    "COMPLETED": "Completed Month 12",
    "DISCONTINUED": "Discontinued the study",
    "ONGOING": "Ongoing at data cut-off",
    "DIED": "Died",
}
LAYOUT = {"variable_labels": {**LABELS, "DCSREAS": "Reason for discontinuation"}}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = population(data, config, ID, group_var)
    disp = derive_disposition(s.adsl)
    rows = s.bign_rows()
    keys = dict(display_id=ID, group_var=group_var)
    for var, label in LABELS.items():
        if var == "ENROLLED":
            who = disp
        else:
            if disp[var].isna().all():
                continue
            who = disp[disp[var].fillna(False).astype(bool)]
        rows += count_rows(who, s.bign, variable=var, stat_label=label, **keys)
        if var == "DISCONTINUED":
            for reason in sorted(r for r in who["DCSREAS"].unique() if r):
                rows += count_rows(who[who["DCSREAS"] == reason], s.bign, variable="DCSREAS",
                                   variable_level=reason, **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Percentages are of the enrolled participants of the column. Lymphodepletion: "
        "fludarabine and cyclophosphamide before the CAR-T infusion (Day 0). Completed: "
        "completed the Month 12 visit. Ongoing: in follow-up at the data cut-off.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
