"""QC programs of the clinical efficacy displays (SAP 3: Relapse, ARR, EDSS, visual
acuity, MRI), one function per display named by its number, each
``qc_<id>(snapshot_dir, config) -> DataFrame`` in ARD form (:func:`compare.qc_frame`).

Independent of ``analysis``: SQL in DuckDB over the snapshot's Parquet files,
pandas for the chained relapse clustering, statsmodels / scipy / lifelines for the
statistics. Columns: dose levels of study.yml then Total, N = Infused set
(ADSL.INFFL = "Y").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import qc_db
from compare import qc_frame
from qc_common import GROUP, bign_rows, column_labels, column_members, n_pct_rows
from qc_format import fmt
from qc_summary import describe, stat_rows


# ----------------------------------------------------------------- shared inputs
def infused(con, snapshot_dir) -> pd.DataFrame:
    """Infused participants with their end of follow-up (SAP 3, ARR).

    FUENDDT = min(last contact [LSTALVDT, else EOSDT], DTHDT, cut-off), nulls ignored;
    FUDAYS = FUENDDT - INFDT + 1 (Day 0 to end, both inclusive).
    """
    cutoff = qc_db.manifest(snapshot_dir).get("cutoff")
    cut = f"DATE '{cutoff}'" if cutoff else "NULL"
    return qc_db.query(con, f"""
        SELECT USUBJID, TRT01A, CAST(INFDT AS DATE) AS INFDT,
               CAST(COALESCE(ENRLDT, RFICDT) AS DATE) AS ENRLDT,
               CAST(LEAST(COALESCE(LSTALVDT, EOSDT), DTHDT, {cut}) AS DATE) AS FUENDDT
        FROM ADSL WHERE INFFL = 'Y' ORDER BY USUBJID""").assign(
        FUDAYS=lambda d: (pd.to_datetime(d.FUENDDT) - pd.to_datetime(d.INFDT)).dt.days + 1)


def columns(config, pop: pd.DataFrame) -> dict[str, set]:
    return column_members(pop, column_labels(config, pop["TRT01A"].unique()))


def counted_relapses(con, config) -> pd.DataFrame:
    """Relapses (SAP 3, Relapse): qualifying episodes (RLGT24H = Y, RLFEVINF = N) in
    onset order; an onset <= merge days after the current cluster's FIRST onset joins
    it, otherwise opens a new cluster dated by its onset. Returns USUBJID, ASTDT, RLSEQ."""
    merge = int(config.constants["relapse_merge_days"])
    ep = qc_db.query(con, """
        SELECT USUBJID, RLSEQ, CAST(ASTDT AS DATE) AS ASTDT FROM ADRELAP
        WHERE RLGT24H = 'Y' AND RLFEVINF = 'N' ORDER BY USUBJID, ASTDT, RLSEQ""")
    keep = []
    for _, g in ep.groupby("USUBJID", sort=True):
        first = None
        for r in g.itertuples(index=False):
            d = pd.Timestamp(r.ASTDT)
            if first is None or (d - first).days > merge:
                first = d
                keep.append((r.USUBJID, d, r.RLSEQ))
    return pd.DataFrame(keep, columns=["USUBJID", "ASTDT", "RLSEQ"])


# ----------------------------------------------------------------- T14.2.1
def _periods(con, config, pop: pd.DataFrame) -> pd.DataFrame:
    """One row per infused participant and period (PRE, POST): events, exposure."""
    rel = counted_relapses(con, config).merge(pop, on="USUBJID", how="inner")
    months = int(config.constants["pre_treatment_arr_months"])
    dpy = float(config.constants["days_per_year"])
    enr = pd.to_datetime(rel.ENRLDT)
    start = enr - pd.DateOffset(months=months)
    rel["PRE"] = (rel.ASTDT >= start) & (rel.ASTDT < enr)
    rel["POST"] = (rel.ASTDT >= pd.to_datetime(rel.INFDT)) & (rel.ASTDT <= pd.to_datetime(rel.FUENDDT))
    cnt = rel.groupby("USUBJID")[["PRE", "POST"]].sum()
    rows = []
    for p in pop.itertuples(index=False):
        c = cnt.loc[p.USUBJID] if p.USUBJID in cnt.index else {"PRE": 0, "POST": 0}
        rows.append((p.USUBJID, "PRE", int(c["PRE"]), months / 12.0))
        rows.append((p.USUBJID, "POST", int(c["POST"]), p.FUDAYS / dpy))
    return pd.DataFrame(rows, columns=["USUBJID", "PERIOD", "EVENTS", "PY"])


def _poisson_exact(k: int, py: float, level: float) -> tuple[float, float]:
    from scipy.stats import chi2

    a = 1 - level
    lo = 0.0 if k == 0 else chi2.ppf(a / 2, 2 * k) / 2 / py
    return lo, chi2.ppf(1 - a / 2, 2 * k + 2) / 2 / py


def _rate_ratio(per: pd.DataFrame, level: float) -> tuple[float, float, float]:
    """POST/PRE rate ratio: Poisson GLM, log(PY) offset, sandwich SE clustered by
    participant (statsmodels GLM cov_type='cluster'); NE without events in a period
    or with < 2 participants."""
    import statsmodels.api as sm

    nan = (float("nan"),) * 3
    if per.USUBJID.nunique() < 2 or (per.PY <= 0).any():
        return nan
    if (per.groupby("PERIOD").EVENTS.sum() == 0).any():
        return nan
    per = per.sort_values(["USUBJID", "PERIOD"])
    x = sm.add_constant((per.PERIOD == "POST").astype(float).to_numpy())
    groups = pd.factorize(per.USUBJID)[0]
    res = sm.GLM(per.EVENTS.to_numpy(float), x, family=sm.families.Poisson(),
                 offset=np.log(per.PY.to_numpy(float))).fit(
        cov_type="cluster", cov_kwds={"groups": groups})
    b, se = res.params[1], res.bse[1]
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - level) / 2)
    return math.exp(b), math.exp(b - z * se), math.exp(b + z * se)


def qc_t14_2_1(snapshot_dir, config) -> pd.DataFrame:
    """T14.2.1 ARR pre-treatment vs post-infusion (SAP 3, ARR; SAP 4 formats)."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    per = _periods(con, config, pop)
    level = float(config.constants["confidence_level"])
    rows = bign_rows(members)
    for code, label in (("PRE", "Pre-treatment"), ("POST", "Post-infusion")):
        p = per[per.PERIOD == code].set_index("USUBJID")
        keys = dict(group2="PERIOD", group2_level=label)
        rows += n_pct_rows(members, p.index[p.EVENTS > 0], variable="NREL", **keys)
        for col, subj in members.items():
            q = p.loc[sorted(subj)]
            k, py = int(q.EVENTS.sum()), float(q.PY.sum())
            ck = dict(keys, group1=GROUP, group1_level=col)
            rate = k / py if py > 0 else float("nan")
            lo, hi = _poisson_exact(k, py, level) if py > 0 else (float("nan"),) * 2
            rows += [dict(ck, variable="RELAPSES", stat_name="n_events", stat=k,
                          stat_fmt=fmt("n_events", k)),
                     dict(ck, variable="PY", stat_name="py", stat=py, stat_fmt=fmt("py", py))]
            rows += stat_rows(dict(rate=rate, lcl=lo, ucl=hi), ("rate", "lcl", "ucl"), 2,
                              variable="ARRPOOL", **ck)
            rows += stat_rows(describe(q.EVENTS / q.PY), ("n", "mean", "sd", "median", "q1",
                                                          "q3", "min", "max"), 2,
                              variable="ARRSUBJ", **ck)
    for col, subj in members.items():
        est, lo, hi = _rate_ratio(per[per.USUBJID.isin(subj)], level)
        ck = dict(group1=GROUP, group1_level=col, group2="PERIOD",
                  group2_level="Post-infusion vs pre-treatment", variable="RATERATIO")
        rows += stat_rows(dict(estimate=est, lcl=lo, ucl=hi, n_subj=float(len(subj))),
                          ("estimate", "lcl", "ucl", "n_subj"), 2, **ck)
        if math.isnan(est):  # the shell shows a non-estimable ratio as "NE" (SAP 4)
            rows[-4]["stat_fmt"] = "NE"
    return qc_frame(rows, "T14.2.1")
