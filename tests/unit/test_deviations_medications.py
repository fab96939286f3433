"""T14.1.6, T14.1.7 and the listings of issue 15 on literal data (SAP 2, 3 and 5)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from test_participants_displays import ADSL, DL1, DL2

from analysis.config import load_config
from analysis.data import StudyData
from analysis.derive.cytopenia import ctcae_grade, ctcae_grades
from analysis.displays import build_ard, spec
from analysis.formats import fmt_computed, recorded_values
from analysis.notebook import Chapter

D = pd.to_datetime
ADDV = pd.DataFrame({
    "USUBJID": ["S1", "S1", "S2", "S4", "S9"], "DVSEQ": pd.array([1, 2, 1, 1, 1], "Int64"),
    "DVCAT": ["ELIGIBILITY", "ELIGIBILITY", "VISIT SCHEDULE", "ELIGIBILITY", "ELIGIBILITY"],
    "DVTERM": ["Criterion 3 not met", "Criterion 3 not met", "Visit not done: Day 7",
               "Lab out of window", "Criterion 3 not met"],
    "ASTDT": D(["2024-12-20", "2024-12-21", "2025-02-12", "2025-03-01", "2025-01-01"]),
    "ASTDY": pd.array([-16, -15, 7, None, None], "Int64"),
    "DVIMPFL": ["Y", "Y", "N", "N", "Y"],
})
# S1: azathioprine stopped before lymphodepletion (prior), prednisone tapered through it
# (both), aciclovir from it (concomitant); S2: aciclovir; S3 (Safety, not infused): none.
ADCM = pd.DataFrame({
    "USUBJID": ["S1", "S1", "S1", "S2", "S1"],
    "CMDECOD": ["AZATHIOPRINE", "PREDNISONE", "ACICLOVIR", "ACICLOVIR", "AZATHIOPRINE"],
    "CMCAT": ["IMMUNOSUPPRESSANT", "IMMUNOSUPPRESSANT", "PROPHYLAXIS", "PROPHYLAXIS",
              "IMMUNOSUPPRESSANT"],
    "CMCLAS": ["IMMUNOSUPPRESSANTS", "CORTICOSTEROIDS FOR SYSTEMIC USE",
               "ANTIVIRALS FOR SYSTEMIC USE", "ANTIVIRALS FOR SYSTEMIC USE",
               "IMMUNOSUPPRESSANTS"],
    "ASTDT": D(["2023-01-01", "2024-01-01", "2025-01-01", "2025-02-01", "2022-01-01"]),
    "AENDT": D(["2024-11-01", "2025-01-20", "2025-06-01", "2025-06-01", "2022-06-01"]),
    "PREFL": ["Y", "Y", "N", "N", "Y"], "ONTRTFL": ["N", "Y", "Y", "Y", "N"],
})
DATA = StudyData({"ADSL": ADSL, "ADDV": ADDV, "ADCM": ADCM})


def _n(ard, **f) -> int:
    m = pd.Series(True, index=ard.index)
    for k, v in {"stat_name": "n", **f}.items():
        m &= ard[k] == v
    assert m.sum() == 1, f
    return int(ard.loc[m, "stat"].iloc[0])


def test_t14_1_6_counts_enrolled_participants_once_per_row_and_only_important_by_category():
    a = build_ard("T14.1.6", DATA)
    assert _n(a, variable="ANYDV", group1_level="Total") == 3   # S1, S2, S4 (S9 not enrolled)
    assert _n(a, variable="ANY", group1_level="Total") == 1     # S1, with two records
    assert _n(a, variable="DVCAT", group2_level="ELIGIBILITY", group1_level=DL1) == 1
    assert _n(a, variable="DVTERM", variable_level="Criterion 3 not met",
              group1_level="Total") == 1
    assert "VISIT SCHEDULE" not in set(a["group2_level"])   # no important deviation of it
    assert "Lab out of window" not in set(a["variable_level"])


def test_t14_1_7_counts_a_course_spanning_lymphodepletion_in_both_blocks():
    a = build_ard("T14.1.7", DATA)
    assert _n(a, variable="ANYPRE", group1_level="Total") == 1
    assert _n(a, variable="ANYONTRT", group1_level="Total") == 2
    steroid = dict(group2_level="CORTICOSTEROIDS FOR SYSTEMIC USE", variable_level="PREDNISONE",
                   group1_level="Total")
    assert _n(a, variable="PREFL", **steroid) == 1 and _n(a, variable="ONTRTFL", **steroid) == 1
    # two azathioprine courses of one participant: counted once
    assert _n(a, variable="PREFL", group2_level="IMMUNOSUPPRESSANTS",
              variable_level="AZATHIOPRINE", group1_level=DL1) == 1
    assert _n(a, variable="ONTRTFL", group2_level="ANTIVIRALS FOR SYSTEMIC USE",
              variable_level="", group1_level=DL1) == 2
    assert _n(a, variable="BIGN", stat_name="N", group1_level=DL2) == 0  # S4 not in Safety


def test_l16_2_3_gives_each_exclusion_its_reason_from_the_flags_and_dates():
    got = spec("L16.2.3").listing(DATA, load_config())
    rows = set(map(tuple, got[["Participant", "Analysis set", "Reason"]].to_numpy()))
    window = ("Infused, but neither followed for the 28-day DLT window nor with a DLT by the "
              "data cut-off")
    assert rows == {
        ("S2", "DLT-evaluable", window),
        ("S3", "Infused", "Had not received the CAR-T infusion by the data cut-off"),
        ("S3", "DLT-evaluable", "Had not received the CAR-T infusion by the data cut-off"),
        ("S4", "Safety", "Had not started lymphodepletion by the data cut-off"),
        ("S4", "Infused", "Had not started lymphodepletion by the data cut-off"),
        ("S4", "DLT-evaluable", "Had not started lymphodepletion by the data cut-off"),
    }


def test_l16_2_2_lists_every_deviation_of_the_enrolled_in_date_order():
    got = spec("L16.2.2").listing(DATA, load_config())
    assert list(got["Participant"]) == ["S1", "S1", "S2", "S4"]
    assert list(got["Important"]) == ["Y", "Y", "N", "N"]


@pytest.mark.parametrize("missing,display", [("ADDV", "T14.1.6"), ("ADDV", "L16.2.2"),
                                              ("ADCM", "T14.1.7")])
def test_a_snapshot_without_the_dataset_says_the_display_is_not_available(
        tmp_path, monkeypatch, missing, display):
    out = []
    monkeypatch.setattr("analysis.notebook.display", out.append)
    data = StudyData({k: v for k, v in DATA.datasets.items() if k != missing},
                     cutoff=date(2026, 3, 1), snapshot_id="lit")
    Chapter("lit", outputs_dir=tmp_path, data=data).show(display)
    assert len(out) == 1 and out[0].data.endswith(f"this snapshot \\(lit\\) holds no {missing}.")


def test_vectorised_ctcae_grades_equal_the_scalar_rule():
    rng = np.random.default_rng(1)
    codes = np.asarray(["ANC", "PLAT", "HGB", "LYMPH"] * 250, dtype=object)
    values = pd.Series(rng.uniform(0, 4000, 1000)).mask(rng.random(1000) < 0.05)
    lln = pd.Series(rng.uniform(0, 3000, 1000)).mask(rng.random(1000) < 0.1)
    want = [ctcae_grade(p, v, lo) for p, v, lo in zip(codes, values, lln, strict=True)]
    np.testing.assert_array_equal(ctcae_grades(pd.Series(codes), values, lln), want)
    with pytest.raises(KeyError, match="PARAMCD=IGG"):
        ctcae_grades(pd.Series(["IGG"]), pd.Series([1.0]), pd.Series([1.0]))


def test_recorded_values_keep_each_parameters_decimals_and_computed_midpoints_round_up():
    got = recorded_values(pd.Series([3800.0, 10.4, 9.0, None]),
                          pd.Series(["ANC", "HGB", "HGB", "ANC"]))
    assert list(got) == ["3800", "10.4", "9.0", ""]
    assert fmt_computed(1142.2704999999998, 3) == "1142.271"
