"""The DOCX is a document a medical writer can take into the sponsor's Word template
(issue 16): named CSR styles from the committed reference.docx, the table of contents and
the lists of tables and figures as fields after the title page, a hidden SEQ field in every
display caption, header rows that repeat, landscape sections for the listings with tables
as wide as the page, and the SIMULATED DATA watermark. Read with python-docx.
"""

from __future__ import annotations

import re

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

from analysis.catalogue import DISPLAYS
from report.engine_builtin import ASSETS

pytestmark = pytest.mark.e2e

CSR_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption",
              "Table Text", "Footnote")


@pytest.fixture(scope="module")
def docx_of(engine_report):
    """``(engine, csr.docx)`` of each engine: the checks below that hold for both."""
    engine, report = engine_report
    return engine, Document(str(report / "csr.docx"))


@pytest.fixture(scope="module")
def docx(docx_of):
    """The built-in engine's csr.docx: the checks met by it only (README: where the engines
    differ)."""
    engine, doc = docx_of
    if engine != "builtin":
        pytest.skip("met by the built-in engine only (README: where the engines differ)")
    return doc


def _instr(element) -> list[str]:
    return [t.text.strip() for t in element.iter(qn("w:instrText"))]


def all_paragraphs(doc) -> list:
    """Every paragraph of the body, also inside tables (Quarto lays out each float in a
    table of its own, its caption in a cell)."""
    from docx.text.paragraph import Paragraph

    return [Paragraph(p, doc) for p in doc.element.body.iter(qn("w:p"))]


def table_cell_styles(doc) -> set[str]:
    """The paragraph styles of the cells of every display table (nested ones too), not of
    the layout tables Quarto puts a float in."""
    out = set()
    for t in doc.element.body.iter(qn("w:tbl")):
        if t.find(f".//{qn('w:tbl')}") is not None:  # a layout table around a display
            continue
        for p in t.iter(qn("w:p")):
            style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            sid = style.get(qn("w:val")) if style is not None else None
            out.add(doc.styles.get_by_id(sid, WD_STYLE_TYPE.PARAGRAPH).name if sid
                    else "Normal")
    return out


def test_reference_docx_defines_the_named_csr_styles():
    names = {s.name for s in Document(str(ASSETS / "reference.docx")).styles}
    assert set(CSR_STYLES) <= names, set(CSR_STYLES) - names


def check_table_text_and_footnote_styles(doc) -> None:
    """Display tables are set in "Table Text" (their notes in "Footnote"), never pandoc's
    "Compact"."""
    cells = table_cell_styles(doc)
    assert "Table Text" in cells and "Footnote" in cells and "Compact" not in cells, cells


def test_docx_table_cells_are_in_table_text_and_notes_in_footnote(docx_of):
    check_table_text_and_footnote_styles(docx_of[1])


def test_docx_uses_csr_styles_for_headings_and_captions(docx):
    body = {p.style.name for p in docx.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Footnote"} <= body
    assert {"Table Caption", "Image Caption"} <= body
    assert docx.styles["Table Caption"].base_style.name == "Caption"


def check_toc_and_lists_follow_the_title_page(doc) -> None:
    """The table of contents, the list of tables and listings and the list of figures are
    Word TOC fields right after the title-page details; Word fills them on opening."""
    paragraphs = all_paragraphs(doc)
    details = max(i for i, p in enumerate(paragraphs) if p.style.name == "Title Page Detail")
    fields = [(i, code) for i, p in enumerate(paragraphs) for code in _instr(p._p)
              if code.startswith("TOC")]
    assert [code.split()[1:] for _, code in fields] == [
        ["\\o", '"1-3"', "\\h", "\\z", "\\u"], ["\\h", "\\z", "\\c", '"Table"'],
        ["\\h", "\\z", "\\c", '"Figure"']]
    assert all(i > details for i, _ in fields), "a TOC field above the title-page details"
    assert all(i - details <= 8 for i, _ in fields), "the lists do not follow the title page"
    settings = doc.settings.element
    assert settings.find(qn("w:updateFields")) is not None


def test_docx_toc_and_lists_of_tables_and_figures_follow_the_title_page(docx_of):
    check_toc_and_lists_follow_the_title_page(docx_of[1])


def check_every_display_caption_has_a_seq_field(doc) -> None:
    """Each display's caption ("Table 14.3.1 ...", in a caption style) holds a hidden
    ``SEQ Table`` (tables, listings) or ``SEQ Figure`` field, so Word's lists find it."""
    seen = {}
    for p in all_paragraphs(doc):
        if p.style.name not in ("Table Caption", "Image Caption"):
            continue
        m = re.match(r"(Table|Figure|Listing)\s([\d.]+\d)", p.text)  # Quarto: a no-break space
        if m:
            seen[f"{m[1]} {m[2]}"] = _instr(p._p)
    for d in DISPLAYS:
        key = f"{d.kind} {d.number}"
        seq = "Figure" if d.kind == "Figure" else "Table"
        assert key in seen, f"{key}: no caption"
        assert f"SEQ {seq} \\h" in seen[key], f"{key}: no SEQ {seq} field ({seen[key]})"


def test_docx_every_display_caption_has_a_seq_field(docx_of):
    check_every_display_caption_has_a_seq_field(docx_of[1])


def test_docx_tables_are_word_tables_whose_header_rows_repeat(docx):
    shown = [t for t in docx.tables if t.style is None or t.style.name != "Figure Table"]
    assert len(shown) >= len([d for d in DISPLAYS if d.kind != "Figure"])
    for t in shown:
        first = t.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None


def test_docx_listings_are_landscape_sections_with_page_wide_tables(docx):
    body = docx.element.body
    sect_of, pending, n = {}, [], 0
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            pending.append(child)
        sect = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if child.tag == qn("w:p") else (
            child if child.tag == qn("w:sectPr") else None)
        if sect is not None:
            for t in pending:
                sect_of[t] = docx.sections[n]
            pending, n = [], n + 1
    listings = [t for t in sect_of
                if (t.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}") is not None
                    and t.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}").get(qn("w:val"), "")
                    .startswith("Listing"))]
    assert len(listings) == len([d for d in DISPLAYS if d.kind == "Listing"])
    for t in listings:
        section = sect_of[t]
        assert section.orientation == WD_ORIENT.LANDSCAPE
        text_width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
        grid = sum(int(c.get(qn("w:w"))) for c in t.iter(qn("w:gridCol")))
        assert grid >= 0.95 * text_width, (grid, text_width)
    empty = [i for i, s in enumerate(docx.sections[1:-1], 1)
             if s.orientation == WD_ORIENT.PORTRAIT
             and docx.sections[i - 1].orientation == docx.sections[i + 1].orientation == WD_ORIENT.LANDSCAPE]
    assert not empty, f"portrait sections between listings: {empty}"


def test_docx_pages_carry_the_simulated_data_watermark(docx):
    for section in docx.sections:
        xml = section.header._element.xml
        assert 'string="SIMULATED DATA"' in xml


def test_docx_landscape_listing_cells_have_fixed_widths_that_libreoffice_honours(docx):
    """Every listing table is fixed-layout and each cell says its width (w:tcW): LibreOffice
    broke the words of autofit listings into letters."""
    listings = [t for t in docx.tables
                if (c := t._tbl.tblPr.find(qn("w:tblCaption"))) is not None
                and c.get(qn("w:val"), "").startswith("Listing")]
    assert listings
    for t in listings:
        layout = t._tbl.tblPr.find(qn("w:tblLayout"))
        assert layout is not None and layout.get(qn("w:type")) == "fixed"
        cells = list(t._tbl.iter(qn("w:tc")))
        assert all(c.find(f"{qn('w:tcPr')}/{qn('w:tcW')}") is not None for c in cells)
