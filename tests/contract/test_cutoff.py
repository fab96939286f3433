"""SAP 1 cut-off: the literal study as it stood at an interim date, written out."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data_contract.cutoff import apply_cutoff
from data_contract.validate import validate

from . import factories as f
from .factories import S1, S2, S3

INTERIM = date(2025, 4, 9)
EARLY = date(2025, 3, 15)
NAT = pd.NaT


def _dates(*values):
    return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[ns]")


def test_interim_cut_truncates_follow_up_and_rederives_flags():
    out = apply_cutoff(f.study(), INTERIM)
    adsl = out["ADSL"].set_index("USUBJID")
    # 003 started lymphodepletion (04-07) but was infused after the cut-off (04-11);
    # 002 died after the cut-off: alive and ongoing at the cut-off.
    expected = pd.DataFrame({
        "USUBJID": [S1, S2, S3],
        "LSTALVDT": ["2025-04-09", "2025-04-09", "2025-04-09"],
        "DTHDT": [NAT, NAT, NAT],
        "DTHFL": ["N", "N", "N"],
        "EOSSTT": ["ONGOING", "ONGOING", "ONGOING"],
        "EOSDT": [NAT, NAT, NAT],
        "DCSREAS": [None, None, None],
        "INFDT": ["2025-01-14", "2025-02-14", NAT],
        "INFFL": ["Y", "Y", "N"],
        "SAFFL": ["Y", "Y", "Y"],
        "DLTEVLFL": ["Y", "Y", "N"],
        "TRTEDT": ["2025-01-14", "2025-02-14", "2025-04-09"],
    }).set_index("USUBJID")
    for col in ("LSTALVDT", "DTHDT", "EOSDT", "INFDT", "TRTEDT"):
        expected[col] = pd.to_datetime(expected[col])
    actual = adsl[expected.columns].astype({"DCSREAS": object})
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)


def test_interim_cut_drops_late_records_and_makes_late_ends_ongoing():
    out = apply_cutoff(f.study(), INTERIM)
    ae = out["ADAE"]
    assert list(zip(ae["USUBJID"], ae["AESEQ"], strict=True)) == [
        (S1, 1), (S1, 2), (S1, 3), (S2, 1), (S3, 1)]  # 002's fatal pneumonia (05-20) dropped
    neutropenia = ae.iloc[2]
    assert pd.isna(neutropenia["AENDT"]) and pd.isna(neutropenia["AENDY"])
    assert neutropenia["AEOUT"] == "NOT RECOVERED/NOT RESOLVED"
    nausea = ae.iloc[4]  # 003 not infused by the cut-off: no study day; TEAE (after 04-07)
    assert pd.isna(nausea["ASTDY"]) and nausea["TRTEMFL"] == "Y"
    assert len(out["ADEX"]) == 20  # 003's CAR-T infusion (04-11) dropped
    assert pd.isna(out["ADCM"].loc[1, "AENDT"])  # IVIG to 04-30 ongoing
    assert len(out["ADLB"]) == 4 and pd.isna(out["ADLB"].loc[3, "ADY"])
    assert validate(out, cutoff=INTERIM).ok


def test_participant_enrolled_after_cutoff_is_removed_everywhere():
    out = apply_cutoff(f.study(), EARLY)
    for name, df in out.items():
        assert S3 not in set(df["USUBJID"]), name
    assert list(out["ADRELAP"]["RLSEQ"]) == [1, 1]  # 002's relapse on 04-01 dropped
    assert validate(out, cutoff=EARLY).ok


def test_death_after_cutoff_is_removed_and_fatal_outcome_unknown():
    study = f.study()
    out = apply_cutoff(study, date(2025, 5, 25))  # pneumonia started 05-20, death 06-01
    pneu = out["ADAE"].iloc[4]
    assert pneu["AEOUT"] == "NOT RECOVERED/NOT RESOLVED" and pneu["AESDTH"] == "N"
    s2 = out["ADSL"].iloc[1]
    assert pd.isna(s2["DTHDT"]) and s2["DTHFL"] == "N" and s2["EOSSTT"] == "ONGOING"


def test_dlt_evaluable_needs_the_dlt_window_or_a_dlt():
    # 2025-02-20: 001 infused 01-14 (37 days), 002 infused 02-14 (6 days) with a DLT on 02-16
    out = apply_cutoff(f.study(), date(2025, 2, 20))
    assert list(out["ADSL"]["DLTEVLFL"]) == ["Y", "Y"]
    # 2025-02-15: 002 has neither 28 days nor a DLT yet
    out = apply_cutoff(f.study(), date(2025, 2, 15))
    assert list(out["ADSL"]["DLTEVLFL"]) == ["Y", "N"]


def test_cutting_twice_equals_cutting_once_at_the_earlier_date():
    once = apply_cutoff(f.study(), EARLY)
    twice = apply_cutoff(apply_cutoff(f.study(), INTERIM), EARLY)
    assert once.keys() == twice.keys()
    for name in once:
        pd.testing.assert_frame_equal(once[name], twice[name], obj=name)


def test_apply_cutoff_does_not_modify_its_input():
    study = f.study()
    before = {k: v.copy() for k, v in study.items()}
    apply_cutoff(study, EARLY)
    for name in study:
        pd.testing.assert_frame_equal(study[name], before[name])
