"""Vital-sign extremes for T14.3.10 (SAP 5) and relatedness to the CAR-T product and to
lymphodepletion (SAP 3), on literal tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.derive.adverse_events import derive_var_relfl, is_related_to
from analysis.derive.vital_signs import compute_vs_extremes
from data_contract.codelists import Codelists


def vs(rows):
    return pd.DataFrame(rows, columns=["USUBJID", "PARAMCD", "ADY", "AVAL"])


def test_vs_extremes_in_day_0_28_with_the_maximum_crs_grade():
    advs = vs([("A", "TEMP", -2, 39.5),            # before Day 0: not in the window
               ("A", "TEMP", 3, 38.4), ("A", "TEMP", 4, 37.0), ("A", "SYSBP", 3, 86),
               ("A", "SYSBP", 5, 110), ("A", "SPO2", 3, 92), ("A", "TEMP", 29, 40.0),
               ("B", "TEMP", 0, 36.8), ("B", "SYSBP", 0, 120)])
    adae = pd.DataFrame({"USUBJID": ["A", "A", "B"], "CRSFL": ["Y", "Y", "N"],
                         "AETOXGR": [1, 2, 3], "ASTDY": [3, 8, 2]})
    got = compute_vs_extremes(advs, adae).set_index("USUBJID")
    assert got.loc["A", ["TEMPMAX", "SYSBPMIN", "SPO2MIN", "CRSMAXGR"]].tolist() == \
        [38.4, 86.0, 92.0, 2.0]
    assert got.loc["A", "FEVERFL"] == "Y" and got.loc["B", "FEVERFL"] == "N"
    assert got.loc["B", "CRSMAXGR"] == 0.0 and math.isnan(got.loc["B", "SPO2MIN"])


def test_vs_extremes_name_a_missing_variable():
    with pytest.raises(KeyError, match="ADVS has no variable ADY"):
        compute_vs_extremes(pd.DataFrame({"USUBJID": [], "PARAMCD": [], "AVAL": []}))


CL = Codelists.from_config({"AREL": {"related": ["RELATED", "POSSIBLE"],
                                     "not_related": ["NOT RELATED", "UNLIKELY"]}}, "t")


def test_relatedness_to_the_product_and_to_lymphodepletion_by_the_codelist_meanings():
    ae = pd.DataFrame({"ARELCAR": ["POSSIBLE", "NOT RELATED", None],
                       "ARELLD": ["UNLIKELY", "RELATED", "RELATED"]})
    out = derive_var_relfl(ae, CL)
    assert out["RELCARFL"].tolist() == ["Y", "N", "N"]
    assert out["RELLDFL"].tolist() == ["N", "Y", "Y"]


def test_a_delivery_with_one_causality_has_no_separate_flags():
    out = derive_var_relfl(pd.DataFrame({"AREL": ["RELATED"]}), CL)
    assert out["RELCARFL"].isna().all() and out["RELLDFL"].isna().all()
    with pytest.raises(KeyError, match="ARELCAR"):
        is_related_to(pd.DataFrame({"AREL": ["RELATED"]}), "product", CL)
