"""Analysis results data (ARD): one row per statistic (README, "Analysis results data").

Columns (all text except ``stat``):

============== ==============================================================
display_id     catalogue id, e.g. ``T14.3.1`` (see :mod:`analysis.catalogue`)
group1         grouping variable of the columns, e.g. ``TRT01A``
group1_level   its level, e.g. ``DL1 (0.5 × 10⁶/kg)`` or ``Total``
group2         a second grouping (e.g. ``AVISIT``, ``LAT``, ``WINDOW``) or ""
group2_level   its level or ""
variable       what is summarised, e.g. ``AGE``, ``DLT``, ``AEDECOD``; ``BIGN``
               for the column N of the analysis set
variable_level a category of ``variable`` (e.g. a PT, a grade) or ""
stat_name      n, N, pct, mean, sd, median, q1, q3, min, max, rate, lcl, ucl,
               geomean, geocv, estimate, text, ...
stat_label     human label of the statistic row, e.g. ``Mean (SD)``
stat           numeric value (NaN for ``text`` statistics)
stat_fmt       the statistic formatted per SAP 4 (:mod:`analysis.formats`)
============== ==============================================================

Conventions that the generic table layout relies on:
- every display's ARD holds, for each column level, one row ``variable='BIGN'``,
  ``stat_name='N'``: the column N of the analysis set (percent denominator);
- categorical summaries give ``n`` and ``pct`` (and ``N``, the denominator)
  rows for the same (group, variable, variable_level);
- continuous summaries give n, mean, sd, median, q1, q3, min, max;
- text results (a 3+3 decision, a list of terms) use ``stat_name='text'``,
  ``stat`` NaN and the text in ``stat_fmt``.
The row order of an ARD is the display's row order.

In the CSV files (:func:`to_csv_text`) a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab, a carriage return or ``'`` carries one extra leading
``'`` (spreadsheets show it as text, never as a formula; plain numbers such
as ``-1.5`` are not changed); :func:`read_csv` removes it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd

from analysis.csv_cells import csv_text, restore_frame
from analysis.formats import fmt_stat

ARD_COLUMNS = [
    "display_id", "group1", "group1_level", "group2", "group2_level",
    "variable", "variable_level", "stat_name", "stat_label", "stat", "stat_fmt",
]
TEXT_COLUMNS = [c for c in ARD_COLUMNS if c != "stat"]
TOTAL = "Total"


def row(
    display_id: str,
    variable: str,
    stat_name: str,
    stat: float | None,
    *,
    group1: str = "",
    group1_level: str = "",
    group2: str = "",
    group2_level: str = "",
    variable_level: str = "",
    stat_label: str = "",
    stat_fmt: str | None = None,
    raw_decimals: int = 0,
) -> dict:
    """One ARD row; ``stat_fmt`` defaults to the SAP 4 text of ``stat``."""
    value = float("nan") if stat is None else float(stat)
    if stat_fmt is None:
        stat_fmt = fmt_stat(stat_name, value, raw_decimals)
    return {
        "display_id": display_id,
        "group1": group1,
        "group1_level": str(group1_level),
        "group2": group2,
        "group2_level": str(group2_level),
        "variable": variable,
        "variable_level": str(variable_level),
        "stat_name": stat_name,
        "stat_label": stat_label,
        "stat": value,
        "stat_fmt": stat_fmt,
    }


def stat_rows(
    stats: Mapping[str, float],
    *,
    raw_decimals: int = 0,
    labels: Mapping[str, str] | None = None,
    **keys,
) -> list[dict]:
    """Rows for several statistics sharing the same keys (display, groups, variable...)."""
    labels = labels or {}
    return [
        row(stat_name=name, stat=value, raw_decimals=raw_decimals,
            stat_label=labels.get(name, ""), **keys)
        for name, value in stats.items()
    ]


def text_row(display_id: str, variable: str, text: str, **keys) -> dict:
    """A text-valued result (``stat_name='text'``, ``stat`` NaN)."""
    return row(display_id, variable, "text", None, stat_fmt=text, **keys)


def frame(rows: Iterable[dict]) -> pd.DataFrame:
    """An ARD DataFrame with the canonical columns and dtypes, rows kept in order."""
    df = pd.DataFrame(list(rows), columns=ARD_COLUMNS)
    for c in TEXT_COLUMNS:
        df[c] = df[c].fillna("").astype(str)
    df["stat"] = df["stat"].astype(float)
    return df.reset_index(drop=True)


def check(ard: pd.DataFrame, display_id: str | None = None) -> pd.DataFrame:
    """Raise ``ValueError`` naming the problem if ``ard`` breaks the ARD schema."""
    missing = [c for c in ARD_COLUMNS if c not in ard.columns]
    if missing:
        raise ValueError(f"ARD lacks columns {missing}")
    if display_id is not None and not (ard["display_id"] == display_id).all():
        bad = sorted(set(ard["display_id"]) - {display_id})
        raise ValueError(f"ARD of {display_id} holds rows of other displays: {bad}")
    key = [c for c in ARD_COLUMNS if c not in ("stat", "stat_fmt", "stat_label")]
    dup = ard.duplicated(key, keep=False)
    if dup.any():
        first = ard[dup].iloc[0].to_dict()
        raise ValueError(f"ARD has duplicated statistic rows, e.g. {first}")
    return ard


def column_n(ard: pd.DataFrame) -> dict[str, int]:
    """The column N of each column level (its ``BIGN`` row), in ARD order: what a figure
    writes in its legend."""
    b = ard[(ard["variable"] == "BIGN") & (ard["stat_name"] == "N")]
    return {str(k): int(v) for k, v in zip(b["group1_level"], b["stat"], strict=True)}


def statistic(ard: pd.DataFrame, stat_name: str, **keys: str) -> pd.DataFrame:
    """The rows of one statistic (e.g. every ``median``), optionally of one value of other
    ARD columns (``variable="AVISIT"``), in ARD order: the numbers a figure draws."""
    mask = ard["stat_name"] == stat_name
    for column, value in keys.items():
        mask &= ard[column] == value
    return ard[mask]


def to_csv_text(ard: pd.DataFrame) -> str:
    """Deterministic CSV text of an ARD (floats written with ``repr`` precision, CRLF
    line ends). Text cells that a spreadsheet could run as a formula are neutralised
    (:func:`analysis.csv_cells.neutralise`: one leading ``'``; plain numbers
    such as ``-1.5`` are left as they are); :func:`read_csv` undoes it, so the
    file is lossless: drop one leading ``'`` from any text cell that has one.
    """
    out = ard[ARD_COLUMNS].copy()
    out["stat"] = [("" if math.isnan(v) else repr(float(v))) for v in out["stat"]]
    return csv_text(out, TEXT_COLUMNS)


def read_csv(path) -> pd.DataFrame:
    """An ARD written by :func:`to_csv_text`, with the original text values."""
    # round_trip: pandas' default float parser can miss the last digit of a repr-written
    # float (1.7127272727272727 read as ...729); the file is lossless only with it
    df = pd.read_csv(path, dtype={c: str for c in TEXT_COLUMNS}, keep_default_na=False,
                     na_values={"stat": [""]}, float_precision="round_trip")
    return frame(restore_frame(df, TEXT_COLUMNS).to_dict("records"))
