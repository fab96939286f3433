"""Kaplan-Meier estimates at time points (SAP 3, ARR: NE past the longest follow-up)."""

from __future__ import annotations

import math

import pytest

from analysis.stats.survival import km_at


def test_km_at_a_time_beyond_the_longest_follow_up_is_not_estimable():
    # events at 10 and 30, censored at 20 and 40: S(40) = 3/4 x 1/2 = 0.375; at 100 nobody
    # was followed that long (longest 40): NE, not 0.375 carried forward
    res = km_at([10.0, 20.0, 30.0, 40.0], [1, 0, 1, 0], [40.0, 100.0]).set_index("time")
    assert res.loc[40.0, "estimate"] == pytest.approx(0.375)
    assert res.loc[40.0, "n_risk"] == 1
    assert all(math.isnan(res.loc[100.0, k]) for k in ("estimate", "lcl", "ucl"))
    assert res.loc[100.0, "n_risk"] == 0


def test_km_at_the_longest_follow_up_exactly_is_estimable():
    res = km_at([5.0, 12.0], [0, 0], [12.0]).iloc[0]
    assert res["estimate"] == 1.0 and res["n_risk"] == 1
