"""T14.2.1 Annualised relapse rate, pre-treatment vs post-infusion. Set: Infused.

Registry secondary outcome: "ARR is defined as the number of attacks divided
by the total participant-years after infusion."

Definitions (SAP 3, Relapse and ARR; exact rules in
:mod:`analysis.derive.relapse`): a relapse is an ADRELAP episode lasting > 24 h
(RLGT24H = "Y") not explained by fever or infection (RLFEVINF = "N"); onsets
within ``constants.relapse_merge_days`` (30) days of a cluster's first onset
count as one relapse. Post-infusion period: Day 0 to end of follow-up (min of
last contact, death, cut-off), both inclusive, exposure in years of 365.25
days. Pre-treatment period: the 24 months before enrolment, exposure 2 years.

Columns: dose levels (``group_var``) then Total; N = infused participants.
Rows (ARD keys; group2 = ``PERIOD`` with levels ``Pre-treatment`` then
``Post-infusion``, then ``Post-infusion vs pre-treatment``):

- ``BIGN``/``N`` per column.
- per period: ``NREL`` participants with >= 1 relapse (n, N, pct of column N);
  ``RELAPSES`` total relapses (``n_events``); ``PY`` participant-years (``py``);
  ``ARRPOOL`` pooled ARR = RELAPSES / PY (``rate``) with exact Poisson 95% CI
  (``lcl``, ``ucl``; :func:`analysis.stats.ci.poisson_rate_ci`; lower limit 0
  when there is no relapse); ``ARRSUBJ`` per-participant ARR (n, mean, sd,
  median, q1, q3, min, max; raw decimals 2).
- ``RATERATIO``: post/pre rate ratio (``estimate``, ``lcl``, ``ucl``) from a
  Poisson GLM with log(exposure) offset and cluster-robust variance by
  participant (:func:`analysis.stats.rates.rate_ratio`), ``n_subj`` the
  participants in the model; "NE" when not estimable (no relapse in a period,
  fewer than 2 participants).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.relapse import derive_relapse_periods
from analysis.displays.registry import declare
from analysis.formats import NE
from analysis.sets import population
from analysis.stats.rates import pooled_rate, rate_ratio
from analysis.stats.summaries import continuous_rows, count_rows, in_column

ID = "T14.2.1"
PERIODS = {"PRE": "Pre-treatment", "POST": "Post-infusion"}
RATIO_GROUP = "Post-infusion vs pre-treatment"

LAYOUT = {"variable_labels": {
    "NREL": "Participants with ≥1 relapse",
    "RELAPSES": "Total relapses",
    "PY": "Participant-years",
    "ARRPOOL": "Pooled ARR (95% CI)",
    "ARRSUBJ": "Per-participant ARR",
    "RATERATIO": "Rate ratio post/pre (95% CI)",
}}


def periods_frame(data: StudyData, config: StudyConfig, group_var: str = "TRT01A"):
    """(Population, per-participant periods with ``group_var``) of the Infused set."""
    s = population(data, config, ID, group_var)
    adrelap = data["ADRELAP"]
    p = derive_relapse_periods(adrelap, s.adsl, data.cutoff, config)
    return s, s.attach_group(p)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s, p = periods_frame(data, config, group_var)
    level = float(config.constants["confidence_level"])
    rows = s.bign_rows()
    for code, label in PERIODS.items():
        per = p[p["PERIOD"] == code]
        keys = dict(display_id=ID, group2="PERIOD", group2_level=label)
        rows += count_rows(per[per["RELAPSES"] > 0], s.bign, variable="NREL", group_var=group_var,
                           stat_label="n (%)", **keys)
        for col in s.cols:
            st = pooled_rate(in_column(per, col, group_var)["RELAPSES"],
                             in_column(per, col, group_var)["EXPOSURE"], level)
            ck = dict(keys, group1=group_var, group1_level=col)
            rows.append(A.row(variable="RELAPSES", stat_name="n_events", stat=st["n_events"],
                              stat_label="Total relapses", **ck))
            rows.append(A.row(variable="PY", stat_name="py", stat=st["py"],
                              stat_label="Participant-years", **ck))
            rows += A.stat_rows({"rate": st["rate"], "lcl": st["lcl"], "ucl": st["ucl"]},
                                variable="ARRPOOL", labels={"rate": "ARR (95% CI)"}, **ck)
        rows += continuous_rows(per, "ARR", s.cols, variable="ARRSUBJ", group_var=group_var,
                                raw_decimals=2, **keys)
    for col in s.cols:
        rr = rate_ratio(in_column(p, col, group_var), level=level)
        ck = dict(display_id=ID, group2="PERIOD", group2_level=RATIO_GROUP, group1=group_var,
                  group1_level=col, variable="RATERATIO")
        for name in ("estimate", "lcl", "ucl"):
            v = rr[name]
            rows.append(A.row(stat_name=name, stat=v, stat_label="Rate ratio (95% CI)",
                              stat_fmt=NE if math.isnan(v) else None, **ck))
        rows.append(A.row(stat_name="n_subj", stat=rr["n_subj"],
                          stat_label="Participants in model", **ck))
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    c = config.constants
    return [
        "Relapse: new or worsening neurological symptoms lasting more than 24 h, not explained "
        f"by fever or infection; onsets within {c['relapse_merge_days']} days of the first onset "
        "of a cluster count as one relapse, dated by that first onset.",
        "Post-infusion: Day 0 (infusion) to end of follow-up (earliest of last contact, death, "
        f"data cut-off), both inclusive; participant-years = days / {c['days_per_year']}. "
        f"Pre-treatment: the {c['pre_treatment_arr_months']} months before enrolment "
        f"({int(c['pre_treatment_arr_months']) / 12:g} participant-years each).",
        "ARR: annualised relapse rate. Pooled ARR = total relapses / total participant-years, "
        "exact Poisson 95% CI. Per-participant ARR = the participant's relapses / "
        "participant-years.",
        "Rate ratio: Poisson regression of relapses on period with log(participant-years) offset "
        "and cluster-robust (sandwich) variance by participant; Wald 95% CI. NE: not estimable "
        "(no relapse in a period or fewer than 2 participants).",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
