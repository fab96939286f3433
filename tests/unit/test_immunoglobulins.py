"""Hypogammaglobulinaemia and IVIG use (SAP 3) on literal tables."""

from __future__ import annotations

import pandas as pd

from analysis.config import load_config
from analysis.data import StudyData
from analysis.derive.immunoglobulins import compute_hypogamma, ivig_users
from analysis.displays import build_ard

CFG = load_config()  # IgG threshold 400 mg/dL
DL1, DL2, DL3 = "DL1 (0.5 × 10⁶/kg)", "DL2 (1.0 × 10⁶/kg)", "DL3 (2.0 × 10⁶/kg)"
INF = pd.Timestamp("2025-01-10")
ADSL = pd.DataFrame({"USUBJID": ["A", "B"], "TRT01A": [DL1, DL2], "TRT01AN": [1, 2],
                     "SAFFL": ["Y", "Y"], "INFFL": ["Y", "Y"], "INFDT": [INF] * 2,
                     "LDSTDT": [INF - pd.Timedelta(days=4)] * 2})


def _igg(rows):
    return pd.DataFrame([{"USUBJID": u, "PARAMCD": "IGG", "ADY": d, "AVISIT": v, "AVAL": float(a),
                          "ADT": INF + pd.Timedelta(days=d)} for u, d, v, a in rows])


def test_hypogamma_any_post_infusion_value_below_400_baseline_ignored():
    h = compute_hypogamma(_igg([("A", -10, "Screening", 350), ("A", 28, "Day 28", 420),
                                ("B", 28, "Day 28", 500), ("B", 91, "Month 3", 399)]), CFG)
    h = h.set_index("USUBJID")
    assert (h.loc["A", "HYPOFL"], h.loc["A", "MINIGG"]) == ("N", 420.0)
    assert (h.loc["B", "HYPOFL"], h.loc["B", "HYPODY"]) == ("Y", 91.0)


def test_ivig_before_lymphodepletion_not_counted():
    cm = pd.DataFrame({"USUBJID": ["A", "B"], "CMCAT": ["IVIG", "IVIG"],
                       "ASTDT": [INF - pd.Timedelta(days=30), INF + pd.Timedelta(days=60)]})
    assert ivig_users(cm, ADSL)["USUBJID"].tolist() == ["B"]


def test_t14_3_8_rows():
    lb = _igg([("A", -10, "Screening", 900), ("A", 91, "Month 3", 350), ("B", 91, "Month 3", 700)])
    cm = pd.DataFrame({"USUBJID": ["A"], "CMCAT": ["IVIG"], "ASTDT": [INF + pd.Timedelta(days=95)]})
    a = build_ard("T14.3.8", StudyData({"ADSL": ADSL, "ADLB": lb, "ADCM": cm}), CFG)

    def val(var, col, stat, lev=""):
        r = a[(a.variable == var) & (a.group1_level == col) & (a.stat_name == stat)
              & (a.variable_level == lev)]
        assert len(r) == 1
        return r.iloc[0].stat

    assert val("AVISIT", "Total", "mean", "Month 3") == 525.0
    assert val("HYPO", DL1, "n") == 1 and val("HYPO", DL2, "n") == 0
    assert val("IVIG", "Total", "pct") == 50.0 and val("IVIG", DL3, "N") == 0
