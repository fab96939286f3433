"""QC programs of the figure ARDs F14.2.1, F14.2.2, F14.2.3, F14.2.6 (the numbers a
figure plots), ``qc_<id>(snapshot_dir, config)`` returning the ARD
(:func:`compare.qc_frame`). Independent of ``analysis``: DuckDB SQL over the snapshot's
Parquet files, pandas and lifelines. Columns: dose levels (then Total where the shell
has it), N = Infused set.
"""

from __future__ import annotations

import pandas as pd
import qc_db
from compare import qc_frame
from qc_common import bign_rows
from qc_efficacy import columns, infused
from qc_format import decimals_of
from qc_summary import per_column

KINETIC_ASSAYS = ("CARTCOPY", "CARTPCT")


# ----------------------------------------------------------------- F14.2.6
def kinetic_points(con, config) -> pd.DataFrame:
    """ADPC samples at scheduled visits from Day 0 (unscheduled samples excluded):
    USUBJID, PARAMCD, PARAM, AVISIT, VISITN, VALUE (AVAL; a BLQ sample at LLOQ / 2)."""
    sched = pd.DataFrame([(v["avisit"], int(v["avisitn"])) for v in config.visits
                          if int(v["avisitn"]) >= 0], columns=["VISIT", "VISITN"])
    con.register("qc_sched_pc", sched)
    return qc_db.query(con, """
        SELECT p.USUBJID, p.PARAMCD, p.PARAM, p.AVISIT, v.VISITN,
               CASE WHEN p.BLQFL = 'Y' THEN p.LLOQ / 2.0 ELSE p.AVAL END AS VALUE
        FROM ADPC p JOIN qc_sched_pc v ON p.AVISIT = v.VISIT
        WHERE (p.BLQFL = 'Y' AND p.LLOQ IS NOT NULL) OR p.AVAL IS NOT NULL""")


def qc_f14_2_6(snapshot_dir, config) -> pd.DataFrame:
    """F14.2.6 ARD: n and median of the plotted CAR-T value per dose level, assay and
    nominal visit (SAP 3, CAR-T kinetics; BLQ plotted at LLOQ/2)."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    doses = {c: s for c, s in members.items() if c != "Total"}
    pts = kinetic_points(con, config)
    pts = pts[pts.USUBJID.isin(set(pop.USUBJID))]
    rows = bign_rows(members)
    for p in KINETIC_ASSAYS:
        x = pts[pts.PARAMCD == p]
        if x.empty:
            continue
        dec = decimals_of(qc_db.query(con, "SELECT AVAL FROM ADPC WHERE PARAMCD = ? AND "
                                      "AVAL IS NOT NULL", [p]).AVAL)
        for (_vn, visit), g in x.groupby(["VISITN", "AVISIT"], sort=True):
            vals = {u: list(v) for u, v in g.groupby("USUBJID").VALUE}
            rows += per_column(doses, vals, names=("n", "median"), raw_decimals=dec,
                               skip_empty=True, group2="PARAM", group2_level=x.PARAM.iloc[0],
                               variable="AVISIT", variable_level=visit)
    return qc_frame(rows, "F14.2.6")
