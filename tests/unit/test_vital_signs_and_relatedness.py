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


def test_t14_3_10_summarises_vital_signs_per_maximum_crs_grade_block():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from _safety_literals import CFG, adsl

    from analysis.data import StudyData
    from analysis.displays import build_ard

    advs = vs([("S01", "TEMP", 2, 38.5), ("S01", "SYSBP", 2, 85), ("S01", "SPO2", 2, 91),
               ("S02", "TEMP", 1, 37.1), ("S02", "SYSBP", 1, 120), ("S02", "SPO2", 1, 98),
               ("S04", "TEMP", 3, 39.4), ("S04", "TEMP", 4, 38.0), ("S04", "SYSBP", 3, 95),
               ("S04", "SPO2", 3, 94), ("S06", "TEMP", 2, 40.0)])     # S06 not infused
    ae = pd.DataFrame({"USUBJID": ["S01", "S04", "S04"], "CRSFL": ["Y", "Y", "Y"],
                       "AETOXGR": [2, 1, 2], "ASTDY": [2, 3, 30], "AEDECOD": ["CRS"] * 3})
    a = build_ard("T14.3.10", StudyData(datasets={"ADSL": adsl(), "ADAE": ae, "ADVS": advs}),
                  CFG)

    def stat(block, var, name, col="Total"):
        sel = a[(a.group2_level == block) & (a.variable == var) & (a.stat_name == name)
                & (a.group1_level == col)]
        assert len(sel) == 1
        return sel["stat"].iloc[0]

    assert sorted(set(a.loc[a.variable != "BIGN", "group2_level"])) == \
        ["Grade 1", "Grade 2", "No CRS"]                    # S04's grade 2 is after Day 28
    assert stat("Grade 2", "SYSBPMIN", "max") == 85 and stat("Grade 2", "TEMPMAX", "n") == 1
    assert stat("Grade 1", "TEMPMAX", "max") == 39.4
    assert stat("No CRS", "SPO2MIN", "min") == 98
    assert a.loc[(a.variable == "BIGN") & (a.group1_level == "Total"), "stat"].iloc[0] == 5


def test_vital_sign_extremes_of_nobody_are_an_empty_table_that_takes_the_dose_levels():
    """A snapshot where nobody was infused has no vital signs in the window: the extremes
    are an empty table whose USUBJID still merges with ADSL's (T14.3.10 on edge data)."""
    import pandas as pd

    from analysis.derive.vital_signs import compute_vs_extremes

    empty = compute_vs_extremes(
        pd.DataFrame({"USUBJID": [], "PARAMCD": [], "AVAL": [], "ADY": []}),
        pd.DataFrame({"USUBJID": [], "CRSFL": [], "AETOXGR": [], "ASTDY": []}))
    assert len(empty) == 0 and empty["USUBJID"].dtype == object
    levels = pd.DataFrame({"USUBJID": ["S1"], "TRT01A": ["DL1"]})
    assert empty.merge(levels, on="USUBJID", how="inner").empty
