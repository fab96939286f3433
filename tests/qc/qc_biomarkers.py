"""QC programs of the biomarker displays (SAP 3: B cells, AQP4-IgG titre, cytokines),
one function per display named by its number, ``qc_<id>(snapshot_dir, config)``
returning the ARD (:func:`compare.qc_frame`). Independent of ``analysis``: DuckDB SQL
over the snapshot's Parquet files and numpy. Columns: dose levels then Total,
N = Infused set. Raw-data decimals (SAP 4) are those the parameter's AVAL values
are recorded with in the snapshot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import qc_db
from compare import qc_frame
from qc_byvisit import by_visit_rows, visit_records
from qc_common import bign_rows, n_pct_rows
from qc_efficacy import columns, infused
from qc_format import decimals_of
from qc_summary import per_column

BCELL_PARAMS = ("CD19ABS", "CD19PCT", "CD19BM")
SHORT = ("n", "median", "min", "max")


def param_names(con, table: str = "ADLB") -> dict[str, str]:
    d = qc_db.query(con, f"SELECT DISTINCT PARAMCD, PARAM FROM {table}")
    return dict(zip(d.PARAMCD, d.PARAM, strict=True))


def raw_decimals(con, paramcd: str, table: str = "ADLB") -> int:
    return decimals_of(qc_db.query(con, f"SELECT AVAL FROM {table} WHERE PARAMCD = ? AND "
                                   "AVAL IS NOT NULL", [paramcd]).AVAL)


def aplasia(con, config, subjects) -> pd.DataFrame:
    """Per participant with a post-infusion (ADY >= 1) blood CD19+ value (SAP 3, B cells):
    APLDY first day < threshold; RECDY first day >= threshold after APLDY."""
    thr = float(config.assumptions["b_cell_aplasia"]["threshold_cells_per_ul"])
    d = qc_db.query(con, "SELECT USUBJID, ADY, AVAL FROM ADLB WHERE PARAMCD = 'CD19ABS' "
                    "AND ADY >= 1 AND AVAL IS NOT NULL ORDER BY USUBJID, ADY")
    d = d[d.USUBJID.isin(set(subjects))]
    out = []
    for u, g in d.groupby("USUBJID"):
        low = g[g.AVAL < thr]
        apl = float(low.ADY.iloc[0]) if len(low) else np.nan
        rec = g[(g.ADY > apl) & (g.AVAL >= thr)] if len(low) else g.iloc[0:0]
        out.append((u, apl, float(rec.ADY.iloc[0]) if len(rec) else np.nan))
    return pd.DataFrame(out, columns=["USUBJID", "APLDY", "RECDY"])


def qc_t14_2_6(snapshot_dir, config) -> pd.DataFrame:
    """T14.2.6 B cells in blood and bone marrow by visit; aplasia and reconstitution."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    names = param_names(con)
    recs = visit_records(con, config, BCELL_PARAMS)
    rows = bign_rows(members)
    for p in [p for p in BCELL_PARAMS if p in names]:
        rows += by_visit_rows(members, recs[recs.PARAMCD == p], raw_decimals(con, p),
                              group2_level=names[p])
    a = aplasia(con, config, pop.USUBJID)
    keys = dict(group2="BLOCK", group2_level="B-cell aplasia and reconstitution (blood CD19+)")
    has_apl = a[a.APLDY.notna()]
    recon = a[a.RECDY.notna()]
    rows += n_pct_rows(members, a.USUBJID, variable="EVAL", **keys)
    rows += n_pct_rows(members, has_apl.USUBJID, variable="APLASIA", **keys)
    rows += per_column(members, dict(zip(has_apl.USUBJID, has_apl.APLDY, strict=True)),
                       names=SHORT, variable="APLDY", **keys)
    rows += n_pct_rows(members, recon.USUBJID, variable="RECON", **keys)
    rows += per_column(members, dict(zip(recon.USUBJID, recon.RECDY, strict=True)),
                       names=SHORT, variable="TTRECON", **keys)
    rows += n_pct_rows(members, has_apl.USUBJID[has_apl.RECDY.isna()], variable="NOTRECON",
                       **keys)
    return qc_frame(rows, "T14.2.6")


# ----------------------------------------------------------------- T14.2.7
CYTOKINES = ("IL6", "IFNG", "TNFA", "BAFF")
FOLD_DECIMALS = 1


def peaks(con, config, paramcds) -> pd.DataFrame:
    """Per (USUBJID, PARAMCD) with a post-infusion (ADY >= 1) value (SAP 3, Cytokines):
    PEAK = max post-infusion value, TPEAK = day of its first occurrence, FOLD = PEAK /
    baseline (baseline as in :func:`qc_byvisit.visit_records`; none when 0 or missing)."""
    base = visit_records(con, config, paramcds)
    base = base[base.VISIT == "Baseline"].set_index(["USUBJID", "PARAMCD"]).AVAL
    plist = ", ".join(f"'{p}'" for p in paramcds)
    d = qc_db.query(con, f"""
        SELECT USUBJID, PARAMCD, ADY, AVAL FROM ADLB
        WHERE PARAMCD IN ({plist}) AND ADY >= 1 AND AVAL IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY USUBJID, PARAMCD ORDER BY AVAL DESC, ADY) = 1""")
    b = [base.get((u, p), np.nan) for u, p in zip(d.USUBJID, d.PARAMCD, strict=True)]
    d["BASE"] = b
    d["FOLD"] = np.where((d.BASE > 0), d.AVAL / d.BASE.where(d.BASE > 0), np.nan)
    return d.rename(columns={"AVAL": "PEAK", "ADY": "TPEAK"})


def qc_t14_2_7(snapshot_dir, config) -> pd.DataFrame:
    """T14.2.7 cytokines and serum BAFF: peak, fold change from baseline, time to peak."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    names = param_names(con)
    pk = peaks(con, config, CYTOKINES)
    pk = pk[pk.USUBJID.isin(pop.USUBJID)]
    rows = bign_rows(members)
    for p in [p for p in CYTOKINES if p in names]:
        x = pk[pk.PARAMCD == p]
        dec = raw_decimals(con, p)
        keys = dict(group2="PARAM", group2_level=names[p])
        # FOLD is a ratio, not recorded data: the shell shows it with 1 decimal (min/max)
        for var, kind, d, st in (("PEAK", "geo", dec, None), ("FOLD", "geo", FOLD_DECIMALS, None),
                                 ("TPEAK", "cont", 0, SHORT)):
            vals = dict(zip(x.USUBJID, x[var].astype(float), strict=True))
            vals = {u: v for u, v in vals.items() if not np.isnan(v)}
            rows += per_column(members, vals, kind=kind, names=st, raw_decimals=d,
                               variable=var, **keys)
    return qc_frame(rows, "T14.2.7")


# ----------------------------------------------------------------- F14.2.4
def qc_f14_2_4(snapshot_dir, config) -> pd.DataFrame:
    """F14.2.4 ARD: n and median of blood CD19+ (CD19ABS) per dose level and visit
    (Baseline, then scheduled post-infusion visits; records of visit_records)."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    recs = visit_records(con, config, ("CD19ABS",))
    doses = {c: s for c, s in members.items() if c != "Total"}
    rows = bign_rows(members)
    rows += by_visit_rows(doses, recs, raw_decimals(con, "CD19ABS"), group2="",
                          group2_level="", names=("n", "median"), skip_empty=True)
    return qc_frame(rows, "F14.2.4")


# ----------------------------------------------------------------- F14.2.5
def qc_f14_2_5(snapshot_dir, config) -> pd.DataFrame:
    """F14.2.5 ARD: n and median (pg/mL) per dose level, cytokine and visit (Baseline,
    then scheduled post-infusion visits; records of visit_records; zeros included)."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    names = param_names(con)
    recs = visit_records(con, config, CYTOKINES)
    doses = {c: s for c, s in members.items() if c != "Total"}
    rows = bign_rows(members)
    for p in [p for p in CYTOKINES if p in names]:
        rows += by_visit_rows(doses, recs[recs.PARAMCD == p], raw_decimals(con, p),
                              group2_level=names[p], names=("n", "median"), skip_empty=True)
    return qc_frame(rows, "F14.2.5")
