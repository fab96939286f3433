"""Controlled terms and units as people read them (SAP 4): the decode table of study.yml
and its one rule for values without an entry; numbers with the minus sign."""

import pandas as pd
import pytest

from analysis.formats import fmt_stat, listing_text, unit_text
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
