"""Commands of the NCT06561009 CSR project. Run ``nox -l`` to list them.

Every session installs the same pinned environment (``requirements.lock``,
compiled from the dependency groups of ``pyproject.toml``) plus this project,
and passes everything after ``--`` on to the command it runs.
"""

from __future__ import annotations

import os

import nox
from packaging.specifiers import SpecifierSet

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
LOCK = "requirements.lock"


def _python(pyproject: dict) -> str:
    """The one Python version ``requires-python`` of pyproject.toml admits (the lock is
    compiled for it), e.g. "3.11" for ">=3.11,<3.12"."""
    spec = SpecifierSet(pyproject["project"]["requires-python"])
    versions = [f"3.{minor}" for minor in range(8, 30) if spec.contains(f"3.{minor}.0")]
    if len(versions) != 1:
        raise ValueError(f"requires-python {spec} admits {versions or 'no version'}: the "
                         "sessions need exactly one Python version (the lock's)")
    return versions[0]


PYTHON = _python(PYPROJECT)


# The installer of the pinned environment where the machine has no uv (CI: only
# ``pip install nox``): pip installs this one wheel, then uv installs the lock. uv installs the
# same pinned versions as pip in a quarter of the time (about 35 s instead of 2 min 14 s here).
UV = "uv==0.13.9"
# Byte-compile on install, as pip does: where PYTHONDONTWRITEBYTECODE is set (as on this
# machine), an environment without .pyc files compiles every library again in every process
# (each kernel, each render): the test suite took 10 CPU-minutes more.
UV_INSTALL = ("pip", "install", "--compile-bytecode")


def _install(session: nox.Session) -> None:
    """The pinned environment and the project itself (no dependency resolution)."""
    if session.venv_backend == "uv":   # nox found uv on PATH: session.install is uv's
        session.install("--compile-bytecode", "-r", LOCK)
        session.install("--no-deps", "-e", ".")
        return
    session.install(UV)
    python = os.path.join(session.bin, "python")
    session.run("python", "-m", "uv", *UV_INSTALL, "--python", python, "-r", LOCK)
    session.run("python", "-m", "uv", *UV_INSTALL, "--python", python, "--no-deps", "-e", ".")


@nox.session(python=PYTHON)
def render(session: nox.Session) -> None:
    """Build the CSR (HTML, PDF, DOCX) from a frozen snapshot into report/<version>/."""
    _install(session)
    session.run("python", "-m", "report", "render", *session.posargs)


@nox.session(python=PYTHON)
def text(session: nox.Session) -> None:
    """Preview the CSR text (text/) resolved from the ARDs of the last render, without
    executing a notebook: writes _build/text-preview/index.html (README, "Writing the text")."""
    _install(session)
    session.run("python", "-m", "report", "text", *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite: unit, contract, double-programming QC and end-to-end render,
    on every core (pytest-xdist; tests/conftest.py says how the work is shared)."""
    _install(session)
    session.run("python", "-m", "pytest", "-n", "auto", "--dist", "loadscope",
                "--no-loadscope-reorder", *session.posargs)


@nox.session(python=PYTHON)
def hostile(session: nox.Session) -> None:
    """Long property-based run: generated hostile data text through every output format."""
    _install(session)
    session.run("python", "-m", "pytest", "tests/unit/test_untrusted_text.py", "-k",
                "hostile_text", "-p", "no:cacheprovider", *session.posargs,
                env={"CSR_HYPOTHESIS_PROFILE": "long"})


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check code style and common errors with ruff."""
    _install(session)
    session.run("ruff", "check", ".", *session.posargs)


@nox.session(python=PYTHON)
def snapshot(session: nox.Session) -> None:
    """Freeze, validate, verify, cut or simulate data snapshots (see README)."""
    _install(session)
    session.run("python", "-m", "data_contract", *session.posargs)


@nox.session(python=PYTHON)
def verify(session: nox.Session) -> None:
    """Rebuild a published report version in a temporary folder and compare it file by file."""
    _install(session)
    session.run("python", "-m", "report", "verify", *session.posargs)


@nox.session(python=PYTHON)
def diff(session: nox.Session) -> None:
    """Compare two published report versions (text sentence by sentence, numbers ARD row by
    ARD row) into an HTML diff report and a redlined DOCX (tracked changes)."""
    _install(session)
    session.run("python", "-m", "report", "diff", *session.posargs)


@nox.session(python=PYTHON)
def submission(session: nox.Session) -> None:
    """Write the submission package of a published version into report/<version>/submission/
    (datasets as Dataset-JSON and XPT, reviewer's guide, programs), or check it (--check)."""
    _install(session)
    session.run("python", "-m", "submission", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmark render and pipeline speed and memory against a sequential baseline."""
    _install(session)
    session.run("python", "-m", "report.bench", *session.posargs)
