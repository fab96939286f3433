"""ARDs of the chapter 10 displays (T14.1.1-T14.1.5) and listings on literal data."""

import pandas as pd
import pytest

from analysis.config import load_config
from analysis.data import StudyData
from analysis.displays import build_ard
from analysis.style.tables import layout

D = pd.to_datetime
DL1, DL2, DL3 = (lv.label for lv in load_config().dose_levels)

# Four enrolled: three at DL1 (S3 not infused, weight missing), one at DL2 not treated;
# nobody at DL3 (a dose level with zero participants).
ADSL = pd.DataFrame({
    "STUDYID": "NCT06561009", "USUBJID": ["S1", "S2", "S3", "S4"], "SUBJID": ["1", "2", "3", "4"],
    "AGE": pd.array([30, 40, 50, 45], "Int64"), "SEX": ["F", "F", "M", "F"],
    "RACE": ["ASIAN"] * 4, "ETHNIC": ["NOT HISPANIC OR LATINO"] * 4,
    "TRT01A": [DL1, DL1, DL1, DL2], "TRT01AN": pd.array([1, 1, 1, 2], "Int64"),
    "ENRLFL": "Y", "SAFFL": ["Y", "Y", "Y", "N"], "INFFL": ["Y", "Y", "N", "N"],
    "DLTEVLFL": ["Y", "N", "N", "N"],
    "EOSSTT": ["COMPLETED", "DISCONTINUED", "DISCONTINUED", "ONGOING"],
    "DCSREAS": ["", "DEATH", None, ""], "DTHFL": ["N", "Y", "N", "N"],
    "WEIGHTBL": [60.0, 70.5, None, 80.0],
    "DOSEKG": [0.5, 0.5, None, None], "DOSETOT": [30.0, 35.25, None, None],
    "DISDURY": [2.5, 3.0, None, 4.1], "NPRIMSUP": pd.array([2, 1, 0, 1], "Int64"),
    "PRIMSUP": ["AZATHIOPRINE; RITUXIMAB", "RITUXIMAB", None, "MMF"],
    "AQP4BL": [256.0, 1024.0, None, 100.0],
    "LDSTDT": D(["2025-01-01", "2025-02-01", "2025-03-01", None]),
    "INFDT": D(["2025-01-05", "2025-02-05", None, None]),
})
ADEX = pd.DataFrame({
    "USUBJID": ["S1", "S1", "S1", "S2"], "EXSEQ": pd.array([1, 2, 3, 1], "Int64"),
    "EXTRT": ["FLUDARABINE", "FLUDARABINE", "ANTI-BAFFR CAR-T", "CYCLOPHOSPHAMIDE"],
    "EXDOSE": [30.0, 30.0, 0.5, 300.0], "EXDOSU": ["mg/m2", "mg/m2", "10^6 cells/kg", "mg/m2"],
    "ASTDT": D(["2025-01-02", "2025-01-01", "2025-01-05", "2025-02-01"]),
})
DATA = StudyData({"ADSL": ADSL, "ADEX": ADEX})


def _get(ard, **f):
    m = pd.Series(True, index=ard.index)
    for k, v in f.items():
        m &= ard[k] == v
    assert m.sum() == 1, f
    return ard.loc[m].iloc[0]


def test_t14_1_1_counts_disposition_of_the_enrolled_with_reasons():
    a = build_ard("T14.1.1", DATA)
    assert _get(a, variable="BIGN", group1_level=DL3)["stat"] == 0
    assert _get(a, variable="INFUSED", group1_level=DL1, stat_name="n")["stat_fmt"] == "2"
    assert _get(a, variable="INFUSED", group1_level="Total", stat_name="pct")["stat_fmt"] == "50.0"
    assert _get(a, variable="DCSREAS", variable_level="Not recorded", group1_level="Total",
                stat_name="n")["stat"] == 1
    assert _get(a, variable="DIED", group1_level=DL3, stat_name="n")["stat"] == 0
    assert list(dict.fromkeys(a["variable"])) == [
        "BIGN", "ENROLLED", "LYMPHODEPLETED", "INFUSED", "COMPLETED", "DISCONTINUED", "DCSREAS",
        "ONGOING", "DIED"]


def test_t14_1_2_counts_each_analysis_set_against_the_enrolled():
    a = build_ard("T14.1.2", DATA)
    wide = layout(a)
    assert wide[["label", DL1, DL2, DL3, "Total"]].values.tolist() == [
        ["Enrolled (ENR)", "3 (100.0%)", "1 (100.0%)", "0", "4 (100.0%)"],
        ["Safety (SAF)", "3 (100.0%)", "0", "0", "3 (75.0%)"],
        ["Infused (INF)", "2 (66.7%)", "0", "0", "2 (50.0%)"],
        ["DLT-evaluable (DLT)", "1 (33.3%)", "0", "0", "1 (25.0%)"],
    ]


def test_t14_1_3_summarises_the_safety_set_with_missing_weight_left_out():
    a = build_ard("T14.1.3", DATA)
    assert _get(a, variable="BIGN", group1_level="Total")["stat"] == 3  # S4 not in SAF
    assert _get(a, variable="WEIGHTBL", group1_level=DL1, stat_name="n")["stat"] == 2
    assert _get(a, variable="WEIGHTBL", group1_level=DL1, stat_name="mean")["stat_fmt"] == "65.25"
    assert _get(a, variable="AGE", group1_level=DL1, stat_name="median")["stat_fmt"] == "40.0"
    assert _get(a, variable="AGE", group1_level=DL3, stat_name="n")["stat"] == 0
    assert _get(a, variable="SEX", variable_level="F", group1_level="Total",
                stat_name="pct")["stat_fmt"] == "66.7"


def test_t14_1_4_gives_log2_titre_median_titre_and_prior_agents():
    a = build_ard("T14.1.4", DATA)
    # SAF: S1 (256 -> 8), S2 (1024 -> 10), S3 missing
    assert _get(a, variable="AQP4BLL2", group1_level=DL1, stat_name="mean")["stat"] == 9.0
    assert _get(a, variable="AQP4BL", group1_level=DL1, stat_name="text")["stat_fmt"] == "1:512"
    assert _get(a, variable="PRIMSUP", variable_level="RITUXIMAB", group1_level=DL1,
                stat_name="n")["stat"] == 2
    assert "MMF" not in set(a["variable_level"])  # S4 is not in the Safety set


def test_t14_1_5_sums_lymphodepletion_and_summarises_car_t_dose():
    a = build_ard("T14.1.5", DATA)
    flu = dict(group2_level="FLUDARABINE", group1_level=DL1)
    assert _get(a, variable="DOSED", stat_name="n", **flu)["stat"] == 1
    assert _get(a, variable="TOTDOSE", stat_name="max", **flu)["stat"] == 60.0
    assert _get(a, variable="TOTDOSE", stat_name="min", **flu)["stat"] == 0.0
    assert _get(a, variable="NDAYS", stat_name="max", **flu)["stat"] == 2
    car = dict(group2_level="ANTI-BAFFR CAR-T", group1_level="Total")
    assert _get(a, variable="INFUSED", stat_name="n", **car)["stat"] == 2
    assert _get(a, variable="DOSETOT", stat_name="mean", **car)["stat"] == pytest.approx(32.625)


def test_listings_are_sorted_with_iso_dates_and_study_days():
    from analysis.displays import l16_2_5
    lst = l16_2_5.listing(DATA, load_config())
    assert lst["Participant"].tolist() == ["S1", "S1", "S1", "S2"]
    assert lst["Study day"].tolist() == [-4, -3, 0, -4]
    a = build_ard("L16.2.5", DATA)
    assert _get(a, variable="Date", variable_level="S1/1")["stat_fmt"] == "2025-01-01"
    a = build_ard("L16.2.4", DATA)
    assert _get(a, variable="Baseline AQP4-IgG titre", variable_level="S1/1")["stat_fmt"] == "1:256"
    assert len(build_ard("L16.2.1", DATA)["variable_level"].unique()) == 4


def test_a_standard_adsl_of_another_study_gives_the_rows_it_can():
    std = ADSL[["STUDYID", "USUBJID", "SUBJID", "AGE", "SEX", "RACE", "TRT01A", "SAFFL"]].assign(
        TRT01A=["A", "A", "B", "B"])
    data = StudyData({"ADSL": std})
    a = build_ard("T14.1.3", data)
    assert set(a["variable"]) == {"BIGN", "AGE", "SEX", "RACE"}
    assert list(dict.fromkeys(a["group1_level"])) == ["A", "B", "Total"]
    assert set(build_ard("T14.1.2", data)["variable"]) == {"BIGN", "ENR", "SAF"}
    assert set(build_ard("T14.1.1", data)["variable"]) == {"BIGN", "ENROLLED", "LYMPHODEPLETED"}
    with pytest.raises(KeyError, match="ADSL has none of the variables of T14.1.4"):
        build_ard("T14.1.4", data)
    with pytest.raises(KeyError, match="ADEX"):
        build_ard("T14.1.5", data)
