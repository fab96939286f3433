"""End-to-end fixtures: the CSR rendered for real (built-in engine) in an
isolated copy of the project, once per test session.

The copy holds exactly the files git tracks (what a fresh clone has), so the
user's report/ and _build/ are never touched and a stale cache cannot hide a
problem. Renders run as the README says (``python -m report ...``, which is
what ``nox -s render`` runs), in a subprocess with the copy as working folder.
"""

from __future__ import annotations

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
    """report/<v>/ built from the interim snapshot (sim-interim)."""
    run_report(project, "render", "--snapshot", "sim-interim", "--version", "e2e-interim",
               "--engine", "builtin")
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


@pytest.fixture(scope="module", params=["builtin", "quarto"])
def engine_report(request) -> tuple[str, Path]:
    """``(engine, report/<v>/)`` of each engine: the format checks run against both."""
    name = "final_report" if request.param == "builtin" else "quarto_report"
    return request.param, request.getfixturevalue(name)


TRICKY_TERM = r"<b>IL-6 > 100 pg/mL</b> 50% #1 $x$ @ref *a* \end"


@pytest.fixture(scope="session")
def pilot_snapshot(project, final_report) -> str:
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
    from pypdf import PdfReader

    html = BeautifulSoup((report / "csr.html").read_text(encoding="utf-8"),
                         "html.parser").get_text(" ")
    pdf = " ".join(p.extract_text() or "" for p in PdfReader(report / "csr.pdf").pages)
    docx = " ".join(p.text for p in Document(str(report / "csr.docx")).paragraphs)
    return {name: re.sub(r"\s+", " ", text).strip()
            for name, text in (("html", html), ("pdf", pdf), ("docx", docx))}
