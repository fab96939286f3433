"""End-to-end fixtures: the CSR rendered for real (built-in engine) in an
isolated copy of the project, once per test session.

The copy holds exactly the files git tracks (what a fresh clone has), so the
user's report/ and _build/ are never touched and a stale cache cannot hide a
problem. Renders run as the README says (``python -m report ...``, which is
what ``nox -s render`` runs), in a subprocess with the copy as working folder.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tracked_files(root: Path) -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True,
                         capture_output=True).stdout.decode()
    return [f for f in out.split("\0") if f]


def copy_project(dest: Path) -> Path:
    for rel in tracked_files(ROOT):
        src = ROOT / rel
        if src.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    return dest


def run_report(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project)}
    proc = subprocess.run([sys.executable, "-m", "report", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=1800)
    if check and proc.returncode != 0:
        raise AssertionError(f"python -m report {' '.join(args)} failed "
                             f"({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    """A fresh copy of the tracked project."""
    return copy_project(tmp_path_factory.mktemp("csr-project"))


@pytest.fixture(scope="session")
def final_report(project) -> Path:
    """report/<v>/ built from the default snapshot (sim-final), built-in engine."""
    run_report(project, "render", "--snapshot", "sim-final", "--version", "e2e-final",
               "--engine", "builtin")
    return project / "report" / "e2e-final"


@pytest.fixture(scope="session")
def interim_report(project, final_report) -> Path:
    """report/<v>/ built from the interim snapshot (sim-interim), as DOCX only: the diff
    reads the text from csr.docx and the numbers from the ARDs (HTML and PDF are the final
    version's to check)."""
    run_report(project, "render", "--snapshot", "sim-interim", "--version", "e2e-interim",
               "--to", "docx", "--engine", "builtin")
    return project / "report" / "e2e-interim"


@pytest.fixture(scope="session")
def quarto_report(project, final_report) -> Path:
    """report/<v>/ built from sim-final with the Quarto engine (its notebooks come from the
    cache the built-in render filled); skipped without ``quarto`` on PATH."""
    if not shutil.which("quarto"):
        pytest.skip("quarto is not on PATH: the Quarto engine's checks need it (CI has none)")
    run_report(project, "render", "--snapshot", "sim-final", "--version", "e2e-quarto",
               "--engine", "quarto")
    return project / "report" / "e2e-quarto"


def narrative_participants(report: Path) -> dict[str, str]:
    """USUBJID -> SUBJID of a version's narratives (its N14.3.3 ARD)."""
    with open(report / "ard" / "N14.3.3.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {r["group1_level"]: r["stat_fmt"] for r in rows
            if r["group1"] == "USUBJID" and r["variable"] == "SUBJID"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# The medical writer's three kinds of text file, each edited once for ``edited_report``.
EDITED_TEMPLATE = "text/prose/12-01-dlt/listing-note.md"
TEMPLATE_SENTENCE = "A sentence the medical writer added reaches every format."
ETHICS = "text/writer/05-ethics.md"
ETHICS_PLACEHOLDER = ("[Writer: confirm that the study was conducted in accordance with the "
                      "ethical principles that have their origin in the Declaration of Helsinki "
                      "(ICH E3 5.2).]")
ETHICS_SENTENCE = "Zebra-seventeen conducted the study as its protocol says."
ASSESSMENT = "Assessment by the writer: event 2 \u2013 expected after CAR-T."


@pytest.fixture(scope="session")
def edited_report(project, final_report):
    """sim-final rendered again (version e2e-edited) after the writer edited a prose
    template (a sentence appended), a writer section (the ethics placeholder replaced) and
    one narrative's clinical assessment (a new file, CRLF, non-ASCII). One render serves
    every test of a writer's edit: it only resolves the text and typesets, from the cache.
    Yields a dict: ``report``, ``proc``, ``writer_before``/``writer_after`` (SHA-256 of each
    text/writer file before and after the render), ``assessment_path``/``assessment_raw``,
    ``usubjid`` (whose narrative was assessed) and ``who`` (all narrative participants)."""
    who = narrative_participants(final_report)
    usubjid = sorted(who)[0]
    from analysis.style.narrative_text import writer_file

    template, ethics = project / EDITED_TEMPLATE, project / ETHICS
    template_original, ethics_original = template.read_bytes(), ethics.read_bytes()
    assessment = project / writer_file(usubjid)
    raw = (ASSESSMENT + "\r\n").encode()
    assert ETHICS_PLACEHOLDER.encode() in ethics_original
    template.write_bytes(template_original + f"\n{TEMPLATE_SENTENCE}\n".encode())
    ethics.write_bytes(ethics_original.replace(ETHICS_PLACEHOLDER.encode(),
                                               ETHICS_SENTENCE.encode()))
    assessment.parent.mkdir(parents=True, exist_ok=True)
    assessment.write_bytes(raw)
    writer_dir = project / "text" / "writer"
    before = {p: _sha(p) for p in sorted(writer_dir.rglob("*")) if p.is_file()}
    try:
        proc = run_report(project, "render", "--snapshot", "sim-final", "--version",
                          "e2e-edited", "--engine", "builtin")
        after = {p: _sha(p) for p in sorted(writer_dir.rglob("*")) if p.is_file()}
        assessment_after = assessment.read_bytes()
    finally:
        template.write_bytes(template_original)
        ethics.write_bytes(ethics_original)
        assessment.unlink()
    yield {"report": project / "report" / "e2e-edited", "proc": proc,
           "writer_before": before, "writer_after": after, "assessment_raw": raw,
           "assessment_after": assessment_after, "usubjid": usubjid, "who": who}


@pytest.fixture(scope="module", params=["builtin", "quarto"])
def engine_report(request) -> tuple[str, Path]:
    """``(engine, report/<v>/)`` of each engine: the format checks run against both."""
    name = "final_report" if request.param == "builtin" else "quarto_report"
    return request.param, request.getfixturevalue(name)


TRICKY_TERM = r"<b>IL-6 > 100 pg/mL</b> 50% #1 $x$ @ref *a* \end"


@pytest.fixture(scope="session")
def pilot_snapshot(project) -> str:
    """Another study's standard ADaM (ADSL + ADAE only, CDISC-pilot style) with a
    preferred term full of markup characters, frozen like any snapshot: its id."""
    from contract.factories import PILOT_CUTOFF, pilot

    from data_contract.snapshot import freeze

    data = pilot()
    data["ADAE"].loc[0, ["AETERM", "AEDECOD"]] = TRICKY_TERM
    freeze(data, "pilot", PILOT_CUTOFF, source="standard ADaM of another study (test)",
           root=project / "data" / "snapshots")
    return "pilot"


def document_texts(report: Path) -> dict[str, str]:
    """The text of a version's csr.html, csr.pdf and csr.docx, whitespace collapsed
    (format -> text), for tests that look for a sentence in every format."""
    import re

    from bs4 import BeautifulSoup
    from docx import Document

    from .pdf_text import page_texts

    html = BeautifulSoup((report / "csr.html").read_text(encoding="utf-8"),
                         "html.parser").get_text(" ")
    pdf = " ".join(page_texts(report / "csr.pdf"))
    docx = " ".join(p.text for p in Document(str(report / "csr.docx")).paragraphs)
    return {name: re.sub(r"\s+", " ", text).strip()
            for name, text in (("html", html), ("pdf", pdf), ("docx", docx))}
