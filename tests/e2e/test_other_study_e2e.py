"""Another study's standard ADaM (ADSL and ADAE only, CDISC-pilot style, a preferred term
full of markup characters) renders in every format and says what is absent, its data text
shows verbatim, and ``verify`` rebuilds the version without the cache and finds it
identical. In the render group of the other snapshots (tests/conftest.py): nothing here
needs the sim-final render."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from .conftest import TRICKY_TERM, run_report

pytestmark = pytest.mark.e2e


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def pilot_report(project, pilot_snapshot):
    """The pilot snapshot (see conftest) rendered by the built-in engine."""
    run_report(project, "render", "--snapshot", pilot_snapshot, "--version", "e2e-pilot",
               "--engine", "builtin")
    return project / "report" / "e2e-pilot"


def test_a_snapshot_with_only_adsl_and_adae_renders_and_says_what_is_absent(pilot_report):
    soup = BeautifulSoup((pilot_report / "csr.html").read_text(encoding="utf-8"), "html.parser")
    text = _norm(soup.get_text(" "))
    for absent in ("ADPC", "ADRELAP", "ADLB", "ADEDSS", "ADVA", "ADMRI", "ADEX"):
        assert f"holds no {absent}" in text, f"no line says the snapshot holds no {absent}"
    assert "Table 14.1.3 Demographics and baseline characteristics" in text
    assert "Table 14.3.3 TEAEs by SOC and PT, lymphodepletion to Day 28 (primary)" in text
    assert not re.search(r"Traceback|\b[A-Za-z]+Error:", text)


def test_data_text_shows_verbatim_in_html_pdf_and_docx(pilot_report):
    soup = BeautifulSoup((pilot_report / "csr.html").read_text(encoding="utf-8"), "html.parser")
    assert TRICKY_TERM in soup.get_text()
    assert not soup.find_all("b", string=re.compile("IL-6"))  # never interpreted as HTML
    pdf = _norm(" ".join(p.extract_text() or "" for p in PdfReader(pilot_report / "csr.pdf").pages))
    assert _norm(TRICKY_TERM) in pdf
    doc = Document(str(pilot_report / "csr.docx"))
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert TRICKY_TERM in cells


def test_verify_rebuilds_a_version_without_cache_and_finds_it_identical(project, pilot_report):
    """Every chapter executed again without the cache and typeset in every format, each file
    compared with the published one. The version verified is the two-dataset one (every
    chapter runs, most say what is absent): a rebuild of sim-final took 2.5 min of CI's
    15 on two cores, and determinism of the parts is proved apart (the notebooks of forked and
    plain kernels, snapshots of one seed, the engine's documents of the same inputs:
    test_execute_cache, test_simulator_trial, test_engine_builtin)."""
    proc = run_report(project, "verify", "e2e-pilot")
    assert "identical" in proc.stdout
