"""T14.2.4 Accumulated active MRI lesions. Set: Infused.

Registry: "The changes of T2 lesions and/or enhancing T1 Lesions as detected
by brain Magnetic Resonance Imaging (MRI)." SAP 3 (MRI): accumulated total
active lesions = sum over post-baseline scans of new/enlarging T2 lesions plus
Gd-enhancing T1 lesions (brain) (:mod:`analysis.derive.mri`; post-baseline =
scan after Day 0; without a post-baseline scan the counts are missing).

Columns: dose levels then Total; N = infused participants. Rows (ARD keys),
group2 = ``LESION`` with levels ``Total active lesions``, ``New or enlarging
T2 lesions``, ``Gd-enhancing T1 lesions``:
- ``ANY``: participants with >= 1 such lesion on post-baseline scans
  (n, N = column N, pct);
- ``ACCUM``: accumulated count per participant (n = participants with >= 1
  post-baseline scan, mean, sd, median, q1, q3, min, max; raw decimals 0).
First, group2 "" : ``NSCAN`` participants with >= 1 post-baseline scan (n, N, pct).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.mri import derive_accumulated_lesions
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.summaries import continuous_rows, count_rows

ID = "T14.2.4"
LESIONS = {
    "ACCTOT": "Total active lesions",
    "ACCT2": "New or enlarging T2 lesions",
    "ACCGD": "Gd-enhancing T1 lesions",
}

LAYOUT = {"variable_labels": {
    "NSCAN": "Participants with ≥1 post-baseline scan",
    "ANY": "Participants with ≥1 lesion",
    "ACCUM": "Accumulated lesions per participant",
}}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = population(data, config, ID, group_var)
    acc = s.attach_group(derive_accumulated_lesions(data["ADMRI"], s.adsl, s.adsl["USUBJID"]))
    rows = s.bign_rows()
    rows += count_rows(acc[acc["NSCANS"] > 0], s.bign, display_id=ID, variable="NSCAN",
                       group_var=group_var)
    for col, label in LESIONS.items():
        keys = dict(display_id=ID, group2="LESION", group2_level=label, group_var=group_var)
        rows += count_rows(acc[acc[col] > 0], s.bign, variable="ANY", **keys)
        rows += continuous_rows(acc, col, s.cols, variable="ACCUM", raw_decimals=0, **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Accumulated total active lesions: sum over post-baseline brain MRI scans (after Day 0) "
        "of new or enlarging T2 lesions plus gadolinium (Gd)-enhancing T1 lesions. New/enlarging "
        "T2 lesions are counted against the previous scan.",
        "Participants without a post-baseline scan are not in n of the accumulated counts and "
        "are not counted as having a lesion; percentages use the column N.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
