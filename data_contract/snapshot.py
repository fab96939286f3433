"""Frozen data snapshots: freeze, verify, load and cut (DESIGN.md, data flows one way).

``<root>/<id>/`` holds one Parquet file per dataset (``adsl.parquet``...) and
``manifest.json``: for each file its sha256, row count and columns; the
contract version, cut-off date, source description, profile of each dataset
(``full`` for this study's, ``core`` for another study's standard ADaM) and of
the whole (``full``, ``core`` or ``mixed``), the study extensions present,
whether the data are simulated, the mapping file applied (with its SHA-256 and
content), the columns dropped at freeze, the codelist meanings in force, and
the validation summary (counts, and every warning and note grouped by dataset,
variable and rule with their first examples). Datasets the contract does not
list are kept as delivered. The manifest holds no wall-clock time, and the same
datasets always give byte-identical files.

A snapshot is written only when its data pass the contract (no error; warnings
are recorded), into a temporary folder in the same root that is renamed into
place; an existing id is never overwritten. Each frozen snapshot gets a line in
the root's append-only, hash-chained ledger (``LEDGER.jsonl``,
:mod:`data_contract.ledger`), which :func:`verify` checks the manifest against.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from data_contract import CONTRACT_VERSION, ledger
from data_contract.codelists import Codelists
from data_contract.cutoff import apply_cutoff
from data_contract.findings import ValidationReport, _dataset_order
from data_contract.mapping import MappingFile, apply_mapping, load_mapping
from data_contract.names import InvalidName, check_name
from data_contract.profiles import requested_profile, spec_for
from data_contract.readers import coerce_dataset
from data_contract.specs import DATASETS
from data_contract.validate import validate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_ROOT = PROJECT_ROOT / "data" / "snapshots"
MANIFEST = "manifest.json"
PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, use_dictionary=True,
                       write_statistics=True, version="2.6", data_page_version="1.0")


class SnapshotError(Exception):
    """A snapshot that cannot be written, read or trusted; the message says why. For data
    that fail the contract, ``report`` is the whole validation report (the message its
    console summary)."""

    def __init__(self, message: str, report: ValidationReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Snapshot:
    """A loaded snapshot (hashes verified); ``datasets`` reads each dataset on first use."""

    manifest: dict
    datasets: Mapping[str, pd.DataFrame]
    path: Path


class SnapshotDatasets(Mapping):
    """The datasets of a verified snapshot, each read from its Parquet file on first use.

    A chapter of the report uses a few of the snapshot's datasets; reading only
    those keeps a kernel's memory to what it analyses (at 20,000 participants
    ADLB alone holds 3 million rows). The keys are the manifest's datasets in
    contract order, so ``in``, ``len`` and iteration read no file.

    Each file is read into memory once, its sha256 checked against the manifest
    again and the frame parsed from those same bytes: what is analysed is what
    was verified, even if the file changed after :func:`verify`. A snapshot
    frozen under another contract version is coerced to the current
    specifications as each dataset is read.
    """

    def __init__(self, snapshot_id: str, folder: Path, manifest: dict):
        self._id, self._folder, self._manifest = snapshot_id, folder, manifest
        self._names = _dataset_order(manifest["datasets"])
        self._current = manifest.get("contract_version") == CONTRACT_VERSION
        self._profiles = manifest.get("profiles") or {}
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.get_frame(name, keep=True)

    def get_frame(self, name: str, keep: bool) -> pd.DataFrame:
        """Dataset ``name``: the frame already held, else read from its file (and held
        from then on when ``keep``)."""
        if name in self._frames:
            return self._frames[name]
        if name not in self._names:
            raise KeyError(name)
        df = self._read(name)
        if keep:
            self._frames[name] = df
        return df

    def __contains__(self, name: object) -> bool:  # without reading (Mapping's would)
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def loaded(self) -> list[str]:
        """The datasets read so far (contract order)."""
        return [n for n in self._names if n in self._frames]

    def transient(self) -> Mapping[str, pd.DataFrame]:
        """The same datasets for one pass over all of them (validation): each is read
        when asked and not kept, unless already held, so the pass holds one at a time."""
        return _TransientDatasets(self)

    def _read(self, name: str) -> pd.DataFrame:
        entry = self._manifest["datasets"][name]
        path = self._folder / entry["file"]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SnapshotError(f"snapshot {self._id}: cannot read {entry['file']} "
                                f"(dataset {name}): {exc}") from exc
        digest = hashlib.sha256(raw).hexdigest()
        if digest != entry["sha256"]:
            raise SnapshotError(f"snapshot {self._id} failed verification:\n  changed file "
                                f"{entry['file']} (dataset {name}): sha256 {digest} != "
                                f"manifest {entry['sha256']}")
        df = pq.read_table(pa.BufferReader(raw)).to_pandas()
        del raw
        # Arrow's allocator keeps freed buffers for reuse; hand them back to the system
        # so that a kernel's resident memory is the frames it holds.
        pa.default_memory_pool().release_unused()
        if self._current:
            return df
        return coerce_dataset(df, spec_for(name, self._profiles.get(name, "full")))[0]


class _TransientDatasets(Mapping):
    """See :meth:`SnapshotDatasets.transient`."""

    def __init__(self, source: SnapshotDatasets):
        self._source = source

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._source.get_frame(name, keep=False)

    def __contains__(self, name: object) -> bool:
        return name in self._source

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)


def _root(root: str | Path | None) -> Path:
    return Path(root) if root is not None else SNAPSHOT_ROOT


def _check_id(snapshot_id: str) -> None:
    """The one name rule (:func:`data_contract.names.check_name`), as a SnapshotError."""
    try:
        check_name(snapshot_id, "snapshot id")
    except InvalidName as exc:
        raise SnapshotError(str(exc)) from None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ordered_columns(name: str, df: pd.DataFrame) -> list[str]:
    """Stable column order: the contract's variable order, then other columns as given."""
    spec = DATASETS.get(name)
    known = [v for v in spec.names if v in df.columns] if spec else []
    return known + [c for c in df.columns if c not in known]


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write one dataset with fixed writer options (same frame -> same bytes; a frame's
    ``attrs``, a reader's metadata, are not written)."""
    if df.attrs:
        df = df.copy(deep=False)
        df.attrs = {}
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path, **PARQUET_OPTIONS)


@dataclass(frozen=True)
class Delivery:
    """A delivery made ready for freeze: columns dropped, mapping applied, validated."""

    datasets: dict[str, pd.DataFrame]
    report: ValidationReport
    dropped: dict[str, list[str]]
    mapping: dict | None  # the manifest record of the mapping applied
    codelists: Codelists
    profile: str  # the profile asked for (auto, full, core)


def prepare(datasets: Mapping[str, pd.DataFrame], cutoff: date | None, profile: str = "auto",
            mapping: MappingFile | str | Path | None = None, drop: Sequence[str] = (),
            codelists: Codelists | None = None) -> Delivery:
    """Drop the columns ``drop`` (``COLUMN`` in every dataset, or ``DATASET.COLUMN``),
    translate the delivery with ``mapping`` (:mod:`data_contract.mapping`), and validate
    it. ``codelists``: the meanings in force (default study.yml's, extended by the
    mapping's). Raises :class:`SnapshotError` for a ``drop`` that matches no column."""
    from data_contract.study import contract_config

    config = contract_config()
    if isinstance(mapping, str | Path):
        mapping = load_mapping(mapping)
    data = {str(k).upper(): v for k, v in datasets.items()}
    data, dropped = _drop(data, drop)
    meanings = codelists if codelists is not None else config.codelists
    prior, record = [], None
    if mapping is not None:
        data, prior, applied = apply_mapping(data, mapping)
        meanings = meanings.extended_by(mapping.codelists)
        record = mapping.record(applied)
    report = validate(data, cutoff=cutoff, profile=profile, codelists=meanings,
                      studyid=config.studyid, prior=prior)
    return Delivery(data, report, dropped, record, meanings, profile)


def _drop(data: dict[str, pd.DataFrame], drop: Sequence[str]
          ) -> tuple[dict[str, pd.DataFrame], dict[str, list[str]]]:
    dropped: dict[str, list[str]] = {}
    for item in drop:
        ds, _, col = item.upper().rpartition(".")
        hits = [n for n, df in data.items() if (not ds or n == ds) and col in df.columns]
        if not hits:
            raise SnapshotError(f"--drop {item}: no delivered dataset has a column {col}"
                                + (f" ({ds} is not delivered)" if ds and ds not in data
                                   else ""))
        for n in hits:
            data[n] = data[n].drop(columns=[col])
            dropped.setdefault(n, []).append(col)
    return data, {n: sorted(c) for n, c in sorted(dropped.items())}


def freeze(datasets: Mapping[str, pd.DataFrame], snapshot_id: str, cutoff: date,
           source: str, simulated: bool = False, root: str | Path | None = None,
           profile: str = "auto", mapping: MappingFile | str | Path | None = None,
           drop: Sequence[str] = (), codelists: Codelists | None = None,
           inherited: Mapping | None = None, supersede: str | None = None) -> Path:
    """Validate ``datasets`` at ``cutoff`` and write them as snapshot ``snapshot_id``.

    ``drop`` and ``mapping`` are applied first (:func:`prepare`); nothing else is
    applied to the data (see :func:`cut` for a cut-off). Raises :class:`SnapshotError`
    -- and writes nothing -- for an existing id or data that fail the contract (the
    message is the console summary of the validation report, ``exc.report`` the
    report). ``inherited``: the ``mapping`` and ``dropped`` records of the snapshot
    this one is cut from. ``supersede``: the reason for deliberately re-freezing an
    existing id (the old folder is replaced and the ledger gets a line that names the
    one it supersedes, :mod:`data_contract.ledger`). Returns the snapshot folder.
    """
    _check_id(snapshot_id)
    if not supersede:
        _refuse_existing(snapshot_id, root)
    delivery = prepare(datasets, cutoff, profile=profile, mapping=mapping, drop=drop,
                       codelists=codelists)
    return freeze_delivery(delivery, snapshot_id, cutoff, source, simulated=simulated,
                           root=root, inherited=inherited, supersede=supersede)


def _refuse_existing(snapshot_id: str, root: str | Path | None) -> None:
    if (_root(root) / snapshot_id).exists():
        raise SnapshotError(f"snapshot {snapshot_id} already exists in {_root(root)}; "
                            "a snapshot is never overwritten")


def freeze_delivery(delivery: Delivery, snapshot_id: str, cutoff: date, source: str,
                    simulated: bool = False, root: str | Path | None = None,
                    inherited: Mapping | None = None, supersede: str | None = None) -> Path:
    """Write a delivery made ready by :func:`prepare` as snapshot ``snapshot_id`` (see
    :func:`freeze`, which is :func:`prepare` then this; the command line calls both
    itself, to write the validation report in between)."""
    _check_id(snapshot_id)
    root = _root(root)
    target = root / snapshot_id
    if not supersede:
        _refuse_existing(snapshot_id, root)
    report = delivery.report
    if not report.ok:
        from data_contract.validation_report import console_summary

        raise SnapshotError(console_summary(report), report=report)

    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{snapshot_id}.", suffix=".tmp", dir=root))
    try:
        entries = {}
        for name in report.datasets:  # contract order; one typed copy at a time
            spec = spec_for(name, report.profiles.get(name, "full"))
            df, _ = coerce_dataset(delivery.datasets[name], spec)
            df = df[ordered_columns(name, df)].reset_index(drop=True)
            file = f"{name.lower()}.parquet"
            write_parquet(df, tmp / file)
            entries[name] = {"file": file, "sha256": sha256_file(tmp / file),
                             "rows": len(df), "columns": [str(c) for c in df.columns]}
        inherited = inherited or {}
        manifest = {
            "snapshot_id": snapshot_id,
            "contract_version": CONTRACT_VERSION,
            "cutoff": cutoff.isoformat() if cutoff else None,
            "simulated": bool(simulated),
            "source": source,
            "profile": report.profile,
            "profiles": report.profiles,
            "profile_requested": delivery.profile,
            "datasets": entries,
            "extensions": report.extensions,
            "mapping": delivery.mapping or inherited.get("mapping"),
            "dropped": delivery.dropped or inherited.get("dropped") or {},
            "codelists": delivery.codelists.record(),
            "validation": report.summary(),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                    encoding="utf-8")
        os.chmod(tmp, 0o755)
        with ledger.locked(root):      # rename and ledger entry together, one freeze at a time
            if target.exists() and not supersede:
                raise SnapshotError(f"snapshot {snapshot_id} already exists in {root}")
            if ledger.entry_for(root, snapshot_id) is not None and not supersede:
                raise SnapshotError(f"snapshot {snapshot_id} is already in the ledger "
                                    f"{ledger.path_of(root)}; a snapshot id is frozen once")
            old = None
            if target.exists():  # superseded: moved aside, removed once the ledger has it
                old = Path(tempfile.mkdtemp(prefix=f".{snapshot_id}.", suffix=".old", dir=root))
                os.rename(target, old / snapshot_id)
            os.rename(tmp, target)
            try:
                ledger.append(root, snapshot_id, sha256_file(target / MANIFEST), source,
                              supersede=supersede)
            except BaseException:
                os.rename(target, tmp)
                if old is not None:
                    os.rename(old / snapshot_id, target)
                    shutil.rmtree(old, ignore_errors=True)
                raise
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    except ledger.LedgerError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise SnapshotError(str(exc)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def read_manifest(snapshot_id: str, root: str | Path | None = None) -> dict:
    _check_id(snapshot_id)
    folder = _root(root) / snapshot_id
    if not folder.is_dir():
        raise SnapshotError(f"snapshot {snapshot_id} does not exist in {_root(root)}")
    path = folder / MANIFEST
    if not path.is_file():
        raise SnapshotError(f"snapshot {snapshot_id}: {MANIFEST} is missing")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"snapshot {snapshot_id}: {MANIFEST} is not valid JSON ({exc})"
                            ) from exc


def verify(snapshot_id: str, root: str | Path | None = None) -> dict:
    """Recompute every file's sha256 against the manifest, and the manifest's against
    the ledger (:mod:`data_contract.ledger`); return the manifest.

    Raises :class:`SnapshotError` naming each changed, missing or extra file, or
    giving both manifest hashes when the manifest does not match the ledger (or the
    snapshot is not in it).
    """
    manifest = read_manifest(snapshot_id, root)
    folder = _root(root) / snapshot_id
    problems: list[str] = []
    listed = set()
    for name, entry in sorted(manifest.get("datasets", {}).items()):
        file = entry["file"]
        listed.add(file)
        path = folder / file
        if not path.is_file():
            problems.append(f"missing file {file} (dataset {name})")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"changed file {file} (dataset {name}): sha256 "
                            f"{sha256_file(path)} != manifest {entry['sha256']}")
    for path in sorted(folder.iterdir()):
        if path.name != MANIFEST and path.name not in listed:
            problems.append(f"extra file {path.name} (not in the manifest)")
    if problems:
        raise SnapshotError(f"snapshot {snapshot_id} failed verification:\n  "
                            + "\n  ".join(problems))
    try:   # the files match the manifest; the manifest must match the ledger
        ledger.check(_root(root), snapshot_id, sha256_file(folder / MANIFEST))
    except ledger.LedgerError as exc:
        raise SnapshotError(str(exc)) from None
    return manifest


def load_snapshot(snapshot_id: str, root: str | Path | None = None) -> Snapshot:
    """Verify, then open a snapshot's datasets (typed per the contract).

    Every file's hash is checked first, so a tampered snapshot fails at once
    and whole; the datasets are then read on first use
    (:class:`SnapshotDatasets`, which checks each file's hash again as it reads
    it). A snapshot frozen under the current contract version holds exactly the
    typed frames ``freeze`` wrote, so its Parquet files are read as they are;
    one frozen under another contract version is coerced to the current
    specifications.
    """
    manifest = verify(snapshot_id, root)
    folder = _root(root) / snapshot_id
    return Snapshot(manifest=manifest, datasets=SnapshotDatasets(snapshot_id, folder, manifest),
                    path=folder)


def cut(source_id: str, new_id: str, cutoff: date, root: str | Path | None = None,
        supersede: str | None = None) -> Path:
    """An interim snapshot ``new_id`` of snapshot ``source_id`` at an earlier ``cutoff``
    (SAP 1; :func:`data_contract.cutoff.apply_cutoff`), validated like any other
    (``supersede``: as in :func:`freeze`)."""
    _check_id(new_id)
    if (_root(root) / new_id).exists() and not supersede:
        raise SnapshotError(f"snapshot {new_id} already exists in {_root(root)}; "
                            "a snapshot is never overwritten")
    snap = load_snapshot(source_id, root)
    source_cut = snap.manifest.get("cutoff")
    if source_cut and cutoff > date.fromisoformat(source_cut):
        raise SnapshotError(f"cut-off {cutoff.isoformat()} is after the cut-off {source_cut} "
                            f"of snapshot {source_id}; a cut makes an earlier snapshot")
    data = apply_cutoff(snap.datasets, cutoff)
    return freeze(data, new_id, cutoff, source=f"cut of {source_id} at {cutoff.isoformat()}",
                  simulated=bool(snap.manifest.get("simulated", False)), root=root,
                  profile=requested_profile(snap.manifest),
                  codelists=Codelists.from_record(snap.manifest.get("codelists")),
                  inherited={k: snap.manifest.get(k) for k in ("mapping", "dropped")},
                  supersede=supersede)
