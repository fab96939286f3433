"""QC programs of the laboratory safety displays (SAP 3: Cytopenias,
Hypogammaglobulinaemia), ``qc_<id>(snapshot_dir, config)`` returning the ARD.
Independent of ``analysis``: DuckDB SQL over the snapshot. Columns: dose levels then
Total, N = Safety set (ADSL.SAFFL = "Y").
"""

from __future__ import annotations

import pandas as pd
import qc_db
from compare import qc_frame
from qc_biomarkers import param_names, raw_decimals
from qc_byvisit import by_visit_rows, visit_records
from qc_common import bign_rows, column_labels, column_members, n_pct_rows

IG_PARAMS = ("IGG", "IGA", "IGM")


def safety_columns(con, config) -> dict[str, set]:
    pop = qc_db.query(con, "SELECT USUBJID, TRT01A FROM ADSL WHERE SAFFL = 'Y'")
    return column_members(pop, column_labels(config, pop["TRT01A"].unique()))


def qc_t14_3_8(snapshot_dir, config) -> pd.DataFrame:
    """T14.3.8 immunoglobulins by visit; hypogammaglobulinaemia (post-infusion IgG below
    constants.hypogammaglobulinaemia_igg_mg_dl); IVIG (ADCM CMCAT IVIG on/after LDSTDT)."""
    con = qc_db.connect(snapshot_dir)
    members = safety_columns(con, config)
    names = param_names(con)
    recs = visit_records(con, config, IG_PARAMS, flag="SAFFL")
    rows = bign_rows(members)
    for p in [p for p in IG_PARAMS if p in names]:
        rows += by_visit_rows(members, recs[recs.PARAMCD == p], raw_decimals(con, p),
                              group2_level=names[p])
    thr = float(config.constants["hypogammaglobulinaemia_igg_mg_dl"])
    igg = qc_db.query(con, "SELECT USUBJID, min(AVAL) AS MINIGG FROM ADLB WHERE PARAMCD = "
                      "'IGG' AND ADY >= 1 AND AVAL IS NOT NULL GROUP BY USUBJID")
    ivig = qc_db.query(con, """
        SELECT DISTINCT c.USUBJID FROM ADCM c JOIN ADSL s USING (USUBJID)
        WHERE c.CMCAT = 'IVIG' AND (s.LDSTDT IS NULL OR c.ASTDT >= s.LDSTDT)""")
    keys = dict(group2="BLOCK", group2_level="Hypogammaglobulinaemia and IVIG")
    rows += n_pct_rows(members, igg.USUBJID, variable="EVAL", **keys)
    rows += n_pct_rows(members, igg.USUBJID[igg.MINIGG < thr], variable="HYPO", **keys)
    rows += n_pct_rows(members, ivig.USUBJID, variable="IVIG", **keys)
    return qc_frame(rows, "T14.3.8")
