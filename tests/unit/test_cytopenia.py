"""Cytopenias (SAP 3): CTCAE v5.0 grades, shift, ICAHT, nadir/recovery; literal tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.config import load_config
from analysis.data import StudyData
from analysis.derive.cytopenia import (
    compute_grade_shift,
    compute_icaht,
    compute_nadir_recovery,
    ctcae_grade,
    icaht_grade,
)
from analysis.displays import build_ard

CFG = load_config()  # ICAHT window 0-30, thresholds 500 / 100
DL1, DL2, DL3 = "DL1 (0.5 × 10⁶/kg)", "DL2 (1.0 × 10⁶/kg)", "DL3 (2.0 × 10⁶/kg)"
INF = pd.Timestamp("2025-01-10")


@pytest.mark.parametrize("param,value,lln,grade", [
    ("ANC", 1800, 1800, 0), ("ANC", 1799, 1800, 1), ("ANC", 1499, 1800, 2), ("ANC", 999, 1800, 3),
    ("ANC", 499, 1800, 4), ("PLAT", 74, 150, 2), ("PLAT", 24, 150, 4), ("HGB", 7.0, 12.0, 3),
    ("HGB", 11.0, 12.0, 1), ("LYMPH", 199, 1000, 4), ("LYMPH", 900, None, 0),
])
def test_ctcae_v5_grades(param, value, lln, grade):
    assert ctcae_grade(param, value, lln) == grade


def _anc(u, series, lln=1800.0, param="ANC"):
    return [{"USUBJID": u, "PARAMCD": param, "ADY": d, "AVAL": float(v), "ANRLO": lln,
             "ADT": INF + pd.Timedelta(days=d)} for d, v in series]


def test_icaht_each_grade_from_an_anc_series():
    # a value holds until the next measurement; window Day 0-30 (31 days)
    lb = pd.DataFrame(
        _anc("G0", [(-4, 3000), (0, 2000), (7, 900)])                    # never <= 500
        + _anc("G1", [(0, 2000), (4, 400), (7, 900)])                    # days 4-6: 3 days
        + _anc("G2", [(0, 2000), (4, 400), (14, 900)])                   # days 4-13: 10 days
        + _anc("G3", [(-1, 450), (10, 300), (14, 800)])                  # days 0-13: 14 days
        + _anc("G4", [(0, 80), (7, 600)])                                # days 0-6 <= 100: 7
        + _anc("G3tail", [(0, 2000), (17, 450)])                         # days 17-30: 14 days
    )
    r = compute_icaht(lb, CFG).set_index("USUBJID")
    assert r["D500"].to_dict() == {"G0": 0, "G1": 3, "G2": 10, "G3": 14, "G3tail": 14, "G4": 7}
    assert r["ICAHT"].to_dict() == {"G0": 0, "G1": 1, "G2": 2, "G3": 3, "G3tail": 3, "G4": 4}


def test_icaht_grade_boundaries():
    assert [icaht_grade(d, 0) for d in (0, 1, 6, 7, 13, 14)] == [0, 1, 1, 2, 2, 3]
    assert icaht_grade(7, 7) == 4 and icaht_grade(20, 6) == 3


def test_shift_missing_baseline_and_no_post_baseline_value():
    adsl = pd.DataFrame({"USUBJID": ["A", "B"], "INFDT": [INF] * 2,
                         "LDSTDT": [INF - pd.Timedelta(days=4)] * 2})
    lb = pd.DataFrame(_anc("A", [(7, 400), (14, 1600)]) + _anc("B", [(-5, 1200)]))
    s = compute_grade_shift(lb, adsl).set_index("USUBJID")
    assert math.isnan(s.loc["A", "BTOXGR"]) and s.loc["A", "WTOXGR"] == 4
    assert s.loc["B", "BTOXGR"] == 2 and math.isnan(s.loc["B", "WTOXGR"])


def test_nadir_and_recovery_thresholds():
    lb = pd.DataFrame(_anc("A", [(3, 700), (6, 200), (9, 900), (12, 1000)])
                      + _anc("B", [(5, 30), (9, 40)], lln=150, param="PLAT")
                      + _anc("C", [(5, 1100)]))
    r = compute_nadir_recovery(lb).set_index("USUBJID")
    assert r.loc["A", ["NADIR", "NADIRDY", "RECFL", "RECDY"]].tolist() == [200, 6, "Y", 12]
    assert r.loc["B", "RECFL"] == "N" and math.isnan(r.loc["B", "RECDY"])
    assert r.loc["C", "RECFL"] == ""   # nadir never below 1000


def test_t14_3_7_shift_and_icaht_rows():
    adsl = pd.DataFrame({"USUBJID": ["A", "B"], "TRT01A": [DL1, DL2], "TRT01AN": [1, 2],
                         "SAFFL": ["Y", "Y"], "INFFL": ["Y", "Y"], "INFDT": [INF] * 2,
                         "LDSTDT": [INF - pd.Timedelta(days=4)] * 2})
    lb = pd.DataFrame(_anc("A", [(-5, 3000), (4, 400), (7, 900)]) + _anc("B", [(-5, 1200)]))
    a = build_ard("T14.3.7", StudyData({"ADSL": adsl, "ADLB": lb}), CFG)

    def val(var, lev, col, stat="n", g2=None):
        r = a[(a.variable == var) & (a.variable_level == lev) & (a.group1_level == col)
              & (a.stat_name == stat)]
        if g2 is not None:
            r = r[r.group2_level == g2]
        assert len(r) == 1, (var, lev, col)
        return r.iloc[0].stat

    anc = "Absolute Neutrophil Count (cells/uL)"
    assert val("Baseline grade 0", "Worst grade 4", DL1, g2=anc) == 1
    assert val("Baseline grade 2", "No post-baseline value", "Total", g2=anc) == 1
    assert val("ICAHT", "Grade 1", DL1) == 1 and val("ICAHT", "Grade 0", DL2) == 1
    assert val("ICAHT", "Grade 1", DL3, "N") == 0
