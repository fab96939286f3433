"""The 3+3 dose escalation actually run by the simulated trial (SAP 1).

DLT outcomes are drawn per participant with the dose-level risk of
``params.yml``; cohort sizes, escalation, expansion to 6, stopping and the
recommended dose follow ``study.yml`` (``assumptions.escalation_rule``).
Remaining participants form the expansion cohort at the recommended dose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from study import rules


@dataclass(frozen=True)
class CohortDecision:
    """One cohort of the escalation and the decision taken after it."""

    cohort: int
    level: int
    n_cohort: int
    n_level: int
    dlt_level: int
    decision: str  # ESCALATE, EXPAND, STOP, MTD, NO MTD, INCOMPLETE


@dataclass(frozen=True)
class Escalation:
    """Per-participant dose level, cohort, DLT draw and infusion day (days after start)."""

    level: np.ndarray
    expansion: np.ndarray
    cohort_no: np.ndarray
    dlt: np.ndarray
    infusion_day: np.ndarray
    decisions: tuple[CohortDecision, ...]
    recommended_level: int | None


def decide_3plus3(n_level: int, dlt_level: int, rule: dict) -> str:
    """The 3+3 decision for one dose level after a completed cohort (SAP 1):
    :func:`study.rules.three_plus_three` (ESCALATE on 0/3 or <= 1/6 DLTs, EXPAND to 6
    on 1/3, STOP at >= 2 DLTs), the rule Table 14.3.1 applies to the data."""
    return rules.three_plus_three(dlt_level, n_level, rule)


def run_escalation(n: int, rng: np.random.Generator, params: dict, config) -> Escalation:
    """Run the 3+3 escalation and the expansion cohort for ``n`` participants."""
    rule = config.assumptions["escalation_rule"]
    rule = {**rule, "escalate_if_dlt_at_most": {int(k): v for k, v in
                                                rule["escalate_if_dlt_at_most"].items()}}
    levels = [lv.code for lv in config.dose_levels]
    p_dlt = {int(k): v for k, v in params["escalation"]["dlt_probability"].items()}
    esc = params["escalation"]
    window = config.registry["dlt_window_days"]
    size = rule["cohort_size"]

    lv_out, exp_out, coh_out, dlt_out, day_out = [], [], [], [], []
    decisions: list[CohortDecision] = []
    n_at = {lv: 0 for lv in levels}
    d_at = {lv: 0 for lv in levels}
    stopped: set[int] = set()
    cur_i, day, cohort = 0, 0, 0
    recommended: int | None = None
    lo, hi = esc["stagger_extra_days"]

    while len(lv_out) < n:
        cohort += 1
        level = levels[cur_i]
        k = min(size, n - len(lv_out))
        dl = rng.random(k) < p_dlt[level]
        gaps = esc["stagger_days"] + rng.integers(lo, hi + 1, size=k)
        gaps[0] = 0
        days = day + np.cumsum(gaps)
        lv_out += [level] * k
        exp_out += [False] * k
        coh_out += [cohort] * k
        dlt_out += list(dl)
        day_out += list(days)
        n_at[level] += k
        d_at[level] += int(dl.sum())
        day = int(days[-1]) + window + esc["review_days"]
        if k < size:
            decisions.append(CohortDecision(cohort, level, k, n_at[level], d_at[level],
                                            "INCOMPLETE"))
            break
        decision = decide_3plus3(n_at[level], d_at[level], rule)
        if decision == "ESCALATE":
            nxt = cur_i + 1
            if nxt >= len(levels) or levels[nxt] in stopped:
                recommended = level
                decision = "MTD"
            else:
                cur_i = nxt
        elif decision == "STOP":
            stopped.add(level)
            prev = cur_i - 1
            if prev < 0:
                decision = "NO MTD"
            elif n_at[levels[prev]] >= rule["expanded_size"]:
                recommended = levels[prev]
            else:
                cur_i = prev  # the lower level is expanded to 6 before it can be the MTD
        decisions.append(CohortDecision(cohort, level, k, n_at[level], d_at[level], decision))
        if decision in ("MTD", "NO MTD") or recommended is not None:
            break

    n_exp = n - len(lv_out) if recommended is not None else 0
    if n_exp > 0:
        mean_gap = min(esc["expansion_gap_days"], esc["expansion_max_accrual_days"] / n_exp)
        gaps = np.ceil(rng.exponential(mean_gap, size=n_exp)).astype(np.int64)
        gaps[0] = 0
        days = day + np.cumsum(gaps)
        lv_out += [recommended] * n_exp
        exp_out += [True] * n_exp
        coh_out += [cohort + 1] * n_exp
        dlt_out += list(rng.random(n_exp) < p_dlt[recommended])
        day_out += list(days)

    return Escalation(
        level=np.asarray(lv_out, dtype=np.int64),
        expansion=np.asarray(exp_out, dtype=bool),
        cohort_no=np.asarray(coh_out, dtype=np.int64),
        dlt=np.asarray(dlt_out, dtype=bool),
        infusion_day=np.asarray(day_out, dtype=np.int64),
        decisions=tuple(decisions),
        recommended_level=recommended,
    )
