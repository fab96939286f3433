"""QC programs of the figure ARDs F14.2.1, F14.2.2, F14.2.3, F14.2.6 (the numbers a
figure plots), ``qc_<id>(snapshot_dir, config)`` returning the ARD
(:func:`compare.qc_frame`). Independent of ``analysis``: DuckDB SQL over the snapshot's
Parquet files, pandas and lifelines. Columns: dose levels (then Total where the shell
has it), N = Infused set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import qc_db
from compare import qc_frame
from lifelines import KaplanMeierFitter
from qc_biomarkers import aplasia
from qc_common import GROUP, bign_rows, n_pct_rows
from qc_efficacy import columns, counted_relapses, infused
from qc_format import decimals_of, fmt
from qc_summary import per_column, stat_rows

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


# ----------------------------------------------------------------- F14.2.1
KM_MONTHS = (3, 6, 9, 12)


def time_to_relapse(con, config, pop: pd.DataFrame) -> pd.DataFrame:
    """Per infused participant (SAP 3, ARR/Relapse): TIME = study day of the first
    counted relapse with onset from Day 0 to the end of follow-up (EVENT 1), else the
    study day of the end of follow-up (EVENT 0)."""
    rel = counted_relapses(con, config).merge(pop, on="USUBJID", how="inner")
    inf, end = pd.to_datetime(rel.INFDT), pd.to_datetime(rel.FUENDDT)
    rel = rel[(rel.ASTDT >= inf) & (rel.ASTDT <= end)]
    first = (rel.assign(DAY=(rel.ASTDT - pd.to_datetime(rel.INFDT)).dt.days)
             .groupby("USUBJID").DAY.min())
    out = pop[["USUBJID", "TRT01A"]].copy()
    cens = (pd.to_datetime(pop.FUENDDT) - pd.to_datetime(pop.INFDT)).dt.days
    out["EVENT"] = out.USUBJID.isin(first.index).astype(int)
    out["TIME"] = [float(first[u]) if u in first.index else float(c)
                   for u, c in zip(out.USUBJID, cens, strict=True)]
    return out


def km_at(times, events, t: float) -> dict[str, float]:
    """Kaplan-Meier (lifelines) relapse-free estimate with its 95% CI (exponential
    Greenwood) at time ``t`` and n at risk (time >= t). Not estimable (NaN, shown NE) when
    nobody is followed up to ``t`` (SAP 3: the longest follow-up must reach t)."""
    nan = float("nan")
    times = np.asarray(times, dtype=float)
    if len(times) == 0 or not (times >= t).any():
        return dict(estimate=nan, lcl=nan, ucl=nan, n_risk=0.0)
    kmf = KaplanMeierFitter(alpha=0.05).fit(times, event_observed=np.asarray(events))
    sf = kmf.survival_function_
    ci = kmf.confidence_interval_survival_function_
    at = sf.index[sf.index <= t].max()
    return dict(estimate=float(sf.loc[at].iloc[0]), lcl=float(ci.loc[at].iloc[0]),
                ucl=float(ci.loc[at].iloc[1]), n_risk=float((times >= t).sum()))


def qc_f14_2_1(snapshot_dir, config) -> pd.DataFrame:
    """F14.2.1 ARD: participants with a post-infusion relapse; KM relapse-free proportion
    (95% CI) and numbers at risk at months 3, 6, 9, 12 (month = days_per_month days)."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    tt = time_to_relapse(con, config, pop)
    dpm = float(config.raw["assumptions"]["visits"]["days_per_month"])
    rows = bign_rows(members)
    rows += n_pct_rows(members, tt.USUBJID[tt.EVENT == 1], variable="NEVENT")
    for col, subj in members.items():
        x = tt[tt.USUBJID.isin(subj)]
        for m in KM_MONTHS:
            res = km_at(x.TIME, x.EVENT, m * dpm)
            r = stat_rows(res, ("estimate", "lcl", "ucl", "n_risk"), 0, group1=GROUP,
                          group1_level=col, variable="RELFREE", variable_level=f"Month {m}")
            # a KM estimate of an empty column cannot be estimated: NE, like its CI (SAP 4)
            rows += [dict(x, stat_fmt="NE") if x["stat_name"] == "estimate"
                     and x["stat_fmt"] == "-" else x for x in r]
        # longest follow-up (days), given where Month m is NE (SAP 3)
        longest = float(x.TIME.max()) if len(x) else float("nan")
        rows.append(dict(group1=GROUP, group1_level=col, group2="", group2_level="",
                         variable="MAXFU", variable_level="", stat_name="max", stat=longest,
                         stat_fmt="NE" if longest != longest else fmt("max", longest, 0)))
    return qc_frame(rows, "F14.2.1")


# ----------------------------------------------------------------- F14.2.3
def qc_f14_2_3(snapshot_dir, config) -> pd.DataFrame:
    """F14.2.3 ARD: every AQP4-IgG titre result of an infused participant as log2(N)
    (seronegative at log2(LLOQ/2)) at its study day, by dose level (2 decimals)."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    d = qc_db.query(con, """
        SELECT l.USUBJID, s.TRT01A, l.ADY,
               CASE WHEN l.AVAL IS NULL AND upper(l.AVALC) = 'NEGATIVE' THEN log2(l.LLOQ / 2.0)
                    ELSE log2(l.AVAL) END AS LOG2
        FROM ADLB l JOIN ADSL s USING (USUBJID)
        WHERE s.INFFL = 'Y' AND l.PARAMCD = 'AQP4TIT' AND l.ADY IS NOT NULL""")
    d = d[d.LOG2.notna()]
    rows = bign_rows(members)
    rows += [dict(group1=GROUP, group1_level=r.TRT01A, group2="ADY",
                  group2_level=str(int(r.ADY)), variable="LOG2TIT", variable_level=r.USUBJID,
                  stat_name="value", stat=r.LOG2, stat_fmt=fmt("value", r.LOG2, 2))
             for r in d.itertuples(index=False)]
    return qc_frame(rows, "F14.2.3")


# ----------------------------------------------------------------- F14.2.2
MAX_BARS = 60  # the shell's default number of bars drawn


def qc_f14_2_2(snapshot_dir, config) -> pd.DataFrame:
    """F14.2.2 ARD (swimmer data) per drawn infused participant: follow-up in months
    (Day 0 to end of follow-up, days / days_per_month), counted post-infusion relapses,
    CRS episodes (ADAE CRSFL = Y), B-cell aplasia band (first post-infusion aplasia day to
    reconstitution, else end of follow-up), end reason (DEATH, DISCONTINUED or "").
    With more than MAX_BARS participants the MAX_BARS earliest infusions are drawn."""
    con = qc_db.connect(snapshot_dir)
    pop = infused(con, snapshot_dir)
    members = columns(config, pop)
    dpm = float(config.raw["assumptions"]["visits"]["days_per_month"])
    adsl = qc_db.query(con, "SELECT USUBJID, DTHDT, EOSSTT FROM ADSL WHERE INFFL = 'Y'")
    drawn = pop.sort_values(["INFDT", "USUBJID"]).head(MAX_BARS).USUBJID
    p = pop[pop.USUBJID.isin(set(drawn))].merge(adsl, on="USUBJID", how="left")
    p["FUDAY"] = (pd.to_datetime(p.FUENDDT) - pd.to_datetime(p.INFDT)).dt.days
    rel = counted_relapses(con, config).merge(p, on="USUBJID", how="inner")
    rel = rel[(rel.ASTDT >= pd.to_datetime(rel.INFDT)) & (rel.ASTDT <= pd.to_datetime(rel.FUENDDT))]
    nrel = rel.groupby("USUBJID").size()
    ncrs = qc_db.query(con, "SELECT USUBJID, count(*) AS N FROM ADAE WHERE CRSFL = 'Y' "
                            "GROUP BY USUBJID").set_index("USUBJID").N
    apl = aplasia(con, config, p.USUBJID).set_index("USUBJID")
    rows = bign_rows(members)
    labels = list(members)
    p["ORD"] = p.TRT01A.map({c: i for i, c in enumerate(labels)})
    for r in p.sort_values(["ORD", "FUDAY", "USUBJID"],
                           ascending=[True, False, True]).itertuples(index=False):
        keys = dict(group1=GROUP, group1_level=r.TRT01A, variable_level=r.USUBJID)
        fum = r.FUDAY / dpm
        st = apl.APLDY.get(r.USUBJID, np.nan)
        en = np.nan
        if not np.isnan(st):
            rec = apl.RECDY.get(r.USUBJID, np.nan)
            en = rec if not np.isnan(rec) else float(r.FUDAY)
        end = "DEATH" if pd.notna(r.DTHDT) else \
            "DISCONTINUED" if str(r.EOSSTT).upper() == "DISCONTINUED" else ""
        rel_n, crs_n = int(nrel.get(r.USUBJID, 0)), int(ncrs.get(r.USUBJID, 0))
        rows += [dict(keys, variable="FUMONTHS", stat_name="estimate", stat=fum,
                      stat_fmt=fmt("estimate", fum)),
                 dict(keys, variable="RELAPSES", stat_name="n", stat=rel_n, stat_fmt=str(rel_n)),
                 dict(keys, variable="CRS", stat_name="n", stat=crs_n, stat_fmt=str(crs_n)),
                 dict(keys, variable="APLSTDY", stat_name="day", stat=st, stat_fmt=fmt("day", st)),
                 dict(keys, variable="APLENDY", stat_name="day", stat=en, stat_fmt=fmt("day", en)),
                 dict(keys, variable="ENDREAS", stat_name="text", stat=np.nan, stat_fmt=end)]
    return qc_frame(rows, "F14.2.2")
