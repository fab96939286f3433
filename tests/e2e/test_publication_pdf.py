"""The PDF meets the FDA eCTD "PDF Specifications" where a program can tell (issue 16):
PDF 1.4-1.7, no encryption, no JavaScript, every font embedded, one bookmark per SAP
display under its section, opens with the bookmark panel, linearised, every internal link
resolves, and table text is at least 9 pt. Read with pypdf (pikepdf writes the file).
"""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, IndirectObject

from analysis.catalogue import DISPLAYS

pytestmark = pytest.mark.e2e

# The running header and "Page x of y" footer (8 pt) sit in the page margins:
# top 2.4 cm, bottom 2 cm (report/assets/csr.typ). Everything between is the body.
TOP_MARGIN_PT, BOTTOM_MARGIN_PT = 2.4 / 2.54 * 72, 2.0 / 2.54 * 72
MIN_TEXT_PT = 9.0


@pytest.fixture(scope="module")
def pdf(engine_report):
    engine, report = engine_report
    return engine, PdfReader(report / "csr.pdf")


def _outline(reader: PdfReader, items, depth=0, parents=()):
    """(title, depth, parent titles, page number) of every bookmark."""
    out = []
    for item in items:
        if isinstance(item, list):
            out += _outline(reader, item, depth + 1, parents + (out[-1][0],) if out else parents)
        else:
            out.append((item.title.strip(), depth, parents, reader.get_destination_page_number(item)))
    return out


def test_pdf_version_is_1_4_to_1_7_without_encryption_or_javascript(pdf):
    _, reader = pdf
    version = reader.pdf_header.removeprefix("%PDF-")
    assert version in {"1.4", "1.5", "1.6", "1.7"}, reader.pdf_header
    assert not reader.is_encrypted
    root = reader.trailer["/Root"]
    names = root.get("/Names", {})
    assert "/JavaScript" not in names and "/OpenAction" not in root and "/AA" not in root
    for n, page in enumerate(reader.pages, 1):
        assert "/AA" not in page, f"page {n} has additional actions"
        for annot in page.get("/Annots", []) or []:
            action = annot.get_object().get("/A", {})
            assert action.get("/S") != "/JavaScript", f"page {n}: JavaScript link"


def test_pdf_embeds_every_font(pdf):
    _, reader = pdf
    missing = set()
    for page in reader.pages:
        fonts = (page.get("/Resources", {}).get("/Font", {}) or {})
        for font in fonts.values():
            font = font.get_object()
            descs = [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]
            if not any("/FontDescriptor" in d and any(
                    k in d["/FontDescriptor"] for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    for d in descs):
                missing.add(str(font.get("/BaseFont")))
    assert not missing, f"fonts not embedded: {sorted(missing)}"


def test_pdf_opens_with_bookmark_panel_and_is_linearised(pdf, engine_report):
    _, report = engine_report
    _, reader = pdf
    assert reader.trailer["/Root"].get("/PageMode") == "/UseOutlines"
    head = (report / "csr.pdf").read_bytes()[:1024]
    assert b"/Linearized" in head, "not saved for fast web view (linearised)"


def test_pdf_has_one_bookmark_per_display_under_a_section(pdf):
    _, reader = pdf
    marks = _outline(reader, reader.outline)
    for d in DISPLAYS:
        label = f"{d.kind} {d.number} "
        hits = [m for m in marks if (m[0] + " ").startswith(label)]
        assert len(hits) == 1, f"{label}: {len(hits)} bookmarks"
        title, depth, parents, _ = hits[0]
        assert depth >= 1 and parents, f"{label}: bookmark not under a section"
        assert not re.match(r"^(Table|Figure|Listing) \d", parents[-1]), parents


def test_pdf_internal_links_resolve_to_a_page(pdf):
    _, reader = pdf
    pages = {p.indirect_reference.idnum for p in reader.pages}
    named = reader.named_destinations
    dead, links = [], 0
    for n, page in enumerate(reader.pages, 1):
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A", {})
            if action.get("/S") == "/URI":
                continue
            dest = annot.get("/Dest", action.get("/D"))
            links += 1
            if isinstance(dest, IndirectObject):
                dest = dest.get_object()
            if not isinstance(dest, ArrayObject):
                dest = named.get(str(dest))
                dest = getattr(dest, "page", None)
                ok = dest is not None
            else:
                ok = isinstance(dest[0], IndirectObject) and dest[0].idnum in pages
            if not ok:
                dead.append(f"page {n}: {annot.get('/Dest', action)}")
    assert links > 50, f"only {links} internal links"
    assert not dead, dead[:10]


def test_pdf_body_text_including_tables_and_footnotes_is_at_least_9pt(pdf):
    _, reader = pdf
    small = []
    for n, page in enumerate(reader.pages, 1):
        top = float(page.mediabox.top)

        def visit(text, cm, tm, font, size, n=n, top=top):
            if not text.strip():
                return
            # text space -> page space: tm x cm (row vectors, PDF convention)
            b, d = tm[0] * cm[1] + tm[1] * cm[3], tm[2] * cm[1] + tm[3] * cm[3]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pt = size * (b * b + d * d) ** 0.5
            if BOTTOM_MARGIN_PT < y < top - TOP_MARGIN_PT and pt < MIN_TEXT_PT - 0.05:
                small.append((n, round(pt, 2), text.strip()[:30]))

        page.extract_text(visitor_text=visit)
    assert not small, f"{len(small)} text runs below {MIN_TEXT_PT} pt, e.g. {small[:5]}"


def test_pdf_table_rows_stay_whole_t14_3_1_mtd_text_on_the_page_of_its_row_label(pdf, engine_report):
    """A row is never split across pages, and T14.3.1's maximum-tolerated-dose text (from
    its ARD row) spans the value columns: its label and all of its words are on one page (it
    ran over twenty lines in the Total column, onto a continuation page)."""
    import csv

    _, report = engine_report
    _, reader = pdf
    with open(report / "ard" / "T14.3.1.csv", encoding="utf-8") as fh:
        mtd = next(r["stat_fmt"] for r in csv.DictReader(fh) if r["variable"] == "MTD")
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    words = " ".join(mtd.split())
    # the row reads on as label, then the whole text (the chapter's sentence has no label)
    on = [n for n, t in enumerate(pages) if f"Maximum tolerated dose {words}" in t]
    assert on, "T14.3.1's maximum tolerated dose row is not whole on one page"


def test_pdf_no_table_caption_and_column_header_end_a_page_without_rows(pdf):
    """A table's caption and column header (its last line is the "N = x" of the columns)
    are followed on their page by at least three rows (T14.3.10's header was stranded at
    a page foot under one row-group heading)."""
    _, reader = pdf
    marks = _outline(reader, reader.outline)
    for title, _, _, page in marks:
        m = re.match(r"^Table (\d[\d.]*\d)", title)
        if not m:
            continue
        lines = [ln.strip() for ln in reader.pages[page].extract_text().splitlines() if ln.strip()]
        at = next((i for i, ln in enumerate(lines) if ln.startswith(f"Table {m.group(1)} ")), None)
        if at is None:
            continue
        header = [i for i, ln in enumerate(lines) if i > at and re.search(r"N = \d+", ln)]
        if not header:
            continue
        rows = [ln for ln in lines[header[-1] + 1:] if not re.match(r"^Page \d+ of \d+$", ln)]
        assert len(rows) >= 3, f"{m.group(0)}: {len(rows)} row lines under its header on page {page + 1}"
