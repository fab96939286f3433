"""QC programs of the participant tables T14.1.1 and T14.1.2 (double programming).

Written from SAP 2 (analysis sets) and the display docstrings; SQL over the
snapshot's ADSL (DuckDB). Columns: dose levels + Total; N = Enrolled set
(ENRLFL = "Y"; every ADSL row when the flag is absent).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from compare import qc_frame
from qc_common import GROUP, bign_rows, column_labels, column_members, continuous_rows, n_pct_rows
from qc_db import connect, has_column
from qc_format import decimals_of, fmt, half_away


def _enrolled(con) -> tuple[pd.DataFrame, str]:
    where = "WHERE ENRLFL = 'Y'" if has_column(con, "ADSL", "ENRLFL") else ""
    return con.execute(f"SELECT * FROM ADSL {where}").df(), where


def _members(adsl, config):
    return column_members(adsl, column_labels(config, adsl[GROUP].unique()))


def qc_t14_1_1(snapshot_dir, config) -> pd.DataFrame:
    """T14.1.1 Participant disposition (Enrolled set)."""
    con = connect(snapshot_dir)
    sl, _ = _enrolled(con)
    members = _members(sl, config)
    ids = sl["USUBJID"]
    rows = bign_rows(members)
    rows += n_pct_rows(members, ids, variable="ENROLLED")
    rows += n_pct_rows(members, ids[sl["SAFFL"].eq("Y")], variable="LYMPHODEPLETED")
    rows += n_pct_rows(members, ids[sl["INFFL"].eq("Y")], variable="INFUSED")
    rows += n_pct_rows(members, ids[sl["EOSSTT"].eq("COMPLETED")], variable="COMPLETED")
    disc = sl[sl["EOSSTT"].eq("DISCONTINUED")]
    rows += n_pct_rows(members, disc["USUBJID"], variable="DISCONTINUED")
    for reason, g in disc.groupby("DCSREAS"):
        rows += n_pct_rows(members, g["USUBJID"], variable="DCSREAS", variable_level=reason)
    rows += n_pct_rows(members, ids[sl["EOSSTT"].eq("ONGOING")], variable="ONGOING")
    died = sl["DTHFL"].eq("Y") | sl["DTHDT"].notna()
    rows += n_pct_rows(members, ids[died], variable="DIED")
    return qc_frame(rows, "T14.1.1")


def qc_t14_1_2(snapshot_dir, config) -> pd.DataFrame:
    """T14.1.2 Analysis sets by dose level (SAP 2), over the Enrolled set."""
    con = connect(snapshot_dir)
    sl, _ = _enrolled(con)
    members = _members(sl, config)
    rows = bign_rows(members)
    rows += n_pct_rows(members, sl["USUBJID"], variable="ENR")
    for code, flag in (("SAF", "SAFFL"), ("INF", "INFFL"), ("DLT", "DLTEVLFL")):
        rows += n_pct_rows(members, sl.loc[sl[flag].eq("Y"), "USUBJID"], variable=code)
    return qc_frame(rows, "T14.1.2")


# --- T14.1.3-T14.1.5 (second QC engineer) -------------------------------------------------
#
# Safety set (SAP 2): SAFFL = "Y". Raw decimals of a variable (SAP 4) are those the values of
# the set are recorded with (qc_format.decimals_of), except for derived quantities that have
# none (log2 titre: the shell's 1 decimal).

T1413_CONTINUOUS = ("AGE", "WEIGHTBL", "HEIGHTBL", "BMIBL", "BSABL")
T1413_CATEGORICAL = ("SEX", "RACE", "ETHNIC")
T1414_CONTINUOUS = ("DISDURY", "RELP12", "RELP24", "NPRIMSUP", "EDSSBL")
LOG2_TITRE_DECIMALS = 1
CART = "ANTI-BAFFR CAR-T"


def _safety(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM ADSL WHERE SAFFL = 'Y'").df()


def sas_quantile(values, p: float) -> float:
    """Quantile by the SAS default definition (PCTLDEF=5, SAP 4), written out from its
    formula rather than a library option: with n sorted values x1..xn and n p = j + g
    (j integer part, g fraction), the quantile is x(j+1) when g > 0 and (xj + x(j+1)) / 2
    when g = 0. T14.1.3 is built with tableone, whose own quartiles are linear (type 7):
    this checks that production replaced them (issue 14, item 2)."""
    x = sorted(float(v) for v in values)
    n = len(x)
    if n == 0:
        return float("nan")
    j, g = divmod(n * p, 1.0)
    j = int(j)
    if g > 1e-12:
        return x[j]
    return x[j - 1] if j >= n else (x[j - 1] + x[j]) / 2 if j > 0 else x[0]


def sas_continuous_rows(members: dict[str, set], values: dict, *, variable: str,
                           raw_decimals: int) -> list[dict]:
    """n, mean, sd (n - 1), median, q1, q3 (SAS PCTLDEF=5), min, max per column (T14.1.3)."""
    rows = []
    for c, s in members.items():
        x = [float(values[u]) for u in s if u in values and not _nan(values[u])]
        res = {"n": float(len(x))}
        if x:
            a = np.array(x)
            res.update(mean=exact_mean(x), sd=a.std(ddof=1) if len(a) > 1 else float("nan"),
                       median=sas_quantile(a, 0.5), q1=sas_quantile(a, 0.25),
                       q3=sas_quantile(a, 0.75), min=a.min(), max=a.max())
        for st in ("n", "mean", "sd", "median", "q1", "q3", "min", "max"):
            v = res.get(st, float("nan"))
            rows.append(dict(group1=GROUP, group1_level=c, variable=variable, stat_name=st,
                             stat=v, stat_fmt=fmt(st, v, raw_decimals)))
    return rows


def exact_mean(values) -> float:
    """Mean of the recorded decimals computed exactly (``Decimal``), then to float: so a mean
    that is exactly a rounding midpoint (62.845) is not shown one unit lower because the
    binary sum fell just below it (SAP 4 rounds half away from zero)."""
    from decimal import Decimal

    vals = [Decimal(repr(float(v))) for v in values]
    return float(sum(vals) / len(vals)) if vals else float("nan")


def _nan(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return False


def qc_t14_1_3(snapshot_dir, config) -> pd.DataFrame:
    """T14.1.3 Demographics and baseline characteristics (Safety set).

    Continuous (AGE, WEIGHTBL, HEIGHTBL, BMIBL, BSABL): statistics of the participants with a
    value; quartiles by the SAS default (:func:`sas_quantile`). Categorical (SEX,
    RACE, ETHNIC): n, N, pct of the column N per level, levels sorted, ``Missing`` last
    when a value is missing (SAP 3 Missing data, SAP 4)."""
    con = connect(snapshot_dir)
    sl = _safety(con)
    members = _members(sl, config)
    rows = bign_rows(members)
    for var in T1413_CONTINUOUS:
        if var not in sl.columns:
            continue
        vals = dict(zip(sl["USUBJID"], sl[var], strict=True))
        rows += sas_continuous_rows(members, vals, variable=var,
                                       raw_decimals=decimals_of(sl[var]))
    for var in T1413_CATEGORICAL:
        if var not in sl.columns:
            continue
        level = sl[var].where(sl[var].notna(), None)
        present = sorted({str(v) for v in level if v is not None})
        for lev in present:
            rows += n_pct_rows(members, sl.loc[level == lev, "USUBJID"], variable=var,
                               variable_level=lev)
        if level.isna().any():
            rows += n_pct_rows(members, sl.loc[level.isna(), "USUBJID"], variable=var,
                               variable_level="Missing")
    return qc_frame(rows, "T14.1.3")


def titre_of_log2(median_log2: float) -> str:
    """``1:N`` with N = 2 ** median log2 titre rounded half away from zero (SAP 3 AQP4-IgG)."""
    if _nan(median_log2):
        return "-"
    return "1:" + half_away(2.0 ** float(median_log2), 0)


def qc_t14_1_4(snapshot_dir, config) -> pd.DataFrame:
    """T14.1.4 NMOSD history (Safety set): DISDURY, RELP12, RELP24, NPRIMSUP, EDSSBL and the
    baseline AQP4-IgG titre as log2(N) (SAP 3), continuous with SAS quartiles; the median
    titre as ``1:N``; participants per prior immunosuppressant (PRIMSUP split on ";")."""
    con = connect(snapshot_dir)
    sl = _safety(con)
    members = _members(sl, config)
    rows = bign_rows(members)
    for var in T1414_CONTINUOUS:
        if var not in sl.columns:
            continue
        vals = dict(zip(sl["USUBJID"], sl[var], strict=True))
        rows += continuous_rows(members, vals, variable=var, raw_decimals=decimals_of(sl[var]))
    if "AQP4BL" in sl.columns:
        log2 = {u: (math.log2(float(t)) if not _nan(t) and float(t) > 0 else float("nan"))
                for u, t in zip(sl["USUBJID"], sl["AQP4BL"], strict=True)}
        rows += continuous_rows(members, log2, variable="AQP4BLL2",
                                raw_decimals=LOG2_TITRE_DECIMALS)
        for c, s in members.items():
            x = [log2[u] for u in s if not _nan(log2[u])]
            med = float(np.percentile(x, 50, method="averaged_inverted_cdf")) if x else math.nan
            rows.append(dict(group1=GROUP, group1_level=c, variable="AQP4BL", stat_name="text",
                             stat=float("nan"), stat_fmt=titre_of_log2(med)))
    if "PRIMSUP" in sl.columns:
        took: dict[str, set] = {}
        for u, text in zip(sl["USUBJID"], sl["PRIMSUP"], strict=True):
            if not isinstance(text, str):  # no prior immunosuppressant recorded
                continue
            for agent in str(text).split(";"):
                if agent.strip():
                    took.setdefault(agent.strip(), set()).add(u)
        for agent in sorted(took):
            rows += n_pct_rows(members, took[agent], variable="PRIMSUP", variable_level=agent)
    return qc_frame(rows, "T14.1.4")


def qc_t14_1_5(snapshot_dir, config) -> pd.DataFrame:
    """T14.1.5 Extent of exposure (Safety set), SQL over ADEX and ADSL.

    Per lymphodepletion drug of study.yml (SAP 1 [assumption]): participants dosed (an ADEX
    record with a dose > 0), total dose (sum of EXDOSE, mg/m2; 0 when none) and days dosed
    (distinct administration dates with a dose), over every participant of the set. CAR-T:
    participants infused (INFFL = "Y"), dose per kg and total cells (ADSL DOSEKG, DOSETOT)
    over the infused participants. Continuous statistics with SAS quartiles."""
    con = connect(snapshot_dir)
    sl = _safety(con)
    members = _members(sl, config)
    ids = list(sl["USUBJID"])
    rows = bign_rows(members)
    drugs = [d["name"] for d in config.raw["assumptions"]["lymphodepletion"]["drugs"]]
    for drug in drugs:
        ex = con.execute("""
          SELECT ex.USUBJID, sum(ex.EXDOSE) AS TOT, count(DISTINCT CAST(ex.ASTDT AS DATE)) AS ND
          FROM ADEX ex JOIN ADSL sl USING (USUBJID)
          WHERE sl.SAFFL = 'Y' AND ex.EXTRT = ? AND ex.EXDOSE > 0
          GROUP BY ex.USUBJID""", [drug]).df()
        tot = {u: 0.0 for u in ids} | dict(zip(ex["USUBJID"], ex["TOT"].astype(float),
                                                 strict=True))
        nd = {u: 0.0 for u in ids} | dict(zip(ex["USUBJID"], ex["ND"].astype(float),
                                                strict=True))
        keys = dict(group2="EXTRT", group2_level=drug)
        rows += n_pct_rows(members, ex["USUBJID"], variable="DOSED", **keys)
        rows += continuous_rows(members, tot, variable="TOTDOSE",
                                raw_decimals=decimals_of(tot.values()), **keys)
        rows += continuous_rows(members, nd, variable="NDAYS", raw_decimals=0, **keys)
    inf = sl[sl["INFFL"].eq("Y")]
    keys = dict(group2="EXTRT", group2_level=CART)
    rows += n_pct_rows(members, inf["USUBJID"], variable="INFUSED", **keys)
    for var in ("DOSEKG", "DOSETOT"):
        if var in inf.columns:
            vals = dict(zip(inf["USUBJID"], inf[var], strict=True))
            rows += continuous_rows(members, vals, variable=var,
                                    raw_decimals=decimals_of(inf[var]), **keys)
    return qc_frame(rows, "T14.1.5")


# --- T14.1.6, T14.1.7 (issue 15; written from SAP 5 and the ADDV / ADCM specifications) ------


def qc_t14_1_6(snapshot_dir, config) -> pd.DataFrame:
    """T14.1.6 Important protocol deviations by category (Enrolled set): participants with
    any deviation, with any important one (DVIMPFL = 'Y'), then per category and term."""
    con = connect(snapshot_dir)
    sl, where = _enrolled(con)
    members = _members(sl, config)
    dv = con.execute(f"""
      SELECT USUBJID, DVCAT, DVTERM, DVIMPFL FROM ADDV
      WHERE USUBJID IN (SELECT USUBJID FROM ADSL {where})""").df()
    imp = dv[dv["DVIMPFL"] == "Y"]
    rows = bign_rows(members)
    rows += n_pct_rows(members, dv["USUBJID"], variable="ANYDV")
    rows += n_pct_rows(members, imp["USUBJID"], variable="ANY")
    for cat, g in imp.groupby("DVCAT"):
        rows += n_pct_rows(members, g["USUBJID"], variable="DVCAT", group2="DVCAT",
                           group2_level=cat)
        for term, t in g.groupby("DVTERM"):
            rows += n_pct_rows(members, t["USUBJID"], variable="DVTERM", variable_level=term,
                               group2="DVCAT", group2_level=cat)
    return qc_frame(rows, "T14.1.6")


def qc_t14_1_7(snapshot_dir, config) -> pd.DataFrame:
    """T14.1.7 Prior and concomitant medications (Safety set): prior = PREFL 'Y',
    concomitant = ONTRTFL 'Y'; per ATC class (CMCLAS) and name (CMDECOD)."""
    con = connect(snapshot_dir)
    sl = _safety(con)
    members = _members(sl, config)
    rows = bign_rows(members)
    for flag, anyvar in (("PREFL", "ANYPRE"), ("ONTRTFL", "ANYONTRT")):
        cm = con.execute(f"""
          SELECT DISTINCT USUBJID, CMCLAS, CMDECOD FROM ADCM
          WHERE {flag} = 'Y' AND USUBJID IN (SELECT USUBJID FROM ADSL WHERE SAFFL = 'Y')
          """).df()
        rows += n_pct_rows(members, cm["USUBJID"], variable=anyvar)
        for cls, g in cm.groupby("CMCLAS"):
            rows += n_pct_rows(members, g["USUBJID"], variable=flag, group2="CMCLAS",
                               group2_level=cls)
            for name, t in g.groupby("CMDECOD"):
                rows += n_pct_rows(members, t["USUBJID"], variable=flag, variable_level=name,
                                   group2="CMCLAS", group2_level=cls)
    return qc_frame(rows, "T14.1.7")
