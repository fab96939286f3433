"""QC program of T14.3.10 Vital signs by maximum CRS grade (SAP 5; SAP 3, CRS), Infused
set, written apart from ``analysis``: DuckDB SQL over the snapshot's ADSL/ADVS/ADAE.

- window: ADVS.ADY 0 to 28 (SAP 5, "Day 0-28");
- per infused participant with a TEMP, SYSBP or SPO2 record in the window: maximum
  TEMP, minimum SYSBP, minimum SPO2 (AVAL);
- maximum CRS grade: max AETOXGR of ADAE records with CRSFL = "Y" whose onset (ASTDT)
  is 0 to 28 days after ADSL.INFDT; 0 ("No CRS") without one;
- blocks "No CRS", "Grade g" for each grade present; continuous summary per column with
  one more decimal than the most decimals an AVAL of the parameter is recorded with.
"""

from __future__ import annotations

import math

import qc_db
from compare import qc_frame
from qc_common import GROUP, bign_rows, column_labels, column_members, continuous_rows

PARAMS = {"TEMPMAX": ("TEMP", "max"), "SYSBPMIN": ("SYSBP", "min"), "SPO2MIN": ("SPO2", "min")}


def _decimals(values) -> int:
    best = 0
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        text = f"{float(v):.6f}".rstrip("0")
        best = max(best, len(text.split(".")[1]))
    return best


def qc_t14_3_10(snapshot_dir, config):
    con = qc_db.connect(snapshot_dir)
    pop = con.execute(f"SELECT USUBJID, {GROUP} FROM ADSL WHERE INFFL = 'Y'").df()
    members = column_members(pop, column_labels(config, pop[GROUP].unique()))
    aggs = ", ".join(f"{how}(CASE WHEN PARAMCD = '{code}' THEN AVAL END) AS {var}"
                     for var, (code, how) in PARAMS.items())
    codes = ", ".join(f"'{code}'" for code, _ in PARAMS.values())
    ext = con.execute(f"""
      WITH crs AS (
        SELECT ae.USUBJID, max(ae.AETOXGR) AS G FROM ADAE ae JOIN ADSL sl USING (USUBJID)
        WHERE ae.CRSFL = 'Y' AND date_diff('day', CAST(sl.INFDT AS DATE),
              CAST(ae.ASTDT AS DATE)) BETWEEN 0 AND 28
        GROUP BY ae.USUBJID)
      SELECT vs.USUBJID, {aggs}, coalesce(max(crs.G), 0) AS CRSMAXGR
      FROM ADVS vs JOIN ADSL sl USING (USUBJID) LEFT JOIN crs USING (USUBJID)
      WHERE sl.INFFL = 'Y' AND vs.ADY BETWEEN 0 AND 28 AND vs.PARAMCD IN ({codes})
      GROUP BY vs.USUBJID""").df()
    rows = bign_rows(members)
    for grade in sorted(ext["CRSMAXGR"].unique()):
        block = ext[ext["CRSMAXGR"] == grade]
        label = "No CRS" if grade == 0 else f"Grade {int(grade)}"
        for var, (code, _) in PARAMS.items():
            dec = _decimals(con.execute(
                f"SELECT AVAL FROM ADVS WHERE PARAMCD = '{code}'").df()["AVAL"])
            values = dict(zip(block["USUBJID"], block[var], strict=True))
            block_members = {c: s & set(block["USUBJID"]) for c, s in members.items()}
            rows += continuous_rows(block_members, values, variable=var, raw_decimals=dec,
                                    group2="CRSMAXGR", group2_level=label)
    return qc_frame(rows, "T14.3.10")
