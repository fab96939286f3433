"""Read source datasets (CSV, Parquet, SAS .xpt / .sas7bdat, CDISC Dataset-JSON) and
coerce their types.

A source is a folder with one file per dataset; the dataset name is the
upper-cased file stem (``adsl.csv`` -> ``ADSL``). Formats and their readers:

- ``.csv``: pandas, every value read as text;
- ``.parquet``: pyarrow;
- ``.xpt`` (SAS transport v5) and ``.sas7bdat``: pyreadstat (ReadStat); SAS dates
  with a date format come as dates, bare SAS day numbers are coerced below;
- ``.json`` and ``.ndjson`` (CDISC Dataset-JSON v1.1): dsjframe. dsjframe was
  chosen over dsjson because it reads as well as writes (dsjson 1.2 only builds
  a Dataset-JSON dict from a frame: no reader, no NDJSON), validates the file
  against the CDISC JSON schema and each row against its column types, keeps
  Dataset-JSON's types through Arrow (``date`` columns, integers, decimals)
  and handles NDJSON and compressed DSJC. Its licence is AGPL-3.0-or-later;
  the project uses it as a library, unmodified.

Values are coerced to the
type the contract gives each variable (:mod:`data_contract.spec`):

- ``date``: ISO ``YYYY-MM-DD`` strings, Python/pandas dates and SAS dates
  (numeric days since 1960-01-01) -> ``datetime64[ns]`` at midnight;
- ``int``: whole numbers -> pandas nullable ``Int64``;
- ``float``: numbers -> ``float64``;
- ``str``: text (a whole-number float such as SAS's ``1001.0`` -> ``"1001"``).

Empty strings are missing values everywhere. A value that cannot be coerced
is not an exception: :func:`coerce_dataset` leaves that column as read, with
its raw values, and reports each bad value, so the validator can name it in
its report (:mod:`data_contract.validate`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data_contract.spec import DatasetSpec, VarType

SOURCE_SUFFIXES = (".csv", ".parquet", ".xpt", ".sas7bdat", ".json", ".ndjson")
SAS_EPOCH = pd.Timestamp("1960-01-01")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ReaderError(ValueError):
    """A source folder that cannot be read (missing, empty, ambiguous files)."""


@dataclass(frozen=True)
class CoercionFailure:
    """One value of a dataset that cannot be read as its variable's type."""

    row: int  # 0-based position in the frame
    variable: str
    vartype: VarType
    value: object


def read_source(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read every dataset file of ``folder`` (:data:`SOURCE_SUFFIXES`).

    Returns ``{DATASET: frame}`` with types coerced per the contract where every
    value of a column can be coerced; a column holding a value that cannot be
    coerced keeps its raw values (the validator reports them). Raises
    :class:`ReaderError` for a missing folder, a folder without datasets, two
    files naming the same dataset, or a symbolic link pointing outside the
    folder; other files are listed in a :class:`SourceFolderWarning`
    (:func:`source_files`).
    """
    from data_contract.specs import DATASETS

    folder = Path(folder)
    if not folder.is_dir():
        raise ReaderError(f"source folder {folder} does not exist or is not a folder")
    files = source_files(folder)
    if not files:
        raise ReaderError(
            f"source folder {folder} holds no dataset files ({', '.join(SOURCE_SUFFIXES)})")
    by_name: dict[str, list[Path]] = {}
    for p in files:
        by_name.setdefault(p.stem.upper(), []).append(p)
    dupes = {n: ps for n, ps in by_name.items() if len(ps) > 1}
    if dupes:
        lines = [f"dataset {n} is given by several files: {', '.join(p.name for p in ps)}"
                 for n, ps in sorted(dupes.items())]
        raise ReaderError("; ".join(lines))
    out: dict[str, pd.DataFrame] = {}
    for name, (path,) in sorted(by_name.items()):
        raw = read_file(path)
        spec = DATASETS.get(name)
        out[name] = coerce_dataset(raw, spec)[0] if spec is not None else blank_to_na(raw)
    return out


class SourceFolderWarning(UserWarning):
    """Entries of a source folder that are not read (listed, never silently skipped)."""


def source_files(folder: str | Path) -> list[Path]:
    """The dataset files of ``folder``, sorted (those :func:`read_source` reads; none
    for a path that is not a folder).

    A symbolic link that points outside the folder is refused (:class:`ReaderError`
    naming it and its target): what is frozen is what the folder holds. Every other
    entry that is not a dataset file (another extension, a subfolder) is listed in
    one :class:`SourceFolderWarning`.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    base = folder.resolve()
    entries = sorted(folder.iterdir())
    outside = [f"{p.name} -> {p.resolve()}" for p in entries
               if p.is_symlink() and not p.resolve().is_relative_to(base)]
    if outside:
        raise ReaderError(f"source folder {folder}: symbolic link(s) pointing outside the "
                          f"folder: {'; '.join(outside)}. Copy the file into the folder.")
    files = [p for p in entries if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES]
    ignored = [p.name + ("/" if p.is_dir() else "") for p in entries if p not in files]
    if ignored:
        warnings.warn(SourceFolderWarning(
            f"source folder {folder}: not read (not {', '.join(SOURCE_SUFFIXES)}): "
            f"{', '.join(ignored)}"), stacklevel=3)
    return files


def read_file(path: Path) -> pd.DataFrame:
    """One source file as read, without type coercion ("" -> missing in text columns)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        elif suffix == ".parquet":
            df = pd.read_parquet(path)
        elif suffix == ".xpt":
            import pyreadstat

            df, _ = pyreadstat.read_xport(str(path))
        elif suffix == ".sas7bdat":
            import pyreadstat

            df, _ = pyreadstat.read_sas7bdat(str(path))
        elif suffix in (".json", ".ndjson"):
            import dsjframe

            df = dsjframe.read_dataset(path, as_pandas=True)
        else:  # pragma: no cover - filtered by read_source
            raise ReaderError(f"unsupported file type {path.name}")
    except ReaderError:
        raise
    except Exception as exc:  # the reader library's own error, with the file named
        raise ReaderError(f"cannot read {path.name}: {exc}") from exc
    df.attrs = {}  # a reader's metadata (dsjframe's) is not data and never reaches a snapshot
    return blank_to_na(df.reset_index(drop=True))


def blank_to_na(df: pd.DataFrame) -> pd.DataFrame:
    """Blank or all-space text values as missing (None); a new frame.

    Each distinct value of a text column is looked at once (ADaM text repeats: 80,000
    laboratory rows hold a few hundred distinct values per column), so the cost is the
    distinct values, not the rows; non-text values are never blank."""
    df = df.copy(deep=False)  # Copy-on-Write: setting a column never reaches the caller's
    for col in df.columns:
        if df[col].dtype != object:
            continue
        s = df[col]
        try:
            distinct = pd.unique(s.to_numpy())
        except TypeError:  # unhashable values (not text): nothing here is blank text
            continue
        blanks = [v for v in distinct.tolist() if isinstance(v, str) and not v.strip()]
        if blanks:
            df[col] = s.where(~s.isin(blanks), None)
    return df


def coerce_dataset(
    df: pd.DataFrame, spec: DatasetSpec | None
) -> tuple[pd.DataFrame, list[CoercionFailure]]:
    """Coerce the contract variables of ``df`` to their types (see module doc).

    Returns the new frame (index reset to 0..n-1) and the values that could not
    be coerced. A column with any such value is left as given (raw values kept).
    Columns the specification does not know are left untouched.
    """
    df = blank_to_na(df.reset_index(drop=True))
    failures: list[CoercionFailure] = []
    if spec is None:
        return df, failures
    for var in spec.variables:
        if var.name not in df.columns:
            continue
        converted, bad = coerce_series(df[var.name], var.type)
        if bad:
            failures.extend(CoercionFailure(i, var.name, var.type, v) for i, v in bad)
        else:
            df[var.name] = converted
    return df, failures


def coerce_series(s: pd.Series, vartype: VarType) -> tuple[pd.Series, list[tuple[int, object]]]:
    """Coerce one column; returns the coerced series and ``(position, raw value)`` failures.

    A column that already has its type and needs no change is returned as it is (the
    same object: a frozen snapshot's columns), so validating a large dataset does not
    double it.
    """
    if not s.index.equals(pd.RangeIndex(len(s))):
        s = s.reset_index(drop=True)
    if vartype == "date":
        return _coerce_dates(s)
    if vartype == "int":
        if s.dtype == "Int64":
            return s, []
        if _whole_numbers(s):
            return s.astype("Int64"), []
        return _coerce_elementwise(s, _to_int, "Int64")
    if vartype == "float":
        if pd.api.types.is_float_dtype(s.dtype) or pd.api.types.is_integer_dtype(s.dtype):
            return (s if s.dtype == "float64" else s.astype("float64")), []
        return _coerce_elementwise(s, _to_float, "float64")
    return _coerce_text(s)


def _whole_numbers(s: pd.Series) -> bool:
    """True if ``s`` is a numeric (not boolean) column whose present values are all
    finite whole numbers: then ``astype("Int64")`` is what :func:`_to_int` would give,
    without a Python call per value (a frozen snapshot's integer columns)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return False
    if pd.api.types.is_integer_dtype(s.dtype):
        return True
    if not pd.api.types.is_float_dtype(s.dtype):
        return False
    v = s.dropna().to_numpy(dtype="float64")
    return bool(np.isfinite(v).all() and (v == np.floor(v)).all())


def _coerce_text(s: pd.Series) -> tuple[pd.Series, list[tuple[int, object]]]:
    """A text column: when every present value is already a ``str`` (a frozen
    snapshot's text columns), the same result as :func:`_to_str` per value, with
    blank strings missing, in a few vectorised steps; otherwise value by value."""
    vals = s.astype(object).to_numpy()
    present = pd.notna(vals)
    # Each distinct value is looked at once (ADaM text repeats: 2 million AE rows hold a
    # few thousand distinct terms), so the checks cost the distinct values, not the rows.
    distinct = pd.unique(vals[present])
    if not all(isinstance(v, str) for v in distinct.tolist()):
        return _coerce_elementwise(s, _to_str, object)
    blanks = [v for v in distinct.tolist() if not v.strip()]
    keep = present.copy()
    if blanks:
        keep[present] = ~pd.Series(vals[present], dtype=object).isin(blanks).to_numpy()
    if s.dtype == object and not blanks and (pd.isna(vals[~present]).all() and
                                             all(v is None for v in pd.unique(vals[~present]))):
        return s, []  # already text, no blank and every missing value None: unchanged
    return pd.Series(np.where(keep, vals, None), dtype=object, name=s.name), []


def _is_missing(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, np.datetime64) and np.isnat(v):
        return True
    return isinstance(v, str) and v.strip() == ""


def _coerce_elementwise(s: pd.Series, fn, dtype) -> tuple[pd.Series, list[tuple[int, object]]]:
    values: list[object] = []
    bad: list[tuple[int, object]] = []
    for i, v in enumerate(s.tolist()):
        if _is_missing(v):
            values.append(None)
            continue
        try:
            values.append(fn(v))
        except (TypeError, ValueError, OverflowError):
            bad.append((i, v))
            values.append(None)
    if dtype is object:
        out = pd.Series(values, dtype=object, name=s.name)
    elif dtype == "float64":
        out = pd.Series([np.nan if v is None else v for v in values], dtype="float64",
                        name=s.name)
    else:
        out = pd.Series(pd.array(values, dtype=dtype), name=s.name)
    return out, bad


def _to_int(v: object) -> int:
    if isinstance(v, bool | np.bool_):
        raise TypeError("boolean is not an integer")
    if isinstance(v, int | np.integer):
        return int(v)
    f = float(v.strip()) if isinstance(v, str) else float(v)
    if not math.isfinite(f) or not f.is_integer():
        raise ValueError(f"{v!r} is not a whole number")
    return int(f)


def _to_float(v: object) -> float:
    if isinstance(v, bool | np.bool_):
        raise TypeError("boolean is not a number")
    f = float(v.strip()) if isinstance(v, str) else float(v)
    if math.isinf(f):
        raise ValueError("infinite")
    return f


def _to_str(v: object) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, bool | np.bool_):
        raise TypeError("boolean is not text")
    return str(v)


def _to_date(v: object) -> pd.Timestamp:
    if isinstance(v, pd.Timestamp | dt.datetime | np.datetime64):
        return pd.Timestamp(v).tz_localize(None).normalize() if pd.Timestamp(v).tzinfo \
            else pd.Timestamp(v).normalize()
    if isinstance(v, dt.date):
        return pd.Timestamp(v)
    if isinstance(v, bool | np.bool_):
        raise TypeError("boolean is not a date")
    if isinstance(v, int | float | np.integer | np.floating):
        f = float(v)
        if not math.isfinite(f) or not f.is_integer():
            raise ValueError(f"{v!r} is not a SAS date (whole days since 1960-01-01)")
        return SAS_EPOCH + pd.Timedelta(days=int(f))
    if isinstance(v, str):
        text = v.strip()
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(f"{v!r} is not an ISO date YYYY-MM-DD")
        return pd.Timestamp(dt.date.fromisoformat(text))
    raise TypeError(f"{type(v).__name__} is not a date")


DAY_NS = 86_400_000_000_000


def _coerce_dates(s: pd.Series) -> tuple[pd.Series, list[tuple[int, object]]]:
    if s.dtype == "datetime64[ns]":
        v = s.to_numpy()
        if ((v.view("i8") % DAY_NS == 0) | np.isnat(v)).all():
            return s, []  # already dates (midnight, no time zone)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        return s.dt.normalize().astype("datetime64[ns]"), []
    values: list[object] = []
    bad: list[tuple[int, object]] = []
    for i, v in enumerate(s.tolist()):
        if _is_missing(v):
            values.append(pd.NaT)
            continue
        try:
            values.append(_to_date(v))
        except (TypeError, ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
            bad.append((i, v))
            values.append(pd.NaT)
    return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), name=s.name).astype(
        "datetime64[ns]"), bad
