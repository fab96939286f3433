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


def test_importing_the_analysis_package_turns_on_pandas_copy_on_write():
    """Selections share memory until written (the lab displays rely on it at 20,000)."""
    import subprocess
    import sys

    code = "import analysis, pandas; print(pandas.get_option('mode.copy_on_write'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
