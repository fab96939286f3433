"""The provenance record of a published version (``report/<version>/provenance.json``).

It records what the version was built from and with: the snapshot (id,
manifest hash, cut-off), the parameters, every input hash and the content
fingerprint derived from them (:func:`fingerprint`), the git commit and dirty
flag, the lock file hash, the engine and tool versions, the SHA-256 of every
published file, and ONE wall-clock timestamp (``built_at``), the only
wall-clock time in a published version.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from report import cache

PROVENANCE_FILE = "provenance.json"
TIMESTAMP_KEY = "built_at"
SCHEMA = "report-provenance-1"
KEY_PACKAGES = (
    "pandas", "numpy", "scipy", "statsmodels", "lifelines", "pandera", "matplotlib",
    "great-tables", "tableone", "papermill", "nbclient", "nbformat", "ipykernel",
    "pypandoc-binary", "typst", "pyreadstat",
)
# files of report/ that do not shape a published version (the build's own tools)
_NOT_RENDER_CODE = {"__main__.py", "verify.py", "diff.py", "bench.py", "pdf_checks.py"}


def render_code_hash(report_dir: Path) -> str:
    """Hash of the rendering code under ``report/`` (engines, book, meta, filters, assets).

    Published versions (folders holding ``provenance.json``), hidden and cache
    folders and the build's own tools (verify, diff, bench, the PDF checks, CLI) are left out.
    """
    names = []
    for p in sorted(report_dir.iterdir()) if report_dir.is_dir() else []:
        if p.name.startswith((".", "__")) or p.name in _NOT_RENDER_CODE:
            continue
        if p.is_dir() and (p / PROVENANCE_FILE).exists():
            continue
        if p.is_dir() and any(p.glob("*/" + PROVENANCE_FILE)):
            continue
        names.append(p.relative_to(report_dir.parent).as_posix())
    return cache.hash_paths(report_dir.parent, names)


def fingerprint(inputs: Mapping[str, object]) -> str:
    """The content fingerprint of a version: SHA-256 of its canonical ``inputs`` record."""
    return cache.sha256_bytes(cache.canonical_json(dict(inputs)).encode())


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                             timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout


def git_state(root: Path) -> dict[str, object]:
    """``{"commit": sha or None, "dirty": bool or None}`` of the working tree at ``root``."""
    commit = _git(root, "rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit.strip(), "dirty": bool(status and status.strip())}


def tool_versions() -> dict[str, object]:
    """Python, pandoc, typst, Quarto (when on PATH) and the key package versions."""
    tools: dict[str, object] = {"python": platform.python_version()}
    try:
        import pypandoc

        tools["pandoc"] = pypandoc.get_pandoc_version()
    except Exception:  # pandoc missing: recorded as such
        tools["pandoc"] = None
    try:
        tools["typst"] = importlib.metadata.version("typst")
    except importlib.metadata.PackageNotFoundError:
        tools["typst"] = None
    quarto = _quarto_version()
    if quarto:
        tools["quarto"] = quarto
    packages = {}
    for name in KEY_PACKAGES:
        try:
            packages[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            packages[name] = None
    tools["packages"] = packages
    return tools


def _quarto_version() -> str | None:
    import shutil

    if not shutil.which("quarto"):
        return None
    try:
        out = subprocess.run(["quarto", "--version"], capture_output=True, text=True,
                             timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def file_hashes(folder: Path) -> dict[str, str]:
    """``relative path -> sha256`` of every file under ``folder`` except provenance.json."""
    return {
        f.relative_to(folder).as_posix(): cache.sha256_file(f)
        for f in cache.tree_files(folder)
        if f.relative_to(folder).as_posix() != PROVENANCE_FILE
    }


def build_record(
    *,
    version: str,
    snapshot: Mapping[str, object],
    parameters: Mapping[str, object],
    formats: list[str],
    engine: Mapping[str, object],
    inputs: Mapping[str, object],
    root: Path,
    published: Path,
) -> dict[str, object]:
    """The provenance record of the version assembled in ``published``."""
    return {
        "schema": SCHEMA,
        "version": version,
        "snapshot": dict(snapshot),
        "parameters": dict(parameters),
        "formats": list(formats),
        "engine": dict(engine),
        "fingerprint": fingerprint(inputs),
        "inputs": dict(inputs),
        "lock_sha256": inputs.get("lock"),
        "git": git_state(root),
        "tools": tool_versions(),
        "files": file_hashes(published),
        TIMESTAMP_KEY: datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write(record: Mapping[str, object], folder: Path) -> Path:
    path = folder / PROVENANCE_FILE
    path.write_text(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


def read(folder: Path) -> dict[str, object]:
    """The provenance record of a published version folder."""
    path = folder / PROVENANCE_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: {folder} is not a published report version")
    return json.loads(path.read_text(encoding="utf-8"))


def without_timestamp(record: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in record.items() if k != TIMESTAMP_KEY}
