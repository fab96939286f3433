"""SAP rules the data contract, the simulator and the analysis share: one definition each.

Each rule is a pure function stating its definition and citing the SAP; the callers
(the validator, the cut-off, the simulator and the derivations) call it and do not
restate it. Treatment emergence (SAP 3, TEAE) is :func:`study.onset.onset_not_before`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

# The outcomes of :func:`three_plus_three`.
NOT_EVALUATED = "NOT EVALUATED"
INCOMPLETE = "INCOMPLETE"
ESCALATE = "ESCALATE"
EXPAND = "EXPAND"
STOP = "STOP"


def first_lymphodepletion_day(config) -> int:
    """SAP 1 / study.yml ``assumptions.lymphodepletion``: the study day on which
    lymphodepletion starts, the earliest day any lymphodepletion drug is given (e.g. -4
    for fludarabine and cyclophosphamide on days -4 to -2; the infusion is Day 0)."""
    return min(min(d["days"]) for d in config.assumptions["lymphodepletion"]["drugs"])


def recorded_death(adae: pd.DataFrame, fatal_outcomes: Iterable[str]) -> pd.Series:
    """SAP 3 (fatal AE), as recorded: AESDTH = "Y", or AEOUT one of ``fatal_outcomes``
    (the values the configuration gives the meaning fatal). Columns that the dataset
    lacks contribute nothing."""
    fatal = pd.Series(False, index=adae.index)
    if "AESDTH" in adae.columns:
        fatal |= adae["AESDTH"].eq("Y")
    if "AEOUT" in adae.columns:
        fatal |= adae["AEOUT"].isin(list(fatal_outcomes))
    return fatal


def is_fatal(adae: pd.DataFrame, fatal_outcomes: Iterable[str]) -> pd.Series:
    """SAP 3 (TEAE leading to death): a recorded death (:func:`recorded_death`) or CTCAE
    grade 5 (AETOXGR = 5; grade 5 is death by definition). The contract's rule
    ``ADAE.fatal_is_grade_5`` checks that the two agree."""
    fatal = recorded_death(adae, fatal_outcomes)
    if "AETOXGR" in adae.columns:
        fatal |= pd.to_numeric(adae["AETOXGR"], errors="coerce").eq(5).fillna(False)
    return fatal


def three_plus_three(n_dlt: int, n_eval: int, rule: Mapping[str, Any]) -> str:
    """SAP 1 (3+3 dose escalation; rule from study.yml ``assumptions.escalation_rule``):
    the decision for one dose level with ``n_dlt`` DLTs among ``n_eval`` evaluable
    escalation-cohort participants.

    :data:`NOT_EVALUATED` when nobody is evaluable; :data:`STOP` at
    ``stop_if_dlt_at_least`` DLTs (2); :data:`INCOMPLETE` below ``cohort_size`` (3);
    :data:`ESCALATE` when n_dlt is at most the escalation bound of the largest cohort
    size reached (``escalate_if_dlt_at_most``: 0 of 3, 1 of 6); :data:`EXPAND` (to
    ``expanded_size``, 6) below the expanded size; otherwise :data:`STOP`.
    ``ValueError`` for counts that cannot be.
    """
    if n_dlt < 0 or n_eval < 0 or n_dlt > n_eval:
        raise ValueError(f"invalid DLT count {n_dlt}/{n_eval}")
    cohort, expanded = int(rule["cohort_size"]), int(rule["expanded_size"])
    stop = int(rule["stop_if_dlt_at_least"])
    bounds = {int(k): int(v) for k, v in rule["escalate_if_dlt_at_most"].items()}
    if n_eval == 0:
        return NOT_EVALUATED
    if n_dlt >= stop:
        return STOP
    if n_eval < cohort:
        return INCOMPLETE
    reached = max(s for s in bounds if s <= n_eval)
    if n_dlt <= bounds[reached]:
        return ESCALATE
    if n_eval < expanded:
        return EXPAND
    return STOP
