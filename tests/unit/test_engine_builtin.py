"""The built-in engine renders the fixture book (tests/unit/fixtures/engine_book) to
HTML, PDF and DOCX with SAP display numbers, the running header, the SIMULATED DATA
mark, verbatim data text and byte-identical output across renders."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pypdf
import pytest
from bs4 import BeautifulSoup

from report import timing
from report.engines import EngineError, render_book
from report.meta import RenderMeta

BOOK = Path(__file__).parent / "fixtures" / "engine_book"
TRICKY = r"<b>IL-6 > 100 pg/mL</b> 50% #1 $x$ @ref *a* \end"
META = RenderMeta(protocol_id="NCT06561009", title="Clinical Study Report", subtitle="Test",
                  sponsor="Test Sponsor", phase="Phase 1", full_title="Anti-BAFFR CAR-T test",
                  version="0.1.0", cutoff="2026-01-31", snapshot_id="sim-0001", simulated=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    staging = tmp_path_factory.mktemp("staging")
    shutil.copytree(BOOK, staging, dirs_exist_ok=True)
    timeline = timing.Timeline()
    out = render_book(staging, tmp_path_factory.mktemp("out"), ["html", "pdf", "docx"],
                      "builtin", META, timeline)
    out["staging"] = staging
    out["timeline"] = timeline
    return out


@pytest.fixture(scope="module")
def pdf_pages(rendered) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(rendered["pdf"]).pages]


@pytest.fixture(scope="module")
def html(rendered) -> BeautifulSoup:
    return BeautifulSoup(rendered["html"].read_text(encoding="utf-8"), "html.parser")


def test_the_engine_records_each_of_its_steps_as_a_timing_event(rendered):
    """What the bench reads (report.bench.engine_breakdown), with no engine function wrapped."""
    events = rendered["timeline"].events
    assert {e.stage for e in events} == {"engine_step"} and all(e.seconds > 0 for e in events)
    assert sorted(e.detail["step"] for e in events) == [
        "pandoc_notebooks", "typst_compile", "write_docx", "write_html", "write_pdf"]


def test_render_leaves_nothing_in_staging(rendered):
    files = sorted(p.relative_to(rendered["staging"]).as_posix()
                   for p in rendered["staging"].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(BOOK).as_posix() for p in BOOK.rglob("*") if p.is_file())


def test_html_is_self_contained_with_toc(html):
    external = [t.get("src") or t.get("href") for t in html.find_all(["img", "script", "link"])
                if (t.get("src") or t.get("href") or "").startswith(("http:", "https:", "//"))]
    assert external == []
    assert all(img["src"].startswith("data:image/png") for img in html.find_all("img"))
    assert html.find("nav", id="TOC") is not None


def test_html_captions_and_cross_references_use_sap_numbers(html):
    captions = [c.get_text(" ", strip=True) for c in html.find_all("caption")]
    assert "Table 14.3.1 Dose-limiting toxicities by dose level (primary)" in captions
    assert "Listing 16.2.7.1 All adverse events" in captions
    links = {a.get_text(" ", strip=True): a["href"] for a in html.find_all("a")
             if a.get("href", "").startswith("#")}
    assert links["Table 14.3.1"] == "#tbl-t14-3-1"
    assert links["Figure 14.2.1"] == "#fig-f14-2-1"
    assert links["Section 12.1"] == "#sec-dlt"
    assert html.find(id="tbl-t14-3-1").name == "table"


def test_html_drops_code_streams_and_excluded_cells(html):
    text = html.get_text()
    assert "SHOULD NOT APPEAR" not in text
    assert "stray print" not in text
    assert "show(t)" not in text


def test_html_shows_simulated_banner(html):
    assert html.find(class_="csr-simulated").get_text() == "SIMULATED DATA"


def test_tricky_term_is_verbatim_in_all_formats(rendered, html, pdf_pages):
    cells = [td.get_text() for td in html.find_all("td")]
    assert TRICKY in cells
    assert f"Narrative with a tricky term: {TRICKY}." in html.get_text()
    assert html.find("b") is None
    assert TRICKY in " ".join(pdf_pages)
    document = docx.Document(rendered["docx"])
    docx_cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert TRICKY in docx_cells


def test_pdf_running_header_and_page_x_of_y_on_every_page(pdf_pages):
    n = len(pdf_pages)
    for i, text in enumerate(pdf_pages, start=1):
        assert "NCT06561009 | Version 0.1.0 | Data cut-off 2026-01-31" in text
        assert "SIMULATED DATA" in text
        assert f"Page {i} of {n}" in text


def test_pdf_contents_lists_and_bookmarks(rendered, pdf_pages):
    text = " ".join(pdf_pages)
    assert "Table of contents" in text
    assert "List of tables and listings" in text
    assert "List of figures" in text
    outline = pypdf.PdfReader(rendered["pdf"]).outline
    titles = [o.title for o in outline if not isinstance(o, list)]
    assert titles == ["Synopsis", "12 Safety evaluation", "Appendices"]


def test_pdf_captions_carry_sap_numbers(pdf_pages):
    text = " ".join(pdf_pages)
    assert "Table 14.3.1 Dose-limiting toxicities by dose level (primary)" in text
    assert "Figure 14.2.1 Relapse-free proportion after infusion (Kaplan-Meier)" in text
    assert "Listing 16.2.7.1 All adverse events" in text


def test_pdf_long_table_spans_pages_with_repeated_header(pdf_pages):
    pages = [t for t in pdf_pages if "Preferred term 0" in t]
    assert len(pages) >= 2
    assert all("Preferred term DL1 Total" in t for t in pages)


def test_pdf_wide_listing_is_on_landscape_pages(rendered):
    reader = pypdf.PdfReader(rendered["pdf"])
    landscape = [p for p in reader.pages if p.mediabox.width > p.mediabox.height]
    assert landscape and all("NCT-0" in p.extract_text() for p in landscape)


def test_docx_header_footer_captions_and_native_tables(rendered):
    document = docx.Document(rendered["docx"])
    header = " ".join(p.text for s in document.sections for p in s.header.paragraphs)
    assert "NCT06561009 | Version 0.1.0 | Data cut-off 2026-01-31 | SIMULATED DATA" in header
    assert all("SIMULATED DATA" in " ".join(p.text for p in s.header.paragraphs)
               for s in document.sections)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Table 14.3.1 Dose-limiting toxicities by dose level (primary)" in text
    assert "Figure 14.2.1 Relapse-free proportion after infusion (Kaplan-Meier)" in text
    # the three tables; the figure is its image with the notes as paragraphs below it
    # (docx.lua: no layout table putting image and notes side by side)
    assert len(document.tables) == 3
    assert document.inline_shapes and len(document.inline_shapes) == 1
    assert any(s.orientation == 1 for s in document.sections)  # WD_ORIENT.LANDSCAPE


def test_same_inputs_give_byte_identical_outputs(rendered, tmp_path):
    staging = tmp_path / "staging"
    shutil.copytree(BOOK, staging)
    again = render_book(staging, tmp_path / "out", ["html", "pdf", "docx"], "builtin", META)
    for fmt in ("html", "pdf", "docx"):
        assert again[fmt].read_bytes() == rendered[fmt].read_bytes(), fmt


def test_error_output_in_a_notebook_stops_the_build(tmp_path):
    import nbformat

    staging = tmp_path / "staging"
    shutil.copytree(BOOK, staging)
    nb = nbformat.read(staging / "index.ipynb", as_version=4)
    nb.cells[2].outputs.append(nbformat.v4.new_output(
        "error", ename="ValueError", evalue="boom", traceback=["ValueError: boom"]))
    nbformat.write(nb, staging / "index.ipynb")
    with pytest.raises(EngineError, match="error output"):
        render_book(staging, tmp_path / "out", ["html"], "builtin", META)
