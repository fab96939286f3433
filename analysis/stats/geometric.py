"""Geometric summaries (SAP 3, CAR-T kinetics and cytokines: "geometric mean
(geometric CV%), median, range").

- geometric mean = ``scipy.stats.gmean`` of the positive values;
- geometric CV% = 100 * sqrt(exp(s^2) - 1), s = SD (ddof=1) of the natural
  log values (undefined, NaN -> "NE", with fewer than 2 positive values);
- a value of 0 (e.g. a Cmax or AUC when every sample is BLQ) has no logarithm:
  zeros are EXCLUDED from the geometric mean and CV and counted in ``n_zero``
  (the display footnotes the count); median and range use every value.
Negative values are an input error.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.stats import gmean

from analysis.formats import fmt_count
from analysis.stats.summaries import column_rows

GEOMETRIC_LABELS = {
    "n": "n", "n_zero": "n excluded from geometric mean (value 0)",
    "geomean": "Geometric mean", "geocv": "Geometric CV%", "median": "Median",
    "min": "Min", "max": "Max",
}


def geometric_stats(values: Iterable[float], *, what: str = "values") -> dict[str, float]:
    """n, n_zero, geomean, geocv, median, min, max of the non-missing ``values``.

    ``n`` counts every non-missing value (zeros included); ``n_zero`` the zeros
    excluded from geomean/geocv. ``what`` names the input in errors.
    """
    x = np.asarray([v for v in values if v is not None and not pd.isna(v)], dtype=float)
    if (x < 0).any():
        raise ValueError(f"geometric_stats: negative {what}: {x[x < 0].tolist()}")
    pos = x[x > 0]
    out = {"n": float(len(x)), "n_zero": float(len(x) - len(pos))}
    out["geomean"] = float(gmean(pos)) if len(pos) else math.nan
    if len(pos) > 1:
        s = float(np.std(np.log(pos), ddof=1))
        out["geocv"] = 100.0 * math.sqrt(math.exp(s * s) - 1.0)
    else:
        out["geocv"] = math.nan
    out["median"] = float(np.median(x)) if len(x) else math.nan
    out["min"] = float(x.min()) if len(x) else math.nan
    out["max"] = float(x.max()) if len(x) else math.nan
    return out


def geometric_rows(
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
    stats: tuple[str, ...] = ("n", "n_zero", "geomean", "geocv", "median", "min", "max"),
) -> list[dict]:
    """ARD rows of :func:`geometric_stats` of ``df[value]`` per column (Total pools all
    rows); ``stats`` selects and orders the statistics (e.g. drop geomean for times)."""
    def summarise(values: pd.Series, col: str) -> dict[str, float]:
        s = geometric_stats(values, what=f"{variable} ({col})")
        return {k: s[k] for k in stats}

    rows = column_rows(
        df, value, cols, summarise, labels=GEOMETRIC_LABELS, display_id=display_id,
        variable=variable, group_var=group_var, raw_decimals=raw_decimals, group2=group2,
        group2_level=group2_level, variable_level=variable_level,
    )
    for r in rows:  # a count whatever the decimals of the data
        if r["stat_name"] == "n_zero":
            r["stat_fmt"] = fmt_count(r["stat"])
    return rows
