"""QC programs of the participant tables T14.1.1 and T14.1.2 (double programming).

Written from SAP 2 (analysis sets) and the display docstrings; SQL over the
snapshot's ADSL (DuckDB). Columns: dose levels + Total; N = Enrolled set
(ENRLFL = "Y"; every ADSL row when the flag is absent).
"""

from __future__ import annotations

import pandas as pd
from compare import qc_frame
from qc_common import GROUP, bign_rows, column_labels, column_members, n_pct_rows
from qc_db import connect, has_column


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
