"""Light QC of the listings L16.2.1, L16.2.4, L16.2.5, L16.2.7.1: the content.

A listing's ARD is the listing in long form (one ``text`` row per cell;
``variable_level`` = ``<USUBJID>/<row>``). QC recomputes, from the snapshot's
Parquet files in SQL, which records the listing must hold and the values of
its identifying columns, and compares the set of records (not the layout).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from qc_db import connect, manifest


def minus(text: str) -> str:
    """SAP 4: a negative number is written with the minus sign −, not a hyphen."""
    return "\u2212" + text[1:] if text.startswith("-") else text


def records(prod_ard: pd.DataFrame, columns) -> set[tuple]:
    """The (columns...) tuples of a listing's long-form ARD, one per listing row."""
    if prod_ard.empty:  # a listing with no records (e.g. no SAE at an interim cut-off)
        return set()
    wide = prod_ard.pivot(index="variable_level", columns="variable", values="stat_fmt")
    return set(map(tuple, wide[list(columns)].astype(str).itertuples(index=False)))


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).dt.strftime("%Y-%m-%d")


def qc_l16_2_1(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.1: one row per enrolled participant (ENRLFL = "Y"), dates ISO."""
    sl = connect(snapshot_dir).execute(
        "SELECT USUBJID, TRT01A, ENRLDT, INFDT, EOSSTT FROM ADSL WHERE ENRLFL = 'Y'").df()
    cols = ["Participant", "Dose level", "Enrolment", "End-of-study status"]
    return cols, set(zip(sl["USUBJID"], sl["TRT01A"], _dates(sl["ENRLDT"]), sl["EOSSTT"],
                         strict=True))


def qc_l16_2_4(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.4: one row per enrolled participant with age and sex."""
    sl = connect(snapshot_dir).execute(
        "SELECT USUBJID, TRT01A, AGE, SEX FROM ADSL WHERE ENRLFL = 'Y'").df()
    cols = ["Participant", "Dose level", "Age (years)", "Sex"]
    return cols, set(zip(sl["USUBJID"], sl["TRT01A"], sl["AGE"].astype(int).astype(str),
                         sl["SEX"], strict=True))


def qc_l16_2_5(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.5: every ADEX administration of the Safety set, with its study day."""
    ex = connect(snapshot_dir).execute("""
      SELECT ex.USUBJID, ex.EXTRT, ex.ASTDT,
             date_diff('day', CAST(sl.INFDT AS DATE), CAST(ex.ASTDT AS DATE)) AS DY
      FROM ADEX ex JOIN ADSL sl USING (USUBJID) WHERE sl.SAFFL = 'Y'""").df()
    cols = ["Participant", "Treatment", "Date", "Study day"]
    return cols, set(zip(ex["USUBJID"], ex["EXTRT"], _dates(ex["ASTDT"]),
                         [minus(str(int(d))) for d in ex["DY"]], strict=True))


def qc_l16_2_7_1(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.7.1: every ADAE record of the Safety set; TEAE = onset on or after
    lymphodepletion; Day 0-28 = TEAE with onset day <= 28 (SAP 3)."""
    prim = int(config.raw["registry"]["ae_primary_window_days"])
    ae = connect(snapshot_dir).execute("""
      SELECT ae.USUBJID, ae.AESEQ, ae.AEDECOD, ae.ASTDT,
             date_diff('day', CAST(sl.INFDT AS DATE), CAST(ae.ASTDT AS DATE)) AS DY,
             CAST(ae.ASTDT AS DATE) >= CAST(sl.LDSTDT AS DATE) AS TEAE
      FROM ADAE ae JOIN ADSL sl USING (USUBJID) WHERE sl.SAFFL = 'Y'""").df()
    teae = ["Y" if t else "N" for t in ae["TEAE"]]
    prim_fl = ["Y" if t and not math.isnan(d) and d <= prim else "N"
               for t, d in zip(ae["TEAE"], ae["DY"].astype(float), strict=True)]
    cols = ["Participant", "Seq.", "Preferred term", "Start date", "TEAE",
            "Lymphodepletion to Day 28"]
    return cols, set(zip(ae["USUBJID"], ae["AESEQ"].astype(int).astype(str), ae["AEDECOD"],
                         _dates(ae["ASTDT"]), teae, prim_fl, strict=True))


def compare_listing(prod_ard: pd.DataFrame, qc_result, display_id: str) -> list[str]:
    """Records only in production or only in QC, as text lines."""
    cols, qc_set = qc_result
    prod_set = records(prod_ard, cols)
    out = [f"{display_id} {dict(zip(cols, r, strict=True))}: in production, not in QC"
           for r in sorted(prod_set - qc_set)]
    out += [f"{display_id} {dict(zip(cols, r, strict=True))}: in QC, not in production"
            for r in sorted(qc_set - prod_set)]
    return out


# --- L16.2.7.2, L16.2.7.3, L16.2.6 (second QC engineer) -----------------------------------


def _text(v) -> str:
    """A listing cell as text: missing -> "", whole numbers without decimals, a negative
    number with the minus sign − (SAP 4), dates ISO."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float):
        return "" if math.isnan(v) else minus(str(int(v)) if v.is_integer() else str(v))
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return minus(str(v))
    return str(v)


def qc_l16_2_7_2(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.7.2: ADAE records of the Safety set flagged DLT, CRS or ICANS (any onset).
    Event = the flags, "; "-joined in the order DLT, CRS, ICANS; DLT counted (DLT-flagged
    records only) = Y when onset is Day 0 to the DLT window (SAP 3 DLT, registry 28 days),
    else N; duration = end - start + 1 days, "Ongoing" without an end date."""
    window = int(config.raw["registry"]["dlt_window_days"])
    ae = connect(snapshot_dir).execute("""
      SELECT ae.USUBJID, ae.AESEQ, ae.AEDECOD, CAST(ae.ASTDT AS DATE) AS ASTDT,
             ae.DLTFL, ae.CRSFL, ae.ICANSFL, ae.TOCIFL, ae.CORTFL,
             date_diff('day', CAST(sl.INFDT AS DATE), CAST(ae.ASTDT AS DATE)) AS DY,
             date_diff('day', CAST(ae.ASTDT AS DATE), CAST(ae.AENDT AS DATE)) + 1 AS DUR
      FROM ADAE ae JOIN ADSL sl USING (USUBJID)
      WHERE sl.SAFFL = 'Y' AND 'Y' IN (ae.DLTFL, ae.CRSFL, ae.ICANSFL)""").df()
    out = set()
    for r in ae.itertuples(index=False):
        event = "; ".join(k for k, f in (("DLT", r.DLTFL), ("CRS", r.CRSFL),
                                          ("ICANS", r.ICANSFL)) if f == "Y")
        counted = ""
        if r.DLTFL == "Y":
            counted = "Y" if not pd.isna(r.DY) and 0 <= r.DY <= window else "N"
        dur = "Ongoing" if pd.isna(r.DUR) else str(int(r.DUR))
        out.add((r.USUBJID, _text(r.AESEQ), r.AEDECOD, _dates(pd.Series([r.ASTDT])).iloc[0],
                 event, counted, dur, _text(r.TOCIFL), _text(r.CORTFL)))
    cols = ["Participant", "Seq.", "Preferred term", "Start date", "Event", "DLT counted",
            "Duration (days)", "Tocilizumab", "Corticosteroids"]
    return cols, out


def qc_l16_2_7_3(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.7.3: ADAE records of the Safety set that are serious (AESER = Y) or fatal
    (AESDTH = Y, AEOUT = FATAL or grade 5), any onset; the participant's death date and
    study day of death (Day 0 = infusion) on each of their rows; a Safety participant who
    died (DTHFL = Y or a DTHDT) and has no such record gets one row with the death only."""
    con = connect(snapshot_dir)
    ae = con.execute("""
      SELECT ae.USUBJID, ae.AESEQ, ae.AEDECOD, CAST(ae.ASTDT AS DATE) AS ASTDT, ae.AESER
      FROM ADAE ae JOIN ADSL sl USING (USUBJID)
      WHERE sl.SAFFL = 'Y' AND (ae.AESER = 'Y' OR ae.AESDTH = 'Y' OR ae.AEOUT = 'FATAL'
                                OR ae.AETOXGR = 5)""").df()
    dead = con.execute("""
      SELECT USUBJID, CAST(DTHDT AS DATE) AS DTHDT,
             date_diff('day', CAST(INFDT AS DATE), CAST(DTHDT AS DATE)) AS DTHDY
      FROM ADSL WHERE SAFFL = 'Y' AND (DTHFL = 'Y' OR DTHDT IS NOT NULL)""").df()
    death = {u: (_dates(pd.Series([d])).iloc[0] if not pd.isna(d) else "", _text(dy))
             for u, d, dy in zip(dead["USUBJID"], dead["DTHDT"], dead["DTHDY"], strict=True)}
    out = set()
    for r in ae.itertuples(index=False):
        dd, dy = death.get(r.USUBJID, ("", ""))
        out.add((r.USUBJID, _text(r.AESEQ), r.AEDECOD, _dates(pd.Series([r.ASTDT])).iloc[0],
                 _text(r.AESER), dd, dy))
    for u, (dd, dy) in death.items():
        if u not in set(ae["USUBJID"]):
            out.add((u, "", "", "", "", dd, dy))
    cols = ["Participant", "Seq.", "Preferred term", "Start date", "Serious", "Death date",
            "Death day"]
    return cols, out


def relapse_flags(episodes: pd.DataFrame, merge_days: int) -> pd.DataFrame:
    """SAP 3 Relapse, per recorded episode of one dataset (USUBJID, RLSEQ, ASTDT, RLGT24H,
    RLFEVINF): COUNTED "Y" for an episode > 24 h not explained by fever/infection that does
    not start within ``merge_days`` days of the first onset of the current cluster of such
    episodes of the participant; else "N" with the REASON."""
    ep = episodes.sort_values(["USUBJID", "ASTDT", "RLSEQ"]).reset_index(drop=True)
    counted, reason = [], []
    start: dict[str, pd.Timestamp] = {}
    for r in ep.itertuples(index=False):
        if r.RLGT24H != "Y":
            counted.append("N")
            reason.append("Symptoms lasted 24 h or less")
        elif r.RLFEVINF == "Y":
            counted.append("N")
            reason.append("Explained by fever or infection")
        elif r.USUBJID in start and (r.ASTDT - start[r.USUBJID]).days <= merge_days:
            counted.append("N")
            reason.append(f"Merged into the relapse of {start[r.USUBJID]:%Y-%m-%d}")
        else:
            start[r.USUBJID] = r.ASTDT
            counted.append("Y")
            reason.append("")
    return ep.assign(COUNTED=counted, REASON=reason)


def qc_l16_2_6(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.6: every ADRELAP episode of the Infused set with whether it counts as a relapse
    (:func:`relapse_flags`), why not, and the ARR period of a counted relapse (SAP 3 ARR):
    Pre-treatment = onset in the 24 months before enrolment (ENRLDT, else RFICDT);
    Post-infusion = Day 0 to end of follow-up (min of last contact [LSTALVDT, else EOSDT],
    death, cut-off); otherwise Neither period."""
    con = connect(snapshot_dir)
    cutoff = pd.Timestamp(manifest(snapshot_dir)["cutoff"])
    months = int(config.raw["constants"]["pre_treatment_arr_months"])
    merge_days = int(config.raw["constants"]["relapse_merge_days"])
    sl = con.execute("""
      SELECT USUBJID, CAST(INFDT AS DATE) AS INFDT,
             CAST(coalesce(ENRLDT, RFICDT) AS DATE) AS ENR,
             CAST(coalesce(LSTALVDT, EOSDT) AS DATE) AS LAST, CAST(DTHDT AS DATE) AS DTHDT
      FROM ADSL WHERE INFFL = 'Y'""").df()
    for c in ("INFDT", "ENR", "LAST", "DTHDT"):
        sl[c] = pd.to_datetime(sl[c])
    sl["FUEND"] = sl[["LAST", "DTHDT"]].assign(CUT=cutoff).min(axis=1, skipna=True)
    ep = con.execute("""
      SELECT USUBJID, RLSEQ, CAST(ASTDT AS DATE) AS ASTDT, RLGT24H, RLFEVINF FROM ADRELAP
      WHERE USUBJID IN (SELECT USUBJID FROM ADSL WHERE INFFL = 'Y')""").df()
    ep["ASTDT"] = pd.to_datetime(ep["ASTDT"])
    ep = relapse_flags(ep, merge_days).merge(sl, on="USUBJID", how="left")
    out = set()
    for r in ep.itertuples(index=False):
        period = ""
        if r.COUNTED == "Y":
            if r.ENR - pd.DateOffset(months=months) <= r.ASTDT < r.ENR:
                period = "Pre-treatment"
            elif r.INFDT <= r.ASTDT <= r.FUEND:
                period = "Post-infusion"
            else:
                period = "Neither period"
        day = "" if pd.isna(r.INFDT) else minus(str((r.ASTDT - r.INFDT).days))
        out.add((r.USUBJID, _text(r.RLSEQ), f"{r.ASTDT:%Y-%m-%d}", day, r.RLGT24H, r.RLFEVINF,
                 r.COUNTED, r.REASON, period))
    cols = ["Participant", "Episode", "Onset date", "Study day", "> 24 h", "Fever/infection",
            "Counts as relapse", "Reason not counted", "ARR period"]
    return cols, out


# --- L16.2.2, L16.2.3, L16.2.6.1-L16.2.6.5, L16.2.8.1-L16.2.8.2 (issue 15) --------------------
#
# Written from SAP 2, SAP 3, SAP 5 and the dataset specifications, apart from ``analysis``:
# SQL over the snapshot's Parquet files; numbers shown with the decimals the raw values of
# their parameter are recorded with (qc_format.decimals_of).

from qc_format import decimals_of, half_away  # noqa: E402


def _num(v, decimals: int) -> str:
    return "" if v is None or pd.isna(v) else half_away(float(v), decimals)


def _by_param(df: pd.DataFrame, value: str = "AVAL", key: str = "PARAMCD") -> list[str]:
    dec = {p: decimals_of(g[value].dropna()) for p, g in df.groupby(key)}
    return [_num(v, dec[p]) for p, v in zip(df[key], df[value], strict=True)]


def _set(flag: str) -> str:
    return f"SELECT USUBJID FROM ADSL WHERE {flag} = 'Y'"


def qc_l16_2_2(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.2: every ADDV deviation of an enrolled participant."""
    dv = connect(snapshot_dir).execute(f"""
      SELECT USUBJID, DVCAT, DVTERM, ASTDT, DVIMPFL FROM ADDV
      WHERE USUBJID IN ({_set('ENRLFL')})""").df()
    cols = ["Participant", "Category", "Deviation", "Date", "Important"]
    return cols, set(zip(dv["USUBJID"], dv["DVCAT"], dv["DVTERM"], _dates(dv["ASTDT"]),
                         dv["DVIMPFL"], strict=True))


def qc_l16_2_3(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.3: per enrolled participant, each of the Safety, Infused and DLT-evaluable sets
    whose flag is not Y, and why (SAP 2): no lymphodepletion date, else no infusion date,
    else (DLT-evaluable) neither followed for the DLT window nor a DLT."""
    window = int(config.raw["registry"]["dlt_window_days"])
    sl = connect(snapshot_dir).execute(
        "SELECT USUBJID, SAFFL, INFFL, DLTEVLFL, LDSTDT, INFDT FROM ADSL WHERE ENRLFL = 'Y'"
    ).df()
    out = set()
    for r in sl.itertuples(index=False):
        for name, flag in (("Safety", r.SAFFL), ("Infused", r.INFFL),
                           ("DLT-evaluable", r.DLTEVLFL)):
            if flag == "Y":
                continue
            if pd.isna(r.LDSTDT):
                why = "Had not started lymphodepletion by the data cut-off"
            elif name != "Safety" and pd.isna(r.INFDT):
                why = "Had not received the CAR-T infusion by the data cut-off"
            elif name == "DLT-evaluable":
                why = (f"Infused, but neither followed for the {window}-day DLT window nor "
                       "with a DLT by the data cut-off")
            else:
                why = f"Not in the {name} set"
            out.add((r.USUBJID, name, why))
    return ["Participant", "Analysis set", "Reason"], out


def _baseline_change(df: pd.DataFrame, infdt: dict, by: list[str]) -> pd.Series:
    """AVAL - the last non-missing AVAL dated on or before the infusion (SAP 3 baseline)."""
    df = df.assign(_INF=pd.to_datetime(df["USUBJID"].map(infdt)),
                   ADT=pd.to_datetime(df["ADT"]))
    pre = df[df["AVAL"].notna() & (df["ADT"] <= df["_INF"])].sort_values("ADT", kind="mergesort")
    base = pre.groupby(by)["AVAL"].last().rename("_BASE").reset_index()
    return df["AVAL"].to_numpy() - df[by].merge(base, on=by, how="left")["_BASE"].to_numpy()


def qc_l16_2_6_1(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.6.1: every ADEDSS assessment of an infused participant, with the change from
    baseline (last assessment on or before the infusion)."""
    con = connect(snapshot_dir)
    sl = con.execute("SELECT USUBJID, INFDT FROM ADSL WHERE INFFL = 'Y'").df()
    e = con.execute(f"SELECT USUBJID, ADT, AVAL FROM ADEDSS WHERE USUBJID IN "
                    f"({_set('INFFL')})").df()
    e["PARAMCD"] = "EDSS"
    chg = _baseline_change(e, dict(zip(sl.USUBJID, sl.INFDT, strict=True)), ["USUBJID"])
    d = decimals_of(e["AVAL"].dropna())
    dc = decimals_of(pd.Series(chg).dropna())
    cols = ["Participant", "Date", "EDSS", "Change from baseline"]
    return cols, {(u, t, _num(v, d), _num(c, dc)) for u, t, v, c in
                  zip(e["USUBJID"], _dates(e["ADT"]), e["AVAL"], chg, strict=True)}


def qc_l16_2_6_2(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.6.2: every ADVA assessment (per eye) of an infused participant, as recorded."""
    va = connect(snapshot_dir).execute(f"""
      SELECT USUBJID, LAT, ADT, VAFMT, VAORRES FROM ADVA
      WHERE USUBJID IN ({_set('INFFL')})""").df()
    cols = ["Participant", "Eye", "Date", "Format", "As recorded"]
    return cols, set(zip(va["USUBJID"], va["LAT"], _dates(va["ADT"]), va["VAFMT"],
                         va["VAORRES"], strict=True))


def qc_l16_2_6_3(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.6.3: one row per MRI scan (participant and date) with both lesion counts."""
    m = connect(snapshot_dir).execute(f"""
      SELECT USUBJID, ADT,
             max(CASE WHEN PARAMCD = 'T2NEWENL' THEN AVAL END) AS T2,
             max(CASE WHEN PARAMCD = 'GDT1' THEN AVAL END) AS GD
      FROM ADMRI WHERE USUBJID IN ({_set('INFFL')}) GROUP BY USUBJID, ADT""").df()
    cols = ["Participant", "Date", "New or Enlarging T2 Lesions (count)",
            "Gd-Enhancing T1 Lesions (count)"]
    return cols, {(u, t, _num(a, 0), _num(b, 0)) for u, t, a, b in
                  zip(m["USUBJID"], _dates(m["ADT"]), m["T2"], m["GD"], strict=True)}


def _lab_value(df: pd.DataFrame) -> list[str]:
    """ADLB value as recorded: titre 1:N, number with its parameter's decimals, else AVALC."""
    num = _by_param(df)
    out = []
    for p, v, c, n in zip(df["PARAMCD"], df["AVAL"], df["AVALC"], num, strict=True):
        if p == "AQP4TIT" and not pd.isna(v):
            out.append(f"1:{int(round(float(v)))}")
        else:
            out.append(n if n != "" else ("" if c is None or pd.isna(c) else str(c)))
    return out


def _lab(con, params, flag) -> pd.DataFrame:
    codes = ", ".join(f"'{p}'" for p in params)
    return con.execute(f"""
      SELECT USUBJID, PARAMCD, PARAM, ADT, AVAL, AVALC, ANRLO FROM ADLB
      WHERE PARAMCD IN ({codes}) AND USUBJID IN ({_set(flag)})""").df()


def qc_l16_2_6_4(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.6.4: every AQP4-IgG, B-cell, cytokine and BAFF record of an infused participant."""
    lb = _lab(connect(snapshot_dir), ("AQP4TIT", "CD19ABS", "CD19PCT", "CD19BM", "IL6",
                                      "IFNG", "TNFA", "BAFF"), "INFFL")
    cols = ["Participant", "Parameter", "Date", "Value"]
    return cols, set(zip(lb["USUBJID"], lb["PARAM"], _dates(lb["ADT"]), _lab_value(lb),
                         strict=True))


def qc_l16_2_6_5(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.6.5: every ADPC sample of an infused participant (BLQ shown as BLQ) and the
    four kinetic parameters per assay (qc_kinetics.nca, the QC of T14.2.8)."""
    import qc_kinetics

    con = connect(snapshot_dir)
    inf = set(con.execute(_set("INFFL")).df()["USUBJID"])
    pc = con.execute("SELECT USUBJID, PARAMCD, PARAM, ADY, AVAL, BLQFL, AVALU FROM ADPC").df()
    pc = pc[pc.USUBJID.isin(inf)]
    out = set()
    dec = {p: decimals_of(g["AVAL"].dropna()) for p, g in pc.groupby("PARAMCD")}
    for r in pc.itertuples(index=False):
        out.add((r.USUBJID, r.PARAM, "Sample", _num(r.ADY, 0),
                 "BLQ" if r.BLQFL == "Y" else _num(r.AVAL, dec[r.PARAMCD])))
    names = dict(zip(pc.PARAMCD, pc.PARAM, strict=False))
    for r in qc_kinetics.nca(con).itertuples(index=False):
        if r.USUBJID not in inf:
            continue
        d = dec[r.PARAMCD]
        for label, v, k in (("Cmax", r.CMAX, d), ("Tmax", r.TMAX, 0), ("AUC0-28", r.AUC, d + 1),
                            ("Tlast (persistence)", r.TLAST, 0)):
            # float noise below 1e-9 dropped before rounding (an exact midpoint rounds up)
            out.add((r.USUBJID, names[r.PARAMCD], label, "",
                     "" if pd.isna(v) else half_away(round(float(v), 9), k)))
    return ["Participant", "Analyte", "Record", "Study day", "Value"], out


def _ctcae(p: str, v, lln) -> str:
    """CTCAE v5.0 grade of a low haematology value (grade 1 below the LLN)."""
    if v is None or pd.isna(v):
        return ""
    bounds = {"ANC": (1500, 1000, 500), "PLAT": (75, 50, 25), "HGB": (10, 8),
              "LYMPH": (800, 500, 200)}[p]
    grade = 1 if (lln is not None and not pd.isna(lln) and v < lln) else 0
    for g, b in enumerate(bounds, start=2):
        if v < b:
            grade = g
    return str(grade)


def qc_l16_2_8_1(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.8.1: every haematology record of the Safety set with its CTCAE v5.0 grade."""
    lb = _lab(connect(snapshot_dir), ("ANC", "PLAT", "HGB", "LYMPH"), "SAFFL")
    grades = [_ctcae(p, v, lo) for p, v, lo in zip(lb["PARAMCD"], lb["AVAL"], lb["ANRLO"],
                                                   strict=True)]
    cols = ["Participant", "Parameter", "Date", "Value", "CTCAE grade"]
    return cols, set(zip(lb["USUBJID"], lb["PARAM"], _dates(lb["ADT"]), _lab_value(lb),
                         grades, strict=True))


def qc_l16_2_8_2(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.8.2: every IgG/IgA/IgM record of the Safety set (below the LLN Y/N) and every
    IVIG course (ADCM CMCAT IVIG)."""
    con = connect(snapshot_dir)
    lb = _lab(con, ("IGG", "IGA", "IGM"), "SAFFL")
    below = ["" if pd.isna(v) or pd.isna(lo) else ("Y" if v < lo else "N")
             for v, lo in zip(lb["AVAL"], lb["ANRLO"], strict=True)]
    out = set(zip(lb["USUBJID"], ["Laboratory value"] * len(lb), lb["PARAM"],
                  _dates(lb["ADT"]), _lab_value(lb), below, strict=True))
    cm = con.execute(f"""SELECT USUBJID, CMDECOD, ASTDT FROM ADCM WHERE CMCAT = 'IVIG'
                         AND USUBJID IN ({_set('SAFFL')})""").df()
    out |= set(zip(cm["USUBJID"], ["IVIG administration"] * len(cm), cm["CMDECOD"],
                   _dates(cm["ASTDT"]), [""] * len(cm), [""] * len(cm), strict=True))
    return ["Participant", "Record", "Parameter or medication", "Date", "Value",
            "Below normal"], out
