"""QC program of T14.2.8, CAR-T kinetic parameters (SAP 3, CAR-T kinetics), written
apart from ``analysis``: DuckDB over ADPC, ``numpy.trapezoid`` for the AUC.

Per participant and assay (ADPC PARAMCD), samples at study day ADY >= 0, BLQ = 0:
Cmax = max (0 when all BLQ); Tmax = first day of the max (none when Cmax = 0);
AUC0-28 = linear trapezoid from Day 0 (level 0 unless a Day 0 sample exists) to Day 28,
the Day 28 level read off the line between the bracketing samples (``numpy.interp``)
when no sample is on Day 28; none without a sample on or after Day 28; Tlast = last day
with a quantifiable value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import qc_db
from compare import qc_frame
from qc_common import bign_rows, n_pct_rows
from qc_efficacy import columns, infused
from qc_format import decimals_of
from qc_summary import per_column

ASSAYS = ("CARTPCT", "CARTCOPY")


def auc_0_28(d: np.ndarray, v: np.ndarray) -> float:
    """AUC0-28 of one profile sorted by day (samples at day >= 0, BLQ = 0)."""
    if len(d) == 0 or d.max() < 28 or d.max() <= 0:
        return np.nan
    if 0 not in d:
        d, v = np.r_[0.0, d], np.r_[0.0, v]
    at28 = float(np.interp(28.0, d, v)) if 28 not in d else float(v[d == 28][0])
    t = np.r_[d[d < 28], 28.0]
    y = np.r_[v[d < 28], at28]
    return float(np.sum((t[1:] - t[:-1]) * (y[1:] + y[:-1]) / 2))


def nca(con) -> pd.DataFrame:
    """One row per (USUBJID, PARAMCD) with a sample at ADY >= 0: CMAX, TMAX, AUC, TLAST."""
    pc = qc_db.query(con, """
        SELECT USUBJID, PARAMCD, ADY, CASE WHEN BLQFL = 'Y' THEN 0.0 ELSE AVAL END AS V,
               BLQFL = 'N' AS QUANT
        FROM ADPC WHERE ADY >= 0 ORDER BY USUBJID, PARAMCD, ADY""")
    out = []
    for (u, p), g in pc.groupby(["USUBJID", "PARAMCD"], sort=True):
        v, d = g.V.to_numpy(float), g.ADY.to_numpy(float)
        cmax = float(v.max())
        tmax = float(d[np.argmax(v)]) if cmax > 0 else np.nan
        auc = auc_0_28(d, v)
        q = d[g.QUANT.to_numpy(bool)]
        out.append((u, p, cmax, tmax, auc, float(q.max()) if len(q) else np.nan,
                    bool(len(q) == 0)))
    return pd.DataFrame(out, columns=["USUBJID", "PARAMCD", "CMAX", "TMAX", "AUC", "TLAST",
                                      "ALLBLQ"])


def qc_t14_2_8(snapshot_dir, config) -> pd.DataFrame:
    """T14.2.8 CAR-T kinetic parameters by dose level (Infused set)."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    par = nca(con)
    par = par[par.USUBJID.isin(pop.USUBJID)]
    names = qc_db.query(con, "SELECT DISTINCT PARAMCD, PARAM FROM ADPC")
    names = dict(zip(names.PARAMCD, names.PARAM, strict=True))
    rows = bign_rows(members)
    for p in [a for a in ASSAYS if a in names]:
        dec = decimals_of(qc_db.query(con, "SELECT AVAL FROM ADPC WHERE PARAMCD = ? AND "
                                      "AVAL IS NOT NULL", [p]).AVAL)
        x = par[par.PARAMCD == p].set_index("USUBJID")
        keys = dict(group2="PARAM", group2_level=names[p])
        rows += n_pct_rows(members, x.index, variable="EVAL", **keys)
        rows += n_pct_rows(members, x.index[x.ALLBLQ], variable="ALLBLQ", **keys)
        for var, kind, d, st in (
                ("CMAX", "geo", dec, None), ("TMAX", "cont", 0, ("n", "median", "min", "max")),
                ("AUC", "geo", dec, None), ("TLAST", "cont", 0, ("n", "median", "min", "max"))):
            vals = x[var].dropna().to_dict()
            rows += per_column(members, vals, kind=kind, names=st, raw_decimals=d,
                               variable=var, **keys)
    return qc_frame(rows, "T14.2.8")
