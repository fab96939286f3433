"""Descriptive summaries per column (dose levels + Total) as ARD rows (SAP 4).

- categorical: participants with the characteristic, ``n`` and ``pct`` of the
  column N of the analysis set (SAP 4: "Percent denominators are the column N
  of the analysis set"), plus ``N`` (the denominator) on each level;
- continuous: n, mean, sd, median, q1, q3, min, max of non-missing values
  (SAP 3 Missing data: no imputation, N contributing shown with every
  statistic). Quartiles use the SAS default definition (PCTLDEF=5), numpy's
  ``averaged_inverted_cdf``; SD with ddof=1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from analysis import ard, trace
from analysis.ard import TOTAL

CONTINUOUS_LABELS = {
    "n": "n", "mean": "Mean", "sd": "SD", "median": "Median", "q1": "Q1", "q3": "Q3",
    "min": "Min", "max": "Max",
}
QUANTILE_METHOD = "averaged_inverted_cdf"


def bign_rows(display_id: str, bign: Mapping[str, int], group1: str) -> list[dict]:
    """One ``BIGN``/``N`` row per column: the column N of the analysis set."""
    return [ard.row(display_id, "BIGN", "N", n, group1=group1, group1_level=col,
                    stat_label="N") for col, n in bign.items()]


def continuous_stats(values: Iterable[float]) -> dict[str, float]:
    """n, mean, sd, median, q1, q3, min, max of the non-missing values."""
    x = np.asarray([v for v in values if v is not None and not pd.isna(v)], dtype=float)
    n = len(x)
    if n == 0:
        return {"n": 0, **{k: math.nan for k in ("mean", "sd", "median", "q1", "q3", "min", "max")}}
    q1, med, q3 = np.quantile(x, [0.25, 0.5, 0.75], method=QUANTILE_METHOD)
    return {
        "n": n,
        "mean": float(x.mean()),
        "sd": float(x.std(ddof=1)) if n > 1 else math.nan,
        "median": float(med),
        "q1": float(q1),
        "q3": float(q3),
        "min": float(x.min()),
        "max": float(x.max()),
    }


def continuous_rows(
    df: pd.DataFrame,
    value: str,
    cols: list[str],
    *,
    display_id: str,
    variable: str,
    group_var: str,
    raw_decimals: int = 0,
    group2: str = "",
    group2_level: str = "",
    variable_level: str = "",
) -> list[dict]:
    """Continuous summary of ``df[value]`` per column (``df`` has one row per
    participant/record and a ``group_var`` column); Total pools all rows."""
    return column_rows(
        df, value, cols, lambda values, _col: continuous_stats(values), labels=CONTINUOUS_LABELS,
        display_id=display_id, variable=variable, group_var=group_var,
        raw_decimals=raw_decimals, group2=group2, group2_level=group2_level,
        variable_level=variable_level,
    )


def in_column(df: pd.DataFrame, col: str, group_var: str) -> pd.DataFrame:
    """Rows of ``df`` belonging to column ``col`` (all rows for Total)."""
    return df if col == TOTAL else df[df[group_var].astype(str) == col]


def column_rows(
    df: pd.DataFrame,
    value: str,
    cols: list[str],
    summarise: Callable[[pd.Series, str], Mapping[str, float]],
    *,
    labels: Mapping[str, str],
    display_id: str,
    variable: str,
    group_var: str,
    raw_decimals: int = 0,
    group2: str = "",
    group2_level: str = "",
    variable_level: str = "",
) -> list[dict]:
    """ARD rows of ``summarise(df[value] of the column, column)`` per column of
    ``cols`` (``group1 = group_var``); Total pools all rows (SAP 2, columns).
    When ``df`` has a ``USUBJID`` column, the participants with a value in each column
    (the summary's ``n``) are noted with :func:`analysis.trace.record`; a summary of
    several records per participant has an ``n`` of records, which no published trace
    matches (:func:`analysis.trace.matching`)."""
    rows: list[dict] = []
    for col in cols:
        part = in_column(df, col, group_var)
        stats = summarise(part[value], col)
        keys = dict(display_id=display_id, variable=variable, variable_level=variable_level,
                    group1=group_var, group1_level=col, group2=group2, group2_level=group2_level)
        if "n" in stats and "USUBJID" in part:
            trace.record(keys, part.loc[part[value].notna(), "USUBJID"], stat_names=("n",))
        rows += ard.stat_rows(stats, raw_decimals=raw_decimals, labels=labels, **keys)
    return rows


def count_rows(
    subjects: pd.DataFrame,
    bign: Mapping[str, int],
    *,
    display_id: str,
    variable: str,
    variable_level: str = "",
    group_var: str,
    group2: str = "",
    group2_level: str = "",
    stat_label: str = "n (%)",
) -> list[dict]:
    """Participants counted once per column: ``subjects`` holds (USUBJID, group_var)
    rows of participants having the characteristic (duplicates allowed);
    ``n`` = distinct participants, ``pct`` = 100 n / N with N the column N.
    The participants of each column are noted with :func:`analysis.trace.record`."""
    uniq = subjects[["USUBJID", group_var]].drop_duplicates("USUBJID")
    rows: list[dict] = []
    for col, N in bign.items():
        who = uniq if col == TOTAL else uniq[uniq[group_var].astype(str) == col]
        n = len(who)
        pct = 100.0 * n / N if N else math.nan
        keys = dict(display_id=display_id, variable=variable, variable_level=variable_level,
                    group1=group_var, group1_level=col, group2=group2, group2_level=group2_level)
        trace.record(keys, who["USUBJID"])  # who was counted, beside the ARD (analysis.trace)
        rows.append(ard.row(stat_name="n", stat=n, stat_label=stat_label, **keys))
        rows.append(ard.row(stat_name="N", stat=N, stat_label="N", **keys))
        rows.append(ard.row(stat_name="pct", stat=pct, stat_label="%", **keys))
    return rows


def categorical_rows(
    df: pd.DataFrame,
    var: str,
    bign: Mapping[str, int],
    *,
    display_id: str,
    group_var: str,
    levels: list[str] | None = None,
    variable: str | None = None,
    include_missing: bool = True,
) -> list[dict]:
    """Distribution of a categorical variable (one row per participant in ``df``):
    one ``count_rows`` block per level (``levels`` order, else sorted), plus
    a ``Missing`` level when some values are missing and ``include_missing``."""
    values = df[var].astype("string")
    levels = levels or sorted(values.dropna().unique().tolist())
    rows: list[dict] = []
    for lv in levels:
        rows += count_rows(df[values == lv], bign, display_id=display_id, variable=variable or var,
                           variable_level=lv, group_var=group_var)
    if include_missing and values.isna().any():
        rows += count_rows(df[values.isna()], bign, display_id=display_id,
                           variable=variable or var, variable_level="Missing", group_var=group_var)
    return rows
