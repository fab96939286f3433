"""Controlled terms and units as people read them (SAP 4): the decode table of study.yml
and its one rule for values without an entry; numbers with the minus sign."""

import pandas as pd
import pytest

from analysis.formats import day_text, fmt_stat, listing_text, unit_text
from analysis.style.decode import shown_cells, term_label
from study.decode import decode_term


@pytest.mark.parametrize("value,label", [
    ("NOT HISPANIC OR LATINO", "Not Hispanic or Latino"),      # table, title case
    ("RECOVERED/RESOLVED", "Recovered/resolved"),              # rule: sentence case
    ("LOST TO FOLLOW-UP", "Lost to follow-up"),
    ("DOSE NOT CHANGED", "Dose not changed"),
    ("ELECTROCARDIOGRAM QT PROLONGED", "Electrocardiogram QT prolonged"),  # keep_upper
    ("COVID-19", "COVID-19"),
    ("Neutrophil count decreased", "Neutrophil count decreased"),  # mixed case: as delivered
    ("NCT06561009-01-0001", "NCT06561009-01-0001"),            # identifiers: as delivered
    ("DL1", "DL1"), ("Y", "Y"), ("2025-01-31", "2025-01-31"), ("", ""),
])
def test_a_delivered_value_is_shown_by_the_table_or_the_one_rule(value, label):
    assert decode_term(value) == label


def test_a_code_is_decoded_within_its_variable_only():
    assert decode_term("M", "SEX") == "Male" and decode_term("M") == "M"


def test_soc_names_take_meddra_spelling_and_units_their_typography():
    assert term_label("GASTROINTESTINAL DISORDERS") == "Gastrointestinal disorders"
    assert term_label("Absolute Neutrophil Count (cells/uL)") == \
        "Absolute Neutrophil Count (cells/µL)"
    assert unit_text("10^3/uL; mg/m2; copies/ug; drug; m22") == "10³/µL; mg/m²; copies/µg; drug; m22"


def test_listing_cells_are_decoded_for_people_while_the_text_of_the_ard_is_delivered():
    listing = pd.DataFrame({"Participant": ["NCT-01-0001"], "Outcome": ["RECOVERED/RESOLVED"],
                            "Onset day": pd.array([-4], dtype="Int64")})
    text = listing_text(listing)
    assert text.iloc[0].tolist() == ["NCT-01-0001", "RECOVERED/RESOLVED", "\u22124"]
    assert shown_cells(text).iloc[0].tolist() == ["NCT-01-0001", "Recovered/resolved", "\u22124"]


def test_negative_numbers_have_the_minus_sign_also_inside_a_ci():
    assert fmt_stat("median", -1.0, 1) == "\u22121.00"
    assert fmt_stat("lcl", -0.004) == "0.00"           # no "−0.00"
    assert "-" not in fmt_stat("mean", -2.25, 1)


def test_a_y_n_flag_reads_yes_or_no_only_as_a_value_of_a_flag_variable():
    assert term_label("Y", "DVIMPFL") == "Yes" and term_label("N", "AESER") == "No"
    assert term_label("Y", "WORSFL") == "Yes"          # a flag the analysis derives (*FL)
    assert term_label("Y") == "Y" and term_label("Y", "SEX") == "Y"


def test_listing_columns_are_decoded_as_values_of_the_variable_they_show():
    text = pd.DataFrame({"Participant": ["NCT-01-0001"], "Sex": ["F"], "Important": ["N"],
                         "Visit": ["Day -4"]})
    shown = shown_cells(text, {"Sex": "SEX", "Important": "DVIMPFL"})
    assert shown.iloc[0].tolist() == ["NCT-01-0001", "Female", "No", "Day \u22124"]
    assert text.iloc[0].tolist() == ["NCT-01-0001", "F", "N", "Day -4"]   # delivered kept


@pytest.mark.parametrize("value,label", [
    ("Day -4", "Day \u22124"), ("Study day -1", "Study day \u22121"), ("Day 0", "Day 0"),
    ("Day 0-28", "Day 0-28"), ("Day 14", "Day 14"), ("NCT06561009-01-0001", "NCT06561009-01-0001"),
    ("Day -4 to Day -2", "Day \u22124 to Day \u22122"), ("Today -4", "Today -4"),
])
def test_negative_study_days_in_visit_labels_take_the_minus_sign(value, label):
    assert day_text(value) == label
    assert term_label(value) == label
