"""Content hashes and the notebook execution cache (``_build/cache/<key>/``).

A cache entry holds one executed notebook (``notebook.ipynb``) and the side
outputs it wrote (``outputs/``: ``ard/``, ``listings/``...). Its key is the
SHA-256 of everything the execution depends on (:func:`notebook_key`):

- the notebook file itself,
- the injected parameters (except ``outputs_dir``, which is derived from the key),
- the snapshot (its manifest hash: the manifest holds every data file's hash and
  is only trusted after :func:`data_contract.snapshot.verify`),
- the analysis code the notebooks import (every file under ``analysis/``,
  ``data_contract/`` and ``study.yml``) and the lock file.

Entries are written to a temporary folder next to the cache and renamed into
place, so a reader sees a complete entry or none, and two builds producing the
same entry at once do not corrupt each other (the second rename loses, the
first entry stays: both hold the same content).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

from data_contract.snapshot import sha256_file

CACHE_DIR = Path("_build") / "cache"
CODE_PATHS = ("analysis", "data_contract", "study.yml")
LOCK_FILE = "requirements.lock"
NOTEBOOK_FILE = "notebook.ipynb"
OUTPUTS_DIR = "outputs"
KEY_SCHEMA = "report-cache-1"  # bump when the entry layout or normalisation changes
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


def lookup(root: Path, key: str) -> Path | None:
    """The complete cache entry of ``key``, or None."""
    d = entry_dir(root, key)
    return d if (d / NOTEBOOK_FILE).is_file() else None


def new_temp_entry(root: Path, key: str) -> Path:
    """A fresh temporary folder beside the cache where an entry is built."""
    tmp = root / CACHE_DIR / f".tmp-{key[:16]}-{uuid.uuid4().hex[:12]}"
    (tmp / OUTPUTS_DIR).mkdir(parents=True)
    return tmp


def commit_entry(root: Path, key: str, tmp: Path) -> Path:
    """Rename a completed temporary entry into place (atomic); keep an existing one."""
    final = entry_dir(root, key)
    try:
        os.rename(tmp, final)
    except OSError:
        # Another build committed the same key first; its content is the same.
        if lookup(root, key) is None:
            raise
        shutil.rmtree(tmp, ignore_errors=True)
    return final


RENDER_DIR = "render"


def render_entry(root: Path, fingerprint: str, formats) -> Path | None:
    """The cached typeset documents (``csr.<fmt>``) of a version fingerprint, or None.

    The fingerprint covers every input of the documents (notebook keys, sources,
    metadata, formats, engine, rendering code), so equal fingerprints mean equal
    documents.
    """
    d = root / CACHE_DIR / RENDER_DIR / fingerprint
    return d if all((d / f"csr.{fmt}").is_file() for fmt in formats) else None


def store_render(root: Path, fingerprint: str, documents) -> Path:
    """Cache typeset documents under their fingerprint (temporary folder + rename)."""
    parent = root / CACHE_DIR / RENDER_DIR
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".tmp-{fingerprint[:16]}-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    for path in map(Path, documents):
        if path.is_dir():  # a document that is a folder (the Quarto engine's html/ site)
            shutil.copytree(path, tmp / path.name)
        else:
            shutil.copyfile(path, tmp / path.name)
    final = parent / fingerprint
    try:
        os.rename(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    return final
