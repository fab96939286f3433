"""QC program of the cross-dataset rules of issue 14 (SAP 3 DLT, Cytopenias, CRS; SAP 5
ADVS), written apart from ``data_contract.consistency`` and ``data_contract.dlt_criteria``:
DuckDB SQL over the datasets, the DLT criteria read from study.yml with PyYAML.

Returns the set of findings as (rule, USUBJID, row): row = 1-based ADAE row, or "ADLB"
for a laboratory grade >= 3 with no AE of its term.

- lab AE grade: worst AETOXGR of a cytopenia term vs the worst CTCAE v5.0 grade of its
  parameter (ANC < LLN/1500/1000/500; PLAT < LLN/75/50/25; HGB < LLN/10/8; LYMPH <
  LLN/800/500/200) on or after LDSTDT (study day LDSTDT - INFDT);
- CRS vs ADVS over ASTDY..AENDY (Day 28 when ongoing or later): needs TEMP >= 38.0 and
  the grade: >= 2 vasopressors or positive pressure = 4; 1 vasopressor, flow > 6 L/min,
  high-flow cannula or face mask = 3; SBP < 90 or any flow = 2; else 1;
- DLT flagged with no criterion met (onset Day 0-28): CRS grade 4, or grade >= 3 lasting
  >= 4 days (or ongoing); ICANS grade >= 3; neutrophil/platelet count decreased grade 4
  with a grade-4 value after Day 28; other grade >= 3, CAR-T related (ARELCAR), not a
  cytopenia term, not pyrexia/nausea/fatigue, and not an Investigations/Metabolism event
  lasting <= 7 days; grade 5.
"""

from __future__ import annotations

import duckdb
import yaml

from analysis.config import PROJECT_ROOT

GRADE_SQL = """
    CASE WHEN AVAL IS NULL THEN NULL
         WHEN PARAMCD = 'ANC' THEN CASE WHEN AVAL < 500 THEN 4 WHEN AVAL < 1000 THEN 3
              WHEN AVAL < 1500 THEN 2 WHEN AVAL < ANRLO THEN 1 ELSE 0 END
         WHEN PARAMCD = 'PLAT' THEN CASE WHEN AVAL < 25 THEN 4 WHEN AVAL < 50 THEN 3
              WHEN AVAL < 75 THEN 2 WHEN AVAL < ANRLO THEN 1 ELSE 0 END
         WHEN PARAMCD = 'HGB' THEN CASE WHEN AVAL < 8 THEN 3 WHEN AVAL < 10 THEN 2
              WHEN AVAL < ANRLO THEN 1 ELSE 0 END
         WHEN PARAMCD = 'LYMPH' THEN CASE WHEN AVAL < 200 THEN 4 WHEN AVAL < 500 THEN 3
              WHEN AVAL < 800 THEN 2 WHEN AVAL < ANRLO THEN 1 ELSE 0 END END"""
TERMS = """(VALUES ('Neutrophil count decreased', 'ANC'), ('Platelet count decreased', 'PLAT'),
                   ('Lymphocyte count decreased', 'LYMPH'), ('Anaemia', 'HGB')) t(TERM, PARAMCD)"""


def _ae(con):
    con.execute("CREATE OR REPLACE TEMP TABLE AE AS SELECT row_number() OVER () AS RN, * "
                "FROM ADAE")


def _labgrades(con):
    con.execute(f"""CREATE OR REPLACE TEMP TABLE LG AS
        SELECT l.USUBJID, l.PARAMCD, l.ADY, {GRADE_SQL} AS G
        FROM ADLB l JOIN ADSL s USING (USUBJID)
        WHERE l.PARAMCD IN ('ANC', 'PLAT', 'HGB', 'LYMPH')
          AND l.ADY >= date_diff('day', s.INFDT::DATE, s.LDSTDT::DATE)""")


def lab_findings(con) -> set:
    _ae(con)
    _labgrades(con)
    rows = con.execute(f"""
        WITH W AS (SELECT USUBJID, PARAMCD, max(G) AS LG FROM LG GROUP BY ALL),
        A AS (SELECT AE.USUBJID, t.PARAMCD, AE.AETOXGR, AE.RN,
                     row_number() OVER (PARTITION BY AE.USUBJID, t.PARAMCD
                                        ORDER BY AE.AETOXGR DESC, AE.RN) AS K
              FROM AE JOIN {TERMS} ON AE.AEDECOD = t.TERM)
        SELECT 'consistency.lab_ae_grade', A.USUBJID, A.RN::VARCHAR
        FROM A LEFT JOIN W USING (USUBJID, PARAMCD)
        WHERE A.K = 1 AND A.AETOXGR IS NOT NULL AND (W.LG IS NULL OR W.LG <> A.AETOXGR)
        UNION ALL
        SELECT 'consistency.lab_ae_grade', W.USUBJID, 'ADLB' FROM W
        WHERE W.LG >= 3 AND NOT EXISTS (SELECT 1 FROM A WHERE A.USUBJID = W.USUBJID
                                        AND A.PARAMCD = W.PARAMCD)""").fetchall()
    return {(r, u, int(x) if x != "ADLB" else x) for r, u, x in rows}


def crs_findings(con) -> set:
    _ae(con)
    rows = con.execute("""
        WITH C AS (SELECT RN, USUBJID, AETOXGR, ASTDY,
                          least(coalesce(AENDY, 28), 28) AS LAST FROM AE
                   WHERE CRSFL = 'Y' AND AETOXGR IS NOT NULL AND ASTDY IS NOT NULL),
        V AS (SELECT C.RN, C.AETOXGR,
                 max(CASE WHEN v.PARAMCD = 'TEMP' AND v.AVAL >= 38.0 THEN 1 ELSE 0 END) AS FEV,
                 max(CASE WHEN v.PARAMCD = 'VASOPN' THEN v.AVAL ELSE 0 END) AS VASO,
                 max(CASE WHEN v.PARAMCD = 'OXYFLOW' THEN v.AVAL ELSE 0 END) AS FLOW,
                 max(CASE WHEN v.PARAMCD = 'OXYFLOW' AND v.AVALC = 'POSITIVE PRESSURE'
                          THEN 1 ELSE 0 END) AS PP,
                 max(CASE WHEN v.PARAMCD = 'OXYFLOW' AND v.AVALC IN
                          ('HIGH-FLOW NASAL CANNULA', 'FACE MASK') THEN 1 ELSE 0 END) AS HF,
                 max(CASE WHEN v.PARAMCD = 'SYSBP' AND v.AVAL < 90 THEN 1 ELSE 0 END) AS HYPO,
                 C.USUBJID
              FROM C JOIN ADVS v ON v.USUBJID = C.USUBJID AND v.ADY BETWEEN C.ASTDY AND C.LAST
              GROUP BY C.RN, C.AETOXGR, C.USUBJID)
        SELECT 'consistency.crs_vital_signs', USUBJID, RN FROM V
        WHERE FEV = 0 OR AETOXGR <> CASE WHEN VASO >= 2 OR PP = 1 THEN 4
                                         WHEN VASO >= 1 OR FLOW > 6 OR HF = 1 THEN 3
                                         WHEN HYPO = 1 OR FLOW > 0 THEN 2 ELSE 1 END
        """).fetchall()
    return {(r, u, int(x)) for r, u, x in rows}


def dlt_findings(con) -> set:
    raw = yaml.safe_load((PROJECT_ROOT / "study.yml").read_text(encoding="utf-8"))
    related = tuple(raw["codelists"]["AREL"]["related"])
    _ae(con)
    _labgrades(con)
    car = "ARELCAR" if "ARELCAR" in [c[0] for c in con.execute("DESCRIBE AE").fetchall()] \
        else "AREL"
    rows = con.execute(f"""
        SELECT 'ADAE.dlt_meets_no_criterion', USUBJID, RN FROM AE a
        WHERE DLTFL = 'Y' AND NOT (
          ASTDY BETWEEN 0 AND 28 AND (
            (CRSFL = 'Y' AND (AETOXGR >= 4 OR (AETOXGR >= 3 AND
                              (AENDY IS NULL OR AENDY - ASTDY + 1 >= 4))))
            OR (ICANSFL = 'Y' AND AETOXGR >= 3)
            OR (AEDECOD IN ('Neutrophil count decreased', 'Platelet count decreased')
                AND AETOXGR >= 4 AND EXISTS (
                  SELECT 1 FROM LG WHERE LG.USUBJID = a.USUBJID AND LG.G >= 4 AND LG.ADY > 28
                    AND LG.PARAMCD = CASE a.AEDECOD WHEN 'Neutrophil count decreased'
                                     THEN 'ANC' ELSE 'PLAT' END))
            OR (AETOXGR >= 3 AND CRSFL <> 'Y' AND ICANSFL <> 'Y'
                AND AEDECOD NOT IN ('Neutrophil count decreased', 'Platelet count decreased',
                                    'Pyrexia', 'Nausea', 'Fatigue')
                AND {car} IN {related!r}
                AND NOT (lower(AEBODSYS) IN ('investigations', 'metabolism and nutrition disorders')
                         AND AENDY IS NOT NULL AND AENDY - ASTDY + 1 <= 7))
            OR AETOXGR >= 5))""").fetchall()
    return {(r, u, int(x)) for r, u, x in rows}


def qc_findings(con: duckdb.DuckDBPyConnection) -> set:
    """Every finding of the three rules (module doc)."""
    return lab_findings(con) | crs_findings(con) | dlt_findings(con)
