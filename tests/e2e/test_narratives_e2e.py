"""N14.3.3 in the rendered CSR: one anchored narrative per participant of its ARD, the AE
listings' rows linking to them, and the writer's clinical assessment read at render,
byte for byte unchanged, in HTML, PDF and DOCX, without executing a notebook."""

from __future__ import annotations

import csv
import re

import pytest
from bs4 import BeautifulSoup

from analysis.style.narrative_text import narrative_anchor, placeholder, writer_file

from .conftest import document_texts, run_report

pytestmark = pytest.mark.e2e


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _participants(report) -> dict[str, str]:
    """USUBJID -> SUBJID of the narratives' ARD."""
    with open(report / "ard" / "N14.3.3.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {r["group1_level"]: r["stat_fmt"] for r in rows
            if r["group1"] == "USUBJID" and r["variable"] == "SUBJID"}


def test_every_narrative_participant_has_an_anchored_narrative_and_a_placeholder(final_report):
    who = _participants(final_report)
    assert who, "sim-final has participants with a serious AE or a DLT"
    soup = BeautifulSoup((final_report / "csr.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find(id="sec-narratives") is not None
    text = _norm(soup.get_text(" "))
    for usubjid, subjid in who.items():
        assert soup.find(id=narrative_anchor(usubjid)) is not None, usubjid
        assert placeholder(subjid) in text


def test_listing_rows_of_a_narratives_event_link_to_it(final_report):
    who = _participants(final_report)
    html = (final_report / "csr.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="#(narr-[a-z0-9-]+)"', html))
    assert links == {narrative_anchor(u) for u in who}
    page = (final_report / "listings" / "L16.2.7.3.html").read_text(encoding="utf-8")
    assert {f"../csr.html#{narrative_anchor(u)}" for u in who} <= \
        set(re.findall(r'href="([^"]+)"', page))


@pytest.fixture(scope="module")
def writer_report(project, final_report):
    """sim-final rendered again after a writer filled one clinical assessment."""
    who = _participants(final_report)
    usubjid = sorted(who)[0]
    path = project / writer_file(usubjid)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = "Assessment by the writer: event 2 \u2013 expected after CAR-T.\r\n".encode()
    path.write_bytes(raw)
    try:
        proc = run_report(project, "render", "--snapshot", "sim-final", "--version",
                          "e2e-writer", "--engine", "builtin")
        yield project / "report" / "e2e-writer", proc, path, raw, who, usubjid
    finally:
        path.unlink()


def test_a_writer_assessment_shows_in_every_format_without_executing_a_notebook(writer_report):
    report, proc, path, raw, who, usubjid = writer_report
    assert path.read_bytes() == raw                      # the build never writes it
    assert re.search(r"\b0 to execute\b", proc.stdout + proc.stderr), proc.stdout
    sentence = "Assessment by the writer: event 2 \u2013 expected after CAR-T."
    for name, text in document_texts(report).items():
        assert sentence in text, f"{name} lacks the writer's sentence"
        assert placeholder(who[usubjid]) not in text, f"{name} still shows the placeholder"
        others = [u for u in who if u != usubjid]
        assert all(placeholder(who[u]) in text for u in others), name
