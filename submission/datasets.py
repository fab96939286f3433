"""Part 1 of the submission package: the snapshot's analysis datasets as CDISC
Dataset-JSON v1.1 (``<name>.json``, dsjframe) and SAS transport v5 (``<name>.xpt``,
pyreadstat), written by :mod:`data_contract.export` (labels, types, text lengths, the
contract's keys as ``keySequence``) into ``ctx.datasets_dir``.

Reproducible: Dataset-JSON's ``datasetJSONCreationDateTime`` and the transport files'
created and modified times are the snapshot's ledger ``frozen_at`` (as the version's
``provenance.json`` records it), not the clock, so a second build writes the same bytes.

:func:`check` reads every file back with the same libraries and compares it with the
snapshot (rows, columns, labels, values), and validates each Dataset-JSON file against the
Dataset-JSON v1.1 JSON schema that dsjframe ships (``dsjframe/schema/dataset.schema.json``,
from cdisc-org/DataExchange-DatasetJson, MIT licence; used where installed, not copied).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd

from data_contract import export
from data_contract.snapshot import SnapshotError, load_snapshot, sha256_file
from data_contract.specs import DATASETS
from submission.context import SubmissionContext

FORMATS = ("dataset-json", "xpt")


def _snapshot(ctx: SubmissionContext):
    """The version's snapshot, verified, and the same one the version was built from."""
    snap = load_snapshot(ctx.snapshot_id, ctx.snapshot_dir.parent)
    recorded = ctx.provenance["snapshot"].get("manifest_sha256")
    actual = sha256_file(snap.path / "manifest.json")
    if recorded and recorded != actual:
        raise SnapshotError(f"snapshot {ctx.snapshot_id}: manifest sha256 {actual} is not the "
                            f"{recorded} that report/{ctx.version}/provenance.json records")
    return snap


def created_at(ctx: SubmissionContext) -> str:
    """The snapshot's freezing time (ledger ``frozen_at`` in ``provenance.json``)."""
    frozen = (ctx.provenance["snapshot"].get("ledger") or {}).get("frozen_at")
    if not frozen:
        raise SnapshotError(f"report/{ctx.version}/provenance.json records no ledger frozen_at "
                            f"for snapshot {ctx.snapshot_id}: the Dataset-JSON creation time "
                            "would be the clock's, and a rebuild would differ")
    return str(frozen)


def files(folder: Path, name: str) -> dict[str, Path]:
    """The two files of dataset ``name`` in ``folder`` (``ctx.datasets_dir``): format -> path."""
    stem = folder / name.lower()
    return {fmt: stem.with_suffix(export.FORMATS[fmt]) for fmt in FORMATS}


def write(ctx: SubmissionContext) -> list[Path]:
    snap = _snapshot(ctx)
    folder = ctx.datasets_dir   # (each access of a context folder reads study.yml)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = created_at(ctx)
    written = []
    for name in snap.datasets:
        df = snap.datasets.transient()[name]
        for fmt, path in files(folder, name).items():
            export.write_dataset_file(name, df, path, fmt, created_at=stamp)
            written.append(path)
    return written


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Row by row, whether ``b`` (read back) holds the value of ``a`` (the snapshot): dates
    by day, text with missing read as empty (XPT has no missing text), numbers within
    1e-9 relative (both missing is equal)."""
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(a.dtype):
        a = pd.to_datetime(a).dt.strftime("%Y-%m-%d")
        b = pd.to_datetime(b).dt.strftime("%Y-%m-%d")
    if a.dtype == object or pd.api.types.is_string_dtype(a.dtype):
        def text(s: pd.Series) -> pd.Series:
            return s.astype(object).where(s.notna(), "").astype(str)
        return text(a) == text(b)
    x = pd.to_numeric(a, errors="coerce").astype(float)
    y = pd.to_numeric(b, errors="coerce").astype(float)
    return (x.isna() & y.isna()) | ((x - y).abs() <= 1e-9 * (1 + x.abs()))


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _frame_differences(rel: str, want: pd.DataFrame, got: pd.DataFrame) -> list[str]:
    """One line per column whose values differ (naming its first differing row)."""
    if list(got.columns) != list(want.columns):
        return [f"{rel}: columns {list(got.columns)} are not the snapshot's {list(want.columns)}"]
    if len(got) != len(want):
        return [f"{rel}: {len(got)} rows, the snapshot has {len(want)}"]
    out = []
    for col in want.columns:
        same = _same(want[col], got[col]).to_numpy()
        if not same.all():
            row = int((~same).nonzero()[0][0])
            out.append(f"{rel}: column {col} row {row + 1} is {_show(got[col].iloc[row])}, "
                       f"the snapshot's is {_show(want[col].iloc[row])}")
    return out


def _labels(name: str, columns) -> dict[str, str]:
    return export._labels(name, columns)


def _check_dataset_json(ctx, name: str, df: pd.DataFrame, path: Path) -> list[str]:
    import dsjframe

    rel = path.relative_to(ctx.out).as_posix()
    result = dsjframe.validate_dataset(path)
    if not result["ok"]:
        return [f"{rel}: not valid Dataset-JSON v1.1 ({result['issue_code']}: "
                f"{result['message']})"]
    doc = json.loads(path.read_text(encoding="utf-8"))
    out = []
    if doc.get("datasetJSONVersion") != "1.1.0":
        out.append(f"{rel}: datasetJSONVersion {doc.get('datasetJSONVersion')!r} is not 1.1.0")
    if doc.get("datasetJSONCreationDateTime") != created_at(ctx):
        out.append(f"{rel}: datasetJSONCreationDateTime {doc.get('datasetJSONCreationDateTime')!r}"
                   f" is not the snapshot's frozen_at {created_at(ctx)!r}")
    spec = DATASETS.get(name)
    if spec and doc.get("label") != spec.label:
        out.append(f"{rel}: dataset label {doc.get('label')!r} is not {spec.label!r}")
    labels = _labels(name, df.columns)
    for col in doc.get("columns", []):
        if col["name"] in labels and col.get("label") != labels[col["name"]]:
            out.append(f"{rel}: column {col['name']} label {col.get('label')!r} is not "
                       f"{labels[col['name']]!r}")
    keys = [k for k in (spec.keys if spec else ()) if k in df.columns]
    got_keys = sorted((c["keySequence"], c["name"]) for c in doc.get("columns", [])
                      if "keySequence" in c)
    if [n for _, n in got_keys] != keys:
        out.append(f"{rel}: keySequence names {[n for _, n in got_keys]}, the contract's keys "
                   f"are {keys}")
    frame = dsjframe.read_dataset(path).to_pandas()
    return out + _frame_differences(rel, df, frame)


def _check_xpt(ctx, name: str, df: pd.DataFrame, path: Path) -> list[str]:
    import pyreadstat

    rel = path.relative_to(ctx.out).as_posix()
    try:
        got, meta = pyreadstat.read_xport(str(path))
    except Exception as exc:  # pyreadstat raises its own ReadstatError
        return [f"{rel}: not readable as SAS transport ({exc})"]
    out = []
    stamp = datetime.strptime(created_at(ctx), "%Y-%m-%dT%H:%M:%SZ")
    if meta.creation_time != stamp or meta.modification_time != stamp:
        out.append(f"{rel}: created {meta.creation_time} / modified {meta.modification_time}, "
                   f"not the snapshot's frozen_at {created_at(ctx)}")
    spec = DATASETS.get(name)
    if spec and meta.file_label != spec.label[:export.XPT_LABEL_MAX]:
        out.append(f"{rel}: dataset label {meta.file_label!r} is not {spec.label!r}")
    labels = _labels(name, df.columns)
    for col, label in zip(meta.column_names, meta.column_labels, strict=False):
        want = labels.get(col, col)[:export.XPT_LABEL_MAX]
        if label != want:
            out.append(f"{rel}: column {col} label {label!r} is not {want!r}")
    want = df.copy()
    for col in want.columns:
        if export._types(name).get(col) == "date" or pd.api.types.is_datetime64_any_dtype(
                want[col].dtype):
            if col in got.columns:
                got[col] = pd.to_datetime(got[col])
    return out + _frame_differences(rel, want, got)


def check(ctx: SubmissionContext) -> list[str]:
    try:
        snap = _snapshot(ctx)
    except SnapshotError as exc:
        return [f"datasets: {exc}"]
    out = []
    folder = ctx.datasets_dir
    for name in snap.datasets:
        df = snap.datasets.transient()[name]
        for fmt, path in files(folder, name).items():
            if not path.is_file():
                out.append(f"{path.relative_to(ctx.out).as_posix()}: missing ({name}, {fmt})")
            elif fmt == "xpt":
                out.extend(_check_xpt(ctx, name, df, path))
            else:
                out.extend(_check_dataset_json(ctx, name, df, path))
    return out
