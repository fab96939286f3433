"""QC programs of the safety tables T14.3.1-T14.3.6 and T14.3.9 (double programming).

Written from SAP 2-5 and the display docstrings only; the derivations are SQL
over the snapshot's Parquet files (DuckDB). One function per display,
``qc_t14_3_x(snapshot_dir, config) -> DataFrame`` (a QC ARD, compare.py).

Definitions (SAP 3):
- study day: ASTDT - ADSL.INFDT in days (infusion Day 0); a participant never
  infused is referred to the planned Day 0 (lymphodepletion start minus the
  first lymphodepletion day of study.yml);
- TEAE: onset on or after ADSL.LDSTDT; primary window onset day <= 28
  (registry); overall window onset day <= Month 12 (12 x 30.4375, truncated)
  and on or before the cut-off;
- DLT: DLTFL = "Y" with onset day 0-28; incidence over DLT-evaluable N with
  the exact Clopper-Pearson 95% CI (beta quantiles);
- grade: AETOXGR (CTCAE v5.0, ASTCT for CRS/ICANS); maximum per participant;
- fatal TEAE: AESDTH = "Y", AEOUT = "FATAL" or grade 5.
"""

from __future__ import annotations

import math

import pandas as pd
from compare import qc_frame
from qc_common import (
    GROUP,
    TOTAL,
    bign_rows,
    column_labels,
    column_members,
    continuous_rows,
    n_pct_rows,
)
from qc_db import connect, manifest
from qc_format import fmt
from scipy.stats import beta

INFECTIONS = "Infections and infestations"
GRADES = [1, 2, 3, 4, 5]


def _first_ld_day(config) -> int:
    return min(min(d["days"]) for d in config.raw["assumptions"]["lymphodepletion"]["drugs"])


def _population(con, flag: str) -> pd.DataFrame:
    return con.execute(f"SELECT USUBJID, {GROUP} FROM ADSL WHERE {flag} = 'Y'").df()


def _events(con, snapshot_dir, config) -> pd.DataFrame:
    """ADAE with DY (onset study day), TEAE, PRIM (Day 0-28) and OVER (overall) flags."""
    cut = manifest(snapshot_dir).get("cutoff")
    prim = int(config.raw["registry"]["ae_primary_window_days"])
    over = math.floor(config.raw["registry"]["follow_up_months"]
                      * config.raw["assumptions"]["visits"]["days_per_month"])
    ld0 = -_first_ld_day(config)
    cut_sql = f"AND CAST(ae.ASTDT AS DATE) <= DATE '{cut}'" if cut else ""
    sql = f"""
    WITH sl AS (
      SELECT USUBJID, {GROUP}, CAST(LDSTDT AS DATE) AS LD,
             CAST(coalesce(INFDT, LDSTDT + to_days({ld0})) AS DATE) AS DAY0 FROM ADSL)
    SELECT ae.*, sl.{GROUP} AS COL,
           date_diff('day', sl.DAY0, CAST(ae.ASTDT AS DATE)) AS DY,
           coalesce(CAST(ae.ASTDT AS DATE) >= sl.LD, false) AS TEAE
    FROM ADAE ae JOIN sl USING (USUBJID)
    """
    df = con.execute(sql).df()
    df["PRIM"] = df["TEAE"] & (df["DY"] <= prim)
    over_sql = con.execute(f"""
      SELECT ae.USUBJID, ae.AESEQ FROM ADAE ae JOIN ADSL sl USING (USUBJID)
      WHERE CAST(ae.ASTDT AS DATE) >= CAST(sl.LDSTDT AS DATE) {cut_sql}""").df()
    keys = set(zip(over_sql["USUBJID"], over_sql["AESEQ"], strict=True))
    df["OVER"] = [bool(t) and (u, s) in keys and dy <= over for t, u, s, dy
                  in zip(df["TEAE"], df["USUBJID"], df["AESEQ"], df["DY"], strict=True)]
    df["FATALEV"] = (df["AESDTH"].eq("Y") | df["AEOUT"].eq("FATAL") | df["AETOXGR"].eq(5))
    return df


def _setup(snapshot_dir, config, flag):
    con = connect(snapshot_dir)
    pop = _population(con, flag)
    labels = column_labels(config, pop[GROUP].unique())
    members = column_members(pop, labels)
    ev = _events(con, snapshot_dir, config)
    ev = ev[ev["USUBJID"].isin(set(pop["USUBJID"]))]
    return con, pop, labels, members, ev


def _dlt_events(ev, config) -> pd.DataFrame:
    win = int(config.raw["registry"]["dlt_window_days"])
    return ev[ev["DLTFL"].eq("Y") & (ev["DY"] >= 0) & (ev["DY"] <= win)]


def _clopper_pearson(n: int, big: int, level: float) -> tuple[float, float]:
    if big == 0:
        return float("nan"), float("nan")
    a = 1 - level
    lo = 0.0 if n == 0 else float(beta.ppf(a / 2, n, big - n + 1))
    hi = 1.0 if n == big else float(beta.ppf(1 - a / 2, n + 1, big - n))
    return lo, hi


def _decision(n: int, big: int, rule, highest: bool = False) -> str:
    """3+3 decision for one level (SAP 1; study.yml escalation_rule). There is no
    level to escalate to from the highest one: it reads "Highest level cleared"."""
    size, expanded = int(rule["cohort_size"]), int(rule["expanded_size"])
    stop = int(rule["stop_if_dlt_at_least"])
    bounds = {int(k): int(v) for k, v in rule["escalate_if_dlt_at_most"].items()}
    frac = f"({n} of {big} in the escalation cohort with a DLT)"
    if big == 0:
        return "Not evaluated"
    if n >= stop:
        return f"Stop: ≥{stop} DLTs {frac}"
    if big < size:
        return f"Cohort incomplete {frac}"
    reached = max(k for k in bounds if k <= big)
    if n <= bounds[reached]:
        return f"{'Highest level cleared' if highest else 'Escalate'} {frac}"
    if big < expanded:
        return f"Expand to {expanded} {frac}"
    return f"Stop: ≥{stop} DLTs {frac}"


def _mtd(levels: list[tuple[str, int, int]], rule) -> str:
    """MTD (SAP 1): highest level with < 2 of >= 6 DLT-evaluable below the first stopped level."""
    stop, expanded = int(rule["stop_if_dlt_at_least"]), int(rule["expanded_size"])
    evaluated = [lv for lv in levels if lv[2] > 0]
    if not evaluated:
        return "MTD not assessable: no dose level evaluated"
    stopped = [i for i, lv in enumerate(levels) if lv[1] >= stop]
    if not stopped:
        top = evaluated[-1]
        return (f"MTD not reached: no dose level had ≥{stop} participants with a DLT in its "
                f"escalation cohort, up to the highest level evaluated, {top[0]} "
                f"({top[1]} of {top[2]} in the escalation cohort with a DLT)")
    first = levels[stopped[0]]
    ok = [lv for lv in levels[:stopped[0]] if lv[2] >= expanded and lv[1] < stop]
    if not ok:
        return (f"MTD not established: {first[0]} exceeded the limit ({first[1]}/{first[2]}) "
                f"and no lower level has {expanded} evaluable participants with fewer than "
                f"{stop} DLTs")
    m = ok[-1]
    return f"MTD: {m[0]} ({m[1]}/{m[2]} with DLT)"


def qc_t14_3_1(snapshot_dir, config) -> pd.DataFrame:
    """T14.3.1 DLTs by dose level (DLT-evaluable set)."""
    con, pop, labels, members, ev = _setup(snapshot_dir, config, "DLTEVLFL")
    dlt = _dlt_events(ev, config)
    level = float(config.raw["constants"]["confidence_level"])
    rows = bign_rows(members)
    rows += n_pct_rows(members, dlt["USUBJID"], variable="DLT")
    for c, s in members.items():
        n = len(s & set(dlt["USUBJID"]))
        est = n / len(s) if s else float("nan")
        lo, hi = _clopper_pearson(n, len(s), level)
        for st, v in (("estimate", est), ("lcl", lo), ("ucl", hi)):
            rows.append(dict(group1=GROUP, group1_level=c, variable="DLT_CI", stat_name=st,
                             stat=v, stat_fmt=fmt(st, v)))
    for pt, g in dlt.groupby("AEDECOD"):
        rows += n_pct_rows(members, g["USUBJID"], variable="AEDECOD", variable_level=pt)
    rule = config.raw["assumptions"]["escalation_rule"]
    esc = con.execute("SELECT USUBJID, COHORT FROM ADSL WHERE DLTEVLFL = 'Y'").df()
    esc_ids = set(esc.loc[esc["COHORT"].fillna("ESCALATION") == "ESCALATION", "USUBJID"])
    levels = []
    for c in labels:
        s = members[c] & esc_ids
        n = len(s & set(dlt["USUBJID"]))
        levels.append((c, n, len(s)))
        rows.append(dict(group1=GROUP, group1_level=c, variable="DECISION", stat_name="text",
                         stat_fmt=_decision(n, len(s), rule, highest=c == column_labels(config)[-1])))
    exp_ids = set(esc.loc[esc["COHORT"].fillna("ESCALATION") == "EXPANSION", "USUBJID"])
    for var, ids in (("DLTESC", esc_ids), ("DLTEXP", exp_ids)):
        for c in labels:
            s = members[c] & ids
            n = len(s & set(dlt["USUBJID"]))
            rows += [dict(group1=GROUP, group1_level=c, variable=var, stat_name=st, stat=v,
                          stat_fmt=fmt(st, v)) for st, v in (("n", n), ("N", len(s)))]
    rows.append(dict(group1=GROUP, group1_level=TOTAL, variable="MTD", stat_name="text",
                     stat_fmt=_mtd(levels, rule)))
    return qc_frame(rows, "T14.3.1")


def _overview_block(members, ev, window_label, kinds, dlt_ids) -> list[dict]:
    rows = []
    for var, mask in kinds:
        ids = dlt_ids if var == "DLT" else ev.loc[mask(ev), "USUBJID"]
        rows += n_pct_rows(members, ids, variable=var, group2="WINDOW",
                           group2_level=window_label)
    return rows


def _related(ev, var, config) -> pd.Series:
    """Causality ``var`` is one of the terms study.yml's codelists call related (SAP 3)."""
    return ev[var].isin(config.raw["codelists"]["AREL"]["related"])


def qc_t14_3_2(snapshot_dir, config) -> pd.DataFrame:
    """T14.3.2 Overview of TEAEs, Day 0-28 and overall (Safety set)."""
    con, pop, labels, members, ev = _setup(snapshot_dir, config, "SAFFL")
    dlt_ids = _dlt_events(ev, config)["USUBJID"]
    kinds = [("ANY", lambda e: e.index == e.index),
             ("HIGHGR", lambda e: e["AETOXGR"] >= 3),
             ("SERIOUS", lambda e: e["AESER"].eq("Y")),
             ("RELCAR", lambda e: _related(e, "ARELCAR", config)),
             ("RELLD", lambda e: _related(e, "ARELLD", config)),
             ("FATAL", lambda e: e["FATALEV"]),
             ("DLT", None),
             ("CRS", lambda e: e["CRSFL"].eq("Y")),
             ("ICANS", lambda e: e["ICANSFL"].eq("Y"))]
    prim = int(config.raw["registry"]["ae_primary_window_days"])
    rows = bign_rows(members)
    rows += _overview_block(members, ev[ev["PRIM"]], f"Lymphodepletion to Day {prim}", kinds, dlt_ids)
    rows += _overview_block(members, ev[ev["OVER"]], "Overall", kinds, dlt_ids)
    return qc_frame(rows, "T14.3.2")


def qc_t14_3_3(snapshot_dir, config) -> pd.DataFrame:
    """T14.3.3 TEAEs by SOC and PT, Day 0-28 (Safety set)."""
    con, pop, labels, members, ev = _setup(snapshot_dir, config, "SAFFL")
    ev = ev[ev["PRIM"]]
    rows = bign_rows(members) + n_pct_rows(members, ev["USUBJID"], variable="ANY")
    for soc, g in ev.groupby("AEBODSYS"):
        keys = dict(group2="AEBODSYS", group2_level=soc)
        rows += n_pct_rows(members, g["USUBJID"], variable="AEBODSYS", variable_level=soc, **keys)
        for pt, h in g.groupby("AEDECOD"):
            rows += n_pct_rows(members, h["USUBJID"], variable="AEDECOD", variable_level=pt,
                               **keys)
    return qc_frame(rows, "T14.3.3")


def _grade_rows(members, ev, *, variable, group2="", group2_level="") -> list[dict]:
    """``Any`` then ``Grade 1``-``Grade 5`` rows: participants by their maximum grade."""
    rows = n_pct_rows(members, ev["USUBJID"], variable=variable, variable_level="Any",
                      group2=group2, group2_level=group2_level)
    worst = ev.groupby("USUBJID")["AETOXGR"].max()
    for g in GRADES:
        rows += n_pct_rows(members, worst.index[worst == g], variable=variable,
                           variable_level=f"Grade {g}", group2=group2, group2_level=group2_level)
    return rows


def qc_t14_3_4(snapshot_dir, config) -> pd.DataFrame:
    """T14.3.4 TEAEs by SOC, PT and maximum grade, overall (Safety set)."""
    con, pop, labels, members, ev = _setup(snapshot_dir, config, "SAFFL")
    ev = ev[ev["OVER"]]
    rows = bign_rows(members)
    rows += _grade_rows(members, ev, variable="Any TEAE", group2="AEBODSYS",
                        group2_level="Any TEAE")
    for soc, g in ev.groupby("AEBODSYS"):
        rows += _grade_rows(members, g, variable="Any PT", group2="AEBODSYS", group2_level=soc)
        for pt, h in g.groupby("AEDECOD"):
            rows += _grade_rows(members, h, variable=pt, group2="AEBODSYS", group2_level=soc)
    return qc_frame(rows, "T14.3.4")


def qc_t14_3_5(snapshot_dir, config) -> pd.DataFrame:
    """T14.3.5 CRS and ICANS (ASTCT 2019): incidence by max grade, onset, duration,
    management (Infused set; TEAEs of the overall window flagged CRSFL / ICANSFL)."""
    con, pop, labels, members, ev = _setup(snapshot_dir, config, "INFFL")
    ev = ev[ev["OVER"]]
    rows = bign_rows(members)
    for name, flag in (("CRS", "CRSFL"), ("ICANS", "ICANSFL")):
        e = ev[ev[flag].eq("Y")]
        keys = dict(group2="SYNDROME", group2_level=name)
        rows += n_pct_rows(members, e["USUBJID"], variable="ANY", **keys)
        worst = e.groupby("USUBJID")["AETOXGR"].max()
        for g in GRADES:
            rows += n_pct_rows(members, worst.index[worst == g], variable="MAXGR",
                               variable_level=f"Grade {g}", **keys)
        per = e.groupby("USUBJID").agg(onset=("DY", "min"), start=("ASTDT", "min"),
                                       end=("AENDT", "max"),
                                       open_=("AENDT", lambda s: s.isna().any()),
                                       toci=("TOCIFL", lambda s: s.eq("Y").any()),
                                       cort=("CORTFL", lambda s: s.eq("Y").any()))
        if per.empty:  # no event of the syndrome: agg of an empty frame has no columns
            per = pd.DataFrame(columns=["onset", "start", "end", "open_", "toci", "cort"])
            per = per.astype({"open_": bool, "toci": bool, "cort": bool})
        onset = per["onset"].astype(float).to_dict()
        closed = per[~per["open_"]]
        dur = ((pd.to_datetime(closed["end"]) - pd.to_datetime(closed["start"])).dt.days
               + 1).astype(float).to_dict()
        rows += continuous_rows(members, onset, variable="ONSETDY", raw_decimals=0, **keys)
        rows += continuous_rows(members, dur, variable="DURDY", raw_decimals=0, **keys)
        rows += n_pct_rows(members, per.index[per["open_"]], variable="ONGOING", **keys)
        rows += n_pct_rows(members, per.index[per["toci"]], variable="TOCI", **keys)
        rows += n_pct_rows(members, per.index[per["cort"]], variable="CORT", **keys)
    return qc_frame(rows, "T14.3.5")


def qc_t14_3_6(snapshot_dir, config) -> pd.DataFrame:
    """T14.3.6 Serious TEAEs (overall window) and deaths (Safety set)."""
    con, pop, labels, members, ev = _setup(snapshot_dir, config, "SAFFL")
    ser = ev[ev["OVER"] & ev["AESER"].eq("Y")]
    sec = dict(group2="SECTION", group2_level="Serious TEAEs")
    rows = bign_rows(members) + n_pct_rows(members, ser["USUBJID"], variable="ANY", **sec)
    for soc, g in ser.groupby("AEBODSYS"):
        rows += n_pct_rows(members, g["USUBJID"], variable="AEBODSYS", variable_level=soc, **sec)
        for pt, h in g.groupby("AEDECOD"):
            rows += n_pct_rows(members, h["USUBJID"], variable="AEDECOD", variable_level=pt,
                               **sec)
    win = int(config.raw["registry"]["dlt_window_days"])
    d = con.execute(f"""
      SELECT USUBJID, (DTHFL = 'Y' OR DTHDT IS NOT NULL) AS died,
             coalesce(date_diff('day', CAST(INFDT AS DATE), CAST(DTHDT AS DATE)) <= {win}, false)
               AS died28
      FROM ADSL WHERE SAFFL = 'Y'""").df()
    dsec = dict(group2="SECTION", group2_level="Deaths")
    rows += n_pct_rows(members, d.loc[d["died"], "USUBJID"], variable="DEATH", **dsec)
    rows += n_pct_rows(members, d.loc[d["died"] & d["died28"], "USUBJID"], variable="DEATH28",
                       **dsec)
    fatal = ev[ev["OVER"] & ev["FATALEV"]]
    rows += n_pct_rows(members, fatal["USUBJID"], variable="FATAL", **dsec)
    for pt, h in fatal.groupby("AEDECOD"):
        rows += n_pct_rows(members, h["USUBJID"], variable="AEDECOD", variable_level=pt, **dsec)
    return qc_frame(rows, "T14.3.6")


def qc_t14_3_9(snapshot_dir, config) -> pd.DataFrame:
    """T14.3.9 Infections (SOC Infections and infestations, overall TEAEs) by max grade."""
    con, pop, labels, members, ev = _setup(snapshot_dir, config, "SAFFL")
    inf = ev[ev["OVER"] & ev["AEBODSYS"].eq(INFECTIONS)]
    rows = bign_rows(members) + _grade_rows(members, inf, variable="Any infection")
    for pt, h in inf.groupby("AEDECOD"):
        rows += _grade_rows(members, h, variable=pt)
    return qc_frame(rows, "T14.3.9")
