"""QC of N14.3.3 (narratives): who gets a narrative and every fact of it, recomputed in SQL
(DuckDB over the snapshot's Parquet files) and pandas from SAP 5 and the facts' definition
(production: analysis/derive/narratives.py), without analysis.derive or analysis.formats.

SAP 5: a narrative for every participant of the Safety set with a death, a serious AE, a
DLT or grade ≥3 CRS/ICANS. Triggers per AE record: DEATH (AESDTH = Y, AEOUT fatal or
grade 5; a death in ADSL without such a record is a DEATH without an AE), SERIOUS
(AESER = Y), DLT (DLTFL = Y with onset Day 0-28), CRS_G3 / ICANS_G3 (flag Y, AETOXGR ≥ 3).
"""

from __future__ import annotations

import math

import pandas as pd
from compare import qc_frame
from qc_db import connect, manifest
from qc_format import decimals_of, half_away

ID = "N14.3.3"
ORDER = ["DEATH", "SERIOUS", "DLT", "CRS_G3", "ICANS_G3"]
PARTICIPANT = ["SUBJID", "AGE", "AGEU", "SEX", "RACE", "ETHNIC", "COHORT", "WEIGHTBL"]
HISTORY = ["DISDURY", "RELP12", "RELP24", "NPRIMSUP", "PRIMSUP", "EDSSBL", "AQP4BL"]
EVENT = ["AEDECOD", "AEBODSYS", "ASTDT", "AENDT", "AETOXGR", "AESEV", "AESER", "ARELCAR",
         "ARELLD", "AREL", "AEOUT", "AESDTH", "DLTFL", "CRSFL", "ICANSFL", "TOCIFL", "CORTFL"]
RECOVERY = {"ANC": 1000.0, "PLAT": 50.0}


def _cell(v) -> tuple[str, float] | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp) or hasattr(v, "isoformat"):
        return str(pd.Timestamp(v).date()), math.nan
    if isinstance(v, str):
        return v, math.nan
    x = float(v)
    return half_away(x, decimals_of([x])), x


def triggers(con, config) -> pd.DataFrame:
    """(USUBJID, AESEQ or NaN, TRIGGER) rows."""
    first_ld = -min(min(d["days"]) for d in config.assumptions["lymphodepletion"]["drugs"])
    fatal = "', '".join(config.raw["codelists"]["AEOUT"]["fatal"])
    window = int(config.registry["dlt_window_days"])
    ae = con.execute(f"""
      WITH sl AS (SELECT USUBJID, coalesce(CAST(INFDT AS DATE),
                         CAST(LDSTDT AS DATE) + INTERVAL {first_ld} DAY) AS D0
                  FROM ADSL WHERE SAFFL = 'Y')
      SELECT a.USUBJID, a.AESEQ,
        (a.AESDTH = 'Y' OR a.AEOUT IN ('{fatal}') OR a.AETOXGR = 5) AS DEATH,
        (a.AESER = 'Y') AS SERIOUS,
        (a.DLTFL = 'Y' AND date_diff('day', CAST(sl.D0 AS DATE), CAST(a.ASTDT AS DATE))
           BETWEEN 0 AND {window}) AS DLT,
        (a.CRSFL = 'Y' AND a.AETOXGR >= 3) AS CRS_G3,
        (a.ICANSFL = 'Y' AND a.AETOXGR >= 3) AS ICANS_G3
      FROM ADAE a JOIN sl USING (USUBJID)""").df()
    rows = [(r.USUBJID, int(r.AESEQ), t) for r in ae.itertuples() for t in ORDER
            if getattr(r, t) is True or getattr(r, t) == 1]
    dead = con.execute("SELECT USUBJID FROM ADSL WHERE SAFFL = 'Y' AND "
                       "(DTHFL = 'Y' OR DTHDT IS NOT NULL)").df()["USUBJID"]
    fatal_subj = {u for u, _, t in rows if t == "DEATH"}
    rows += [(u, None, "DEATH") for u in dead if u not in fatal_subj]
    return pd.DataFrame(rows, columns=["USUBJID", "AESEQ", "TRIGGER"])


def qc_n14_3_3(snapshot_dir, config) -> pd.DataFrame:
    con = connect(snapshot_dir)
    trig = triggers(con, config)
    who = sorted(set(trig["USUBJID"]))
    n_saf = con.execute("SELECT count(*) FROM ADSL WHERE SAFFL = 'Y'").fetchone()[0]
    out = [{"group1_level": "Total", "variable": "BIGN", "stat_name": "N", "stat": n_saf,
            "stat_fmt": str(n_saf)},
           {"group1_level": "Total", "variable": "NARR", "stat_name": "n", "stat": len(who),
            "stat_fmt": str(len(who))}]
    first_ld = -min(min(d["days"]) for d in config.assumptions["lymphodepletion"]["drugs"])
    sl = con.execute("SELECT * FROM ADSL").df().set_index("USUBJID")
    ae = con.execute("SELECT * FROM ADAE").df()
    ex = con.execute("SELECT * FROM ADEX").df()
    lb = con.execute("SELECT * FROM ADLB WHERE PARAMCD IN ('ANC', 'PLAT')").df()
    cm = con.execute("SELECT * FROM ADCM ORDER BY USUBJID, CMSEQ").df()
    cutoff = pd.Timestamp(manifest(snapshot_dir)["cutoff"])

    def add(u, topic, key, field, value):
        c = _cell(value)
        if c is not None:
            out.append({"group1": "USUBJID", "group1_level": u, "group2": "TOPIC",
                        "group2_level": topic, "variable": field,
                        "variable_level": "" if key is None else str(key), "stat_name": "value",
                        "stat": c[1], "stat_fmt": c[0]})

    for u in who:
        s = sl.loc[u]
        d0 = pd.Timestamp(s["INFDT"]) if pd.notna(s["INFDT"]) else \
            pd.Timestamp(s["LDSTDT"]) + pd.Timedelta(days=first_ld)
        day = lambda d, d0=d0: None if pd.isna(d) else float((pd.Timestamp(d) - d0).days)  # noqa: E731
        for v in PARTICIPANT:
            add(u, "participant", None, v, s[v])
        add(u, "participant", None, "GROUP", s["TRT01A"])
        for v in HISTORY:
            add(u, "history", None, v, s[v])
        add(u, "treatment", None, "LDSTDY", day(s["LDSTDT"]))
        for v in ("INFDT", "DOSEKG", "DOSETOT"):
            add(u, "treatment", None, v, s[v])
        for drug in config.assumptions["lymphodepletion"]["drugs"]:
            mine = ex[(ex["USUBJID"] == u) & (ex["EXTRT"] == drug["name"])]
            add(u, "treatment", drug["name"], "TOTDOSE", float(mine["EXDOSE"].sum()))
            add(u, "treatment", drug["name"], "NDAYS",
                float(mine.loc[mine["EXDOSE"] > 0, "ASTDT"].nunique()))
            add(u, "treatment", drug["name"], "DOSU", drug["unit"])
        t = trig[trig["USUBJID"] == u]
        spans = {}
        for q in sorted({int(x) for x in t["AESEQ"].dropna()}):
            r = ae[(ae["USUBJID"] == u) & (ae["AESEQ"] == q)].iloc[0]
            add(u, "event", q, "ONSETDY", day(r["ASTDT"]))
            for v in EVENT:
                add(u, "event", q, v, r[v])
            if pd.notna(r["AENDT"]):
                add(u, "event", q, "DURDY", float((r["AENDT"] - r["ASTDT"]).days + 1))
                spans[q] = (r["ASTDT"], r["AENDT"])
            else:
                add(u, "event", q, "ONGOING", "Y")
                spans[q] = (r["ASTDT"], cutoff)
            codes = [c for c in ORDER if c in set(t.loc[t["AESEQ"] == q, "TRIGGER"])]
            add(u, "event", q, "TRIGGER", "; ".join(codes))
        add(u, "death", None, "DTHDT", s["DTHDT"])
        add(u, "death", None, "DTHDY", day(s["DTHDT"]))
        if t["AESEQ"].isna().any():
            add(u, "death", None, "TRIGGER", "DEATH")
        for p in ("ANC", "PLAT"):
            g = lb[(lb["USUBJID"] == u) & (lb["PARAMCD"] == p) & lb["AVAL"].notna()
                   & (lb["ADY"] >= 1)].sort_values("ADY")
            if g.empty:
                continue
            nadir = g["AVAL"].min()
            nday = g.loc[g["AVAL"] == nadir, "ADY"].min()
            add(u, "laboratory", p, "NADIR", nadir)
            add(u, "laboratory", p, "NADIRDY", float(nday))
            if nadir < RECOVERY[p]:
                later = g[(g["ADY"] > nday) & (g["AVAL"] >= RECOVERY[p])]
                add(u, "laboratory", p, "RECFL", "Y" if len(later) else "N")
                if len(later):
                    add(u, "laboratory", p, "RECDY", float(later["ADY"].min()))
            add(u, "laboratory", p, "AVALU", g["AVALU"].iloc[0])
        for r in cm[cm["USUBJID"] == u].itertuples():
            add(u, "medication", r.CMSEQ, "CMDECOD", r.CMDECOD)
            add(u, "medication", r.CMSEQ, "CMCAT", r.CMCAT)
            add(u, "medication", r.CMSEQ, "STARTDY", day(r.ASTDT))
            add(u, "medication", r.CMSEQ, "ENDDY", day(r.AENDT))
            during = [str(q) for q, (a, b) in spans.items() if a <= r.ASTDT <= b]
            add(u, "medication", r.CMSEQ, "EVENTS", ", ".join(during) or None)
    return qc_frame(out, ID)
