"""AQP4-IgG titre (SAP 3) on hand-worked literal tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from _biomarker_literals import CFG, DL1, DL2, DL3, INF, adsl

from analysis.data import StudyData
from analysis.derive.titre import derive_var_log2titre
from analysis.displays import build, build_ard


def _tit(rows):
    """rows: (USUBJID, ADY, AVISIT, N or None for NEGATIVE); LLOQ = 10 (lowest dilution 1:10)."""
    return pd.DataFrame([{
        "USUBJID": u, "PARAMCD": "AQP4TIT", "ADY": d, "AVISIT": v, "ADT": INF + pd.Timedelta(days=d),
        "AVAL": n, "AVALC": "NEGATIVE" if n is None else f"1:{n}", "LLOQ": 10.0,
    } for u, d, v, n in rows]).astype({"AVAL": float})


def test_log2_titre_and_negative_at_half_lloq():
    t = derive_var_log2titre(_tit([("A", -10, "Screening", 320), ("A", 91, "Month 3", None)]))
    assert t["LOG2TIT"].tolist() == [math.log2(320), math.log2(5)]
    assert t["SERONEG"].tolist() == ["N", "Y"]


def test_missing_titre_without_negative_result_is_an_error_naming_the_participant():
    df = _tit([("B", 7, "Day 7", 10)])
    df.loc[0, ["AVAL", "AVALC"]] = [math.nan, ""]
    with pytest.raises(ValueError, match="USUBJID=B"):
        derive_var_log2titre(df)


def test_t14_2_5_changes_seronegativity_and_seroconversion():
    lb = _tit([
        ("A", -10, "Screening", 320), ("A", 28, "Day 28", 80), ("A", 91, "Month 3", None),
        ("B", -10, "Screening", None), ("B", 28, "Day 28", None),   # negative at baseline
        ("C", -10, "Screening", 40),                                  # no post-baseline visit
    ])
    a = build_ard("T14.2.5", StudyData({"ADSL": adsl(), "ADLB": lb}), CFG)

    def val(var, col, stat, level=""):
        r = a[(a.variable == var) & (a.group1_level == col) & (a.stat_name == stat)
              & (a.variable_level == level)]
        assert len(r) == 1, (var, col, stat, level)
        return r.iloc[0].stat

    # baseline log2: A log2(320), B log2(5); Day 28 change A: log2(80/320) = -2, B: 0
    assert val("AVISIT", DL1, "mean", "Baseline") == pytest.approx((math.log2(320) + math.log2(5)) / 2)
    assert val("CHG", DL1, "min", "Day 28") == pytest.approx(-2.0)
    assert val("CHG", DL1, "max", "Day 28") == pytest.approx(0.0)
    assert val("CHG", "Total", "n", "Month 3") == 1
    assert val("SERONEG", DL1, "n", "Baseline") == 1 and val("SERONEG", DL1, "n", "Month 3") == 1
    assert val("BASENEG", "Total", "n") == 1
    assert val("SEROCONV", DL1, "n") == 1 and val("SEROCONV", DL2, "n") == 0
    assert val("SEROCONV", DL3, "N") == 0
    assert not ((a.variable == "CHG") & (a.variable_level == "Baseline")).any()


def test_f14_2_3_one_point_per_assessment_and_ticks_on_the_dilution_series():
    lb = _tit([("A", -10, "Screening", 320), ("A", 91, "Month 3", None)])
    data = StudyData({"ADSL": adsl(), "ADLB": lb})
    a = build_ard("F14.2.3", data, CFG)
    pts = a[a.variable == "LOG2TIT"]
    assert pts[["group2_level", "variable_level", "stat_fmt"]].values.tolist() == [
        ["-10", "A", "8.32"], ["91", "A", "2.32"]]
    from analysis.displays.f14_2_3 import figure
    labels = [t.get_text() for t in figure(*build("F14.2.3", data, CFG), CFG).axes[0].get_yticklabels()]
    # ticks on the assay's doubling dilutions from its lowest dilution (LLOQ 1:10), plus Neg
    assert labels == ["1:10", "1:20", "1:40", "1:80", "1:160", "1:320", "Neg"]
