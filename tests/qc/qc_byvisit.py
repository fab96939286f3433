"""Lab/biomarker records by visit for the QC programs (SAP 3 Baseline; SAP 1 Visits),
in DuckDB SQL over ADLB, written apart from ``analysis``.

- Baseline: per participant and parameter, the last non-missing AVAL dated on or
  before the infusion (ADSL.INFDT), taken among those on or before lymphodepletion
  start (ADSL.LDSTDT) when any exists; same-date ties: the later row of the file.
- Post-infusion by visit: records with ADY >= 1 at a scheduled visit of study.yml
  with nominal day >= 1 (not "Unscheduled"); several in one visit: the last by date
  (then by file row).
"""

from __future__ import annotations

import pandas as pd
import qc_db
from qc_summary import per_column


def visit_records(con, config, paramcds, table: str = "ADLB",
                  flag: str = "INFFL") -> pd.DataFrame:
    """USUBJID, PARAMCD, PARAM, VISIT (``Baseline`` or the visit), VISITN (-1 for
    baseline, else nominal day), AVAL, ADY for the records of the analysis set
    ``flag`` = "Y" (INFFL Infused, SAFFL Safety)."""
    sched = [(v["avisit"], int(v["avisitn"])) for v in config.visits if int(v["avisitn"]) >= 1]
    vis = pd.DataFrame(sched, columns=["VISIT", "VISITN"])
    con.register("qc_sched", vis)
    plist = ", ".join("'" + p.replace("'", "''") + "'" for p in paramcds)
    return qc_db.query(con, f"""
        WITH raw AS (SELECT *, row_number() OVER () AS rowid_ FROM {table}),
        lb AS (
            SELECT l.*, s.INFDT, s.LDSTDT
            FROM raw l JOIN ADSL s USING (USUBJID)
            WHERE s.{flag} = 'Y' AND l.PARAMCD IN ({plist})),
        cand AS (
            SELECT *, max(CASE WHEN LDSTDT IS NOT NULL AND ADT <= LDSTDT THEN 1 ELSE 0 END)
                          OVER (PARTITION BY USUBJID, PARAMCD) AS has_pre
            FROM lb WHERE AVAL IS NOT NULL AND (INFDT IS NULL OR ADT <= INFDT)),
        base AS (
            SELECT USUBJID, PARAMCD, PARAM, 'Baseline' AS VISIT, -1 AS VISITN, AVAL, ADY
            FROM cand
            WHERE has_pre = 0 OR (LDSTDT IS NOT NULL AND ADT <= LDSTDT)
            QUALIFY row_number() OVER (PARTITION BY USUBJID, PARAMCD
                                       ORDER BY ADT DESC, rowid_ DESC) = 1),
        post AS (
            SELECT USUBJID, PARAMCD, PARAM, l.AVISIT AS VISIT, v.VISITN, AVAL, ADY
            FROM lb l JOIN qc_sched v ON l.AVISIT = v.VISIT
            WHERE ADY >= 1 AND AVAL IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY USUBJID, PARAMCD, l.AVISIT
                                       ORDER BY ADT DESC, rowid_ DESC) = 1)
        SELECT * FROM base UNION ALL SELECT * FROM post
        ORDER BY USUBJID, PARAMCD, VISITN""")


def by_visit_rows(members, recs: pd.DataFrame, dec: int, *, group2_level: str,
                  group2: str = "PARAM", variable: str = "AVISIT", value: str = "AVAL",
                  names=None, skip_empty: bool = False) -> list[dict]:
    """Summary per visit (Baseline first, then nominal-day order), visits without data
    skipped; ``skip_empty`` also skips a column without a value at that visit (figures)."""
    rows = []
    for (_vn, visit), g in recs.groupby(["VISITN", "VISIT"], sort=True):
        vals = {u: list(x) for u, x in g.groupby("USUBJID")[value]}
        rows += per_column(members, vals, names=names, raw_decimals=dec, group2=group2,
                           group2_level=group2_level, variable=variable, variable_level=visit,
                           skip_empty=skip_empty)
    return rows
