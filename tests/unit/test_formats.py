"""SAP 4 formats: raw-data decimals drive the decimals shown."""

import math

from analysis.formats import raw_decimals


def test_raw_decimals_is_the_most_any_recorded_value_needs():
    assert raw_decimals([5.36, 0.04, 1.0]) == 2
    assert raw_decimals([386.0, 1023.0]) == 0
    assert raw_decimals([0.497, 27.193, 0.5]) == 3


def test_raw_decimals_ignores_missing_and_caps_binary_fractions():
    assert raw_decimals([math.nan, None, 2.5]) == 1
    assert raw_decimals([1 / 3]) == 6
    assert raw_decimals([]) == 0


def test_a_noun_or_verb_after_a_count_agrees_with_it():
    from analysis.formats import noun, verb

    assert [noun("participant", n) for n in (0, 1, 2)] == [
        "participants", "participant", "participants"]
    assert noun("relapse", 1.0) == "relapse" and noun("DLT term", 3) == "DLT terms"
    assert (verb("was", 1), verb("was", 4)) == ("was", "were")
