"""Analysis sets and a display's population (SAP 2), on literal ADSL rows."""

from __future__ import annotations

import pandas as pd
from _biomarker_literals import DL1, DL2, DL3, adsl

from analysis import sets
from analysis.config import load_config
from analysis.data import StudyData

ADLB = pd.DataFrame({
    "USUBJID": ["A", "X", "B", "A", "C", "B"],
    "PARAMCD": ["IGG", "IGG", "CD19ABS", "CD19ABS", "IGG", "IGG"],
    "AVAL": [900.0, 1.0, 5.0, 4.0, 300.0, 700.0],
    "ADY": [1, 1, 2, 3, 4, 5],
}, index=[10, 11, 12, 13, 14, 15])


def _population(**flags) -> sets.Population:
    frame = adsl().assign(**flags)
    return sets.population(StudyData({"ADSL": frame}), load_config(), "T14.3.8")


def test_records_keep_the_sets_participants_the_parameters_and_the_columns_asked():
    pop = _population(SAFFL=["Y", "N", "Y"])  # B is not in the Safety set; X not in ADSL
    got = pop.records(ADLB, params=["IGG"], columns=["USUBJID", "AVAL"])
    expected = pd.DataFrame({"USUBJID": ["A", "C"], "AVAL": [900.0, 300.0]}, index=[10, 14])
    pd.testing.assert_frame_equal(got, expected)


def test_records_without_parameters_or_columns_keep_all_of_them_in_input_order():
    pop = _population()
    got = pop.records(ADLB)
    pd.testing.assert_frame_equal(got, ADLB.drop(index=11))
    assert pop.bign == {DL1: 2, DL2: 1, DL3: 0, "Total": 3}


def test_the_entry_points_configure_call_turns_on_pandas_copy_on_write():
    """Selections share memory until written (the lab displays rely on it at 20,000):
    :func:`analysis.runtime.configure`, which every entry point calls, turns it on;
    importing the package alone does not (tests/unit/test_import_state.py)."""
    import subprocess
    import sys

    code = ("import analysis, pandas; before = pandas.get_option('mode.copy_on_write'); "
            "from analysis import runtime; runtime.configure(); "
            "print(before, pandas.get_option('mode.copy_on_write'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False True"


# ---- another study's standard ADaM ADSL (issue 11, part 4) ------------------------------

STANDARD = pd.DataFrame({
    "USUBJID": ["P1", "P2", "H1", "SF1"],
    "TRT01A": ["Placebo", "Placebo", "Drug High", "Screen Failure"],
    "SAFFL": ["Y", "N", "Y", "N"],
    "ARMNRS": [None, None, None, "SCREEN FAILURE"],
})


def test_enrolled_without_enrlfl_is_who_was_assigned_to_an_arm_or_randomised():
    assert list(sets.analysis_set(STANDARD, "ENR")["USUBJID"]) == ["P1", "P2", "H1"]
    randomised = STANDARD.drop(columns="ARMNRS").assign(RANDFL=["Y", "Y", "N", "N"])
    assert list(sets.analysis_set(randomised, "ENR")["USUBJID"]) == ["P1", "P2"]
    assert len(sets.analysis_set(STANDARD.drop(columns="ARMNRS"), "ENR")) == 4


def test_columns_are_the_arms_of_enrolled_participants_so_screen_failures_are_no_column():
    pop = sets.population(StudyData({"ADSL": STANDARD}), load_config(), "T14.3.2")
    assert pop.cols == ["Drug High", "Placebo", "Total"]
    assert pop.bign == {"Drug High": 1, "Placebo": 1, "Total": 2}


def test_without_this_studys_set_flags_a_display_uses_the_enclosing_set_and_says_why():
    assert sets.display_set(STANDARD, "INF") == (
        "SAF", "ADSL has no INFFL: the Infused set cannot be formed")
    assert sets.display_set(STANDARD, "DLT") == (
        "SAF", "ADSL has no DLTEVLFL or INFFL: the DLT-evaluable set and the Infused set "
        "cannot be formed")
    assert sets.display_set(STANDARD.assign(INFFL="Y"), "INF") == ("INF", None)
    assert sets.display_set(STANDARD, "SAF") == ("SAF", None)
    pop = sets.population(StudyData({"ADSL": STANDARD}), load_config(), "T14.2.8")
    assert list(pop.adsl["USUBJID"]) == ["P1", "H1"]


def test_the_group_a_dataset_carries_itself_is_replaced_by_adsls():
    """Another study's ADCM copies TRT01A from ADSL: the display's column is ADSL's (the
    merge used to leave TRT01A_x and TRT01A_y, and T14.1.7 failed with "not in index")."""
    pop = _population()
    cm = pd.DataFrame({"USUBJID": ["A", "C"], "TRT01A": ["as copied", "as copied"],
                       "CMDECOD": ["PARACETAMOL", "IBUPROFEN"]})
    got = pop.with_group(cm, how="inner")
    assert list(got.columns) == ["USUBJID", "CMDECOD", "TRT01A"]
    adsl_groups = dict(zip(pop.groups["USUBJID"], pop.groups["TRT01A"], strict=True))
    assert dict(zip(got["USUBJID"], got["TRT01A"], strict=True)) == {
        u: adsl_groups[u] for u in ("A", "C")}
