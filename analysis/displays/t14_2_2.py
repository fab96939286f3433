"""T14.2.2 EDSS by visit and EDSS worsening. Set: Infused.

Registry definition (binding): "Participant will be considered to have a
worsening in overall EDSS score of at least 2 if baseline EDSS score was 0,
or at least 1 point if baseline EDSS score is 1 to 5, or at least 0.5 point
if baseline EDSS score is 5.5 or more." Baseline 0.5 (not covered by the
registry): study assumption ``edss_worsening_baseline_half`` (increase >= 1.0).
Rules: :mod:`analysis.derive.edss` (SAP 3, EDSS worsening; SAP 3 Baseline:
last value on or before Day 0).

Columns: dose levels then Total; N = infused participants. Rows (ARD keys):
- ``BIGN``/``N`` per column;
- ``AVAL`` (EDSS), variable_level = visit (``Baseline``, then scheduled
  post-infusion visits in schedule order; last record per visit): n, mean,
  sd, median, q1, q3, min, max (raw decimals 1);
- ``CHG`` (change from baseline), variable_level = post-infusion visit: same
  statistics, participants with baseline and a value at that visit;
- ``WORS``: participants with EDSS worsening, variable_level ``Any
  post-baseline assessment`` (any post-baseline record, scheduled or not) and
  ``Month 12`` (the Month 12 visit): n, N (column N), pct. Participants
  without baseline or without a post-baseline value count as not worsened
  (they stay in N);
- ``NOTEVAL``: participants not evaluable for worsening (no baseline or no
  post-baseline value): n, N, pct.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.edss import derive_edss, edss_worsening_by_subject, month_visit
from analysis.displays._byvisit import BASELINE, by_visit, visit_labels
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.summaries import continuous_rows, count_rows

ID = "T14.2.2"
ANY = "Any post-baseline assessment"

LAYOUT = {"variable_labels": {
    "AVAL": "EDSS score",
    "CHG": "Change from baseline in EDSS",
    "WORS": "Participants with EDSS worsening",
    "NOTEVAL": "Not evaluable for worsening (no baseline or no post-baseline EDSS)",
}}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = population(data, config, ID, group_var)
    edss = derive_edss(data["ADEDSS"], s.adsl, config)
    edss = s.attach_group(edss)
    recs = by_visit(edss, config)
    rows = s.bign_rows()
    for v in visit_labels(recs):
        rows += continuous_rows(recs[recs["VISITR"] == v], "AVAL", s.cols, display_id=ID,
                                variable="AVAL", variable_level=v, group_var=group_var,
                                raw_decimals=1)
    for v in visit_labels(recs):
        if v == BASELINE:
            continue
        sub = recs[(recs["VISITR"] == v) & recs["CHG"].notna()]
        rows += continuous_rows(sub, "CHG", s.cols, display_id=ID, variable="CHG",
                                variable_level=v, group_var=group_var, raw_decimals=1)
    subj = s.attach_group(edss_worsening_by_subject(edss, s.adsl["USUBJID"], config))
    rows += count_rows(subj[subj["WORSANY"] == "Y"], s.bign, display_id=ID, variable="WORS",
                       variable_level=ANY, group_var=group_var)
    rows += count_rows(subj[subj["WORSM12"] == "Y"], s.bign, display_id=ID, variable="WORS",
                       variable_level=month_visit(config), group_var=group_var)
    rows += count_rows(subj[subj["EVALFL"] != "Y"], s.bign, display_id=ID, variable="NOTEVAL",
                       group_var=group_var)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    bands = config.registry["edss_worsening"]
    rule = "; ".join(
        f"baseline {b['baseline_min']:g}" + ("" if b["baseline_min"] == b["baseline_max"]
                                             else f"-{b['baseline_max']:g}")
        + f": increase ≥{b['increase']:g}" for b in bands)
    half = config.assumptions.get("edss_worsening_baseline_half", {})
    extra = (f"; baseline {half['baseline']:g} (not covered by the registry): increase ≥"
             f"{half['increase']:g} [assumption]") if half else ""
    return [
        "EDSS: Expanded Disability Status Scale (0-10). Baseline: last EDSS on or before Day 0 "
        "(infusion). Visits: scheduled post-infusion visits; several assessments in a visit: "
        "the last.",
        f"EDSS worsening (registry definition): {rule}{extra}. 'Any post-baseline assessment' "
        "includes unscheduled assessments. Percentages use the column N; participants without "
        "baseline or post-baseline EDSS count as not worsened.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
