"""DLT criteria (SAP 3, DLT [assumption]) as structured data and the rule that applies them."""

from __future__ import annotations

import pytest

from data_contract.dlt_criteria import criteria_met, load_dlt_criteria

CRIT = load_dlt_criteria()


def ev(term, grade, start, end, soc="Investigations", crs="N", icans="N"):
    return {"AEDECOD": term, "AETOXGR": grade, "ASTDY": start, "AENDY": end,
            "AEBODSYS": soc, "CRSFL": crs, "ICANSFL": icans}


def test_the_criteria_are_loaded_from_study_yml_in_the_order_printed():
    assert [c.id for c in CRIT.criteria] == ["CRS_G4", "CRS_G3_72H", "ICANS_G3",
                                              "CYTOPENIA_G4_BEYOND_D28", "NONHAEM_G3_RELATED",
                                              "GRADE5"]
    assert CRIT.window_days == (0, 28)
    assert CRIT.criteria[3].text == "Grade 4 neutropenia or thrombocytopenia persisting beyond Day 28"
    assert "grade 4 CRS" in CRIT.text and CRIT.cytopenia_terms["Neutrophil count decreased"] == "ANC"


def test_grade_4_neutropenia_is_a_dlt_only_when_grade_4_persists_beyond_day_28():
    e = ev("Neutrophil count decreased", 4, 0, 60)
    assert criteria_met(e, CRIT, related_car=True, lab_grade_after=[4, 7, 14]) == []
    assert criteria_met(e, CRIT, related_car=True, lab_grade_after=[7, 61]) == [
        "CYTOPENIA_G4_BEYOND_D28"]


def test_grade_3_crs_is_a_dlt_when_it_lasts_beyond_72_hours():
    assert criteria_met(ev("Cytokine release syndrome", 3, 2, 4, crs="Y"), CRIT,
                        related_car=True) == []
    assert criteria_met(ev("Cytokine release syndrome", 3, 2, 5, crs="Y"), CRIT,
                        related_car=True) == ["CRS_G3_72H"]
    assert criteria_met(ev("Cytokine release syndrome", 4, 2, 3, crs="Y"), CRIT,
                        related_car=True) == ["CRS_G4"]


@pytest.mark.parametrize("event,related,expected", [
    (ev("Alanine aminotransferase increased", 3, 7, 20), True, ["NONHAEM_G3_RELATED"]),
    (ev("Alanine aminotransferase increased", 3, 7, 12), True, []),   # resolved in 6 days
    (ev("Alanine aminotransferase increased", 3, 7, 20), False, []),  # not CAR-T related
    (ev("Pyrexia", 3, 3, 9, soc="General disorders and administration site conditions"),
     True, []),                                                       # fever is excepted
    (ev("Headache", 1, 3, 4, soc="Nervous system disorders"), True, []),
    (ev("Sepsis", 5, 20, 20, soc="Infections and infestations"), False, ["GRADE5"]),
    (ev("Pneumonia", 3, 30, 40, soc="Infections and infestations"), True, []),  # after Day 28
    (ev("Immune effector cell-associated neurotoxicity syndrome", 3, 5, 6,
        soc="Nervous system disorders", icans="Y"), True, ["ICANS_G3"]),
])
def test_which_criterion_an_event_meets(event, related, expected):
    assert criteria_met(event, CRIT, related_car=related) == expected



def test_section_9_and_t14_3_1_print_every_configured_criterion_text():
    from analysis import plan
    from analysis.config import load_config
    from analysis.displays.t14_3_1 import footnotes
    from analysis.style.markdown import escape_markdown

    cfg = load_config()
    table = plan.dlt_criteria_table(cfg)
    notes = " ".join(footnotes(None, cfg))
    for i, c in enumerate(CRIT.criteria, start=1):
        assert f"| {i} | {escape_markdown(c.text)} |" in table
        assert f"({i}) {c.text}" in notes
    assert "protocol-defined toxicity" not in notes


def test_a_criterion_changed_in_study_yml_changes_what_is_printed():
    import copy

    from analysis import plan
    from analysis.config import StudyConfig, load_config
    from analysis.displays.t14_3_1 import footnotes

    raw = copy.deepcopy(load_config().raw)
    raw["assumptions"]["dlt_criteria"]["criteria"][0]["text"] = "Grade 4 CRS (edited)"
    cfg = StudyConfig(raw)
    assert "| 1 | Grade 4 CRS \\(edited\\) |" in plan.dlt_criteria_table(cfg)
    assert "(1) Grade 4 CRS (edited);" in " ".join(footnotes(None, cfg))
