"""B-cell aplasia and reconstitution (SAP 3, B cells) on hand-worked literal tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from _biomarker_literals import CFG, DL1, DL2, DL3, adsl

from analysis.data import StudyData
from analysis.derive.analysis_visits import visit_records
from analysis.derive.bcells import compute_aplasia, subject_aplasia
from analysis.displays import build_ard


def test_aplasia_then_reconstitution_on_day_91():
    r = subject_aplasia([0, 7, 28, 91, 183], [150, 2, 0, 12, 40], 10)
    assert r == {"NPOST": 4, "LASTDY": 183.0, "APLFL": "Y", "APLDY": 7.0, "RECFL": "Y",
                 "RECDY": 91.0}


def test_never_reconstituted_series():
    r = subject_aplasia([-5, 7, 28, 365], [200, 0, 1, 9.9], 10)
    assert (r["APLFL"], r["APLDY"], r["RECFL"]) == ("Y", 7.0, "N")
    assert math.isnan(r["RECDY"])


def test_no_aplasia_when_every_value_at_or_above_threshold():
    r = subject_aplasia([7, 14], [10, 30], 10)
    assert (r["APLFL"], r["RECFL"]) == ("N", "") and math.isnan(r["APLDY"])


def test_no_post_baseline_value_is_not_evaluable():
    r = subject_aplasia([-4, 0], [100, 90], 10)
    assert (r["NPOST"], r["APLFL"]) == (0, "")




def _adlb(rows):
    """rows: (USUBJID, PARAMCD, ADY, AVISIT, AVAL)."""
    base = pd.Timestamp("2025-01-10")
    return pd.DataFrame([{"USUBJID": u, "PARAMCD": p, "ADY": d, "AVISIT": v, "AVAL": a,
                          "ADT": base + pd.Timedelta(days=d)} for u, p, d, v, a in rows]
                        ).astype({"AVAL": float})


def test_baseline_prefers_pre_lymphodepletion_value_and_keeps_last_in_window():
    lb = _adlb([("A", "CD19ABS", -10, "Screening", 120), ("A", "CD19ABS", 0, "Day 0", 80),
                ("A", "CD19ABS", 7, "Day 7", 3), ("A", "CD19ABS", 9, "Day 7", 1)])
    r = visit_records(lb, adsl(), CFG)
    assert r[["AVISITR", "AVAL", "BASE"]].values.tolist() == [
        ["Baseline", 120.0, 120.0], ["Day 7", 1.0, 120.0]]


def test_t14_2_6_ard_aplasia_block_with_missing_baseline_and_empty_dose_level():
    lb = _adlb([
        ("A", "CD19ABS", -10, "Screening", 120), ("A", "CD19ABS", 7, "Day 7", 0),
        ("A", "CD19ABS", 91, "Month 3", 15),
        ("B", "CD19ABS", 7, "Day 7", 2), ("B", "CD19ABS", 28, "Day 28", 4),  # no baseline
        ("C", "CD19ABS", -10, "Screening", 60),                               # no post-baseline
    ])
    a = build_ard("T14.2.6", StudyData({"ADSL": adsl(), "ADLB": lb}), CFG)

    def val(var, col, stat, level=""):
        r = a[(a.variable == var) & (a.group1_level == col) & (a.stat_name == stat)
              & (a.variable_level == level)]
        assert len(r) == 1, (var, col, stat, level)
        return r.iloc[0].stat

    assert val("AVISIT", DL1, "n", "Baseline") == 1
    assert val("AVISIT", "Total", "n", "Baseline") == 2
    assert val("AVISIT", DL1, "mean", "Day 7") == 1.0
    assert val("EVAL", "Total", "n") == 2
    assert val("APLASIA", DL1, "n") == 2 and val("APLASIA", DL1, "pct") == 100.0
    assert val("RECON", DL1, "n") == 1 and val("TTRECON", DL1, "median") == 91.0
    assert val("NOTRECON", DL1, "n") == 1
    assert val("APLASIA", DL2, "n") == 0 and val("APLASIA", DL3, "N") == 0
    assert math.isnan(val("APLASIA", DL3, "pct"))
    assert list(a.variable_level[a.variable == "AVISIT"].drop_duplicates()) == [
        "Baseline", "Day 7", "Day 28", "Month 3"]


def test_f14_2_4_medians_and_symlog_axis():
    lb = _adlb([("A", "CD19ABS", 7, "Day 7", 0), ("B", "CD19ABS", 7, "Day 7", 4)])
    data = StudyData({"ADSL": adsl(), "ADLB": lb})
    a = build_ard("F14.2.4", data, CFG)
    m = a[(a.stat_name == "median") & (a.group1_level == DL1)]
    assert m[["variable_level", "stat"]].values.tolist() == [["Day 7", 2.0]]
    from analysis.displays import build
    from analysis.displays.f14_2_4 import figure
    a, plot = build("F14.2.4", data, CFG)
    ax = figure(a, plot, CFG).axes[0]
    assert ax.get_yscale() == "symlog" and ax.get_xscale() == "symlog"
    assert "symmetric log scale" in ax.get_xlabel()  # a non-linear time axis says so


def test_f14_2_4_draws_the_medians_of_its_ard():
    lb = _adlb([("A", "CD19ABS", 7, "Day 7", 0), ("B", "CD19ABS", 7, "Day 7", 4)])
    data = StudyData({"ADSL": adsl(), "ADLB": lb})
    from analysis.displays import build
    from analysis.displays.f14_2_4 import figure
    a, plot = build("F14.2.4", data, CFG)
    a.loc[a.stat_name == "median", "stat"] = 123.0   # what the ARD says is what is drawn
    lines = [ln for ln in figure(a, plot, CFG).axes[0].get_lines() if ln.get_label().startswith("DL1")]
    assert [list(ln.get_ydata()) for ln in lines] == [[123.0]]
    assert [list(ln.get_xdata()) for ln in lines] == [[7]]


@pytest.mark.parametrize("missing", ["AVAL", "ADY"])
def test_compute_aplasia_names_missing_variable(missing):
    with pytest.raises(KeyError, match=missing):
        compute_aplasia(_adlb([("A", "CD19ABS", 7, "Day 7", 1)]).drop(columns=missing), CFG)
