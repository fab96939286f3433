"""AE listings L16.2.7.1-3 on the literal study of _safety_literals.py."""

from __future__ import annotations

import pytest
from _safety_literals import CFG, adae, study

from analysis.displays import build_ard, spec


def lst(did, data=None):
    return spec(did).listing(data or study(), CFG, "TRT01A")


def test_all_ae_listing_keeps_pre_lymphodepletion_ae_as_not_teae():
    out = lst("L16.2.7.1")
    assert out["Participant"].tolist() == ["S01"] * 3 + ["S02"] * 2 + ["S03", "S04", "S04", "S06"]
    first = out.iloc[0]
    assert (first["Preferred term"], first["Onset day"], first["TEAE"], first["Lymphodepletion to Day 28"]) == \
        ("Headache", -6, "N", "N")
    assert out.loc[out["Preferred term"] == "Pneumonia", "Lymphodepletion to Day 28"].item() == "N"


def test_dlt_listing_marks_day_29_flag_as_not_counted_and_ongoing_duration():
    out = lst("L16.2.7.2").set_index(["Participant", "Seq."])
    assert out.loc[("S03", 1), ["Event", "DLT counted"]].tolist() == ["DLT", "N"]
    assert out.loc[("S02", 2), ["Event", "DLT counted", "Duration (days)"]].tolist() == \
        ["DLT; ICANS", "Y", "Ongoing"]
    assert out.loc[("S02", 1), ["Event", "DLT counted", "Duration (days)"]].tolist() == \
        ["CRS", "", "4"]


def test_dlt_listing_without_extension_flags_raises_naming_one():
    with pytest.raises(KeyError, match="DLTFL"):
        lst("L16.2.7.2", study(adae_df=adae().drop(columns="DLTFL")))


def test_sae_listing_shows_death_on_day_10():
    out = lst("L16.2.7.3")
    assert out["Preferred term"].tolist() == ["Pneumonia", "Sepsis"]
    assert str(out.loc[1, "Death date"].date()) == "2024-04-15" and out.loc[1, "Death day"] == 10


def test_sae_listing_adds_a_row_for_a_death_without_fatal_ae():
    ae = adae()
    ae = ae.loc[ae["USUBJID"] != "S04"]
    out = lst("L16.2.7.3", study(adae_df=ae))
    row = out.loc[out["Participant"] == "S04"].iloc[0]
    assert row["Death day"] == 10 and row["Preferred term"] != row["Preferred term"]  # NaN


def test_listing_ard_has_one_text_row_per_cell_with_iso_dates():
    a = build_ard("L16.2.7.1", study(), CFG)
    assert len(a) == 9 * len(lst("L16.2.7.1").columns)
    r = a.loc[(a.variable == "Start date") & (a.variable_level == "S01/2")]
    assert r["stat_fmt"].item() == "2024-02-02"
