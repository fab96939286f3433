"""Building blocks shared by the QC programs (independent of ``analysis``).

Columns of every table: the dose levels of study.yml in dose order (labelled
as ADSL.TRT01A), then ``Total`` (SAP 2). Percent denominators are the column
N of the analysis set (SAP 4).
"""

from __future__ import annotations

from qc_format import fmt

TOTAL = "Total"
GROUP = "TRT01A"


def column_labels(config, present=()) -> list[str]:
    """Dose-level labels of study.yml in dose order, then any other level present."""
    labels = [lv["label"] for lv in sorted(config.raw["assumptions"]["dose_levels"]["levels"],
                                            key=lambda lv: lv["code"])]
    extra = sorted({str(p) for p in present} - set(labels))
    return labels + extra


def column_members(pop, labels) -> dict[str, set]:
    """USUBJIDs per column (dose levels from ``pop.TRT01A``, then Total)."""
    out = {lab: set(pop.loc[pop[GROUP] == lab, "USUBJID"]) for lab in labels}
    out[TOTAL] = set(pop["USUBJID"])
    return out


def bign_rows(members: dict[str, set]) -> list[dict]:
    return [dict(group1=GROUP, group1_level=c, variable="BIGN", stat_name="N",
                 stat=len(s), stat_fmt=fmt("N", len(s))) for c, s in members.items()]


def n_pct_rows(members: dict[str, set], subjects, *, variable: str, variable_level: str = "",
               group2: str = "", group2_level: str = "", columns=None) -> list[dict]:
    """``n``, ``N``, ``pct`` rows: participants of ``subjects`` in each column."""
    subjects = set(subjects)
    rows = []
    for c, s in members.items():
        if columns is not None and c not in columns:
            continue
        n = len(s & subjects)
        big = len(s)
        pct = 100.0 * n / big if big else float("nan")
        keys = dict(group1=GROUP, group1_level=c, group2=group2, group2_level=group2_level,
                    variable=variable, variable_level=variable_level)
        rows += [dict(keys, stat_name="n", stat=n, stat_fmt=fmt("n", n)),
                 dict(keys, stat_name="N", stat=big, stat_fmt=fmt("N", big)),
                 dict(keys, stat_name="pct", stat=pct, stat_fmt=fmt("pct", pct))]
    return rows


def continuous_rows(members: dict[str, set], values, *, variable: str, raw_decimals: int,
                    variable_level: str = "", group2: str = "", group2_level: str = "",
                    stats=("n", "mean", "sd", "median", "q1", "q3", "min", "max")) -> list[dict]:
    """Continuous summary per column; ``values`` maps USUBJID -> value (NaN ignored).

    Quartiles: the SAS default definition 5 (:func:`sas_pctl5`), the project
    convention of the displays' docstrings (the SAP names none); SD with n - 1.
    """
    import numpy as np

    rows = []
    for c, s in members.items():
        x = np.array([float(values[u]) for u in s if u in values
                      and values[u] is not None and not np.isnan(float(values[u]))])
        res = {"n": float(len(x))}
        if len(x):
            res.update(mean=x.mean(), sd=x.std(ddof=1) if len(x) > 1 else float("nan"),
                       median=sas_pctl5(x, 0.5), q1=sas_pctl5(x, 0.25),
                       q3=sas_pctl5(x, 0.75), min=x.min(), max=x.max())
        keys = dict(group1=GROUP, group1_level=c, group2=group2, group2_level=group2_level,
                    variable=variable, variable_level=variable_level)
        for st in stats:
            v = res.get(st, float("nan"))
            rows.append(dict(keys, stat_name=st, stat=v, stat_fmt=fmt(st, v, raw_decimals)))
    return rows


def sas_pctl5(values, p: float) -> float:
    """SAS PCTLDEF=5 percentile: with n p = j + g, the (j+1)-th order statistic when
    g > 0, else the mean of the j-th and (j+1)-th (empirical distribution with averaging)."""
    x = sorted(float(v) for v in values)
    n = len(x)
    if n == 0:
        return float("nan")
    np_ = n * p
    j = int(np_ // 1)
    g = np_ - j
    if g > 1e-12:
        return x[min(j, n - 1)]
    if j == 0:
        return x[0]
    return (x[j - 1] + x[min(j, n - 1)]) / 2


def by_frequency(counts: dict[str, int]) -> list[str]:
    """Levels by descending count then alphabetically."""
    return sorted(counts, key=lambda k: (-counts[k], k))
