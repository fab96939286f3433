"""QC program of T14.3.7 Cytopenias (SAP 3, Cytopenias), Safety set, written apart from
``analysis``: DuckDB SQL over the snapshot's ADLB/ADSL plus pandas.

- CTCAE v5.0 grade of a low value (QC's own table, :data:`CTCAE_V5`, from CTCAE v5.0
  "Neutrophil count decreased", "Platelet count decreased", "Anemia", "Lymphocyte count
  decreased"): grade g when value < bound of g (highest such g); grade 1 when value <
  LLN (ADLB.ANRLO); else 0. Anaemia has no grade 4 by value;
- baseline grade: grade of the SAP 3 lab baseline record (:func:`qc_byvisit.visit_records`);
  worst grade: highest grade of any record with study day >= 1;
- early ICAHT: daily grid over the window of study.yml (days 0-30); a measurement holds
  from its day to the next one (the value holding on Day 0 is the last on or before
  Day 0; the last one holds to the window end); days with ANC <= 500 and <= 100 /uL are
  counted (not necessarily consecutive): G4 >= 7 days <= 100; else G3 >= 14, G2 7-13,
  G1 1-6 days <= 500; G0 none; Missing = no ANC value on or before the window end;
- nadir: minimum value from study day 1 (first day of it); recovery: first later day with
  a value >= the display's recovery threshold (ANC 1000/uL, platelets 50 x 10^3/uL: an
  analysis convention stated in the T14.3.7 footnote), assessed when the nadir is below it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import qc_db
from compare import qc_frame
from qc_biomarkers import param_names
from qc_byvisit import visit_records
from qc_common import bign_rows, column_labels, column_members, n_pct_rows
from qc_summary import per_column

# CTCAE v5.0 lower-bound grades: {grade: value below which that grade applies}
CTCAE_V5 = {
    "ANC": {2: 1500.0, 3: 1000.0, 4: 500.0},      # cells/uL
    "PLAT": {2: 75.0, 3: 50.0, 4: 25.0},          # 10^3/uL
    "HGB": {2: 10.0, 3: 8.0},                     # g/dL; grade 4 is clinical only
    "LYMPH": {2: 800.0, 3: 500.0, 4: 200.0},      # cells/uL
}
RECOVERY = {"ANC": 1000.0, "PLAT": 50.0}           # shell footnote of T14.3.7
RAW_DEC = {"ANC": 0, "PLAT": 0, "HGB": 1, "LYMPH": 0}
DAY_STATS = ("n", "median", "min", "max")
ICAHT_BLOCK = "Early ICAHT (Day 0-30)"


def grade_sql(paramcd: str) -> str:
    """SQL CASE giving the CTCAE v5.0 grade of AVAL (NULL when AVAL is missing)."""
    parts = [f"WHEN AVAL < {b} THEN {g}" for g, b in sorted(CTCAE_V5[paramcd].items(),
                                                             reverse=True)]
    return (f"CASE WHEN AVAL IS NULL THEN NULL {' '.join(parts)} "
            "WHEN ANRLO IS NOT NULL AND AVAL < ANRLO THEN 1 ELSE 0 END")


def grade_shift(con, config, subjects) -> pd.DataFrame:
    """USUBJID, PARAMCD, BGR (baseline grade), WGR (worst grade from day 1) per
    participant of ``subjects`` with a record of the parameter."""
    cases = " ".join(f"WHEN PARAMCD = '{p}' THEN ({grade_sql(p)})" for p in CTCAE_V5)
    plist = ", ".join(f"'{p}'" for p in CTCAE_V5)
    con.execute(f"""CREATE OR REPLACE VIEW QC_GRADE AS
        SELECT * REPLACE (CAST(CASE {cases} END AS DOUBLE) AS AVAL)
        FROM ADLB WHERE PARAMCD IN ({plist})""")
    base = visit_records(con, config, tuple(CTCAE_V5), table="QC_GRADE", flag="SAFFL")
    base = base[base.VISIT == "Baseline"].set_index(["USUBJID", "PARAMCD"]).AVAL
    d = qc_db.query(con, """SELECT USUBJID, PARAMCD,
            max(CASE WHEN ADY >= 1 THEN AVAL END) AS WGR FROM QC_GRADE
            GROUP BY USUBJID, PARAMCD""")
    d = d[d.USUBJID.isin(set(subjects))].copy()
    d["BGR"] = [base.get((u, p), np.nan) for u, p in zip(d.USUBJID, d.PARAMCD, strict=True)]
    return d


def icaht(con, config, subjects) -> pd.DataFrame:
    """USUBJID, D500, D100, GRADE (NaN: no ANC value on or before the window end)."""
    lo, hi = (int(x) for x in config.constants["icaht_window_days"])
    t500 = float(config.constants["icaht_anc_threshold_per_ul"])
    t100 = float(config.constants["icaht_g4_anc_per_ul"])
    d = qc_db.query(con, "SELECT USUBJID, ADY, AVAL FROM ADLB WHERE PARAMCD = 'ANC' "
                         "AND AVAL IS NOT NULL AND ADY IS NOT NULL ORDER BY USUBJID, ADY")
    d = d[d.USUBJID.isin(set(subjects))]
    out = []
    for u, g in d.groupby("USUBJID", sort=True):
        days, vals = g.ADY.to_numpy(), g.AVAL.to_numpy()
        held = []
        for day in range(lo, hi + 1):
            idx = np.nonzero(days <= day)[0]
            if len(idx):
                held.append(vals[idx[-1]])
        if not held:
            out.append((u, np.nan, np.nan, np.nan))
            continue
        h = np.array(held)
        n500, n100 = int((h <= t500).sum()), int((h <= t100).sum())
        grade = 4 if n100 >= 7 else 3 if n500 >= 14 else 2 if n500 >= 7 else \
            1 if n500 >= 1 else 0
        out.append((u, n500, n100, grade))
    return pd.DataFrame(out, columns=["USUBJID", "D500", "D100", "GRADE"])


def nadir_recovery(con, subjects) -> pd.DataFrame:
    """USUBJID, PARAMCD, NADIR, NADIRDY, RECFL ('Y', 'N', '' not assessed), RECDY."""
    plist = ", ".join(f"'{p}'" for p in RECOVERY)
    d = qc_db.query(con, f"SELECT USUBJID, PARAMCD, ADY, AVAL FROM ADLB WHERE PARAMCD IN "
                         f"({plist}) AND ADY >= 1 AND AVAL IS NOT NULL "
                         "ORDER BY USUBJID, PARAMCD, ADY")
    d = d[d.USUBJID.isin(set(subjects))]
    out = []
    for (u, p), g in d.groupby(["USUBJID", "PARAMCD"], sort=True):
        nad = g.AVAL.min()
        nday = g.ADY[g.AVAL == nad].iloc[0]
        flag, rday = "", np.nan
        if nad < RECOVERY[p]:
            later = g[(g.ADY > nday) & (g.AVAL >= RECOVERY[p])]
            flag = "Y" if len(later) else "N"
            rday = float(later.ADY.iloc[0]) if len(later) else np.nan
        out.append((u, p, float(nad), float(nday), flag, rday))
    return pd.DataFrame(out, columns=["USUBJID", "PARAMCD", "NADIR", "NADIRDY", "RECFL",
                                      "RECDY"])


def _g(x) -> str:
    return "Missing" if pd.isna(x) else str(int(x))


def qc_t14_3_7(snapshot_dir, config) -> pd.DataFrame:
    """T14.3.7 cytopenias: baseline x worst CTCAE grade, early ICAHT, nadir and recovery."""
    con = qc_db.connect(snapshot_dir)
    pop = qc_db.query(con, "SELECT USUBJID, TRT01A FROM ADSL WHERE SAFFL = 'Y'")
    members = column_members(pop, column_labels(config, pop.TRT01A.unique()))
    names = param_names(con)
    subj = set(pop.USUBJID)
    rows = bign_rows(members)
    sh = grade_shift(con, config, subj)
    for p, bounds in CTCAE_V5.items():
        s = sh[sh.PARAMCD == p]
        keys = dict(group2="PARAM", group2_level=names.get(p, p))
        bl = sorted({_g(x) for x in s.BGR} | {"0"}, key=lambda x: (x == "Missing", x))
        for b in bl:
            sb = s[s.BGR.map(_g) == b]
            wl = [str(w) for w in range(0, max(bounds) + 1)]
            if sb.WGR.isna().any():
                wl.append("Missing")
            for w in wl:
                lab = "No post-baseline value" if w == "Missing" else f"Worst grade {w}"
                rows += n_pct_rows(members, sb.USUBJID[sb.WGR.map(_g) == w],
                                   variable=f"Baseline grade {b}", variable_level=lab, **keys)
    ic = icaht(con, config, subj)
    levels = [f"Grade {g}" for g in range(5)] + (["Missing"] if ic.GRADE.isna().any() else [])
    for lev in levels:
        who = ic.USUBJID[ic.GRADE.isna()] if lev == "Missing" else \
            ic.USUBJID[ic.GRADE == int(lev.split()[1])]
        rows += n_pct_rows(members, who, variable="ICAHT", variable_level=lev,
                           group2="BLOCK", group2_level=ICAHT_BLOCK)
    nr = nadir_recovery(con, subj)
    for p in RECOVERY:
        n = nr[nr.PARAMCD == p]
        keys = dict(group2="BLOCK", group2_level=f"{names.get(p, p)}: nadir and recovery")
        rec = n[n.RECFL == "Y"]
        rows += per_column(members, dict(zip(n.USUBJID, n.NADIR, strict=True)),
                           names=DAY_STATS, raw_decimals=RAW_DEC[p], variable="NADIR", **keys)
        rows += per_column(members, dict(zip(n.USUBJID, n.NADIRDY, strict=True)),
                           names=DAY_STATS, variable="NADIRDY", **keys)
        rows += n_pct_rows(members, rec.USUBJID, variable="RECOV", **keys)
        rows += per_column(members, dict(zip(rec.USUBJID, rec.RECDY, strict=True)),
                           names=DAY_STATS, variable="TTREC", **keys)
        rows += n_pct_rows(members, n.USUBJID[n.RECFL == "N"], variable="NOTREC", **keys)
    return qc_frame(rows, "T14.3.7")
