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
