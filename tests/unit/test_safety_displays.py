"""ARDs of the safety displays T14.3.1-6 and T14.3.9 on the literal study of
_safety_literals.py, with hand-worked expected values."""

from __future__ import annotations

import math

import pytest
from _safety_literals import CFG, DL, adae, adsl, cell, study

from analysis.data import StudyData
from analysis.displays import build_ard

DL1, DL2, DL3 = DL[1], DL[2], DL[3]
COLS = [DL1, DL2, DL3, "Total"]


def ns(ard, **keys):
    return [cell(ard, c, "n", **keys) for c in COLS]


def bign(ard):
    return [cell(ard, c, "N", variable="BIGN") for c in COLS]


def test_t14_3_1_dlt_incidence_ci_terms_and_decisions():
    a = build_ard("T14.3.1", study(), CFG)
    assert bign(a) == [3, 2, 0, 5]                 # DLT-evaluable: S06 not infused
    assert ns(a, variable="DLT") == [1, 1, 0, 2]   # S02 ICANS d5, S04 sepsis d8; S03 d29 not
    assert cell(a, DL1, "lcl", variable="DLT_CI") == pytest.approx(0.0084, abs=1e-4)
    assert cell(a, DL1, "ucl", variable="DLT_CI") == pytest.approx(0.9057, abs=1e-4)
    assert math.isnan(cell(a, DL3, "pct", variable="DLT"))
    assert a.loc[(a.variable == "DLT") & (a.group1_level == DL3) & (a.stat_name == "n"),
                 "stat_fmt"].item() == "0"
    assert a.loc[a.variable == "AEDECOD", "variable_level"].unique().tolist() == [
        "Immune effector cell-associated neurotoxicity syndrome", "Sepsis"]
    assert [cell(a, c, "text", variable="DECISION") for c in (DL1, DL2, DL3)] == [
        "Expand to 6 (1 of 3 in the escalation cohort with a DLT)",
        "Cohort incomplete (1 of 2 in the escalation cohort with a DLT)", "Not evaluated"]
    assert cell(a, "Total", "text", variable="MTD").startswith("MTD not reached")


def test_t14_3_1_counts_dlts_of_the_escalation_and_the_expansion_cohort_apart():
    sl = adsl()
    sl.loc[sl["USUBJID"] == "S02", "COHORT"] = "EXPANSION"        # S02's ICANS DLT
    a = build_ard("T14.3.1", study(adsl_df=sl), CFG)
    assert [cell(a, DL1, s, variable="DLTESC") for s in ("n", "N")] == [0, 2]
    assert [cell(a, DL1, s, variable="DLTEXP") for s in ("n", "N")] == [1, 1]
    assert ns(a, variable="DLT")[0] == 1                       # the incidence keeps both
    assert cell(a, DL1, "text", variable="DECISION") == \
        "Cohort incomplete (0 of 2 in the escalation cohort with a DLT)"
    from analysis.displays.t14_3_1 import footnotes
    assert any(n.startswith("MTD (maximum tolerated dose) not reached:")
               for n in footnotes(None, CFG))


def test_t14_3_1_without_dlt_flag_raises_naming_it():
    with pytest.raises(KeyError, match="DLTFL"):
        build_ard("T14.3.1", study(adae_df=adae().drop(columns="DLTFL")), CFG)


def test_t14_3_2_overview_by_window():
    a = build_ard("T14.3.2", study(), CFG)
    assert bign(a) == [3, 3, 0, 6]
    w28 = dict(group2_level="Lymphodepletion to Day 28")
    ov = dict(group2_level="Overall")
    assert ns(a, variable="ANY", **w28) == [2, 2, 0, 4]     # S01 d28, S02, S04, S06 d-2
    assert ns(a, variable="ANY", **ov) == [3, 2, 0, 5]      # + S03 d29; headache pre-LD never
    assert ns(a, variable="HIGHGR", **w28) == [1, 1, 0, 2]
    assert ns(a, variable="HIGHGR", **ov) == [3, 1, 0, 4]
    assert ns(a, variable="SERIOUS", **ov) == [1, 1, 0, 2]
    assert ns(a, variable="FATAL", **w28) == [0, 1, 0, 1]
    assert ns(a, variable="DLT", **ov) == [1, 1, 0, 2]
    assert ns(a, variable="ICANS", **w28) == [1, 0, 0, 1]
    assert cell(a, "Total", "pct", variable="ANY", **w28) == pytest.approx(100 * 4 / 6)


def test_t14_3_2_shows_relatedness_to_car_t_and_to_lymphodepletion_separately():
    ae = adae()
    ae["ARELCAR"] = ae["AREL"]
    ae["ARELLD"] = "NOT RELATED"
    ae.loc[ae["AEDECOD"].eq("Neutrophil count decreased"), "ARELLD"] = "RELATED"  # S03
    ae.loc[ae["AEDECOD"].eq("Neutrophil count decreased"), "ARELCAR"] = "NOT RELATED"
    a = build_ard("T14.3.2", study(adae_df=ae), CFG)
    assert "RELATED" not in set(a["variable"])
    ov = dict(group2_level="Overall")
    assert ns(a, variable="RELLD", **ov) == [1, 0, 0, 1]          # S03 only
    assert ns(a, variable="RELCAR", **ov) == [2, 2, 0, 4]         # AREL's 5 without S03
    car = a.loc[a.variable == "RELCAR", "stat_label"].iloc[0]
    assert car == "TEAE related to the CAR-T product"


def test_t14_3_2_standard_adam_without_extension_flags_or_grade():
    ae = adae().drop(columns=["DLTFL", "CRSFL", "ICANSFL", "TOCIFL", "CORTFL", "AETOXGR"])
    ae["AESEV"] = ["MILD", "MILD", "SEVERE", "MODERATE", "SEVERE", "SEVERE", "SEVERE",
                   "SEVERE", "MILD"]
    a = build_ard("T14.3.2", study(adae_df=ae), CFG)
    assert set(a["variable"]) == {"BIGN", "ANY", "HIGHGR", "SERIOUS", "RELATED", "FATAL"}
    assert a.loc[a.variable == "HIGHGR", "stat_label"].iloc[0] == "Severe TEAE"
    assert ns(a, variable="HIGHGR", group2_level="Overall") == [3, 1, 0, 4]


def test_no_events_at_all_gives_zero_counts_with_every_column():
    empty = adae().iloc[0:0]
    for did in ("T14.3.2", "T14.3.3", "T14.3.4", "T14.3.6", "T14.3.9"):
        a = build_ard(did, study(adae_df=empty), CFG)
        assert set(a["group1_level"]) == set(COLS), did
        ae_rows = (a.stat_name == "n") & ~a.variable.isin(["DEATH", "DEATH28"])  # ADSL deaths
        assert (a.loc[ae_rows, "stat"] == 0).all(), did
    a = build_ard("T14.3.2", study(adae_df=empty), CFG)
    assert ns(a, variable="ANY", group2_level="Lymphodepletion to Day 28") == [0, 0, 0, 0]


def test_t14_3_3_soc_pt_day_0_28_sorted_by_frequency():
    a = build_ard("T14.3.3", study(), CFG)
    assert ns(a, variable="ANY") == [2, 2, 0, 4]
    socs = a.loc[a.variable == "AEBODSYS", "variable_level"].unique().tolist()
    # Immune system 2; then ties at 1 alphabetically; pneumonia (d29) and headache (pre-LD) out
    assert socs == ["Immune system disorders", "Gastrointestinal disorders",
                    "General disorders and administration site conditions",
                    "Infections and infestations", "Nervous system disorders"]
    assert ns(a, variable="AEDECOD", variable_level="Cytokine release syndrome",
              group2_level="Immune system disorders") == [1, 1, 0, 2]
    assert a.loc[a.group2_level == "Infections and infestations", "variable_level"].unique().tolist() \
        == ["Infections and infestations", "Sepsis"]


def test_t14_3_4_max_grade_overall():
    a = build_ard("T14.3.4", study(), CFG)
    k = dict(group2_level="Infections and infestations", variable="Any PT")
    assert ns(a, variable_level="Any", **k) == [1, 1, 0, 2]
    assert ns(a, variable_level="Grade 3", **k) == [1, 0, 0, 1]
    assert ns(a, variable_level="Grade 5", **k) == [0, 1, 0, 1]
    t = dict(group2_level="Any TEAE", variable="Any TEAE")
    # max grade per participant: S01 3, S02 3, S03 4, S04 5, S06 1
    assert [cell(a, "Total", "n", variable_level=g, **t) for g in
            ("Any", "Grade 1", "Grade 2", "Grade 3", "Grade 4", "Grade 5")] == [5, 1, 0, 2, 1, 1]


def test_t14_3_4_severity_grades_when_no_toxicity_grade():
    ae = adae().drop(columns="AETOXGR").assign(AESEV="MODERATE")
    a = build_ard("T14.3.4", study(adae_df=ae), CFG)
    assert a.loc[a.variable == "Any TEAE", "variable_level"].unique().tolist() == [
        "Any", "Mild", "Moderate", "Severe"]
    assert cell(a, "Total", "n", variable="Any TEAE", variable_level="Moderate") == 5


def test_t14_3_5_crs_icans_on_infused_set():
    a = build_ard("T14.3.5", study(), CFG)
    assert bign(a) == [3, 2, 0, 5]
    crs = dict(group2_level="CRS")
    assert ns(a, variable="MAXGR", variable_level="Grade 2", **crs) == [1, 0, 0, 1]
    assert ns(a, variable="MAXGR", variable_level="Grade 3", **crs) == [0, 1, 0, 1]
    assert cell(a, "Total", "median", variable="ONSETDY", **crs) == 1.5
    assert cell(a, "Total", "median", variable="DURDY", **crs) == 4.0
    assert ns(a, variable="TOCI", **crs) == [1, 1, 0, 2]
    icans = dict(group2_level="ICANS")
    assert ns(a, variable="ONGOING", **icans) == [1, 0, 0, 1]
    assert cell(a, "Total", "n", variable="DURDY", **icans) == 0   # ongoing: not computed


def test_t14_3_5_without_icans_flag_raises_naming_it():
    with pytest.raises(KeyError, match="ICANSFL"):
        build_ard("T14.3.5", study(adae_df=adae().drop(columns="ICANSFL")), CFG)


def test_t14_3_6_serious_and_death_on_day_10():
    a = build_ard("T14.3.6", study(), CFG)
    assert ns(a, variable="ANY", group2_level="Serious TEAEs") == [1, 1, 0, 2]
    d = dict(group2_level="Deaths")
    assert ns(a, variable="DEATH", **d) == [0, 1, 0, 1]
    assert ns(a, variable="DEATH28", **d) == [0, 1, 0, 1]
    assert ns(a, variable="FATAL", **d) == [0, 1, 0, 1]
    assert ns(a, variable="AEDECOD", variable_level="Sepsis", **d) == [0, 1, 0, 1]


def test_t14_3_9_infections_by_max_grade():
    a = build_ard("T14.3.9", study(), CFG)
    assert ns(a, variable="Any infection", variable_level="Any") == [1, 1, 0, 2]
    assert ns(a, variable="Pneumonia", variable_level="Grade 3") == [1, 0, 0, 1]
    assert ns(a, variable="Sepsis", variable_level="Grade 5") == [0, 1, 0, 1]


def test_group_var_parameter_changes_the_columns():
    sl = adsl().assign(SEX=["F", "M", "F", "F", "M", "F"])
    a = build_ard("T14.3.2", StudyData({"ADSL": sl, "ADAE": adae()}), CFG, group_var="SEX")
    assert a.loc[a.variable == "BIGN", "group1_level"].tolist() == ["F", "M", "Total"]
    assert cell(a, "F", "n", variable="ANY", group2_level="Overall") == 4   # S01, S03, S04, S06


def test_the_primary_ae_window_is_labelled_from_lymphodepletion_not_day_0():
    from analysis.displays.t14_3_2 import footnotes

    a = build_ard("T14.3.2", study(), CFG)
    windows = list(dict.fromkeys(a.loc[a.variable != "BIGN", "group2_level"]))
    assert windows == ["Lymphodepletion to Day 28", "Overall"]
    notes = " ".join(footnotes(None, CFG))
    assert "Day 0-28:" not in notes    # the DLT window (Day 0-28) keeps its own label
    assert "Lymphodepletion to Day 28: onset from the start of lymphodepletion" in notes
