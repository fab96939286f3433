"""Write a frozen snapshot back out in an exchange format, with labels and types.

``python -m data_contract export ID --format dataset-json|ndjson|xpt DEST`` (and
:func:`export_snapshot`) writes one file per dataset into the new folder DEST:

- ``dataset-json`` / ``ndjson``: CDISC Dataset-JSON v1.1 (``<name>.json`` /
  ``<name>.ndjson``) with dsjframe (why dsjframe: :mod:`data_contract.readers`).
  Column ``dataType`` follows the frozen column's type (the contract's ``date``
  variables as ISO dates, integers as ``integer``, numbers as ``double``, text
  as ``string``: :func:`arrow_table`);
  each contract variable carries its contract label, the dataset its label;
  ``studyOID`` is the dataset's STUDYID; each text column its ``length`` (the
  longest value, in characters, at least 1) and each key of the contract its
  ``keySequence`` (:attr:`data_contract.spec.DatasetSpec.keys`, in that order).
  The format requires a ``datasetJSONCreationDateTime``, which dsjframe sets to
  the time of writing: the one wall-clock value of an export (a snapshot never
  holds one). :func:`write_dataset_file` takes it instead (``created_at``), for an
  export that must be byte-reproducible (the submission package uses the
  snapshot's ledger ``frozen_at``).
- ``xpt``: SAS transport version 5, as sponsors deliver to regulators, with
  pyreadstat: dates as SAS dates with the DATE9. format, labels (SAS v5 allows
  40 characters: longer contract labels are cut there), dataset label.

Freezing an export again (:func:`data_contract.snapshot.freeze` on
:func:`data_contract.readers.read_source` of DEST) gives the same frames, so
the same Parquet files and hashes, for every variable of the contract; a test
proves it for both formats.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from data_contract.readers import SAS_EPOCH
from data_contract.snapshot import SnapshotError, load_snapshot
from data_contract.specs import DATASETS

FORMATS = {"dataset-json": ".json", "ndjson": ".ndjson", "xpt": ".xpt"}
XPT_LABEL_MAX = 40


def export_snapshot(snapshot_id: str, dest: str | Path, fmt: str,
                    root: str | Path | None = None) -> list[Path]:
    """Write every dataset of snapshot ``snapshot_id`` (hashes verified) into the new or
    empty folder ``dest`` in format ``fmt``; returns the files written. An existing file
    is never overwritten."""
    if fmt not in FORMATS:
        raise SnapshotError(f"export format {fmt!r} is not one of {', '.join(FORMATS)}")
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise SnapshotError(f"export folder {dest} exists and is not empty; an export never "
                            "overwrites files")
    snap = load_snapshot(snapshot_id, root)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name in snap.datasets:
        df = snap.datasets.transient()[name]
        path = dest / f"{name.lower()}{FORMATS[fmt]}"
        write_dataset_file(name, df, path, fmt)
        written.append(path)
    return written


def write_dataset_file(name: str, df: pd.DataFrame, path: Path, fmt: str,
                       created_at: str | None = None) -> None:
    """Write dataset ``name`` (frame ``df``) to ``path`` in format ``fmt``. ``created_at``
    (``YYYY-MM-DDThh:mm:ssZ``): the file's creation time instead of the time of writing
    (Dataset-JSON's ``datasetJSONCreationDateTime``; the created and modified times of
    the transport file's headers, :func:`stamp_xpt`)."""
    if fmt not in FORMATS:
        raise SnapshotError(f"export format {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "xpt":
        _write_xpt(name, df, Path(path))
        if created_at is not None:
            stamp_xpt(Path(path), created_at)
    else:
        _write_dataset_json(name, df, Path(path), created_at)


# SAS transport v5 (SAS TS-140): 80-byte header records; the library's created time ends
# record 2 and its modified time starts record 3; the member's created time ends the record
# after the DSCRPTR header and its modified time starts the one after that.
_XPT_RECORD, _XPT_STAMP = 80, 16
_XPT_DSCRPTR = b"HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!"


def stamp_xpt(path: Path, created_at: str) -> None:
    """Set the created and modified times of a transport file written by pyreadstat (which
    writes the clock's time and has no parameter for it) to ``created_at``
    (``YYYY-MM-DDThh:mm:ssZ``), in the headers' ``ddMMMyy:hh:mm:ss`` form. Only those
    four fixed fields change; pyreadstat reads them back as ``creation_time`` and
    ``modification_time``."""
    from datetime import datetime

    when = datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ")
    month = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()[when.month - 1]
    stamp = f"{when:%d}{month}{when:%y:%H:%M:%S}".encode("ascii")   # not locale's %b
    data = bytearray(Path(path).read_bytes())
    member = data.find(_XPT_DSCRPTR)
    if not data.startswith(b"HEADER RECORD*******LIBRARY HEADER RECORD") or member < 0 \
            or member % _XPT_RECORD:
        raise SnapshotError(f"{path}: not a SAS transport v5 file as pyreadstat writes it")
    for record, at_end in ((1, True), (2, False), (member // _XPT_RECORD + 1, True),
                           (member // _XPT_RECORD + 2, False)):
        start = record * _XPT_RECORD + (_XPT_RECORD - _XPT_STAMP if at_end else 0)
        data[start:start + _XPT_STAMP] = stamp
    Path(path).write_bytes(bytes(data))


def _labels(name: str, columns) -> dict[str, str]:
    spec = DATASETS.get(name)
    known = {v.name: v.label for v in spec.variables} if spec else {}
    return {c: known.get(c, c) for c in columns}


def _types(name: str) -> dict[str, str]:
    spec = DATASETS.get(name)
    return {v.name: v.type for v in spec.variables} if spec else {}


def arrow_table(name: str, df: pd.DataFrame) -> pa.Table:
    """``df`` as an Arrow table with the types it was frozen with: the contract's date
    variables as ``date32``, integers (``Int64``) as ``int64``, numbers as ``float64``,
    text as ``string``. The frame decides, not the specification: another study's
    AVISITN is frozen as a number (6.1 for an unscheduled visit), and exporting it as the
    contract's integer would change it."""
    types = _types(name)
    arrays, fields = [], []
    for col in df.columns:
        s = df[col]
        if types.get(col) == "date" and pd.api.types.is_datetime64_any_dtype(s.dtype):
            arr = pa.array(pd.to_datetime(s).dt.date.where(s.notna(), None), type=pa.date32())
        elif str(s.dtype) == "Int64":
            arr = pa.array(s.astype(object).where(s.notna(), None).tolist(), type=pa.int64())
        elif s.dtype == object:
            values = s.where(s.notna(), None).tolist()
            text = all(v is None or isinstance(v, str) for v in values)
            arr = pa.array(values, type=pa.string()) if text else pa.Array.from_pandas(s)
        else:
            arr = pa.Array.from_pandas(s)
        if pa.types.is_timestamp(arr.type) and arr.type.tz is not None:
            arr = arr.cast(pa.timestamp(arr.type.unit))
        elif pa.types.is_null(arr.type):  # a column with no value at all: text
            arr = arr.cast(pa.string())
        arrays.append(arr)
        fields.append(pa.field(str(col), arr.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def text_length(values: pd.Series) -> int:
    """The longest text value of a column in characters (at least 1: a column of
    missing values still has a length in Dataset-JSON and Define-XML)."""
    text = values.dropna().astype(str)
    return max(1, int(text.str.len().max())) if len(text) else 1


def dataset_json_columns(name: str, df: pd.DataFrame, table: pa.Table) -> list[dict]:
    """The ``columns`` metadata of dataset ``name``: OID, name, contract label, the
    length of text columns and the contract's key order (``keySequence``)."""
    spec = DATASETS.get(name)
    labels = _labels(name, df.columns)
    keys = [k for k in (spec.keys if spec else ()) if k in df.columns]
    columns = []
    for c in df.columns:
        col = {"itemOID": f"IT.{name}.{c}", "name": c, "label": labels[c]}
        if pa.types.is_string(table.schema.field(str(c)).type):
            col["length"] = text_length(df[c])
        if c in keys:
            col["keySequence"] = keys.index(c) + 1
        columns.append(col)
    return columns


def _write_dataset_json(name: str, df: pd.DataFrame, path: Path,
                        created_at: str | None = None) -> None:
    import dsjframe

    spec = DATASETS.get(name)
    table = arrow_table(name, df)
    meta = {
        "datasetJSONVersion": "1.1.0",
        "name": name,
        "label": spec.label if spec else name,
        "itemGroupOID": f"IG.{name}",
        "columns": dataset_json_columns(name, df, table),
    }
    if "STUDYID" in df.columns and df["STUDYID"].notna().any():
        meta["studyOID"] = str(df["STUDYID"].dropna().iloc[0])
    if created_at is None:
        dsjframe.write_dataset(table, path, meta)
        return
    # dsjframe.write_dataset is build_metadata (which stamps the clock into
    # datasetJSONCreationDateTime) followed by write_dataset_file; the same two
    # steps with the given time in between (dsjframe 0.9.2, pinned in the lock).
    from dsjframe.write import write_dataset_file as dsj_write_file

    resolved = dsjframe.build_metadata(frame=table, metadata=meta)
    resolved["datasetJSONCreationDateTime"] = created_at
    dsj_write_file(table, resolved, path)


def _write_xpt(name: str, df: pd.DataFrame, path: Path) -> None:
    import pyreadstat

    spec = DATASETS.get(name)
    types = _types(name)
    out = pd.DataFrame(index=df.index)
    formats = {}
    for col in df.columns:
        s = df[col]
        if types.get(col) == "date":  # SAS date: days since 1960-01-01
            d = pd.to_datetime(s)
            out[col] = ((d - SAS_EPOCH).dt.days).astype("float64")
            formats[col] = "DATE9."
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):  # SAS datetime: seconds
            d = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
            out[col] = (d - SAS_EPOCH).dt.total_seconds().astype("float64")
            formats[col] = "DATETIME20."
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.astype(object).where(s.notna(), "")
        elif isinstance(s.dtype, pd.BooleanDtype) or pd.api.types.is_bool_dtype(s.dtype):
            out[col] = s.astype(object).where(s.notna(), None).map(
                lambda v: None if v is None else float(v))
        else:
            out[col] = pd.to_numeric(s, errors="coerce").astype("float64")
    labels = [lab[:XPT_LABEL_MAX] for lab in _labels(name, df.columns).values()]
    pyreadstat.write_xport(out, str(path), file_label=(spec.label if spec else name)[:40],
                           column_labels=labels, table_name=name[:8],
                           variable_format=formats, file_format_version=5)
