"""Baseline summaries computed by ``tableone`` and returned as ARD rows.

``tableone.TableOne`` computes, per column (dose levels, and Total by stacking
every participant once more under ``Total``, analysis.sets.with_total):
continuous n (count), mean, SD (ddof 1), min, max; categorical counts (``freq``).
The median and quartiles are NOT tableone's (its ``q25``/``q75`` are pandas' linear
interpolation, Hyndman-Fan type 7): SAP 4 wants one definition everywhere, the SAS
default (PCTLDEF=5), so they are computed by
:func:`analysis.stats.summaries.continuous_stats` on the same column values
(tableone has no option for the quantile definition).
Percentages are recomputed against the column N of the analysis set (SAP 4),
not tableone's non-missing denominator; missing values are a ``Missing``
level. A column without participants gets n = 0 and missing statistics.
The participants behind each count (categorical ``n``, continuous ``n`` of those with a
value) are noted with :func:`analysis.trace.record`, as ``count_rows`` does.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping

import pandas as pd
from tableone import TableOne

from analysis import ard as A
from analysis import trace
from analysis.sets import with_total
from analysis.stats.summaries import CONTINUOUS_LABELS, continuous_stats

COL = "_col"
MISSING_LEVEL = "Missing"
TO_ARD = {"count": "n", "mean": "mean", "std": "sd", "median": "median", "q25": "q1",
          "q75": "q3", "min": "min", "max": "max"}

SAS_QUANTILES = ("median", "q1", "q3")  # SAP 4: the SAS default, not tableone's


def tableone_rows(df: pd.DataFrame, *, display_id: str, group_var: str,
                  bign: Mapping[str, int], continuous: Mapping[str, int],
                  categorical: list[str]) -> list[dict]:
    """ARD rows of ``continuous`` (variable -> raw decimals) and ``categorical``
    variables of ``df`` (one row per participant), in that order of variables
    as given: continuous first, then categorical."""
    data = with_total(df, group_var, COL)
    cats = {}
    for v in categorical:
        cats[v] = data[v].astype("string").fillna(MISSING_LEVEL).replace("", MISSING_LEVEL)
    frame = pd.DataFrame({COL: data[COL], **{v: pd.to_numeric(data[v]).astype(float)
                                             for v in continuous}, **cats})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t1 = TableOne(frame, columns=[*continuous, *categorical], categorical=list(categorical),
                      continuous=list(continuous), groupby=COL, pval=False, overall=False,
                      missing=False, order={v: sorted(frame[v].unique()) for v in categorical})
    rows: list[dict] = []
    cols = list(bign)
    ids = data["USUBJID"] if "USUBJID" in data else pd.Series("", index=data.index)
    for var, dec in continuous.items():
        desc = t1.cont_describe
        for col in cols:
            stats = {}
            for src, name in TO_ARD.items():
                has = (src, col) in desc.columns and var in desc.index
                stats[name] = float(desc.loc[var, (src, col)]) if has else math.nan
            stats["n"] = 0 if math.isnan(stats["n"]) else stats["n"]
            keys = dict(display_id=display_id, variable=var, group1=group_var, group1_level=col)
            trace.record(keys, ids[(frame[COL] == col) & frame[var].notna()], stat_names=("n",))
            sas = continuous_stats(frame.loc[frame[COL] == col, var])
            stats.update({k: sas[k] for k in SAS_QUANTILES})
            if stats["n"] < 2:
                stats["sd"] = math.nan
            rows += A.stat_rows(stats, raw_decimals=dec, labels=CONTINUOUS_LABELS,
                                display_id=display_id, variable=var, group1=group_var,
                                group1_level=col)
    for var in categorical:
        desc = t1.cat_describe
        levels = sorted(lv for lv in frame[var].unique() if lv != MISSING_LEVEL)
        if (frame[var] == MISSING_LEVEL).any():
            levels.append(MISSING_LEVEL)
        for lv in levels:
            for col in cols:
                has = ("freq", col) in desc.columns and (var, lv) in desc.index
                n = int(desc.loc[(var, lv), ("freq", col)]) if has else 0
                N = bign[col]
                keys = dict(display_id=display_id, variable=var, variable_level=lv,
                            group1=group_var, group1_level=col)
                trace.record(keys, ids[(frame[COL] == col) & (frame[var] == lv)])
                rows += [A.row(stat_name="n", stat=n, stat_label="n (%)", **keys),
                         A.row(stat_name="N", stat=N, stat_label="N", **keys),
                         A.row(stat_name="pct", stat=100.0 * n / N if N else math.nan,
                               stat_label="%", **keys)]
    return rows
