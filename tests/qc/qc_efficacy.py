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
from qc_byvisit import by_visit_rows
from qc_common import GROUP, bign_rows, column_labels, column_members, n_pct_rows
from qc_format import fmt
from qc_summary import describe, per_column, stat_rows


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


# ----------------------------------------------------------------- T14.2.2
def _edss_threshold(base: float, config) -> float:
    """Increase that is worsening for baseline ``base`` (registry rule; baseline 0.5 by
    the study assumption edss_worsening_baseline_half); NaN without baseline."""
    if base is None or np.isnan(base):
        return float("nan")
    half = config.assumptions["edss_worsening_baseline_half"]
    if base == float(half["baseline"]):
        return float(half["increase"])
    for band in config.registry["edss_worsening"]:
        if float(band["baseline_min"]) <= base <= float(band["baseline_max"]):
            return float(band["increase"])
    raise ValueError(f"ADEDSS: baseline EDSS {base} is in no worsening band of study.yml")


def _scheduled(config) -> pd.DataFrame:
    return pd.DataFrame([(v["avisit"], int(v["avisitn"])) for v in config.visits
                         if int(v["avisitn"]) >= 1], columns=["VISIT", "VISITN"])


def edss_records(con, config) -> pd.DataFrame:
    """ADEDSS of the Infused set with BASE (last value on/before INFDT, later file row on
    ties), POST (ADT > INFDT), CHG and the visit-level record flag BYVIS (last record
    per scheduled post-infusion visit)."""
    con.register("qc_sched", _scheduled(config))
    return qc_db.query(con, """
        WITH e AS (SELECT *, row_number() OVER () AS rowid_ FROM ADEDSS),
        j AS (SELECT e.USUBJID, e.AVAL, e.ADT, e.AVISIT, e.rowid_, s.INFDT
              FROM e JOIN ADSL s USING (USUBJID) WHERE s.INFFL = 'Y'),
        b AS (SELECT USUBJID, AVAL AS BASE FROM j WHERE AVAL IS NOT NULL AND ADT <= INFDT
              QUALIFY row_number() OVER (PARTITION BY USUBJID ORDER BY ADT DESC, rowid_ DESC) = 1),
        p AS (SELECT j.*, ADT > INFDT AS POST, v.VISITN,
                     CASE WHEN ADT > INFDT AND v.VISIT IS NOT NULL THEN row_number() OVER (
                        PARTITION BY USUBJID, AVISIT, ADT > INFDT AND v.VISIT IS NOT NULL
                        ORDER BY ADT DESC, rowid_ DESC) END AS rk
              FROM j LEFT JOIN qc_sched v ON j.AVISIT = v.VISIT)
        SELECT p.USUBJID, p.AVAL, p.AVISIT, p.VISITN, p.POST, COALESCE(p.rk = 1, false) AS BYVIS,
               b.BASE, p.AVAL - b.BASE AS CHG
        FROM p LEFT JOIN b USING (USUBJID) ORDER BY USUBJID, ADT""")


def qc_t14_2_2(snapshot_dir, config) -> pd.DataFrame:
    """T14.2.2 EDSS by visit and EDSS worsening (registry rule; SAP 3)."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    e = edss_records(con, config)
    base = e.groupby("USUBJID").BASE.first().dropna()
    rows = bign_rows(members)
    bl = pd.DataFrame({"USUBJID": base.index, "VISIT": "Baseline", "VISITN": -1,
                       "AVAL": base.to_numpy()})
    vis = e[e.BYVIS].assign(VISIT=lambda d: d.AVISIT)
    recs = pd.concat([bl, vis[["USUBJID", "VISIT", "VISITN", "AVAL"]]])
    rows += by_visit_rows(members, recs, 1, group2_level="", group2="", variable="AVAL")
    rows += by_visit_rows(members, vis.dropna(subset=["CHG"]), 1, group2_level="", group2="",
                          variable="CHG", value="CHG")
    post = e[e.POST & e.CHG.notna()].copy()
    post["THR"] = [_edss_threshold(b, config) for b in post.BASE]
    worse = post[post.CHG >= post.THR]
    m12 = edss_month_visit(config)
    rows += n_pct_rows(members, worse.USUBJID, variable="WORS",
                       variable_level="Any post-baseline assessment")
    rows += n_pct_rows(members, worse[worse.BYVIS & (worse.AVISIT == m12)].USUBJID,
                       variable="WORS", variable_level=m12)
    evaluable = set(post.USUBJID)
    rows += n_pct_rows(members, set(pop.USUBJID) - evaluable, variable="NOTEVAL")
    return qc_frame(rows, "T14.2.2")


def edss_month_visit(config) -> str:
    """The scheduled visit whose nominal day is round(follow-up months x days/month)."""
    day = round(int(config.registry["follow_up_months"])
                * float(config.assumptions["visits"]["days_per_month"]))
    hit = [v["avisit"] for v in config.visits if int(v["avisitn"]) == day]
    if not hit:
        raise ValueError(f"study.yml: no scheduled visit at nominal day {day}")
    return hit[0]


# ----------------------------------------------------------------- T14.2.4
LESIONS = (("Total active lesions", ("T2NEWENL", "GDT1")),
           ("New or enlarging T2 lesions", ("T2NEWENL",)),
           ("Gd-enhancing T1 lesions", ("GDT1",)))


def qc_t14_2_4(snapshot_dir, config) -> pd.DataFrame:
    """T14.2.4 accumulated active MRI lesions (SAP 3, MRI): sums over scans after Day 0."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    m = qc_db.query(con, """
        SELECT m.USUBJID, m.PARAMCD, m.AVAL FROM ADMRI m JOIN ADSL s USING (USUBJID)
        WHERE s.INFFL = 'Y' AND m.ADT > s.INFDT""")
    bad = set(m.PARAMCD) - {"T2NEWENL", "GDT1"}
    if bad:
        raise ValueError(f"ADMRI: unexpected PARAMCD {sorted(bad)}")
    scanned = set(m.USUBJID)
    rows = bign_rows(members)
    rows += n_pct_rows(members, scanned, variable="NSCAN")
    for label, codes in LESIONS:
        acc = m[m.PARAMCD.isin(codes)].groupby("USUBJID").AVAL.sum()
        acc = {u: float(acc.get(u, 0.0)) for u in scanned}
        keys = dict(group2="LESION", group2_level=label)
        rows += n_pct_rows(members, [u for u, v in acc.items() if v > 0], variable="ANY", **keys)
        rows += per_column(members, acc, raw_decimals=0, variable="ACCUM", **keys)
    return qc_frame(rows, "T14.2.4")


# ----------------------------------------------------------------- T14.2.3
def to_logmar(vafmt: str, res: str, config) -> float:
    """logMAR of one recorded acuity (SAP 3, Visual acuity): Snellen a/b -> -log10(a/b);
    decimal d -> -log10(d); 5-point score L -> 5 - L; CF/HM/LP/NLP from study.yml."""
    res = str(res).strip()
    if vafmt == "SNELLEN":
        a, b = res.split("/")
        return -math.log10(float(a) / float(b))
    if vafmt == "DECIMAL":
        return -math.log10(float(res))
    if vafmt == "FIVEPOINT":
        return 5.0 - float(res)
    if vafmt == "LOWVISION":
        return float(config.constants["low_vision_logmar"][res])
    raise ValueError(f"ADVA: unknown VAFMT {vafmt!r} (value {res!r})")


def qc_t14_2_3(snapshot_dir, config) -> pd.DataFrame:
    """T14.2.3 visual acuity (logMAR) by eye and visit; worsening >= 0.2 per eye."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    con.register("qc_sched", _scheduled(config))
    va = qc_db.query(con, """
        SELECT v.USUBJID, v.LAT, v.VAFMT, v.VAORRES, v.ADT, v.AVISIT, q.VISITN,
               v.ADT > s.INFDT AS POST, v.ADT <= s.INFDT AS PRE,
               row_number() OVER () AS rowid_
        FROM ADVA v JOIN ADSL s USING (USUBJID) LEFT JOIN qc_sched q ON v.AVISIT = q.VISIT
        WHERE s.INFFL = 'Y'""")
    va["AVAL"] = [to_logmar(f, r, config) for f, r in zip(va.VAFMT, va.VAORRES, strict=True)]
    va = va.sort_values(["USUBJID", "LAT", "ADT", "rowid_"])
    base = va[va.PRE].groupby(["USUBJID", "LAT"]).AVAL.last().rename("BASE")
    va = va.join(base, on=["USUBJID", "LAT"])
    va["CHG"] = va.AVAL - va.BASE
    thr = float(config.constants["va_worsening_logmar"])
    rows = bign_rows(members)
    worse_any: set = set()
    for lat, label in (("RIGHT", "Right eye"), ("LEFT", "Left eye")):
        e = va[va.LAT == lat]
        vis = e[e.POST & e.VISITN.notna()].groupby(["USUBJID", "AVISIT"]).tail(1)
        vis = vis.assign(VISIT=vis.AVISIT)
        b = base.xs(lat, level="LAT") if lat in base.index.get_level_values("LAT") else \
            pd.Series(dtype=float)
        bl = pd.DataFrame({"USUBJID": b.index, "VISIT": "Baseline", "VISITN": -1.0,
                           "AVAL": b.to_numpy()})
        keys = dict(group2="LAT", group2_level=label)
        rows += by_visit_rows(members, pd.concat([bl, vis[["USUBJID", "VISIT", "VISITN", "AVAL"]]]),
                              2, variable="AVAL", **keys)
        rows += by_visit_rows(members, vis.dropna(subset=["CHG"]), 2, variable="CHG",
                              value="CHG", **keys)
        w = set(e[e.POST & (e.CHG.round(6) >= thr)].USUBJID)
        worse_any |= w
        rows += n_pct_rows(members, w, variable="WORS", **keys)
    rows += n_pct_rows(members, worse_any, variable="WORS", group2="LAT",
                       group2_level="Either eye")
    return qc_frame(rows, "T14.2.3")
