"""Publish a version into ``report/<version>/``: atomically, once, under a lock.

- :func:`version_lock` serialises builds of the same version (``fcntl.flock`` on
  ``_build/locks/<version>.lock``), across threads and processes.
- A version is assembled in a temporary folder under ``_build/tmp``
  (:func:`temp_version_dir`) and moved into place by one ``os.rename``
  (:func:`move_into_place`): readers see the complete version or none.
- A published version is immutable (:func:`check_immutable`): the same inputs
  (same fingerprint in ``provenance.json``) make a render a no-op, different
  inputs are refused with a hint to name a new version.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from data_contract.names import InvalidName, check_name
from report import provenance

REPORT_DIR = "report"
LOCK_DIR = Path("_build") / "locks"
_RESERVED = {"assets", "filters", "sections", "templates"}  # folders of the build code


class PublishError(RuntimeError):
    """A version cannot be published (bad name, exists with other inputs, clash)."""


def check_version_name(version: str) -> str:
    """``version`` if it is a usable folder name under report/
    (:func:`data_contract.names.check_name`; not a reserved name, not ``*.py``)."""
    try:
        check_name(version, "report version", _RESERVED)
    except InvalidName as exc:
        raise PublishError(str(exc)) from None
    if version.endswith(".py"):
        raise PublishError(f"invalid report version {version!r}: a version is not a .py name")
    return version


def version_dir(root: Path, version: str) -> Path:
    """``report/<version>`` (the name checked first: no path is built from a bad one)."""
    return Path(root) / REPORT_DIR / check_version_name(version)


@contextmanager
def version_lock(root: Path, version: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` for ``version`` while the block runs (waits for it)."""
    check_version_name(version)
    lock_dir = Path(root) / LOCK_DIR
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / f"{version}.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def differing_inputs(old: Mapping[str, object], new: Mapping[str, object]) -> list[str]:
    """Names of the inputs that differ (per-notebook names for notebook keys)."""
    out = []
    for k in sorted(set(old) | set(new)):
        a, b = old.get(k), new.get(k)
        if a == b:
            continue
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            out.extend(f"{k}: {n}" for n in sorted(set(a) | set(b)) if a.get(n) != b.get(n))
        else:
            out.append(k)
    return out


def check_immutable(root: Path, version: str, fingerprint: str,
                    inputs: Mapping[str, object]) -> bool:
    """True if ``version`` is already published from the same inputs (nothing to do).

    False if it does not exist yet; :class:`PublishError` if it exists with
    other inputs, naming them and how to choose a new version.
    """
    dest = version_dir(root, version)
    if not dest.exists():
        return False
    try:
        record = provenance.read(dest)
    except (FileNotFoundError, ValueError) as exc:
        raise PublishError(f"{dest} exists but is not a readable published version ({exc}); "
                           "choose another version with --version") from exc
    if record.get("fingerprint") == fingerprint:
        return True
    changed = differing_inputs(record.get("inputs") or {}, inputs)
    raise PublishError(
        f"report version {version!r} is already published (report/{version}/) from different "
        f"inputs ({'; '.join(changed) or 'fingerprint differs'}). Published versions are "
        f"immutable: render a new version, e.g. --version {suggest_version(root, version)}")


def suggest_version(root: Path, version: str) -> str:
    """The first ``<version>.<n>`` (n = 1, 2, ...) not yet published."""
    n = 1
    while version_dir(root, f"{version}.{n}").exists():
        n += 1
    return f"{version}.{n}"


def temp_version_dir(root: Path, version: str) -> Path:
    """A new empty folder to assemble ``version`` in: under ``_build/tmp`` (owned by this
    process, removed at the next start if the build is killed; :mod:`report.scratch`),
    on the same file system as ``report/``."""
    from report import scratch

    return scratch.make(root, f"publish-{check_version_name(version)}")


def move_into_place(tmp: Path, root: Path, version: str) -> Path:
    """Rename the assembled folder to ``report/<version>`` (fails if it appeared meanwhile)."""
    dest = version_dir(root, version)
    if dest.exists():
        raise PublishError(f"{dest} appeared while building; not overwritten")
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.rename(tmp, dest)
    return dest


def copy_tree_into(src: Path, dest: Path) -> list[str]:
    """Copy every file under ``src`` into ``dest`` (same relative paths).

    Returns the relative paths copied; a path already in ``dest`` with other
    content is an error naming it (two notebooks wrote the same output file).
    """
    copied = []
    for f in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = f.relative_to(src)
        target = dest / rel
        if target.exists():
            if target.read_bytes() != f.read_bytes():
                raise PublishError(f"two notebooks wrote different {rel.as_posix()}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
        copied.append(rel.as_posix())
    return copied
