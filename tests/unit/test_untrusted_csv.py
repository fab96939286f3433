"""CSV formula injection: listing and ARD CSVs cannot run as spreadsheet formulas, and
the ARD stays lossless (issue 13, finding 1)."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis import ard
from analysis.csv_cells import FORMULA_PREFIXES, neutralise, restore
from analysis.style.escape import display_text
from analysis.style.listings import write_full

ATTACKS = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
           "\t=1+1", "\r=1+1", "'quoted already"]


def csv_rows(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_listing_csv_cells_cannot_start_a_formula_but_numbers_stay_numbers(tmp_path):
    listing = pd.DataFrame({"Participant": ["P-1"] * len(ATTACKS) + ["P-2", "P-3"],
                            "Term": ATTACKS + ["Headache", "Nausea"],
                            "Day": ["3"] * len(ATTACKS) + ["-1.5", "+2"]})
    _, path = write_full(listing, "L9.1", tmp_path, title="L9.1")
    rows = csv_rows(path)[1:]
    terms = [r[1] for r in rows]
    shown = [display_text(a) for a in ATTACKS]       # as every listing shows text ("\r" -> "\n")
    assert terms[:len(ATTACKS)] == [neutralise(a) for a in shown]
    assert terms[:5] == ["'" + a for a in ATTACKS[:5]]
    assert [r[2] for r in rows[-2:]] == ["-1.5", "+2"]       # numbers, not formulas
    assert all(not t.startswith(FORMULA_PREFIXES) for t in terms)
    assert [restore(t) for t in terms] == [display_text(t) for t in listing["Term"]]


def test_ard_csv_is_neutralised_for_a_person_and_read_back_losslessly():
    rows = [ard.row("T14.3.3", "AEDECOD", "n", 1.0, group1="TRT01A", group1_level="Total",
                    variable_level=a) for a in ATTACKS]
    rows.append(ard.row("T14.3.3", "CHG", "mean", -1.5, group1="TRT01A", group1_level="Total",
                        stat_fmt="-1.5"))
    rows.append(ard.row("T14.3.3", "CHG", "text", None, group1="TRT01A", group1_level="Total",
                        stat_fmt="-1.5 (0.3)"))
    frame = ard.frame(rows)
    text = ard.to_csv_text(frame)
    cells = [r[6] for r in csv.reader(io.StringIO(text))][1:len(ATTACKS) + 1]
    assert cells == ["'" + a for a in ATTACKS]
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert parsed[-2]["stat"] == "-1.5" and parsed[-2]["stat_fmt"] == "-1.5"
    assert parsed[-1]["stat_fmt"] == "'-1.5 (0.3)"          # text, not a number
    path = io.StringIO(text)
    back = ard.read_csv(path)
    pd.testing.assert_frame_equal(back, frame)


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20))
def test_ard_csv_reads_every_float_back_bit_exactly(values):
    frame = ard.frame(ard.row("T14.1.3", "AGE", f"s{i}", v, stat_fmt="")
                      for i, v in enumerate(values))
    back = ard.read_csv(io.StringIO(ard.to_csv_text(frame)))
    assert [repr(v) for v in back["stat"]] == [repr(float(v)) for v in values]


@given(st.text())
def test_neutralise_never_leaves_a_formula_and_restore_undoes_it(value):
    shown = neutralise(value)
    assert restore(shown) == value
    if shown.startswith(FORMULA_PREFIXES):
        float(shown)                                  # only a plain number may start so
