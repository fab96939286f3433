"""Operating characteristics of the 3+3 dose escalation (SAP 1; ICH E3 9.7.2, the
determination of sample size of a 3+3 design).

For a dose level whose true probability of a DLT per participant is ``p``, the rule of
:func:`study.rules.three_plus_three` (study.yml ``assumptions.escalation_rule``) is
applied to every outcome of the level: ``k`` DLTs among the first ``cohort_size``
participants, ``k ~ Binomial(cohort_size, p)``, and, when the rule expands the level,
``j`` more among the ``expanded_size - cohort_size`` added participants,
``j ~ Binomial(expanded_size - cohort_size, p)``, decided on ``k + j`` of
``expanded_size``. Participants are independent; the rule is the one the DLT table
(:mod:`analysis.derive.dlt`) and the simulator apply, never restated here.

- :func:`escalation_probability`: the probability that the rule escalates from (clears)
  the level;
- :func:`expected_participants`: the expected number of participants the level takes;
- :func:`escalation_size`: the fewest and most participants the escalation cohort can
  take over the configured dose levels.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from scipy.stats import binom

from study import rules


def _outcomes(p: float, rule: Mapping[str, Any]) -> Iterator[tuple[float, str, int]]:
    """(probability, decision, participants) of every way a level can end."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a DLT probability is between 0 and 1, not {p}")
    cohort, expanded = int(rule["cohort_size"]), int(rule["expanded_size"])
    for k in range(cohort + 1):
        first = binom.pmf(k, cohort, p)
        decision = rules.three_plus_three(k, cohort, rule)
        if decision != rules.EXPAND:
            yield first, decision, cohort
            continue
        added = expanded - cohort
        for j in range(added + 1):
            yield (first * binom.pmf(j, added, p),
                   rules.three_plus_three(k + j, expanded, rule), expanded)


def escalation_probability(p: float, rule: Mapping[str, Any]) -> float:
    """P(the 3+3 rule escalates from a level with true DLT probability ``p``); for the
    SAP's rule (escalate on 0/3 or at most 1/6) this is (1-p)^3 + 3p(1-p)^2 (1-p)^3."""
    return float(sum(pr for pr, decision, _ in _outcomes(p, rule)
                     if decision == rules.ESCALATE))


def expected_participants(p: float, rule: Mapping[str, Any]) -> float:
    """Expected number of participants a level with true DLT probability ``p`` takes
    (``cohort_size``, or ``expanded_size`` when the rule expands it)."""
    return float(sum(pr * n for pr, _, n in _outcomes(p, rule)))


def escalation_size(rule: Mapping[str, Any], n_levels: int) -> tuple[int, int]:
    """(fewest, most) participants of the escalation cohort over ``n_levels`` dose
    levels: one first cohort that stops the lowest level, or every level expanded."""
    if n_levels < 1:
        raise ValueError("a dose escalation has at least one dose level")
    return int(rule["cohort_size"]), n_levels * int(rule["expanded_size"])


def operating_characteristics(rule: Mapping[str, Any],
                              rates: Sequence[float]) -> list[dict[str, float]]:
    """One row per true DLT probability of ``rates``: ``p``, ``escalate`` (probability)
    and ``participants`` (expected number at the level)."""
    return [{"p": float(p), "escalate": escalation_probability(p, rule),
             "participants": expected_participants(p, rule)} for p in rates]
