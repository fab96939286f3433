"""Records summarised "by visit" for lab and biomarker tables (SAP 3, Baseline; SAP 1, Visits).

Rows kept, per participant and parameter:
- the baseline record (``derive_var_base``: last non-missing value on or
  before Day 0, on or before lymphodepletion start where such a value exists),
  shown as visit ``Baseline``;
- post-infusion records (study day ADY >= 1) at the scheduled visits of
  ``study.yml`` (nominal day >= 1); unscheduled records are not summarised by
  visit. Several records in one visit window: the last by date is kept.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.derive.baseline import derive_var_base
from analysis.stats.summaries import continuous_rows

BASELINE = "Baseline"
# The variables visit_records reads (with value "AVAL"): what a display selects from
# a large BDS dataset before deriving by-visit records.
VISIT_COLUMNS = ("USUBJID", "PARAMCD", "AVAL", "ADT", "ADY", "AVISIT")


def visit_records(bds: pd.DataFrame, adsl: pd.DataFrame, config: StudyConfig,
                  value: str = "AVAL") -> pd.DataFrame:
    """``bds`` with BASE/CHG/ABLFL, reduced to baseline + scheduled post-infusion visits;
    adds AVISITR (row visit label) and AVISITRN (its order: baseline -1, else nominal day)."""
    order = config.visit_order
    df = derive_var_base(bds, adsl, value=value)
    base = df[df["ABLFL"] == "Y"].assign(AVISITR=BASELINE, AVISITRN=-1)
    post = df[(df["ADY"] >= 1) & df["AVISIT"].isin([v for v, n in order.items() if n >= 1])
              & df[value].notna()]
    post = (post.sort_values(["USUBJID", "PARAMCD", "AVISIT", "ADT"])
            .groupby(["USUBJID", "PARAMCD", "AVISIT"]).tail(1))
    post = post.assign(AVISITR=post["AVISIT"], AVISITRN=post["AVISIT"].map(order))
    out = pd.concat([base, post], ignore_index=True)
    return out.sort_values(["USUBJID", "PARAMCD", "AVISITRN"]).reset_index(drop=True)


def visit_summary_rows(recs: pd.DataFrame, value: str, cols: list[str], *, display_id: str,
                       variable: str, group_var: str, group2: str = "", group2_level: str = "",
                       raw_decimals: int = 0, skip_baseline: bool = False) -> list[dict]:
    """Continuous summary (n, mean, sd, median, q1, q3, min, max) of ``recs[value]`` per
    row visit (variable_level = AVISITR, in visit order; visits without a value skipped)."""
    rows: list[dict] = []
    have = recs[recs[value].notna()]
    visits = (have[["AVISITR", "AVISITRN"]].drop_duplicates().sort_values("AVISITRN"))
    for vis in visits["AVISITR"]:
        if skip_baseline and vis == BASELINE:
            continue
        rows += continuous_rows(have[have["AVISITR"] == vis], value, cols, display_id=display_id,
                                variable=variable, variable_level=vis, group_var=group_var,
                                group2=group2, group2_level=group2_level,
                                raw_decimals=raw_decimals)
    return rows

