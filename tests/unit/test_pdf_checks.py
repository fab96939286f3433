"""The eCTD PDF checks (report/pdf_checks.py) that ``nox -s submission -- V --check`` runs
on a published csr.pdf, on a small PDF typst writes: each rule fails on a PDF that breaks
it and passes once the PDF is finished as the engines finish theirs (report/pdf_post.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from report import pdf_checks, pdf_fonts, pdf_post


def _typst_pdf(tmp_path: Path, body: str) -> Path:
    import typst

    src = tmp_path / "doc.typ"
    src.write_text('#set page(margin: 3cm)\n#set text(size: 10pt)\n' + body, encoding="utf-8")
    out = tmp_path / "doc.pdf"
    typst.compile(str(src), output=str(out), root=str(tmp_path), ignore_system_fonts=True,
                  font_paths=[pdf_fonts.font_folder(tmp_path)])
    return out


@pytest.fixture
def doc(tmp_path):
    return _typst_pdf(tmp_path, "= 14 Tables\n== Table 14.1.1 Disposition\nSome body text.\n")


def test_a_typst_pdf_is_1_4_to_1_7_unencrypted_without_javascript_and_embeds_its_fonts(doc):
    reader = PdfReader(doc)
    assert pdf_checks.version_and_security(reader) == []
    assert pdf_checks.fonts_embedded(reader) == []


def test_bookmark_panel_and_linearisation_fail_until_the_pdf_is_finished(doc):
    assert pdf_checks.opens_with_bookmarks_linearised(PdfReader(doc), doc) == [
        "does not open with the bookmark panel (/PageMode /UseOutlines)",
        "not saved for fast web view (linearised)"]
    pdf_post.finalize_pdf(doc)
    assert pdf_checks.opens_with_bookmarks_linearised(PdfReader(doc), doc) == []


def test_a_display_bookmark_must_exist_once_under_a_section(doc):
    class Display:
        def __init__(self, kind, number):
            self.kind, self.number = kind, number

    reader = PdfReader(doc)
    assert pdf_checks.display_bookmarks(reader, [Display("Table", "14.1.1")]) == []
    assert pdf_checks.display_bookmarks(reader, [Display("Table", "14.1.2")]) == [
        "Table 14.1.2: 0 bookmarks"]


def test_body_text_below_9_pt_is_named_with_its_page(tmp_path):
    doc = _typst_pdf(tmp_path, "Normal text.\n\n#text(size: 6pt)[Tiny footnote]\n")
    failures = pdf_checks.small_text(PdfReader(doc))
    assert len(failures) == 1 and "(1, 6.0, 'Tiny footnote')" in failures[0]


def test_a_document_with_too_few_internal_links_fails_the_link_check(doc):
    assert pdf_checks.internal_links(PdfReader(doc)) == [
        "only 0 internal links (more than 50 expected)"]


def test_a_damaged_file_is_reported_not_raised(tmp_path):
    bad = tmp_path / "csr.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really")
    failures = pdf_checks.failures(bad, displays=[])
    assert failures and failures[0].startswith("not readable as PDF")
