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
from lifelines import KaplanMeierFitter
from compare import qc_frame
from qc_common import GROUP, bign_rows, n_pct_rows
from qc_efficacy import columns, counted_relapses, infused
from qc_format import decimals_of
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
    Greenwood) at time ``t`` (last value carried forward) and n at risk (time >= t)."""
    nan = float("nan")
    times = np.asarray(times, dtype=float)
    if len(times) == 0:
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
    return qc_frame(rows, "F14.2.1")
