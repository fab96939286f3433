"""Relapses, follow-up and annualised relapse rates (SAP 3, Relapse and ARR).

SAP 3, Relapse: "new or worsening neurological symptoms >24 h, not explained
by fever or infection; onsets within 30 days count as one relapse."

SAP 3, ARR: "post-infusion ARR = relapses from Day 0 to end of follow-up (min
of last contact, death, cut-off) / participant-years of that period (365.25
days/year). Pre-treatment ARR = relapses in the 24 months before enrolment / 2."

Precise rules applied here (the constants come from ``study.yml``):

- An episode of ADRELAP *qualifies* when RLGT24H = "Y" (symptoms lasted more
  than 24 h) and RLFEVINF = "N" (not explained by fever or infection).
- Merging (``constants.relapse_merge_days`` = 30) is chained from the first
  onset of a cluster: qualifying episodes of a participant are taken in onset
  order (ASTDT, then RLSEQ); the first opens a cluster; a later episode whose
  onset is at most 30 days after the cluster's *first* onset
  (ASTDT - first onset <= 30 days) merges into that cluster; otherwise it
  opens a new cluster. So onsets on days 0, 20 and 40 are two relapses
  (day 40 is 40 days after day 0), not one. Each cluster is one relapse, dated
  by its first onset. Merging ignores RLPHASE: a cluster is one attack
  whatever phase its later onsets were recorded in, and it belongs to the
  period of its first onset. Non-qualifying episodes neither open nor extend
  a cluster.
- End of follow-up = min(last contact, death date, data cut-off), where last
  contact is ADSL.LSTALVDT (else EOSDT); missing dates are ignored.
- Post-infusion period: Day 0 (ADSL.INFDT) to end of follow-up, both
  inclusive; exposure = (end - INFDT + 1) days / 365.25. A relapse on Day 0
  counts as post-infusion.
- Pre-treatment period: onsets in [ENRLDT - 24 months, ENRLDT) (calendar
  months, ``constants.pre_treatment_arr_months``); exposure = 24 / 12 years.
  Relapses between enrolment and Day 0 belong to neither period.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analysis.config import StudyConfig
from analysis.frames import require_columns

REASON_SHORT = "Symptoms lasted 24 h or less"
REASON_FEVER = "Explained by fever or infection"


def derive_relapse_flags(adrelap: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """Add per-episode relapse flags to ADRELAP (SAP 3, Relapse; rules in the module doc).

    Adds:
    - ``RLQUALFL``: "Y" when the episode qualifies (>24 h and not fever/infection);
    - ``RLCNTFL``: "Y" when the episode counts as a relapse (it opens a cluster);
    - ``RLCLUSDT``: onset date of the first episode of its cluster (qualifying only);
    - ``RLREASON``: why the episode does not count ("" when it counts), e.g.
      "Symptoms lasted 24 h or less", "Explained by fever or infection",
      "Merged into the relapse of 2024-03-01".

    Returns a new frame in the input row order. Values of RLGT24H/RLFEVINF other
    than "Y"/"N" raise ``ValueError`` naming USUBJID, RLSEQ, variable and value.
    """
    require_columns(adrelap, ("USUBJID", "RLSEQ", "ASTDT", "RLGT24H", "RLFEVINF"), "ADRELAP")
    merge_days = int(config.constants["relapse_merge_days"])
    df = adrelap.copy()
    for var in ("RLGT24H", "RLFEVINF"):
        bad = ~df[var].isin(["Y", "N"])
        if bad.any():
            r = df[bad].iloc[0]
            raise ValueError(f"ADRELAP USUBJID={r['USUBJID']} RLSEQ={r['RLSEQ']}: "
                             f"{var}={r[var]!r} is not 'Y' or 'N'")
    if df["ASTDT"].isna().any():
        r = df[df["ASTDT"].isna()].iloc[0]
        raise ValueError(f"ADRELAP USUBJID={r['USUBJID']} RLSEQ={r['RLSEQ']}: ASTDT is missing")
    df["ASTDT"] = pd.to_datetime(df["ASTDT"])
    qual = (df["RLGT24H"] == "Y") & (df["RLFEVINF"] == "N")
    df["RLQUALFL"] = np.where(qual, "Y", "N")
    reasons = []
    for gt24, fev in zip(df["RLGT24H"], df["RLFEVINF"], strict=False):
        parts = ([REASON_SHORT] if gt24 != "Y" else []) + ([REASON_FEVER] if fev != "N" else [])
        reasons.append("; ".join(parts))
    df["RLREASON"] = reasons
    q = df[qual].sort_values(["USUBJID", "ASTDT", "RLSEQ"])
    # One pass over the qualifying onsets in participant/date order (plain arrays:
    # the chaining is sequential within a participant, the assignment is in bulk).
    opens = np.zeros(len(q), dtype=bool)
    cluster = np.empty(len(q), dtype="datetime64[ns]")
    prev_subject, first = None, None
    for i, (subject, onset) in enumerate(zip(q["USUBJID"].to_numpy(),
                                             q["ASTDT"].to_numpy(), strict=True)):
        if subject != prev_subject or (onset - first) > np.timedelta64(merge_days, "D"):
            first, prev_subject = onset, subject
            opens[i] = True
        cluster[i] = first
    cnt = pd.Series("N", index=df.index)
    cnt[q.index[opens]] = "Y"
    df["RLCNTFL"] = cnt
    clus = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    clus[q.index] = cluster
    df["RLCLUSDT"] = clus
    merged = q.index[~opens]
    df.loc[merged, "RLREASON"] = ("Merged into the relapse of "
                                  + clus[merged].dt.strftime("%Y-%m-%d"))
    return df


def relapses(adrelap: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """The relapses (one row per cluster, SAP 3 Relapse): USUBJID, RLSEQ, ASTDT of the
    episode that opens each cluster, sorted by USUBJID and ASTDT."""
    flagged = derive_relapse_flags(adrelap, config)
    out = flagged[flagged["RLCNTFL"] == "Y"]
    return out.sort_values(["USUBJID", "ASTDT", "RLSEQ"]).reset_index(drop=True)


def _end_of_followup(adsl: pd.DataFrame, cutoff: date | None) -> pd.Series:
    last = adsl["LSTALVDT"] if "LSTALVDT" in adsl else pd.Series(pd.NaT, index=adsl.index)
    if "EOSDT" in adsl:
        last = last.fillna(adsl["EOSDT"])
    cands = [pd.to_datetime(last)]
    if "DTHDT" in adsl:
        cands.append(pd.to_datetime(adsl["DTHDT"]))
    if cutoff is not None:
        cands.append(pd.Series(pd.Timestamp(cutoff), index=adsl.index))
    return pd.concat(cands, axis=1).min(axis=1, skipna=True)


def derive_followup(adsl: pd.DataFrame, cutoff: date | None, config: StudyConfig) -> pd.DataFrame:
    """Post-infusion follow-up per participant (SAP 3, ARR).

    Returns USUBJID, INFDT, FUENDDT (= min of last contact [LSTALVDT, else EOSDT],
    DTHDT and ``cutoff``), FUDAYS (= FUENDDT - INFDT + 1: Day 0 to end, both
    inclusive), FUYRS (= FUDAYS / constants.days_per_year) and FUEND (what ended
    follow-up: "DEATH", "CUT-OFF" or "LAST CONTACT"; death wins ties, then cut-off).
    Participants without INFDT are dropped; a participant without any end date
    raises ``ValueError`` naming USUBJID.
    """
    require_columns(adsl, ("USUBJID", "INFDT"), "ADSL")
    dpy = float(config.constants["days_per_year"])
    a = adsl[adsl["INFDT"].notna()].copy()
    a["INFDT"] = pd.to_datetime(a["INFDT"])
    end = _end_of_followup(a, cutoff)
    if end.isna().any():
        bad = a.loc[end.isna(), "USUBJID"].iloc[0]
        raise ValueError(f"ADSL USUBJID={bad}: no last contact, death or cut-off date; "
                         "follow-up end cannot be derived")
    if (end < a["INFDT"]).any():
        bad = a.loc[end < a["INFDT"], "USUBJID"].iloc[0]
        raise ValueError(f"ADSL USUBJID={bad}: end of follow-up before INFDT")
    why = pd.Series("LAST CONTACT", index=a.index)
    if cutoff is not None:
        why[end == pd.Timestamp(cutoff)] = "CUT-OFF"
    if "DTHDT" in a:
        why[pd.to_datetime(a["DTHDT"]) == end] = "DEATH"
    out = pd.DataFrame({
        "USUBJID": a["USUBJID"].values,
        "INFDT": a["INFDT"].values,
        "FUENDDT": end.values,
        "FUEND": why.values,
    })
    out["FUDAYS"] = (out["FUENDDT"] - out["INFDT"]).dt.days + 1
    out["FUYRS"] = out["FUDAYS"] / dpy
    return out


def derive_relapse_periods(adrelap: pd.DataFrame, adsl: pd.DataFrame, cutoff: date | None,
                           config: StudyConfig) -> pd.DataFrame:
    """Per-participant relapse counts and exposure by period (SAP 3, ARR).

    One row per infused participant (ADSL.INFDT present) and period, with
    PERIOD "PRE" (onsets in [ENRLDT - 24 months, ENRLDT), exposure 2 years) or
    "POST" (onsets from INFDT to FUENDDT inclusive, exposure FUYRS), and
    columns USUBJID, PERIOD, RELAPSES (int), EXPOSURE (years), ARR (= RELAPSES /
    EXPOSURE). Relapses are clusters dated by their first onset
    (:func:`relapses`). ENRLDT missing falls back to RFICDT; neither raises.
    """
    require_columns(adsl, ("USUBJID", "INFDT"), "ADSL")
    months = int(config.constants["pre_treatment_arr_months"])
    fu = derive_followup(adsl, cutoff, config)
    a = adsl.set_index("USUBJID")
    enr = pd.to_datetime(a["ENRLDT"]) if "ENRLDT" in a else pd.Series(pd.NaT, index=a.index)
    if "RFICDT" in a:
        enr = enr.fillna(pd.to_datetime(a["RFICDT"]))
    fu = fu.assign(ENRLDT=fu["USUBJID"].map(enr))
    if fu["ENRLDT"].isna().any():
        bad = fu.loc[fu["ENRLDT"].isna(), "USUBJID"].iloc[0]
        raise ValueError(f"ADSL USUBJID={bad}: ENRLDT (and RFICDT) missing; "
                         "pre-treatment relapses cannot be counted")
    fu["PRESTART"] = fu["ENRLDT"] - pd.DateOffset(months=months)
    rel = relapses(adrelap, config)[["USUBJID", "ASTDT"]].merge(fu, on="USUBJID")
    pre = (rel["ASTDT"] >= rel["PRESTART"]) & (rel["ASTDT"] < rel["ENRLDT"])
    post = (rel["ASTDT"] >= rel["INFDT"]) & (rel["ASTDT"] <= rel["FUENDDT"])
    n_pre = fu["USUBJID"].map(rel[pre].groupby("USUBJID").size()).fillna(0)
    n_post = fu["USUBJID"].map(rel[post].groupby("USUBJID").size()).fillna(0)
    both = pd.DataFrame({
        "USUBJID": np.repeat(fu["USUBJID"].to_numpy(), 2),
        "PERIOD": np.tile(["PRE", "POST"], len(fu)),
        "RELAPSES": np.column_stack([n_pre.to_numpy(), n_post.to_numpy()]).ravel(),
        "EXPOSURE": np.column_stack([np.full(len(fu), months / 12.0),
                                     fu["FUYRS"].to_numpy(dtype=float)]).ravel(),
    })
    out = both[["USUBJID", "PERIOD", "RELAPSES", "EXPOSURE"]].copy()
    out["RELAPSES"] = out["RELAPSES"].astype(int)
    out["EXPOSURE"] = out["EXPOSURE"].astype(float)
    out["ARR"] = out["RELAPSES"] / out["EXPOSURE"]
    return out


def derive_time_to_relapse(adrelap: pd.DataFrame, adsl: pd.DataFrame, cutoff: date | None,
                           config: StudyConfig) -> pd.DataFrame:
    """Time to first post-infusion relapse (SAP 3, ARR: relapse-free proportion).

    One row per infused participant: USUBJID, AVAL (days from Day 0: the study
    day of the first relapse with onset in [INFDT, FUENDDT], else FUDAYS - 1, the
    study day of the end of follow-up), CNSR (0 = relapse, 1 = censored).
    """
    fu = derive_followup(adsl, cutoff, config)
    rel = relapses(adrelap, config)
    m = rel.merge(fu[["USUBJID", "INFDT", "FUENDDT"]], on="USUBJID")
    m = m[(m["ASTDT"] >= m["INFDT"]) & (m["ASTDT"] <= m["FUENDDT"])]
    first = m.groupby("USUBJID")["ASTDT"].min()
    out = fu[["USUBJID", "INFDT", "FUENDDT"]].copy()
    out["RELDT"] = out["USUBJID"].map(first)
    out["CNSR"] = out["RELDT"].isna().astype(int)
    out["AVAL"] = (out["RELDT"].fillna(out["FUENDDT"]) - out["INFDT"]).dt.days.astype(float)
    return out[["USUBJID", "AVAL", "CNSR"]].reset_index(drop=True)
