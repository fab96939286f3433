"""Derivations of chapter 10: disposition, exposure, NMOSD history (SAP 1-3)."""

import math

import pandas as pd
import pytest

from analysis.config import load_config
from analysis.derive.disposition import derive_disposition
from analysis.derive.exposure import compute_lymphodepletion_exposure
from analysis.derive.nmosd_history import (
    derive_var_log2_titre,
    split_prior_immunosuppressants,
    titre_text,
)

D = pd.to_datetime


def test_derive_disposition_flags_status_death_and_reason():
    adsl = pd.DataFrame({
        "USUBJID": ["S1", "S2", "S3", "S4"],
        "SAFFL": ["Y", "Y", "Y", "N"], "INFFL": ["Y", "Y", "N", "N"],
        "EOSSTT": ["COMPLETED", "DISCONTINUED", "DISCONTINUED", "ONGOING"],
        "DCSREAS": ["", "DEATH", None, ""], "DTHFL": ["N", "Y", "N", "N"],
    })
    out = derive_disposition(adsl)
    expected = pd.DataFrame({
        "LYMPHODEPLETED": [True, True, True, False], "INFUSED": [True, True, False, False],
        "COMPLETED": [True, False, False, False], "DISCONTINUED": [False, True, True, False],
        "ONGOING": [False, False, False, True], "DIED": [False, True, False, False],
    }).astype("boolean")
    pd.testing.assert_frame_equal(out[expected.columns], expected)
    assert out["DCSREAS"].tolist() == ["", "DEATH", "Not recorded", ""]


def test_derive_disposition_of_a_standard_adsl_uses_dates_and_leaves_unknowns_missing():
    adsl = pd.DataFrame({"USUBJID": ["A", "B"], "INFDT": D(["2025-01-01", None]),
                         "DTHDT": D([None, "2025-05-01"])})
    out = derive_disposition(adsl)
    assert out["INFUSED"].tolist() == [True, False]
    assert out["DIED"].tolist() == [False, True]
    assert out["COMPLETED"].isna().all() and out["LYMPHODEPLETED"].isna().all()


def test_lymphodepletion_exposure_sums_doses_counts_days_and_zero_fills():
    adex = pd.DataFrame({
        "USUBJID": ["S1", "S1", "S1", "S1", "S2"],
        "EXTRT": ["FLUDARABINE"] * 3 + ["CYCLOPHOSPHAMIDE", "ANTI-BAFFR CAR-T"],
        "EXDOSE": [30.0, 30.0, 0.0, 300.0, 0.5],
        "ASTDT": D(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-01", "2025-01-05"]),
    })
    subjects = pd.DataFrame({"USUBJID": ["S1", "S2"]})
    out = compute_lymphodepletion_exposure(adex, subjects, load_config())
    expected = pd.DataFrame({
        "USUBJID": ["S1", "S2", "S1", "S2"],
        "EXTRT": ["FLUDARABINE", "FLUDARABINE", "CYCLOPHOSPHAMIDE", "CYCLOPHOSPHAMIDE"],
        "TOTDOSE": [60.0, 0.0, 300.0, 0.0], "NDAYS": [2, 0, 1, 0],
        "DOSED": [True, False, True, False],
    })
    pd.testing.assert_frame_equal(out, expected)


def test_lymphodepletion_exposure_names_a_missing_variable():
    with pytest.raises(KeyError, match="ADEX has no variable EXDOSE"):
        compute_lymphodepletion_exposure(pd.DataFrame({"USUBJID": [], "EXTRT": [], "ASTDT": []}),
                                         pd.DataFrame({"USUBJID": []}), load_config())


def test_log2_titre_and_its_text():
    adsl = pd.DataFrame({"USUBJID": ["S1", "S2", "S3"], "AQP4BL": [320.0, 1.0, None]})
    out = derive_var_log2_titre(adsl)
    assert out["AQP4BLL2"].iloc[0] == pytest.approx(math.log2(320))
    assert out["AQP4BLL2"].iloc[1] == 0.0 and pd.isna(out["AQP4BLL2"].iloc[2])
    assert titre_text(math.log2(320)) == "1:320"
    assert titre_text(float("nan")) == "-"


def test_log2_titre_rejects_a_titre_below_one_naming_the_participant():
    with pytest.raises(ValueError, match=r"USUBJID \['S9'\]"):
        derive_var_log2_titre(pd.DataFrame({"USUBJID": ["S9"], "AQP4BL": [0.5]}))


def test_prior_immunosuppressants_split_one_row_per_agent_once():
    adsl = pd.DataFrame({"USUBJID": ["S1", "S2", "S3"],
                         "PRIMSUP": ["azathioprine; RITUXIMAB;", "RITUXIMAB; rituximab", None]})
    out = split_prior_immunosuppressants(adsl)
    assert out.values.tolist() == [["S1", "AZATHIOPRINE"], ["S1", "RITUXIMAB"], ["S2", "RITUXIMAB"]]
