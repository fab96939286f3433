"""T14.2.3 Visual acuity (logMAR) by eye and visit. Set: Infused.

Registry: "Corrected visual acuity is determine[d] by Snellen E chart held at
a distance of 5 meters." SAP 3 (Visual acuity): logMAR = -log10(decimal
acuity); a 5-point score L -> 5 - L; low vision CF 1.9, HM 2.3, LP 2.7, NLP
3.0; never average Snellen or decimal values: summarise logMAR; clinically
meaningful worsening: logMAR increase >= 0.2 in an eye
(:mod:`analysis.derive.visual_acuity`; baseline = last value on or before Day 0,
per eye).

Columns: dose levels then Total; N = infused participants. Rows (ARD keys):
- ``BIGN``/``N`` per column;
- group2 = ``LAT`` with levels ``Right eye`` then ``Left eye``:
  ``AVAL`` (logMAR), variable_level = visit (``Baseline`` then scheduled
  post-infusion visits; last record per visit): n, mean, sd, median, q1, q3,
  min, max (raw decimals 2); ``CHG`` (change from baseline) by post-infusion
  visit, same statistics; ``WORS`` participants with worsening (CHG >= 0.2)
  in that eye at any post-baseline assessment (scheduled or not): n, N, pct;
- group2 = ``LAT``, level ``Either eye``: ``WORS`` participants with
  worsening in at least one eye (n, N, pct). Participants without a baseline
  or post-baseline value in an eye count as not worsened in it (they stay
  in N).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.visual_acuity import derive_va
from analysis.displays._byvisit import BASELINE, by_visit, visit_labels
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.summaries import continuous_rows, count_rows

ID = "T14.2.3"
EYES = {"RIGHT": "Right eye", "LEFT": "Left eye"}
EITHER = "Either eye"

LAYOUT = {"variable_labels": {
    "AVAL": "logMAR",
    "CHG": "Change from baseline in logMAR",
    "WORS": "Participants with worsening (logMAR increase ≥0.2)",
}}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = population(data, config, ID, group_var)
    va = s.attach_group(derive_va(data["ADVA"], s.adsl, config))
    rows = s.bign_rows()
    for lat, label in EYES.items():
        eye = va[va["LAT"] == lat]
        recs = by_visit(eye, config, by=("USUBJID", "LAT"))
        keys = dict(display_id=ID, group2="LAT", group2_level=label, group_var=group_var)
        for v in visit_labels(recs):
            rows += continuous_rows(recs[recs["VISITR"] == v], "AVAL", s.cols, variable="AVAL",
                                    variable_level=v, raw_decimals=2, **keys)
        for v in visit_labels(recs):
            if v == BASELINE:
                continue
            sub = recs[(recs["VISITR"] == v) & recs["CHG"].notna()]
            rows += continuous_rows(sub, "CHG", s.cols, variable="CHG", variable_level=v,
                                    raw_decimals=2, **keys)
        rows += count_rows(eye[eye["WORSFL"] == "Y"], s.bign, variable="WORS", **keys)
    rows += count_rows(va[va["WORSFL"] == "Y"], s.bign, display_id=ID, group2="LAT",
                       group2_level=EITHER, group_var=group_var, variable="WORS")
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    c = config.constants
    lv = ", ".join(f"{k} {v:g}" for k, v in c["low_vision_logmar"].items())
    return [
        f"Corrected visual acuity, tumbling-E chart at {config.registry['va_test_distance_m']} m, "
        "each eye. logMAR = -log10(decimal acuity) (Snellen a/b: decimal a/b); 5-point score "
        f"L: logMAR = 5 - L; low vision: {lv} logMAR. Higher logMAR = worse acuity; only "
        "logMAR values are summarised.",
        "Baseline: last value on or before Day 0 (infusion), per eye. Worsening: logMAR increase "
        f"≥{c['va_worsening_logmar']:g} from baseline at any post-baseline assessment "
        "(scheduled or not). Percentages use the column N.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
