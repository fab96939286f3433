"""N14.3.3 in the rendered CSR: one anchored narrative per participant of its ARD, the AE
listings' rows linking to them, and the writer's clinical assessment read at render,
byte for byte unchanged, in HTML, PDF and DOCX, without executing a notebook."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from analysis.style.narrative_text import narrative_anchor, placeholder

from .conftest import ASSESSMENT, document_texts, narrative_participants

pytestmark = pytest.mark.e2e


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_narrative_participant_has_an_anchored_narrative_and_a_placeholder(final_report):
    who = narrative_participants(final_report)
    assert who, "sim-final has participants with a serious AE or a DLT"
    soup = BeautifulSoup((final_report / "csr.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find(id="sec-narratives") is not None
    text = _norm(soup.get_text(" "))
    for usubjid, subjid in who.items():
        assert soup.find(id=narrative_anchor(usubjid)) is not None, usubjid
        assert placeholder(subjid) in text


def test_listing_rows_of_a_narratives_event_link_to_it(final_report):
    who = narrative_participants(final_report)
    html = (final_report / "csr.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="#(narr-[a-z0-9-]+)"', html))
    assert links == {narrative_anchor(u) for u in who}
    page = (final_report / "listings" / "L16.2.7.3.html").read_text(encoding="utf-8")
    assert {f"../csr.html#{narrative_anchor(u)}" for u in who} <= \
        set(re.findall(r'href="([^"]+)"', page))


def test_a_writer_assessment_shows_in_every_format_without_executing_a_notebook(edited_report):
    r = edited_report
    who, usubjid = r["who"], r["usubjid"]
    assert r["assessment_after"] == r["assessment_raw"]     # the build never writes it
    proc = r["proc"]
    assert re.search(r"\b0 to execute\b", proc.stdout + proc.stderr), proc.stdout
    for name, text in document_texts(r["report"]).items():
        assert ASSESSMENT in text, f"{name} lacks the writer's sentence"
        assert placeholder(who[usubjid]) not in text, f"{name} still shows the placeholder"
        others = [u for u in who if u != usubjid]
        assert all(placeholder(who[u]) in text for u in others), name
