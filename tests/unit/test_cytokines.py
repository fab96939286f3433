"""Cytokine peak, fold change and time to peak (SAP 3) on hand-worked literal tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from _biomarker_literals import CFG, DL1, DL3, INF, adsl

from analysis.data import StudyData
from analysis.derive.cytokines import compute_peaks
from analysis.displays import build_ard


def _lb(rows):
    return pd.DataFrame([{"USUBJID": u, "PARAMCD": p, "ADY": d, "AVISIT": v, "AVAL": a,
                          "ADT": INF + pd.Timedelta(days=d)} for u, p, d, v, a in rows]
                        ).astype({"AVAL": float})


def test_peak_fold_and_first_day_of_peak():
    lb = _lb([("A", "IL6", -5, "Screening", 4), ("A", "IL6", 0, "Day 0", 100),
              ("A", "IL6", 1, "Day 1", 40), ("A", "IL6", 4, "Day 4", 40), ("A", "IL6", 7, "Day 7", 8)])
    r = compute_peaks(lb, adsl()).iloc[0]
    # baseline = pre-lymphodepletion value 4; Day 0 is not post-infusion
    assert (r["BASE"], r["PEAK"], r["TPEAK"], r["FOLD"]) == (4.0, 40.0, 1.0, 10.0)


def test_missing_baseline_gives_missing_fold_and_no_post_value_gives_no_peak():
    lb = _lb([("B", "BAFF", 7, "Day 7", 900), ("C", "BAFF", -5, "Screening", 500)])
    p = compute_peaks(lb, adsl()).set_index("USUBJID")
    assert p.loc["B", "PEAK"] == 900 and math.isnan(p.loc["B", "FOLD"])
    assert math.isnan(p.loc["C", "PEAK"]) and math.isnan(p.loc["C", "TPEAK"])


def test_t14_2_7_geometric_peak_and_empty_dose_level():
    lb = _lb([("A", "IL6", -5, "Screening", 2), ("A", "IL6", 4, "Day 4", 20),
              ("B", "IL6", -5, "Screening", 5), ("B", "IL6", 7, "Day 7", 500)])
    a = build_ard("T14.2.7", StudyData({"ADSL": adsl(), "ADLB": lb}), CFG)
    il6 = "Interleukin-6 (pg/mL)"

    def val(var, col, stat):
        r = a[(a.variable == var) & (a.group1_level == col) & (a.stat_name == stat)
              & (a.group2_level == il6)]
        assert len(r) == 1
        return r.iloc[0].stat

    assert val("PEAK", DL1, "geomean") == pytest.approx(100.0)   # sqrt(20*500)
    assert val("FOLD", DL1, "geomean") == pytest.approx(math.sqrt(1000))  # sqrt(10*100)
    assert val("TPEAK", DL1, "median") == 5.5
    assert val("PEAK", DL3, "n") == 0


def test_f14_2_5_medians_by_visit():
    lb = _lb([("A", "TNFA", 1, "Day 1", 10), ("B", "TNFA", 1, "Day 1", 30)])
    data = StudyData({"ADSL": adsl(), "ADLB": lb})
    a = build_ard("F14.2.5", data, CFG)
    assert a[(a.stat_name == "median")][["group1_level", "variable_level", "stat"]].values.tolist() == [
        [DL1, "Day 1", 20.0]]
    from analysis.displays import build
    from analysis.displays.f14_2_5 import figure
    fig = figure(*build("F14.2.5", data, CFG), CFG)
    assert {ax.get_yscale() for ax in fig.axes} == {"log"}
    assert {ax.get_xscale() for ax in fig.axes} == {"symlog"}
    assert all("symmetric log scale" in ax.get_xlabel() for ax in fig.axes[2:])
