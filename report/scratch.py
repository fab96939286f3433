"""Temporary work of a build: all of it under ``_build/tmp/``, owned by one process.

Everything a build writes before it is complete (cache entries being executed,
the staged book, the engine's work folder, the version being assembled, the
kernel spec of the fork server, a verify rebuild) lives in a folder
``_build/tmp/<pid>-<start>-<random>-<purpose>`` made by :func:`make`: the id
and start time of the process that owns it, so a folder whose owner no longer
runs (a render that was killed) is recognised as stale. :func:`clean_stale`
removes those; every render and verify calls it when it starts, so nothing a
killed build left behind outlives the next build. Folders of builds still
running (another version rendering at the same time) are never touched.

Being under ``_build/``, the temporary folders are on the same file system as
``_build/cache/`` and ``report/``: completed work is moved into place with one
``os.rename``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import psutil

SCRATCH_DIR = Path("_build") / "tmp"


def _start_tag(pid: int) -> str | None:
    """The process's start time in centiseconds since the epoch, or None if it is gone."""
    try:
        return str(round(psutil.Process(pid).create_time() * 100))
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None


def owner_tag(pid: int | None = None) -> str:
    """``<pid>-<start>`` of a running process (default: this one)."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}-{_start_tag(pid) or 0}"


def make(root: Path, purpose: str) -> Path:
    """A new empty folder ``_build/tmp/<pid>-<start>-<random>-<purpose>`` owned by this
    process (``purpose`` says what it holds, e.g. ``entry`` or ``publish-1.1``)."""
    parent = Path(root) / SCRATCH_DIR
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / f"{owner_tag()}-{uuid.uuid4().hex[:8]}-{purpose}"
    path.mkdir()
    return path


def is_stale(name: str) -> bool:
    """Whether the scratch folder ``name`` belongs to a process that no longer runs (a
    name not made by :func:`make` counts as stale: only builds write here)."""
    parts = name.split("-", 3)
    if len(parts) < 4 or not parts[0].isdigit() or not parts[1].isdigit():
        return True
    start = _start_tag(int(parts[0]))
    return start is None or abs(int(start) - int(parts[1])) > 1


def clean_stale(root: Path) -> list[str]:
    """Remove every scratch folder whose owner no longer runs; their names, sorted."""
    parent = Path(root) / SCRATCH_DIR
    if not parent.is_dir():
        return []
    removed = []
    for path in sorted(parent.iterdir()):
        if is_stale(path.name):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def remove(path: Path | None) -> None:
    """Remove a scratch folder (no error if it is gone)."""
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
