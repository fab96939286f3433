"""Descriptive statistics for the efficacy/biomarker/lab QC programs (SAP 3, 4).

Written apart from ``analysis.stats``:
- continuous: n, mean, sd (ddof 1; NaN with one value), median, q1, q3, min, max of the
  non-missing values; quartiles by the SAS default definition (PCTLDEF=5, empirical
  distribution with averaging), numpy ``averaged_inverted_cdf``;
- geometric: geometric mean and geometric CV% = 100 sqrt(exp(s^2) - 1) of the positive
  values (s = SD of natural logs, ddof 1); zeros excluded from them and counted
  (``n_zero``); median and range over every value.
Rows are dicts for :func:`compare.qc_frame`; per-column helpers take ``members``
(column label -> set of USUBJID, from :func:`qc_common.column_members`).
"""

from __future__ import annotations

import numpy as np
from qc_common import GROUP
from qc_format import fmt

CONT = ("n", "mean", "sd", "median", "q1", "q3", "min", "max")
GEO = ("n", "n_zero", "geomean", "geocv", "median", "min", "max")
COUNTED = frozenset({"n_zero", "n_risk"})  # counts of participants: integers


def describe(values) -> dict[str, float]:
    """n, mean, sd, median, q1, q3, min, max of the non-missing ``values``."""
    x = np.array([float(v) for v in values if v is not None and not np.isnan(float(v))])
    nan = float("nan")
    if len(x) == 0:
        return dict(n=0.0, mean=nan, sd=nan, median=nan, q1=nan, q3=nan, min=nan, max=nan)
    q1, med, q3 = np.percentile(x, [25, 50, 75], method="averaged_inverted_cdf")
    return dict(n=float(len(x)), mean=float(x.mean()),
                sd=float(x.std(ddof=1)) if len(x) > 1 else nan,
                median=float(med), q1=float(q1), q3=float(q3),
                min=float(x.min()), max=float(x.max()))


def describe_geo(values) -> dict[str, float]:
    """n, n_zero, geomean, geocv, median, min, max (zeros out of the geometric stats)."""
    x = np.array([float(v) for v in values if v is not None and not np.isnan(float(v))])
    nan = float("nan")
    out = dict(n=float(len(x)), n_zero=float((x == 0).sum()), geomean=nan, geocv=nan,
               median=nan, min=nan, max=nan)
    if len(x):
        q = np.percentile(x, 50, method="averaged_inverted_cdf")
        out.update(median=float(q), min=float(x.min()), max=float(x.max()))
    pos = np.log(x[x > 0])
    if len(pos):
        out["geomean"] = float(np.exp(pos.mean()))
    if len(pos) > 1:
        out["geocv"] = float(100.0 * np.sqrt(np.exp(pos.std(ddof=1) ** 2) - 1.0))
    return out


def stat_rows(stats: dict[str, float], names, raw_decimals: int, **keys) -> list[dict]:
    """One row per statistic of ``names`` with its SAP 4 text."""
    return [dict(keys, stat_name=s, stat=stats[s],
                 stat_fmt=fmt("n" if s in COUNTED else s, stats[s], raw_decimals))
            for s in names]


def per_column(members: dict[str, set], values: dict, *, kind: str = "cont",
               names=None, raw_decimals: int = 0, skip_empty: bool = False,
               **keys) -> list[dict]:
    """Summary of ``values`` (USUBJID -> value, or USUBJID -> list of values) per column."""
    rows = []
    for col, subj in members.items():
        vals = []
        for u in sorted(subj):
            v = values.get(u)
            if v is None:
                continue
            vals.extend(v if isinstance(v, list | tuple) else [v])
        st = describe_geo(vals) if kind == "geo" else describe(vals)
        if skip_empty and st["n"] == 0:
            continue
        rows += stat_rows(st, names or (GEO if kind == "geo" else CONT), raw_decimals,
                          group1=GROUP, group1_level=col, **keys)
    return rows
