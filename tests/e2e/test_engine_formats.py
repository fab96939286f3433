"""The format checks of the CSR, for each engine: the built-in engine always, the Quarto engine
when ``quarto`` is on PATH (skipped otherwise: CI machines have none).

Every SAP display is labelled in words ("Table 14.3.1 <title>") in HTML, PDF and DOCX;
cross-references are resolved (no "?@", "??" or dead ``#`` links, across the pages of the
HTML book too); every PDF page carries the running header, SIMULATED DATA and "Page x of y";
the PDF lists of tables and figures name every display; both engines publish the same ARD.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from analysis.catalogue import ALL_DISPLAYS, DISPLAYS

from .conftest import TRICKY_TERM, run_report
from .pdf_text import page_texts

pytestmark = pytest.mark.e2e

TABLES = [d for d in DISPLAYS if d.kind in ("Table", "Listing")]
FIGURES = [d for d in DISPLAYS if d.kind == "Figure"]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def html_pages(report: Path) -> list[Path]:
    """The HTML of a version: the Quarto book's pages (html/), or the built-in single file."""
    site = report / "html"
    if site.is_dir():
        return sorted(p for p in site.rglob("*.html") if "site_libs" not in p.relative_to(site).parts)
    return [report / "csr.html"]


def soups(report: Path) -> dict[Path, BeautifulSoup]:
    return {p: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in html_pages(report)}


def dead_links(pages: dict[Path, BeautifulSoup]) -> list[str]:
    """Local links whose file or ``#id`` does not exist (within a page and across pages)."""
    ids = {p.resolve(): {t.get("id") for t in s.find_all(id=True)} for p, s in pages.items()}
    dead = []
    for page, soup in pages.items():
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if re.match(r"^[a-z][a-z0-9+.-]*:", href):  # http:, mailto:, data: ...
                continue
            path, _, frag = href.partition("#")
            target = (page.parent / path).resolve() if path else page.resolve()
            if not target.exists():
                dead.append(f"{page.name}: {href} (no such file)")
            elif frag and target.suffix == ".html" and frag not in ids.get(target, set()):
                dead.append(f"{page.name}: {href} (no such id)")
    return dead


def table_texts(tables) -> list[str]:
    """The text of every cell of ``tables`` and of the tables inside them (Quarto's DOCX lays
    out each float in a table of its own)."""
    out = []
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                out.append(cell.text)
                out += table_texts(cell.tables)
    return out


@pytest.fixture(scope="module")
def html_text(engine_report):
    _, report = engine_report
    return _norm(" ".join(s.get_text(" ") for s in soups(report).values()))


@pytest.fixture(scope="module")
def pdf_pages(engine_report):
    _, report = engine_report
    return [_norm(t) for t in page_texts(report / "csr.pdf")]


@pytest.fixture(scope="module")
def docx_text(engine_report):
    _, report = engine_report
    doc = Document(str(report / "csr.docx"))
    return _norm(" ".join([p.text for p in doc.paragraphs] + table_texts(doc.tables)))


def test_every_display_is_labelled_in_words_in_html(html_text):
    missing = [d.heading for d in DISPLAYS if _norm(d.heading) not in html_text]
    assert not missing, f"displays missing from the HTML: {missing}"


def test_every_display_is_labelled_in_words_in_pdf(pdf_pages):
    text = " ".join(pdf_pages)
    missing = [d.heading for d in DISPLAYS if _norm(d.heading) not in text]
    assert not missing, f"displays missing from csr.pdf: {missing}"


def test_every_display_is_labelled_in_words_in_docx(docx_text):
    missing = [d.heading for d in DISPLAYS if _norm(d.heading) not in docx_text]
    assert not missing, f"displays missing from csr.docx: {missing}"


def test_cross_references_are_resolved_in_every_format(html_text, pdf_pages, docx_text):
    for name, text in (("HTML", html_text), ("PDF", " ".join(pdf_pages)), ("DOCX", docx_text)):
        assert "?@" not in text, f"{name}: unresolved cross-reference"
        assert "??" not in text, f"{name}: unresolved reference"
        assert not re.search(r"\b(Table|Figure|Listing) [0-9]+\b(?!\.)", text), \
            f"{name}: a display numbered without its SAP number"


def test_html_links_resolve_within_and_across_pages(engine_report):
    _, report = engine_report
    pages = soups(report)
    assert not dead_links(pages)
    if len(pages) > 1:  # the Quarto book: some references lead to another page
        across = [a["href"] for s in pages.values() for a in s.find_all("a", class_="quarto-xref")
                  if not a["href"].startswith("#")]
        assert across, "no cross-reference links to another page of the book"


def test_pdf_every_page_has_running_header_simulated_mark_and_page_x_of_y(engine_report, pdf_pages):
    _, report = engine_report
    n = len(pdf_pages)
    version = report.name
    for i, text in enumerate(pdf_pages, start=1):
        assert "NCT06561009" in text, f"page {i}: no protocol id"
        assert version in text, f"page {i}: no report version"
        assert "SIMULATED DATA" in text, f"page {i}: no SIMULATED DATA mark"
        assert f"Page {i} of {n}" in text, f"page {i}: no 'Page {i} of {n}'"


def _section(pages: list[str], start: str, end: str | None) -> str:
    text = " ".join(pages)
    i = text.index(start)
    j = text.index(end, i) if end else len(text)
    return text[i:j]


def test_pdf_lists_of_tables_and_figures_name_every_display(pdf_pages):
    tables = _section(pdf_pages[:12], "List of tables and listings", "List of figures")
    figures = _section(pdf_pages[:12], "List of figures", "Synopsis")
    assert not [d.heading for d in TABLES if f"{d.kind} {d.number} " not in tables]
    assert not [d.heading for d in FIGURES if f"{d.kind} {d.number} " not in figures]


def test_both_engines_publish_the_same_ard(engine_report, final_report):
    _, report = engine_report
    ours = {p.name: p.read_bytes() for p in (report / "ard").glob("*.csv")}
    builtin = {p.name: p.read_bytes() for p in (final_report / "ard").glob("*.csv")}
    assert sorted(ours) == sorted(f"{d.id}.csv" for d in ALL_DISPLAYS)
    assert ours == builtin


def test_quarto_html_is_a_book_website_of_bounded_size(engine_report, final_report):
    engine, report = engine_report
    if engine != "quarto":
        pytest.skip("the built-in engine publishes one self-contained csr.html")
    site = report / "html"
    for rel in ("index.html", "search.json", "chapters/12-02-adverse-events.html"):
        assert (site / rel).is_file(), f"html/{rel} missing"
    assert "html/index.html" in (report / "csr.html").read_text(encoding="utf-8")
    pages = html_pages(report)
    assert len(pages) == len(book_chapters())  # one page per chapter of _quarto.yml
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    assert size <= 2 * (final_report / "csr.html").stat().st_size
    external = [t.get("src") or t.get("href") for p in pages
                for t in BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
                .find_all(["img", "script", "link"])
                if re.match(r"https?://", t.get("src") or t.get("href") or "")]
    assert not external, f"pages load from the network: {external[:5]}"


@pytest.fixture(scope="module")
def quarto_pilot(project, pilot_snapshot, quarto_report):
    """The pilot snapshot (ADSL + ADAE of another study, a markup-laden term) rendered by the
    Quarto engine."""
    run_report(project, "render", "--snapshot", pilot_snapshot, "--version", "e2e-quarto-pilot",
               "--engine", "quarto")
    return project / "report" / "e2e-quarto-pilot"


def test_quarto_renders_a_snapshot_with_only_adsl_and_adae_and_data_text_verbatim(quarto_pilot):
    text = " ".join(s.get_text(" ") for s in soups(quarto_pilot).values())
    for absent in ("ADPC", "ADRELAP", "ADLB"):
        assert f"holds no {absent}" in _norm(text)
    assert "Table 14.3.3 TEAEs by SOC and PT, lymphodepletion to Day 28 (primary)" in _norm(text)
    assert TRICKY_TERM in text
    assert not any(s.find_all("b", string=re.compile("IL-6")) for s in soups(quarto_pilot).values())
    pdf = _norm(" ".join(p.extract_text() or "" for p in PdfReader(quarto_pilot / "csr.pdf").pages))
    assert _norm(TRICKY_TERM) in pdf
    doc = Document(str(quarto_pilot / "csr.docx"))
    assert TRICKY_TERM in " ".join(table_texts(doc.tables))


def book_chapters() -> list[str]:
    """The chapter files of _quarto.yml (parts' chapters and appendices included)."""
    import yaml

    book = yaml.safe_load((Path(__file__).resolve().parents[2] / "_quarto.yml")
                          .read_text(encoding="utf-8"))["book"]

    def flat(items):
        for item in items or []:
            if isinstance(item, dict):
                yield from flat(item.get("chapters"))
            else:
                yield item
    return [*flat(book.get("chapters")), *flat(book.get("appendices"))]
