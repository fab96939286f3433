"""Part 5 of the submission package: the programs of the commit the version was rendered
from (``provenance.json`` ``git.commit``), as text files in ``ctx.programs_dir``.

Which files: every file git tracks at that commit under :data:`PROGRAM_PATHS` (the
analysis, data and report code, the chapter notebooks, the CSR text, the build and
environment files), read from git (``git ls-tree`` / ``git cat-file``), not from the
working tree, so an uncommitted edit is never shipped as the version's code.

How: FDA's eCTD file-format list accepts programs as "ASCII text files (e.g., SAS program
files ...) using txt for the file extension"; each file keeps its folder and its name with
``.txt`` appended (``analysis/derive/dlt.py`` -> ``programs/analysis/derive/dlt.py.txt``),
so a reviewer can restore the original name by dropping the suffix. A file that is not
text (UTF-8 without NUL bytes; e.g. ``report/assets/reference.docx``) is not a program: it
is listed in the manifest under ``not_included`` with its hash. ``programs-manifest.json``
records the commit and, per file, its path, sha256 and size; :func:`check` recomputes them.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from submission.context import SubmissionContext

PROGRAM_PATHS = ("analysis", "data_contract", "report", "study", "submission", "chapters",
                 "index.ipynb", "text", "_quarto.yml", "study.yml", "noxfile.py",
                 "pyproject.toml", "requirements.lock")
MANIFEST = "programs-manifest.json"
SUFFIX = ".txt"


class ProgramsError(RuntimeError):
    """The version's commit cannot be read from git (the message says why)."""


def commit(ctx: SubmissionContext) -> str:
    """The commit ``provenance.json`` records; refused when the render was from a dirty tree
    (its code is then not the commit's)."""
    git = ctx.provenance.get("git") or {}
    sha = git.get("commit")
    if not sha:
        raise ProgramsError(f"report/{ctx.version}/provenance.json records no git commit: "
                            "the programs of the version are unknown")
    if git.get("dirty"):
        raise ProgramsError(f"report/{ctx.version} was rendered from uncommitted changes "
                            f"(git.dirty in provenance.json): commit {sha} is not its code")
    return str(sha)


def _git(ctx: SubmissionContext, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(ctx.root), *args], check=True,
                              capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        err = getattr(exc, "stderr", b"") or b""
        raise ProgramsError(f"git {' '.join(args)} failed: "
                            f"{err.decode(errors='replace').strip() or exc}") from None


def tracked_files(ctx: SubmissionContext, sha: str) -> list[str]:
    """The files git tracks at ``sha`` under :data:`PROGRAM_PATHS`, sorted."""
    out = _git(ctx, "ls-tree", "-r", "-z", "--name-only", sha, "--", *PROGRAM_PATHS)
    return sorted(p for p in out.decode("utf-8").split("\0") if p)


def blobs(ctx: SubmissionContext, sha: str, paths: list[str]) -> dict[str, bytes]:
    """The content of each of ``paths`` at commit ``sha`` (one ``git cat-file --batch``)."""
    request = "".join(f"{sha}:{p}\n" for p in paths).encode("utf-8")
    try:
        raw = subprocess.run(["git", "-C", str(ctx.root), "cat-file", "--batch"], input=request,
                             check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ProgramsError(f"git cat-file --batch failed: {exc}") from None
    out, at = {}, 0
    for path in paths:
        end = raw.index(b"\n", at)
        header = raw[at:end].split()
        if len(header) != 3 or header[1] != b"blob":
            raise ProgramsError(f"{path} is not a file at commit {sha}: "
                                f"{raw[at:end].decode(errors='replace')}")
        size = int(header[2])
        out[path] = raw[end + 1:end + 1 + size]
        at = end + 1 + size + 1
    return out


def is_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(ctx: SubmissionContext) -> list[Path]:
    sha = commit(ctx)
    folder = ctx.programs_dir   # (each access of a context folder reads study.yml)
    folder.mkdir(parents=True, exist_ok=True)
    written, files, skipped = [], [], []
    for rel, data in blobs(ctx, sha, tracked_files(ctx, sha)).items():
        entry = {"path": rel, "sha256": _sha256(data), "bytes": len(data)}
        if not is_text(data):
            skipped.append({**entry, "reason": "not a text file"})
            continue
        dest = folder / (rel + SUFFIX)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        written.append(dest)
        files.append({**entry, "file": (rel + SUFFIX)})
    manifest = {"commit": sha, "paths": list(PROGRAM_PATHS), "files": files,
                "not_included": skipped}
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return [*written, path]


def check(ctx: SubmissionContext) -> list[str]:
    folder = ctx.programs_dir
    path = folder / MANIFEST
    rel_manifest = path.relative_to(ctx.out).as_posix()
    if not path.is_file():
        return [f"{rel_manifest}: missing"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [f"{rel_manifest}: not valid JSON ({exc})"]
    out = []
    try:
        sha = commit(ctx)
        if manifest.get("commit") != sha:
            out.append(f"{rel_manifest}: commit {manifest.get('commit')} is not the version's {sha}")
    except ProgramsError as exc:
        out.append(f"{rel_manifest}: {exc}")
    listed = set()
    for entry in manifest.get("files", []):
        file = folder / entry["file"]
        listed.add(file)
        rel = file.relative_to(ctx.out).as_posix()
        if not file.is_file():
            out.append(f"{rel}: missing (manifest lists {entry['path']})")
            continue
        data = file.read_bytes()
        if len(data) != entry["bytes"] or _sha256(data) != entry["sha256"]:
            out.append(f"{rel}: sha256 {_sha256(data)} ({len(data)} bytes) is not the "
                       f"manifest's {entry['sha256']} ({entry['bytes']} bytes)")
    for file in sorted(folder.rglob("*")):
        if file.is_file() and file != path and file not in listed:
            out.append(f"{file.relative_to(ctx.out).as_posix()}: not in {MANIFEST}")
    return out
