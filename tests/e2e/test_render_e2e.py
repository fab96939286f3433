"""The CSR built end to end from the committed snapshots with the built-in engine:
every SAP display in every format, running headers and page numbers, the ARD
and TLF packages, provenance, diff, and refusals (verify: test_other_study_e2e)."""

from __future__ import annotations

import csv
import json
import re
import shutil

import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from analysis.catalogue import ALL_DISPLAYS, DISPLAYS
from analysis.catalogue import BY_ID as DISPLAYS_BY_ID
from report import redline_docx, text_changes
from report.cache import hash_paths

from .conftest import run_report
from .pdf_text import page_texts

pytestmark = pytest.mark.e2e

CUTOFF_FINAL = "2027-08-09"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def html_text(final_report):
    soup = BeautifulSoup((final_report / "csr.html").read_text(encoding="utf-8"), "html.parser")
    return _norm(soup.get_text(" "))


@pytest.fixture(scope="module")
def pdf_pages(final_report):
    return [_norm(t) for t in page_texts(final_report / "csr.pdf")]


@pytest.fixture(scope="module")
def docx_doc(final_report):
    return Document(str(final_report / "csr.docx"))


def test_html_holds_every_sap_display_with_number_and_title(html_text):
    missing = [d.heading for d in DISPLAYS if _norm(d.heading) not in html_text]
    assert not missing, f"displays missing from csr.html: {missing}"


def test_html_is_self_contained_and_marked_simulated(final_report):
    soup = BeautifulSoup((final_report / "csr.html").read_text(encoding="utf-8"), "html.parser")
    external = [t.get("src") or t.get("href") for t in soup.find_all(["img", "script", "link"])
                if re.match(r"https?://", (t.get("src") or t.get("href") or ""))]
    assert not external
    assert "SIMULATED DATA" in soup.get_text()
    assert soup.find(id="TOC") or soup.find("nav")


def test_no_chapter_failed(final_report, html_text):
    assert not re.search(r"Traceback|\b[A-Za-z]+Error:", html_text)
    for title in ("Synopsis", "9 Investigational plan", "10 Study participants",
                  "11.1 CAR-T cells in peripheral blood", "12.2.1 Dose-limiting toxicities",
                  "16.2 Participant data listings", "Data contract, snapshot and software"):
        assert title in html_text


def test_pdf_every_page_has_running_header_simulated_mark_and_page_x_of_y(pdf_pages):
    n = len(pdf_pages)
    assert n > 20
    for i, text in enumerate(pdf_pages, start=1):
        assert "NCT06561009" in text, f"page {i}: no protocol id"
        assert "e2e-final" in text, f"page {i}: no report version"
        assert CUTOFF_FINAL in text, f"page {i}: no cut-off"
        assert "SIMULATED DATA" in text, f"page {i}: no SIMULATED DATA mark"
        assert f"Page {i} of {n}" in text, f"page {i}: no 'Page {i} of {n}'"


def test_pdf_holds_every_display_number_in_the_body_and_the_lists(pdf_pages):
    text = " ".join(pdf_pages)
    for d in DISPLAYS:
        label = f"{d.kind} {d.number}"
        # once in the list of tables/figures, once as the caption in the body
        assert text.count(label + " ") >= 2, f"{label} not found twice in csr.pdf"


def test_pdf_has_bookmarks_for_the_chapters(final_report):
    outline = PdfReader(final_report / "csr.pdf").outline
    titles = []

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                titles.append(it.title)
    walk(outline)
    assert any("12.2.1 Dose-limiting toxicities" in t for t in titles)
    assert any("16.2 Participant data listings" in t for t in titles)


def test_docx_holds_every_display_and_a_simulated_header(docx_doc):
    text = _norm(" ".join(p.text for p in docx_doc.paragraphs))
    missing = [d.heading for d in DISPLAYS if _norm(d.heading) not in text]
    assert not missing, f"displays missing from csr.docx: {missing}"
    headers = " ".join(p.text for s in docx_doc.sections for p in s.header.paragraphs)
    assert "SIMULATED DATA" in headers and "NCT06561009" in headers
    assert len(docx_doc.tables) >= 20  # great-tables became native Word tables


def test_the_sim_final_report_has_nothing_unavailable_or_not_evaluable(html_text):
    assert "is not evaluable" not in html_text and "is not available" not in html_text


def test_ard_published_for_every_display(final_report):
    files = sorted(p.stem for p in (final_report / "ard").glob("*.csv"))
    assert files == sorted(d.id for d in ALL_DISPLAYS)
    with open(final_report / "ard" / "T14.3.1.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {"display_id", "group1_level", "variable", "stat_name", "stat", "stat_fmt"} <= set(rows[0])


def test_synopsis_numbers_come_from_the_ard(final_report, html_text):
    with open(final_report / "ard" / "T14.2.1.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    post = {r["stat_name"]: r["stat_fmt"] for r in rows
            if r["variable"] == "ARRPOOL" and r["group2_level"] == "Post-infusion"
            and r["group1_level"] == "Total"}
    sentence = (f"annualised relapse rate was {post['rate']} (95% CI {post['lcl']} to "
                f"{post['ucl']})")
    assert sentence in html_text


def test_tlf_package_has_a_file_per_display_and_an_index(final_report):
    tlf = final_report / "tlf"
    for d in DISPLAYS:
        assert (tlf / f"{d.id}.rtf").is_file(), f"no RTF for {d.id}"
        if d.id.startswith("F"):
            assert (tlf / f"{d.id}.png").is_file(), f"no PNG for {d.id}"
        rtf = (tlf / f"{d.id}.rtf").read_text(encoding="ascii", errors="replace")
        assert "e2e-final" in rtf, f"{d.id}.rtf lacks the report version in its header"
    with open(tlf / "index.csv", newline="", encoding="utf-8") as fh:
        index = list(csv.DictReader(fh))
    assert [r for r in index if r] and len(index) == len(DISPLAYS)


def test_provenance_records_inputs_and_no_absolute_paths_leak(final_report, project):
    record = json.loads((final_report / "provenance.json").read_text(encoding="utf-8"))
    assert record["snapshot"]["id"] == "sim-final"
    assert record["version"] == "e2e-final"
    for name in ("csr.html",):
        assert str(project) not in (final_report / name).read_text(encoding="utf-8")
    for ard in (final_report / "ard").glob("*.csv"):
        assert str(project) not in ard.read_text(encoding="utf-8")


def test_rendering_a_published_version_again_is_a_no_op(project, final_report):
    before = {p: p.read_bytes() for p in final_report.rglob("*") if p.is_file()}
    run_report(project, "render", "--snapshot", "sim-final", "--version", "e2e-final",
               "--engine", "builtin")
    after = {p: p.read_bytes() for p in final_report.rglob("*") if p.is_file()}
    assert before == after


def test_a_published_version_is_not_overwritten_with_other_inputs(project, final_report):
    before = {p: p.read_bytes() for p in final_report.rglob("*") if p.is_file()}
    proc = run_report(project, "render", "--snapshot", "sim-interim", "--version", "e2e-final",
                      "--engine", "builtin", check=False)
    assert proc.returncode != 0
    assert "--version" in proc.stdout + proc.stderr  # says how to name a new version
    after = {p: p.read_bytes() for p in final_report.rglob("*") if p.is_file()}
    assert before == after


def test_a_tampered_snapshot_is_refused_naming_the_file(project, final_report):
    snaps = project / "data" / "snapshots"
    shutil.copytree(snaps / "sim-final", snaps / "tampered")
    manifest = json.loads((snaps / "tampered" / "manifest.json").read_text())
    (snaps / "tampered" / "adae.parquet").write_bytes(
        (snaps / "tampered" / "adae.parquet").read_bytes() + b"x")
    proc = run_report(project, "render", "--snapshot", "tampered", "--version", "e2e-tampered",
                      "--engine", "builtin", check=False)
    assert proc.returncode != 0
    assert "adae.parquet" in proc.stdout + proc.stderr
    assert not (project / "report" / "e2e-tampered").exists()
    assert manifest  # the manifest itself was left as it was


def test_diff_interim_to_final_reports_added_participants_and_new_terms(project, interim_report,
                                                                       final_report):
    out = project / "report" / "diff-e2e.html"
    published = {v: hash_paths(project / "report", [v]) for v in ("e2e-interim", "e2e-final")}
    proc = run_report(project, "diff", "e2e-interim", "e2e-final", "--out", str(out))
    assert "participants added" in proc.stdout
    html = out.read_text(encoding="utf-8")
    assert "NCT06561009-01-0020" in html  # enrolled after the interim cut-off
    assert "T14.3.3" in html
    assert DISPLAYS_BY_ID["T14.3.3"].heading in html      # the display by number and title

    # The writers' redline: tracked changes beside the HTML, the versions left as they were.
    assert {v: hash_paths(project / "report", [v]) for v in published} == published
    redline = out.parent / "redline-e2e-interim-to-e2e-final.docx"
    revs = redline_docx.revisions(redline)
    assert revs.insertions > 0 and revs.deletions > 0
    changed = [c for c in text_changes.align(
        text_changes.docx_sentences(interim_report / "csr.docx"),
        text_changes.docx_sentences(final_report / "csr.docx")) if text_changes.numbers_moved(c)]
    assert changed, "no sentence's numbers moved between the interim and the final text"
    assert "<mark class='num'>" in html

    def tracked(c) -> bool:      # the sentence, before and after, in one revised paragraph
        w = text_changes.word_changes(c.old.text, c.new.text)
        norm = text_changes.normalize
        return any(c.old.text in norm(p.old_text) and c.new.text in norm(p.new_text)
                   and all(n in p.inserted for n in w.new_numbers)
                   and all(n in p.deleted for n in w.old_numbers) for p in revs.paragraphs)

    assert any(tracked(c) for c in changed), (
        "no sentence whose numbers moved is a tracked change of the redline")
