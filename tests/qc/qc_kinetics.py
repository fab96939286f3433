"""QC program of T14.2.8, CAR-T kinetic parameters (SAP 3, CAR-T kinetics), written
apart from ``analysis``: DuckDB over ADPC, ``numpy.trapezoid`` for the AUC.

Per participant and assay (ADPC PARAMCD), samples at study day ADY >= 0, BLQ = 0:
Cmax = max (0 when all BLQ); Tmax = first day of the max (none when Cmax = 0);
AUC0-28 = linear trapezoid over the observed samples with 0 <= ADY <= 28 (no
extrapolation; none with < 2 samples); Tlast = last day with a quantifiable value.
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
        w = (d >= 0) & (d <= 28)
        auc = float(np.trapezoid(v[w], d[w])) if w.sum() >= 2 else np.nan
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
