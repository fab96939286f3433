"""Shared step of the efficacy by-visit tables (T14.2.2 EDSS, T14.2.3 visual acuity).

Not a display. :func:`by_visit` keeps, per participant and ``by`` key, the
baseline record (ABLFL = "Y", shown as visit ``Baseline``) and post-baseline
records (POSTFL = "Y") at the scheduled visits of ``study.yml`` with nominal day
>= 1; unscheduled records are not summarised by visit (they do count for
"worsening at any visit"). Several records in one visit: the last by date.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig

BASELINE = "Baseline"


def by_visit(df: pd.DataFrame, config: StudyConfig, by: tuple[str, ...] = ("USUBJID",)) -> pd.DataFrame:
    """Rows summarised by visit, with VISITR (row visit label) and VISITRN (order)."""
    order = config.visit_order
    base = df[df["ABLFL"] == "Y"].assign(VISITR=BASELINE, VISITRN=-1)
    sched = [v for v, n in order.items() if n >= 1]
    post = df[(df["POSTFL"] == "Y") & df["AVISIT"].isin(sched) & df["AVAL"].notna()]
    post = post.sort_values([*by, "AVISIT", "ADT"]).groupby([*by, "AVISIT"]).tail(1)
    post = post.assign(VISITR=post["AVISIT"], VISITRN=post["AVISIT"].map(order))
    out = pd.concat([base, post], ignore_index=True)
    return out.sort_values([*by, "VISITRN"]).reset_index(drop=True)


def visit_labels(recs: pd.DataFrame) -> list[str]:
    """Visit labels present, in schedule order (Baseline first)."""
    v = recs[["VISITR", "VISITRN"]].drop_duplicates().sort_values("VISITRN")
    return list(v["VISITR"])
