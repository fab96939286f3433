"""The rendered CSR is an ICH E3 report a medical writer can take over (issue 15 item 1):
every E3 section of the SAP's list in order with its number (HTML and PDF outline), the
title page's E3 facts, the writer's files read and never written, a writer's sentence in
all three formats without executing a notebook, and the open placeholders listed."""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from .conftest import ETHICS_PLACEHOLDER, ETHICS_SENTENCE
from .pdf_text import page_texts

pytestmark = pytest.mark.e2e

# ICH E3 sections of the SAP's list (SAP 5, end) that have a heading: (number, words of the
# E3 title that the heading must carry). 1 (title page) and 3 (contents) are checked apart.
E3_SECTIONS = [
    ("2", "synopsis"), ("4", "abbreviations"), ("5", "ethics"), ("6", "investigators"),
    ("7", "introduction"), ("8", "objectives"), ("9", "investigational plan"),
    ("9.5", "sample size"), ("9.6", "changes in the conduct"),
    ("10", "participants"), ("10.1", "disposition"), ("10.2", "protocol deviations"),
    ("11", "efficacy"), ("12", "safety"), ("12.1", "exposure"), ("12.2", "adverse events"),
    ("12.3", "deaths"), ("12.4", "laboratory"), ("12.5", "vital signs"),
    ("12.6", "safety conclusions"), ("13", "discussion"), ("14", "tables, figures"),
    ("14.3.3", "narratives"), ("15", "reference"), ("16", "appendices"),
    ("16.1", "study information"), ("16.2", "listings"),
]


def _html_headings(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    body = text[text.index("</nav>"):] if "</nav>" in text else text  # after the contents
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip()
            for m in re.finditer(r"<h([1-4])[^>]*>(.*?)</h\1>", body, re.S)]


def _pdf_outline(path: Path) -> list[str]:
    reader = PdfReader(path)
    out: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item.title.strip())
    walk(reader.outline)
    return out


def _in_order(titles: list[str], sections) -> list[str]:
    """The sections not found, in order, as ``<number> <words>`` headings of ``titles``."""
    missing, at = [], 0
    for number, words in sections:
        pattern = re.compile(rf"^{re.escape(number)}\s.*{re.escape(words)}", re.I)
        hit = next((i for i in range(at, len(titles)) if pattern.search(titles[i])), None)
        if hit is None:
            missing.append(f"{number} {words}")
        else:
            at = hit + 1
    return missing


def test_html_and_pdf_outline_have_every_e3_section_of_the_sap_in_order(final_report):
    assert _in_order(_html_headings(final_report / "csr.html"), E3_SECTIONS) == []
    assert _in_order(_pdf_outline(final_report / "csr.pdf"), E3_SECTIONS) == []


def test_title_page_shows_the_e3_facts_with_placeholders_for_what_no_source_states(final_report):
    text = (final_report / "csr.html").read_text(encoding="utf-8")
    title = html_lib.unescape(text[:text.index("</header>")])
    for fact in ("Anti-BAFFR CAR-T cells", "AQP4-IgG-positive neuromyelitis optica",
                 "Phase 1", "Registry identifier", "NCT06561009",
                 "Tianjin Medical University General Hospital", "Report version",
                 "e2e-final", "Sponsor signatory block",
                 "[Writer: name and affiliation of the principal or coordinating investigator]",
                 "[Writer: date of this report version]", "Good Clinical Practice"):
        assert fact in title, fact
    period = re.search(r"(\d{4}-\d{2}-\d{2}) \(first enrolment\) to (\d{4}-\d{2}-\d{2}) "
                       r"\(data cut-off\)", title)
    assert period, "study period missing on the title page"
    import pyarrow.parquet as pq

    adsl = pq.read_table(final_report.parents[1] / "data" / "snapshots" / "sim-final" /
                         "adsl.parquet", columns=["ENRLDT"]).to_pandas()
    assert period.group(1) == str(adsl["ENRLDT"].dropna().min())[:10]
    first_page = PdfReader(final_report / "csr.pdf").pages[0].extract_text()
    assert "Sponsor signatory block" in first_page and "Study period" in first_page
    docx_text = "\n".join(p.text for p in Document(final_report / "csr.docx").paragraphs[:40])
    assert "Registry identifier: NCT06561009" in docx_text and "Sponsor signatory block" in docx_text


def test_a_writer_sentence_reaches_html_pdf_and_docx_and_no_notebook_reexecutes(edited_report):
    r = edited_report
    assert r["writer_after"] == r["writer_before"], "the render wrote a writer file"
    out = r["proc"].stdout + r["proc"].stderr
    assert re.search(r"notebooks: (\d+) in the book, \1 cached, 0 to execute", out), out
    report = r["report"]
    html = html_lib.unescape((report / "csr.html").read_text(encoding="utf-8"))
    assert ETHICS_SENTENCE in html and ETHICS_PLACEHOLDER not in html
    pdf = " ".join(" ".join(text.split()) for text in page_texts(report / "csr.pdf"))
    assert ETHICS_SENTENCE in pdf
    docx = "\n".join(p.text for p in Document(report / "csr.docx").paragraphs)
    assert ETHICS_SENTENCE in docx
    # the placeholder left the list; the others are still printed and recorded
    recorded = json.loads((report / "placeholders.json").read_text(encoding="utf-8"))["open"]
    assert ETHICS_PLACEHOLDER not in [p["text"] for p in recorded]
    assert {"file": "text/writer/05-ethics.md", "line": 5} in [
        {k: p[k] for k in ("file", "line")} for p in recorded]
    assert "text/writer/05-ethics.md:5: [Writer:" in out
    assert "text/writer/05-ethics.md:9: [Writer:" not in out


def test_open_placeholders_are_recorded_with_file_and_line(project, final_report):
    from report.writer_text import open_placeholders

    recorded = json.loads((final_report / "placeholders.json").read_text(encoding="utf-8"))["open"]
    expected = [{"file": p.file, "line": p.line, "text": p.text}
                for p in open_placeholders(project)]
    assert recorded == expected and len(recorded) >= 6
    files = {p["file"] for p in recorded}
    for name in ("05-ethics.md", "06-investigators.md", "07-introduction.md",
                 "12-06-safety-conclusions.md", "13-discussion.md", "15-references.md",
                 "title-page.yml"):
        assert f"text/writer/{name}" in files, name
    html = html_lib.unescape((final_report / "csr.html").read_text(encoding="utf-8"))
    for p in recorded:
        assert p["text"] in html, p


def test_section_14_links_every_display_the_book_shows(final_report):
    from analysis.catalogue import DISPLAYS

    text = (final_report / "csr.html").read_text(encoding="utf-8")
    body = text[text.index("</nav>"):]   # after the table of contents
    start = body.index(">14 Tables, figures and graphs referred to but not included in the text<")
    section = body[start:body.index(">15 Reference list<")]
    shown = [d for d in DISPLAYS if d.number.startswith("14.") and f'id="{d.label}"' in text]
    assert shown, "no display found in the book"
    for d in shown:
        assert f'href="#{d.label}"' in section, d.id
