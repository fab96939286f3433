"""Content hashes and the notebook execution cache (``_build/cache/<key>/``).

A cache entry holds one executed notebook (``notebook.ipynb``) and the side
outputs it wrote (``outputs/``: ``ard/``, ``listings/``...). Its key is the
SHA-256 of everything the execution depends on (:func:`notebook_key`):

- the notebook file itself,
- the injected parameters (except ``outputs_dir``, which is derived from the key),
- the snapshot (its manifest hash: the manifest holds every data file's hash and
  is only trusted after :func:`data_contract.snapshot.verify`),
- the analysis code the notebooks import (every file under ``analysis/``,
  ``data_contract/``, ``study/`` and ``study.yml``) and the lock file.

Entries are written to a temporary folder under ``_build/tmp`` and renamed into
place by the build process (never by a worker), so a reader sees a complete
entry or none, nothing is committed after the build died, and two builds
producing the same entry at once do not corrupt each other (the second rename
loses, the first entry stays: both hold the same content).

Each entry records the SHA-256 of every file it holds (``entry.json``); an
entry is reused only if its files match the record exactly. A truncated,
edited or partly deleted entry is discarded with a message naming the entry
and the files, and the notebook is executed again. (The record detects
damage and edits of the files; someone who can write ``_build/`` can also
rewrite the record, or the code: it is not a signature.)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from data_contract.snapshot import sha256_file

CACHE_DIR = Path("_build") / "cache"
CODE_PATHS = ("analysis", "data_contract", "study", "study.yml")
LOCK_FILE = "requirements.lock"
NOTEBOOK_FILE = "notebook.ipynb"
OUTPUTS_DIR = "outputs"
KEY_SCHEMA = "report-cache-2"  # bump when the entry layout or normalisation changes
RECORD_FILE = "entry.json"     # the SHA-256 of every file of the entry
_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}
_SKIP_SUFFIXES = (".pyc", ".pyo")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()




def tree_files(path: Path) -> list[Path]:
    """The files under ``path`` (or ``path`` itself), sorted, without caches/bytecode."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    out = []
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        out.extend(Path(dirpath) / f for f in filenames if not f.endswith(_SKIP_SUFFIXES))
    return sorted(out)


def hash_paths(root: Path, paths: Iterable[str]) -> str:
    """One SHA-256 over the relative names and contents of every file under ``paths``.

    Missing paths contribute their name only, so adding one changes the hash.
    """
    h = hashlib.sha256()
    for rel in paths:
        h.update(f"path:{rel}\n".encode())
        base = root / rel
        for f in tree_files(base):
            h.update(f"{f.relative_to(root).as_posix()}:{sha256_file(f)}\n".encode())
    return h.hexdigest()


def code_hash(root: Path) -> str:
    """Hash of the code the notebooks import: ``analysis/``, ``data_contract/``, ``study.yml``."""
    return hash_paths(root, CODE_PATHS)


def lock_hash(root: Path) -> str:
    """Hash of the pinned environment (``requirements.lock``); "" when absent."""
    p = root / LOCK_FILE
    return sha256_file(p) if p.is_file() else ""


def canonical_json(obj) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def notebook_key(
    notebook_sha: str,
    parameters: Mapping[str, object],
    snapshot_hash: str,
    code_sha: str,
    lock_sha: str,
) -> str:
    """Cache key of one notebook execution (see module docstring)."""
    params = {k: v for k, v in parameters.items() if k != "outputs_dir"}
    payload = {
        "schema": KEY_SCHEMA,
        "notebook": notebook_sha,
        "parameters": params,
        "snapshot": snapshot_hash,
        "code": code_sha,
        "lock": lock_sha,
    }
    return sha256_bytes(canonical_json(payload).encode())


def entry_dir(root: Path, key: str) -> Path:
    return root / CACHE_DIR / key


def outputs_dir_param(key: str) -> str:
    """The ``outputs_dir`` parameter recorded for an entry: relative to the project root."""
    return (CACHE_DIR / key / OUTPUTS_DIR).as_posix()


# --- what an entry holds: recorded when it is committed, checked when it is reused ----

def content_record(folder: Path, key: str) -> dict[str, object]:
    """The record of a folder's files: ``{"key", "files": {relative path: sha256}}``."""
    files = {f.relative_to(folder).as_posix(): sha256_file(f) for f in tree_files(folder)
             if f.relative_to(folder).as_posix() != RECORD_FILE}
    return {"schema": KEY_SCHEMA, "key": key, "files": files}


def write_record(folder: Path, key: str) -> None:
    (folder / RECORD_FILE).write_text(canonical_json(content_record(folder, key)) + "\n",
                                      encoding="utf-8")


def check_record(folder: Path, key: str) -> str | None:
    """None if ``folder`` holds exactly the files its record lists, with the recorded
    hashes, for ``key``; else what is wrong (every file named)."""
    try:
        record = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
        recorded = dict(record["files"])
        if record.get("key") != key:
            return f"its record is for another key ({str(record.get('key'))[:16]})"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"its record {RECORD_FILE} is missing or unreadable ({exc})"
    found = content_record(folder, key)["files"]
    problems = [f"{rel}: sha256 {sha} recorded, {found[rel]} found"
                for rel, sha in sorted(recorded.items()) if rel in found and found[rel] != sha]
    problems += [f"{rel}: missing" for rel in sorted(set(recorded) - set(found))]
    problems += [f"{rel}: not in the record" for rel in sorted(set(found) - set(recorded))]
    return "; ".join(problems) or None


def discard(root: Path, folder: Path) -> None:
    """Remove a bad entry: renamed away first (readers never see half of it), then deleted."""
    from report import scratch

    trash = scratch.make(root, "discarded")
    try:
        os.rename(folder, trash / folder.name)
    except OSError:
        pass
    scratch.remove(trash)


Report = Callable[[str], None]


def lookup(root: Path, key: str, report: Report | None = None) -> Path | None:
    """The complete, intact cache entry of ``key``, or None.

    An entry is reused only if its files are exactly those its record lists,
    with the recorded SHA-256 (:func:`check_record`). A damaged or edited entry
    is discarded, ``report`` is told which entry and files, and None is
    returned: the notebook is executed again.
    """
    d = entry_dir(root, key)
    if not d.is_dir():
        return None
    return _checked(root, d, key, report, "cache entry", "executing again")


def new_temp_entry(root: Path, key: str) -> Path:
    """A fresh temporary folder (under ``_build/tmp``, owned by this process) where an
    entry is built."""
    from report import scratch

    tmp = scratch.make(root, f"entry-{key[:16]}")
    (tmp / OUTPUTS_DIR).mkdir()
    return tmp


def commit_entry(root: Path, key: str, tmp: Path) -> Path:
    """Record the hashes of a completed temporary entry and rename it into place
    (atomic); keep an existing intact entry. Called by the build process itself, never
    by a worker, so nothing is committed after the build died."""
    final = entry_dir(root, key)
    write_record(tmp, key)
    final.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(tmp, final)
    except OSError:
        # Another build committed the same key first; its content is the same.
        if lookup(root, key) is None:
            raise
        shutil.rmtree(tmp, ignore_errors=True)
    return final


RENDER_DIR = "render"


def render_entry(root: Path, fingerprint: str, formats, report: Report | None = None
                 ) -> Path | None:
    """The cached typeset documents (``csr.<fmt>``) of a version fingerprint, or None.

    The fingerprint covers every input of the documents (notebook keys, sources,
    metadata, formats, engine, rendering code), so equal fingerprints mean equal
    documents. The documents are checked against their recorded hashes like a
    notebook entry; a damaged entry is discarded (``report`` is told) and None
    returned.
    """
    d = root / CACHE_DIR / RENDER_DIR / fingerprint
    if not all((d / f"csr.{fmt}").is_file() for fmt in formats):
        return None
    return _checked(root, d, fingerprint, report, "cached documents", "typesetting again")


def _checked(root: Path, d: Path, key: str, report: Report | None, what: str,
             then: str) -> Path | None:
    """``d`` if it holds exactly what its record lists for ``key``; else it is discarded,
    ``report`` is told (``what`` names the entry, ``then`` what happens instead) and None
    returned."""
    problem = check_record(d, key)
    if problem is None:
        return d
    discard(root, d)
    if report is not None:
        was = "were" if what.endswith("s") else "was"
        report(f"{what} {d.relative_to(root).as_posix()} {was} damaged or edited "
               f"({problem}); discarded, {then}")
    return None


def store_render(root: Path, fingerprint: str, documents) -> Path:
    """Cache typeset documents under their fingerprint (temporary folder + rename)."""
    from report import scratch

    parent = root / CACHE_DIR / RENDER_DIR
    parent.mkdir(parents=True, exist_ok=True)
    tmp = scratch.make(root, f"render-{fingerprint[:16]}")
    for path in map(Path, documents):
        if path.is_dir():  # a document that is a folder (the Quarto engine's html/ site)
            shutil.copytree(path, tmp / path.name)
        else:
            shutil.copyfile(path, tmp / path.name)
    write_record(tmp, fingerprint)
    final = parent / fingerprint
    try:
        os.rename(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    return final
