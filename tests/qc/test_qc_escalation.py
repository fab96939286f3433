"""Double programming of the 3+3 design's operating characteristics in section 9.5
(analysis.stats.escalation, report.prose.escalation_design): the QC side enumerates every
sequence of DLT yes/no of the six participants a level can take and applies the SAP 1 rule
as the SAP words it ("3 participants per level, 6 if one DLT; escalate on 0/3 or <=1/6"),
written here without study.rules or scipy."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest

from analysis.config import load_config
from analysis.stats import escalation
from report.prose import Facts, escalation_design, render_text

RATES = [0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.9]


def qc_level(p: float) -> tuple[float, float]:
    """(P(escalate), E[participants]) of one level, by enumerating 2^6 DLT sequences."""
    escalate = expected = 0.0
    for seq in itertools.product((0, 1), repeat=6):
        pr = 1.0
        for dlt in seq:
            pr *= p if dlt else 1 - p
        first = sum(seq[:3])
        if first == 1:            # one DLT of 3: expand to 6, escalate on <=1/6
            n, ok = 6, sum(seq) <= 1
        else:                     # 0/3 escalates, >=2/3 stops
            n, ok = 3, first == 0
        escalate += pr * ok
        expected += pr * n
    return escalate, expected


def _half_up(x: float, places: int) -> str:
    return str(Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def rule():
    return load_config().assumptions["escalation_rule"]


@pytest.mark.parametrize("p", RATES)
def test_escalation_probability_and_expected_size_are_those_enumerated(rule, p):
    esc, n = qc_level(p)
    assert escalation.escalation_probability(p, rule) == pytest.approx(esc, abs=1e-12)
    assert escalation.expected_participants(p, rule) == pytest.approx(n, abs=1e-12)


def test_section_9_5_prints_the_enumerated_probabilities_rounded_half_up():
    config = load_config()
    text = render_text('{% set d = escalation_design([0.1, 0.3]) %}'
                       '{% for r in d.rows %}{{ r.p }}|{{ r.escalate }}|{{ r.participants }};'
                       '{% endfor %}{{ d.fewest }}-{{ d.most }}/{{ d.target }}',
                       "t.md", {}, Facts(config=config))
    expected = ";".join(f"{int(p * 100)}|{_half_up(100 * qc_level(p)[0], 1)}|"
                        f"{_half_up(qc_level(p)[1], 1)}" for p in (0.1, 0.3))
    levels = len(config.assumptions["dose_levels"]["levels"])
    assert text.strip() == f"{expected};3-{6 * levels}/{config.study['target_enrolment']}"


def test_the_design_facts_come_from_the_rule_in_study_yml():
    config = load_config()
    changed = {**config.raw, "assumptions": {**config.assumptions, "escalation_rule": {
        **config.assumptions["escalation_rule"], "escalate_if_dlt_at_most": {3: 0, 6: 0}}}}
    stricter = type(config)(changed)
    assert escalation_design(stricter, [0.2])["rows"][0]["escalate"] == \
        _half_up(100 * 0.8 ** 3, 1)   # only 0/3 escalates when 1/6 no longer does


def test_a_probability_outside_zero_to_one_is_refused(rule):
    with pytest.raises(ValueError, match="between 0 and 1"):
        escalation.escalation_probability(1.5, rule)
