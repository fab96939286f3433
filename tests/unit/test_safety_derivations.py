"""TEAE windows, DLTs and the 3+3 decision, CRS/ICANS summaries, AE grades
(SAP 3), on hand-worked literal tables (see _safety_literals.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from _safety_literals import CFG, adae, adsl

from analysis.derive.adverse_events import is_fatal, max_grade, resolve_grade_var, sort_by_frequency
from analysis.derive.crs_icans import summarise_participants, syndrome_events
from analysis.derive.dlt import (
    decide_3plus3,
    derive_var_dltfl,
    dlt_events,
    level_counts,
    mtd_statement,
)
from analysis.derive.teae import derive_var_teae


def flagged():
    return derive_var_teae(adae(), adsl(), CFG)


def by_key(df, cols):
    return {(r.USUBJID, int(r.AESEQ)): tuple(getattr(r, c) for c in cols)
            for r in df.itertuples()}


def test_teae_onset_day_and_windows_on_hand_worked_events():
    got = by_key(flagged(), ["ONSETDY", "TEAEFL", "PRIMWFL", "OVERWFL"])
    assert got == {
        ("S01", 1): (-6, "N", "N", "N"),   # before lymphodepletion: not a TEAE
        ("S01", 2): (28, "Y", "Y", "Y"),   # Day 28: inside the primary window
        ("S01", 3): (29, "Y", "N", "Y"),   # Day 29: overall only
        ("S02", 1): (1, "Y", "Y", "Y"),
        ("S02", 2): (5, "Y", "Y", "Y"),
        ("S03", 1): (29, "Y", "N", "Y"),
        ("S04", 1): (2, "Y", "Y", "Y"),
        ("S04", 2): (8, "Y", "Y", "Y"),
        ("S06", 1): (-2, "Y", "Y", "Y"),   # never infused: planned Day 0 = LD start + 4
    }


def test_teae_overall_window_stops_at_the_cutoff_date():
    got = by_key(derive_var_teae(adae(), adsl(), CFG, cutoff=pd.Timestamp("2024-02-05").date()),
                 ["OVERWFL", "PRIMWFL"])
    assert got[("S01", 3)] == ("Y", "N")      # 2024-02-03 on/before cut-off
    assert got[("S02", 1)] == ("N", "N")      # 2024-02-06 after cut-off


def test_teae_beyond_month_12_is_outside_the_overall_window():
    ae = adae().iloc[[1]].assign(ASTDT=pd.Timestamp("2024-01-05") + pd.Timedelta(days=366))
    got = derive_var_teae(ae, adsl(), CFG)
    assert (got["ONSETDY"].iloc[0], got["TEAEFL"].iloc[0], got["OVERWFL"].iloc[0]) == (366, "Y", "N")


def test_teae_of_unknown_participant_names_the_usubjid():
    with pytest.raises(ValueError, match="S99"):
        derive_var_teae(adae().assign(USUBJID="S99"), adsl(), CFG)


def test_dlt_flag_on_day_29_is_not_counted():
    ev = dlt_events(flagged(), CFG)
    assert sorted(zip(ev["USUBJID"], ev["AESEQ"], strict=True)) == [("S02", 2), ("S04", 2)]
    sl = derive_var_dltfl(adsl(), dlt_events(flagged(), CFG))
    assert list(sl["DLTSUBFL"]) == ["N", "Y", "N", "Y", "N", "N"]


def test_dlt_events_without_the_investigator_flag_raise_naming_dltfl():
    with pytest.raises(KeyError, match="DLTFL"):
        dlt_events(flagged().drop(columns="DLTFL"), CFG)


@pytest.mark.parametrize(("n", "N", "expected"), [
    (0, 3, "Escalate (0 of 3 in the escalation cohort with a DLT)"),
    (1, 3, "Expand to 6 (1 of 3 in the escalation cohort with a DLT)"),
    (1, 6, "Escalate (1 of 6 in the escalation cohort with a DLT)"),
    (2, 3, "Stop: ≥2 DLTs (2 of 3 in the escalation cohort with a DLT)"),
    (2, 6, "Stop: ≥2 DLTs (2 of 6 in the escalation cohort with a DLT)"),
    (2, 4, "Stop: ≥2 DLTs (2 of 4 in the escalation cohort with a DLT)"),
    (0, 0, "Not evaluated"),
    (0, 2, "Cohort incomplete (0 of 2 in the escalation cohort with a DLT)"),
    (1, 4, "Expand to 6 (1 of 4 in the escalation cohort with a DLT)"),
])
def test_3plus3_decision(n, N, expected):
    assert decide_3plus3(n, N, CFG) == expected


def test_mtd_is_the_level_below_the_stopped_level_with_six_evaluable():
    counts = pd.DataFrame({"level": ["DL1", "DL2", "DL3"], "n": [0, 1, 2], "N": [3, 6, 3]})
    assert mtd_statement(counts, CFG) == "MTD: DL2 (1/6 with DLT)"


def test_mtd_not_reached_when_no_level_stops():
    counts = pd.DataFrame({"level": ["DL1", "DL2", "DL3"], "n": [0, 0, 1], "N": [3, 3, 6]})
    assert mtd_statement(counts, CFG) == (
        "MTD not reached: no dose level had ≥2 participants with a DLT in its escalation "
        "cohort, up to the highest level evaluated, DL3 (1 of 6 in the escalation cohort "
        "with a DLT)")


def test_mtd_not_established_when_first_level_stops():
    counts = pd.DataFrame({"level": ["DL1", "DL2"], "n": [2, 0], "N": [3, 0]})
    assert mtd_statement(counts, CFG).startswith("MTD not established: DL1 exceeded the limit (2/3)")


def test_level_counts_exclude_expansion_cohort():
    sl = derive_var_dltfl(adsl(), dlt_events(flagged(), CFG))
    sl.loc[sl["USUBJID"] == "S03", "COHORT"] = "EXPANSION"
    got = level_counts(sl.loc[sl["DLTEVLFL"] == "Y"], "TRT01A", list(CFG.dose_labels.values()))
    assert list(zip(got["n"], got["N"], strict=True)) == [(1, 2), (1, 2), (0, 0)]


def test_crs_onset_duration_and_management_per_participant():
    per = summarise_participants(syndrome_events(flagged(), "CRS")).set_index("USUBJID")
    assert per.loc["S02", ["MAXGR", "ONSETDY", "DURDY", "ONGOING", "TOCI", "CORT"]].tolist() == \
        [2.0, 1.0, 4.0, "N", "Y", "N"]
    assert per.loc["S04", ["MAXGR", "ONSETDY", "DURDY", "ONGOING", "TOCI", "CORT"]].tolist() == \
        [3.0, 2.0, 4.0, "N", "Y", "Y"]


def test_icans_ongoing_at_cutoff_has_no_duration():
    per = summarise_participants(syndrome_events(flagged(), "ICANS"))
    assert per["USUBJID"].tolist() == ["S02"]
    assert per["ONGOING"].iloc[0] == "Y" and math.isnan(per["DURDY"].iloc[0])


def test_crs_duration_spans_first_onset_to_last_resolution():
    ev = pd.DataFrame({"USUBJID": ["A", "A"], "ASTDT": pd.to_datetime(["2024-01-02", "2024-01-10"]),
                       "AENDT": pd.to_datetime(["2024-01-04", "2024-01-11"]), "AETOXGR": [1, 2],
                       "ONSETDY": [1, 9], "TOCIFL": ["N", "N"], "CORTFL": ["N", "Y"]})
    per = summarise_participants(ev)
    assert per.iloc[0][["MAXGR", "ONSETDY", "DURDY", "CORT"]].tolist() == [2.0, 1.0, 10.0, "Y"]


def test_missing_crs_flag_raises_naming_it():
    with pytest.raises(KeyError, match="CRSFL"):
        syndrome_events(flagged().drop(columns="CRSFL"), "CRS")


def test_grade_variable_falls_back_to_severity_without_toxicity_grade():
    ae = adae().drop(columns="AETOXGR").assign(AESEV="MILD")
    assert resolve_grade_var(ae) == "AESEV"
    assert resolve_grade_var(adae()) == "AETOXGR"
    with pytest.raises(KeyError, match="AETOXGR"):
        resolve_grade_var(ae.drop(columns="AESEV"))


def test_max_grade_per_participant_and_soc():
    mg = max_grade(adae(), ["AEBODSYS"], "AETOXGR")
    got = {(r.USUBJID, r.AEBODSYS): r.MAXGRC for r in mg.itertuples()}
    assert got[("S01", "Nervous system disorders")] == "Grade 1"
    assert got[("S04", "Infections and infestations")] == "Grade 5"
    sev = adae().assign(AESEV=["MILD", "SEVERE", "MODERATE", "MILD", "MILD", "MILD", "MILD",
                               "MILD", "MILD"])
    got = {r.USUBJID: r.MAXGRC for r in max_grade(sev, [], "AESEV").itertuples()}
    assert got["S01"] == "Severe" and got["S02"] == "Mild"


def test_unknown_severity_value_names_participant_and_value():
    with pytest.raises(ValueError, match="S01.*'HIGH'"):
        max_grade(adae().assign(AESEV="HIGH"), [], "AESEV")


def test_fatal_event_is_grade_5_or_fatal_outcome():
    assert adae().loc[is_fatal(adae()), "USUBJID"].tolist() == ["S04"]


def test_frequency_sort_breaks_ties_alphabetically():
    counts = pd.DataFrame({"PT": ["b", "A", "c", "d"], "n": [2, 2, 5, 1]})
    assert sort_by_frequency(counts, "PT") == ["c", "A", "b", "d"]


def test_decide_3plus3_at_the_highest_level_says_cleared_not_escalate():
    assert decide_3plus3(0, 3, CFG, highest=True) == "Highest level cleared (0 of 3 in the escalation cohort with a DLT)"
    assert decide_3plus3(1, 6, CFG, highest=True) == "Highest level cleared (1 of 6 in the escalation cohort with a DLT)"
    assert decide_3plus3(1, 3, CFG, highest=True) == "Expand to 6 (1 of 3 in the escalation cohort with a DLT)"


def test_most_frequent_names_every_term_tied_at_the_top():
    from analysis.derive.adverse_events import most_frequent

    counts = {"Lymphocyte count decreased": 20, "Neutrophil count decreased": 20, "Pyrexia": 12}
    assert most_frequent(counts) == ["Lymphocyte count decreased", "Neutrophil count decreased"]
    assert most_frequent({"Pyrexia": 3, "Nausea": 1}) == ["Pyrexia"]
    assert most_frequent({}) == []


def test_tied_terms_are_joined_as_prose():
    from analysis.formats import and_list

    assert and_list(["A"]) == "A"
    assert and_list(["A", "B"]) == "A and B"
    assert and_list(["A", "B", "C"]) == "A, B and C"
