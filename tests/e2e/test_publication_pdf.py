"""The PDF meets the FDA eCTD "PDF Specifications" where a program can tell (issue 16):
PDF 1.4-1.7, no encryption, no JavaScript, every font embedded, one bookmark per SAP
display under its section, opens with the bookmark panel, linearised, every internal link
resolves, and table text is at least 9 pt. Read with pypdf (pikepdf writes the file).
"""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from analysis.catalogue import DISPLAYS
from report import pdf_checks

from .pdf_text import page_texts

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pdf(engine_report):
    engine, report = engine_report
    return engine, PdfReader(report / "csr.pdf")


def test_pdf_version_is_1_4_to_1_7_without_encryption_or_javascript(pdf):
    _, reader = pdf
    assert pdf_checks.version_and_security(reader) == []


def test_pdf_embeds_every_font(pdf):
    _, reader = pdf
    assert pdf_checks.fonts_embedded(reader) == []


def test_pdf_opens_with_bookmark_panel_and_is_linearised(pdf, engine_report):
    _, report = engine_report
    _, reader = pdf
    assert pdf_checks.opens_with_bookmarks_linearised(reader, report / "csr.pdf") == []


def test_pdf_has_one_bookmark_per_display_under_a_section(pdf):
    _, reader = pdf
    assert pdf_checks.display_bookmarks(reader, DISPLAYS) == []


def test_pdf_internal_links_resolve_to_a_page(pdf):
    _, reader = pdf
    failures = pdf_checks.internal_links(reader)
    assert not failures, failures[:10]


def test_pdf_body_text_including_tables_and_footnotes_is_at_least_9pt(pdf):
    _, reader = pdf
    assert pdf_checks.small_text(reader) == []


def test_pdf_table_rows_stay_whole_t14_3_1_mtd_text_on_the_page_of_its_row_label(pdf, engine_report):
    """A row is never split across pages, and T14.3.1's maximum-tolerated-dose text (from
    its ARD row) spans the value columns: its label and all of its words are on one page (it
    ran over twenty lines in the Total column, onto a continuation page)."""
    import csv

    _, report = engine_report
    _, reader = pdf
    with open(report / "ard" / "T14.3.1.csv", encoding="utf-8") as fh:
        mtd = next(r["stat_fmt"] for r in csv.DictReader(fh) if r["variable"] == "MTD")
    pages = [" ".join(text.split()) for text in page_texts(report / "csr.pdf")]
    words = " ".join(mtd.split())
    # the row reads on as label, then the whole text (the chapter's sentence has no label)
    on = [n for n, t in enumerate(pages) if f"Maximum tolerated dose {words}" in t]
    assert on, "T14.3.1's maximum tolerated dose row is not whole on one page"


def test_pdf_no_table_caption_and_column_header_end_a_page_without_rows(pdf, engine_report):
    """A table's caption and column header (its last line is the "N = x" of the columns)
    are followed on their page by at least three rows (T14.3.10's header was stranded at
    a page foot under one row-group heading)."""
    _, reader = pdf
    marks = pdf_checks.outline(reader)
    texts = page_texts(engine_report[1] / "csr.pdf")
    for title, _, _, page in marks:
        m = re.match(r"^Table (\d[\d.]*\d)", title)
        if not m:
            continue
        lines = [ln.strip() for ln in texts[page].splitlines() if ln.strip()]
        at = next((i for i, ln in enumerate(lines) if ln.startswith(f"Table {m.group(1)} ")), None)
        if at is None:
            continue
        header = [i for i, ln in enumerate(lines) if i > at and re.search(r"N = \d+", ln)]
        if not header:
            continue
        rows = [ln for ln in lines[header[-1] + 1:] if not re.match(r"^Page \d+ of \d+$", ln)]
        assert len(rows) >= 3, f"{m.group(0)}: {len(rows)} row lines under its header on page {page + 1}"
