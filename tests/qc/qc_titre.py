"""QC programs of the AQP4-IgG titre displays (SAP 3, AQP4-IgG titre; SAP 3, Baseline),
``qc_<id>(snapshot_dir, config)`` returning the ARD (:func:`compare.qc_frame`).
Independent of ``analysis``: DuckDB SQL over the snapshot's Parquet files.

- log2 titre: ADLB PARAMCD AQP4TIT, AVAL = N of 1:N -> log2(N); a seronegative result
  (AVALC 'NEGATIVE', AVAL missing: below the lowest dilution LLOQ) -> log2(LLOQ / 2),
  one doubling dilution below the lowest dilution (the display's documented convention);
- records by visit (Baseline, scheduled post-infusion visits) as in
  :func:`qc_byvisit.visit_records`, a seronegative result counting as a value;
- seroconversion to negative: seropositive at baseline and seronegative at any
  assessment with study day >= 1 (scheduled or not).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import qc_db
from compare import qc_frame
from qc_byvisit import by_visit_rows, visit_records
from qc_common import bign_rows, n_pct_rows
from qc_efficacy import columns, infused

TITRE = "AQP4TIT"
LOG2_BLOCK = "AQP4-IgG titre, log2(N) of 1:N"
NEG_BLOCK = "Seronegative (below the lowest dilution)"
CONV_BLOCK = "Seroconversion to negative"
LOG2_DECIMALS = 1  # the shell: log2 titres shown like 1-decimal data


def titre_views(con) -> None:
    """Views QC_LOG2 (AVAL = log2 titre) and QC_NEG (AVAL = 1 seronegative, else 0) over
    the AQP4TIT rows of ADLB, same rows in the same order."""
    neg = "(AVAL IS NULL AND upper(AVALC) = 'NEGATIVE')"
    con.execute(f"""CREATE OR REPLACE VIEW QC_LOG2 AS
        SELECT * REPLACE (CASE WHEN {neg} THEN log2(LLOQ / 2.0) ELSE log2(AVAL) END AS AVAL)
        FROM ADLB WHERE PARAMCD = '{TITRE}'""")
    con.execute(f"""CREATE OR REPLACE VIEW QC_NEG AS
        SELECT * REPLACE (CASE WHEN {neg} THEN 1.0 WHEN AVAL IS NOT NULL THEN 0.0 END AS AVAL)
        FROM ADLB WHERE PARAMCD = '{TITRE}'""")


def titre_records(con, config) -> pd.DataFrame:
    """USUBJID, VISIT, VISITN, LOG2, NEG (1/0), CHG (post-baseline visits, where a
    baseline exists) of the Infused set."""
    titre_views(con)
    lg = visit_records(con, config, (TITRE,), table="QC_LOG2")
    ng = visit_records(con, config, (TITRE,), table="QC_NEG")
    key = ["USUBJID", "VISIT", "VISITN"]
    d = lg[key + ["AVAL"]].rename(columns={"AVAL": "LOG2"}).merge(
        ng[key + ["AVAL"]].rename(columns={"AVAL": "NEG"}), on=key, how="outer")
    base = d[d.VISIT == "Baseline"].set_index("USUBJID").LOG2
    d["CHG"] = np.where(d.VISIT == "Baseline", np.nan,
                        d.LOG2 - d.USUBJID.map(base).astype(float))
    return d


def qc_t14_2_5(snapshot_dir, config) -> pd.DataFrame:
    """T14.2.5 AQP4-IgG titre by visit: log2 titre and its change by visit, seronegative
    n (%) by visit, seronegative at baseline, seroconversion to negative."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    recs = titre_records(con, config)
    recs = recs[recs.USUBJID.isin(set(pop.USUBJID))]
    rows = bign_rows(members)
    keys = dict(group2="BLOCK", group2_level=LOG2_BLOCK)
    rows += by_visit_rows(members, recs, LOG2_DECIMALS, value="LOG2", **keys)
    post = recs[(recs.VISIT != "Baseline") & recs.CHG.notna()]
    rows += by_visit_rows(members, post, LOG2_DECIMALS, value="CHG", variable="CHG", **keys)
    for (_vn, visit), g in recs.groupby(["VISITN", "VISIT"], sort=True):
        rows += n_pct_rows(members, g.USUBJID[g.NEG == 1], variable="SERONEG",
                           variable_level=visit, group2="BLOCK", group2_level=NEG_BLOCK)
    base = recs[recs.VISIT == "Baseline"]
    negpost = set(qc_db.query(con, "SELECT DISTINCT USUBJID FROM QC_NEG WHERE ADY >= 1 "
                                   "AND AVAL = 1").USUBJID)
    conv = set(base.USUBJID[(base.NEG == 0)]) & negpost
    rows += n_pct_rows(members, base.USUBJID[base.NEG == 1], variable="BASENEG",
                       group2="BLOCK", group2_level=CONV_BLOCK)
    rows += n_pct_rows(members, conv, variable="SEROCONV", group2="BLOCK",
                       group2_level=CONV_BLOCK)
    return qc_frame(rows, "T14.2.5")
