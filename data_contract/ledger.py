"""The ledger of frozen snapshots: append-only, hash-chained, kept beside the snapshots.

A snapshot's manifest holds the hash of every data file, so editing a data file
is caught by :func:`data_contract.snapshot.verify`. Editing a data file *and*
its manifest is not: the pair is consistent again. The ledger closes that gap.
``<snapshot root>/LEDGER.jsonl`` (``data/snapshots/LEDGER.jsonl``, committed
with the snapshots) holds one line per frozen snapshot, written by ``freeze``
(also for ``cut`` and ``simulate``) when the snapshot is renamed into place::

    {"frozen_at": "2027-08-10T09:12:03Z", "manifest_sha256": "...", "prev_sha256": "...",
     "seq": 3, "snapshot_id": "sim-final", "source": "simulated by ..."}

- ``manifest_sha256`` is the SHA-256 of the snapshot's ``manifest.json`` as
  frozen; verifying a snapshot (``snapshot verify``, every render, every
  notebook's load) compares the manifest against it and refuses a mismatch,
  giving both hashes. A snapshot that is not in the ledger is refused too.
- ``prev_sha256`` is the SHA-256 of the previous line's bytes (64 zeros for
  the first line), and ``seq`` counts the lines: changing, removing,
  reordering or inserting a line breaks the chain at that line, which
  :func:`read` reports (line number, both hashes). Every verification reads
  the whole chain.
- A snapshot id is frozen once, except that it may be deliberately re-frozen
  (``supersede``: the simulator's output for a seed changed, a committed simulated
  snapshot is regenerated under its id): the new line names the line it
  supersedes (``supersedes``: its seq) and why (``reason``), the old line stays,
  and the id's entry is its latest line. A re-freeze without ``supersede`` is
  refused. Lines are only appended (under an exclusive lock).

What this guarantees: the data a report is built from are the data frozen
under that id, unless the ledger itself was rewritten consistently from the
changed line on. That rewrite shows in version control (the ledger is
committed, and a line is never changed in an honest history), and the
ledger line of the snapshot (``seq`` and its hash) is recorded in every
report's ``provenance.json``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

LEDGER = "LEDGER.jsonl"
GENESIS = "0" * 64
FIELDS = ("frozen_at", "manifest_sha256", "prev_sha256", "seq", "snapshot_id", "source")
SUPERSEDE_FIELDS = ("reason", "supersedes")  # only on a line that re-freezes an id


class LedgerError(Exception):
    """The ledger is broken, or a snapshot does not match it; the message says how."""


@dataclass(frozen=True)
class Entry:
    seq: int
    snapshot_id: str
    manifest_sha256: str
    frozen_at: str
    source: str
    prev_sha256: str
    line_sha256: str          # SHA-256 of this entry's line (what the next line names)
    supersedes: int | None = None  # seq of the line of the same id this one replaces
    reason: str | None = None

    def describe(self) -> str:
        return f"ledger entry {self.seq} (frozen {self.frozen_at})"


def path_of(root: Path) -> Path:
    return Path(root) / LEDGER


def _line(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read(root: Path) -> list[Entry]:
    """Every entry of the ledger in ``root`` (none if there is no ledger), the chain
    checked; :class:`LedgerError` naming the first line that breaks it."""
    path = path_of(root)
    if not path.is_file():
        return []
    entries: list[Entry] = []
    prev, seen = GENESIS, {}
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        raise LedgerError(f"{path}: the last line is incomplete (no line end)")
    for n, line in enumerate(text.splitlines(), start=1):
        try:
            fields = json.loads(line)
            if sorted(fields) not in (sorted(FIELDS), sorted(FIELDS + SUPERSEDE_FIELDS)):
                raise ValueError(f"fields {sorted(fields)}, expected {list(FIELDS)} "
                                 f"(and {list(SUPERSEDE_FIELDS)} on a re-freeze)")
        except ValueError as exc:
            raise LedgerError(f"{path} line {n} is not a ledger entry ({exc})") from None
        if fields["prev_sha256"] != prev:
            raise LedgerError(f"{path} line {n}: the chain is broken: it names the previous "
                              f"line's sha256 {fields['prev_sha256']}, but that line's sha256 "
                              f"is {prev} (a line was changed, removed or inserted)")
        if fields["seq"] != n:
            raise LedgerError(f"{path} line {n}: sequence number {fields['seq']}, expected {n}")
        sid = fields["snapshot_id"]
        if sid in seen and fields.get("supersedes") != seen[sid]:
            raise LedgerError(f"{path} line {n}: snapshot {sid} is entered twice (a re-freeze "
                              f"names the line it supersedes, {seen[sid]})")
        if sid not in seen and "supersedes" in fields:
            raise LedgerError(f"{path} line {n}: snapshot {sid} supersedes line "
                              f"{fields['supersedes']}, which is not an entry of {sid}")
        seen[sid] = fields["seq"]
        prev = _sha(line)
        entries.append(Entry(fields["seq"], sid, fields["manifest_sha256"],
                             fields["frozen_at"], fields["source"], fields["prev_sha256"], prev,
                             fields.get("supersedes"), fields.get("reason")))
    return entries


def entry_for(root: Path, snapshot_id: str) -> Entry | None:
    """The (chain-checked) ledger entry of ``snapshot_id`` (its latest line), or None."""
    return next((e for e in reversed(read(root)) if e.snapshot_id == snapshot_id), None)


def check(root: Path, snapshot_id: str, manifest_sha256: str) -> Entry:
    """The ledger entry of ``snapshot_id`` if its manifest hash is ``manifest_sha256``;
    :class:`LedgerError` with both hashes otherwise, or when it is not in the ledger."""
    entry = entry_for(root, snapshot_id)
    if entry is None:
        raise LedgerError(
            f"snapshot {snapshot_id} is not in the ledger {path_of(root)}: only snapshots "
            "frozen here (freeze, cut, simulate) are used")
    if entry.manifest_sha256 != manifest_sha256:
        raise LedgerError(
            f"snapshot {snapshot_id} does not match the ledger: manifest.json has sha256 "
            f"{manifest_sha256}, but {entry.describe()} recorded {entry.manifest_sha256}; "
            "the snapshot was changed after it was frozen")
    return entry


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the ledger's exclusive lock (``flock`` on the ledger file itself)."""
    path = path_of(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def append(root: Path, snapshot_id: str, manifest_sha256: str, source: str,
           frozen_at: str | None = None, supersede: str | None = None) -> Entry:
    """Append the entry of a newly frozen snapshot (call under :func:`locked`).
    ``supersede``: the reason for re-freezing an id already in the ledger (the line
    then names the line it supersedes); without it an id already there is refused."""
    entries = read(root)
    current = next((e for e in reversed(entries) if e.snapshot_id == snapshot_id), None)
    if current is not None and not supersede:
        raise LedgerError(f"snapshot {snapshot_id} is already in the ledger {path_of(root)}; "
                          "a snapshot id is frozen once (unless deliberately superseded)")
    fields = {
        "frozen_at": frozen_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "manifest_sha256": manifest_sha256,
        "prev_sha256": entries[-1].line_sha256 if entries else GENESIS,
        "seq": len(entries) + 1,
        "snapshot_id": snapshot_id,
        "source": source,
    }
    if current is not None:
        fields.update(supersedes=current.seq, reason=" ".join(str(supersede).split()))
    line = _line(fields)
    with open(path_of(root), "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return read(root)[-1]
