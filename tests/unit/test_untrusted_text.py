"""Data text from sites and CROs is shown verbatim in every format and cannot restructure
a document (issue 13, findings 3, 10 and 11; the property-based test drives generated
hostile text through the same path).

One chapter is built from the factories' study with hostile AE terms and discontinuation
reasons (tests/unit/hostile_book.py) and typeset with the built-in engine."""

from __future__ import annotations

import csv
import os
import re
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import hostile_book as hb  # noqa: E402

from analysis import ard  # noqa: E402
from analysis.csv_cells import neutralise  # noqa: E402
from analysis.style.escape import display_text  # noqa: E402
from report.pdf_fonts import shown_in_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
LONG_TERM = "Hypogammaglobulinaemia" * 36 + "X" * 8            # 800 characters, no space
TERMS = ["== Injected TOC entry", "= Injected heading", "+ enum item", "-2+3",
         '=HYPERLINK("http://evil","x")', "gnp\u202e.exe", LONG_TERM,
         "emoji \U0001F600 \u4e2d", "two\nlines", "/ term: description", "1. numbered"]
REASONS = ["+cmd|' /C calc'!A0", "#pagebreak() @ref $x$"]


def squash(text: str) -> str:
    """Text without any white space (PDF text extraction places spaces and line ends by
    glyph positions, and a wrapped word is split across lines)."""
    return re.sub(r"\s+", "", text.replace("\u200b", ""))


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> hb.Rendered:
    return hb.render_hostile(tmp_path_factory.mktemp("hostile"), TERMS, REASONS)


@pytest.fixture(scope="module")
def benign(tmp_path_factory) -> hb.Rendered:
    """The same book with harmless text: the structure the report itself gives it (its
    heading, the list of displays, one PDF bookmark per display)."""
    return benign_render(tmp_path_factory)


_BENIGN: dict[str, hb.Rendered] = {}


def benign_render(tmp_path_factory) -> hb.Rendered:
    if "r" not in _BENIGN:
        _BENIGN["r"] = hb.render_hostile(tmp_path_factory.mktemp("benign"), ["Benign term"],
                                         ["benign reason"])
    return _BENIGN["r"]


def test_the_book_structure_is_the_reports_own(benign):
    assert benign.headings == ["List of tables, listings and figures", "Hostile data"]
    assert benign.pdf_outline[0] == "Hostile data"
    assert len(benign.pdf_outline) == 1 + len(hb.DISPLAYS)    # a bookmark per display
    assert benign.docx_headings == ["Hostile data"]


def test_data_text_cannot_add_headings_toc_entries_or_tables(hostile, benign):
    assert hostile.headings == benign.headings
    assert hostile.pdf_outline == benign.pdf_outline          # no "Injected TOC entry"
    assert hostile.docx_headings == benign.docx_headings
    assert hostile.html_tables == hostile.docx_tables == len(hb.DISPLAYS)


@pytest.mark.parametrize("text", [t for t in TERMS + REASONS if t != LONG_TERM])
def test_data_text_is_verbatim_in_html_pdf_and_docx(hostile, text):
    shown = display_text(text)
    assert norm(shown) in norm(hostile.html_text)
    assert squash(shown_in_pdf(shown)) in squash(hostile.pdf_text)
    assert norm(shown) in norm(hostile.docx_text)


def test_typst_markup_shorthands_are_not_applied_to_data_text(hostile):
    pdf = squash(hostile.pdf_text)
    assert "\u22122+3" not in pdf and "-2+3" in pdf       # no minus sign made of "-2"
    assert "1.enumitem" not in pdf and "+enumitem" in pdf   # "+ x" is no list item


def test_an_800_character_word_is_printed_whole_inside_the_pdf(tmp_path):
    # one listing, so that the long row is not split by a page break (the PDF text of a
    # split row interleaves the row's other cells)
    r = hb.render_hostile(tmp_path, [LONG_TERM], REASONS, displays=("L16.2.7.1",))
    assert squash(LONG_TERM) in squash(r.pdf_text)
    # wrapped inside its cell: no printed line of the listing holds more than a column's
    # worth of it (unwrapped, it ran on as one line over the other columns and off the
    # page); the sentence naming it before the listing is running text across the page
    text = r.pdf_text
    listing = text[text.index("Listing 16.2.7.1 ", text.index("The first term is")):]
    lines = [ln for ln in listing.splitlines() if "Hypogamma" in ln]
    assert lines and max(len(ln) for ln in lines) < 100
    assert LONG_TERM in r.html_text and LONG_TERM in r.docx_text


def test_long_words_wrap_inside_their_cell_in_html(hostile):
    assert re.search(r"td[^{]*\{[^}]*overflow-wrap:\s*anywhere", hostile.html)
    page = (hostile.outputs / "listings" / "L16.2.7.1.html").read_text(encoding="utf-8")
    assert re.search(r"td[^{]*\{[^}]*overflow-wrap:\s*anywhere", page)


def test_bidi_controls_are_shown_not_obeyed_in_every_output(hostile):
    assert "gnp[U+202E].exe" in hostile.html_text
    # the ARD CSVs keep the data's text exactly (machine-readable, lossless), not checked
    files = [p for p in hostile.outputs.rglob("*") if p.suffix in (".html", ".csv")
             and p.parent.name != "ard"]
    for text in [hostile.html, hostile.pdf_text, hostile.docx_text,
                 *(p.read_text(encoding="utf-8") for p in files)]:
        assert "\u202e" not in text
    rtf = hb.rtf_text((hostile.outputs / "tlf" / "L16.2.7.1.rtf").read_text(encoding="ascii"))
    assert "gnp[U+202E].exe" in rtf and "\u202e" not in rtf


def test_emoji_are_printed_and_what_no_font_holds_is_shown_by_code(hostile):
    assert "\U0001F600" in hostile.pdf_text
    assert "[U+4E2D]" in hostile.pdf_text
    assert "\x00" not in hostile.pdf_text and "\ufffd" not in hostile.pdf_text  # no empty boxes


def test_a_line_feed_in_a_listing_cell_is_a_line_break(hostile):
    page = (hostile.outputs / "listings" / "L16.2.7.1.html").read_text(encoding="utf-8")
    assert "two<br>lines" in page and "two\\nlines" not in page
    assert re.search(r"two<br\s*/?>\s*lines", hostile.html)       # the CSR's listing table
    docx_cells = hostile.docx_text
    assert "two\nlines" in docx_cells


def test_the_typst_filter_runs_in_the_quarto_engine_too():
    from report import quarto_stage

    book = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    last = book["filters"][-1]
    assert last == {"at": "post-render", "path": "_build/filters/typst-literal.lua"}
    assert "typst-literal.lua" in quarto_stage.FILTERS  # copied into the staged book
    assert (ROOT / "report" / "assets" / "typst-literal.lua").is_file()


# --- property-based: generated hostile text through one AE term and one reason ---------

settings.register_profile("ci", max_examples=5, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=200, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("CSR_HYPOTHESIS_PROFILE", "ci")

PIECES = st.sampled_from([
    # typst, Markdown, HTML, LaTeX, Quarto shortcodes, RTF control words
    "= ", "== ", "=", "+ ", "- ", "/ ", "1. ", "-2+3", "--", "...", "~", "#set page(fill: red)",
    "#pagebreak()", "<lab>", "@ref", "// c", "/* c */", "$x^2$", "*emph*", "_u_", "`code`",
    "# H", "[link](http://x)", "![i](x.png)", "<b>b</b>", "<script>alert(1)</script>", "&amp;",
    "\\end", "\\section{X}", "%", "{{< pagebreak >}}", "{{< include x.qmd >}}", "\\par ",
    "{\\rtf1 ", "{", "}", "\\b ", "'", '"',
    # spreadsheet formulas
    '=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "@SUM(A1)",
    # bidi controls, line feeds, emoji, other scripts, long words
    "\u202e", "\u2066", "\u200f", "\n", "\t", "\r\n", "\U0001F600", "\U0001F44D\U0001F3FD",
    "\u4e2d\u6587", "\u00e9", "Z" * 120,
])
ALPHABET = st.characters(codec="ascii", categories=["L", "N", "P", "S", "Zs"])


@st.composite
def hostile_text(draw) -> str:
    """Pieces of markup, formulas and odd characters around a fixed token (so the text is
    never found in the document by chance), without leading or trailing white space."""
    before = draw(st.lists(st.one_of(PIECES, st.text(ALPHABET, max_size=8)), max_size=4))
    after = draw(st.lists(st.one_of(PIECES, st.text(ALPHABET, max_size=8)), max_size=4))
    return ("".join(before) + "Qx7" + "".join(after)).strip()


def csv_cells(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [c for row in csv.reader(fh) for c in row]


@settings(settings.get_profile(PROFILE))
@given(term=hostile_text(), reason=hostile_text())
@example(term="Qx7", reason="Qx7\r\n=")        # found by the long run: a CR broke RTF layout
def test_hostile_text_is_verbatim_everywhere_and_changes_no_structure(tmp_path_factory, term,
                                                                     reason):
    r = hb.render_hostile(tmp_path_factory.mktemp("prop"), [term], [reason])
    benign = benign_render(tmp_path_factory)
    assert r.headings == benign.headings and r.pdf_outline == benign.pdf_outline
    assert r.docx_headings == benign.docx_headings
    assert r.html_tables == r.docx_tables == len(hb.DISPLAYS)
    for text, listing, table in ((term, "L16.2.7.1", "T14.3.4"), (reason, "L16.2.1", "T14.1.1")):
        shown = display_text(text)
        assert norm(shown) in norm(r.html_text)
        assert squash(shown_in_pdf(shown)) in squash(r.pdf_text)
        assert norm(shown) in norm(r.docx_text)
        for did in (listing, table):
            rtf = hb.rtf_text((r.outputs / "tlf" / f"{did}.rtf").read_text(encoding="ascii"))
            assert norm(shown) in norm(rtf)
        assert neutralise(shown) in csv_cells(r.outputs / "listings" / f"{listing}.csv")
        raw = csv_cells(r.outputs / "ard" / f"{table}.csv")
        assert neutralise(text) in raw                     # the ARD keeps the data's text
        assert text in set(ard.read_csv(r.outputs / "ard" / f"{table}.csv")
                           .to_numpy().ravel().tolist())


def test_a_very_long_word_does_not_squeeze_the_other_columns():
    import pandas as pd

    from analysis.style.rtf_widths import MAX_COL_INCH, _word_width, column_widths

    frame = pd.DataFrame({"Participant": ["NCT06561009-01-0001"] * 2,
                          "Preferred term": [LONG_TERM, "Headache"], "Start": ["2025-01-15"] * 2})
    widths, _ = column_widths(frame, list(frame.columns), [False] * 3)
    assert widths[1] <= MAX_COL_INCH + 0.2                  # the long word wraps in its cell
    assert widths[0] >= _word_width("NCT06561009-01-0001")  # identifiers and dates stay whole
    assert widths[2] >= _word_width("2025-01-15")
