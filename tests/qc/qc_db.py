"""DuckDB access to a frozen snapshot for the QC programs.

Every dataset of ``<snapshot_dir>/manifest.json`` becomes a view named as the
dataset (``ADSL``, ``ADAE``...) over its Parquet file, so QC programs are SQL
over the files the report was built from, not over production's loaded frames.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd


def connect(snapshot_dir: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per dataset of the snapshot."""
    folder = Path(snapshot_dir)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect(":memory:")
    for name, entry in manifest["datasets"].items():
        path = (folder / entry["file"]).as_posix().replace("'", "''")
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet(\'{path}\')')
    return con


def manifest(snapshot_dir: str | Path) -> dict:
    return json.loads((Path(snapshot_dir) / "manifest.json").read_text(encoding="utf-8"))


def query(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()[0])


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = ? "
        "AND column_name = ?", [table, column]).fetchone()[0])
