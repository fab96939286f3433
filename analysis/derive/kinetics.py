"""CAR-T cellular kinetics: non-compartmental parameters (SAP 3, CAR-T kinetics).

SAP 3: "% CAR+ of CD3+ cells in blood (flow) and transgene copies/ug genomic
DNA (qPCR). Non-compartmental: Cmax, Tmax, AUC0-28 (linear trapezoid, days x
unit), Tlast and persistence (last quantifiable day). Values below the limit
of quantification (BLQ) count as 0 for AUC and are shown as BLQ in listings.
Summaries: geometric mean (geometric CV%), median, range, by dose level."

Conventions of this module (documented in the display footnotes):
- time is ADY (study day, Day 0 = infusion); only samples with ADY >= 0 are
  used (a pre-dose/Day 0 BLQ sample counts as 0);
- BLQ (ADPC.BLQFL = "Y") counts as 0 for Cmax and AUC;
- Cmax = maximum value (0 when every sample is BLQ); Tmax = first day the
  maximum is reached (undefined, NaN, when Cmax is 0);
- AUC0-28 = partial AUC as NCA software computes it (SAP 3, issue 14): linear
  trapezoid (``numpy.trapezoid``) from Day 0 to Day 28, where the level at
  infusion (Day 0) is 0 unless a Day 0 sample is recorded, and the level at
  Day 28 is linearly interpolated between the last sample before and the
  first sample after Day 28 when no sample falls on Day 28; NaN (not
  estimable) without a sample on or after Day 28 (no extrapolation) or
  without any sample after Day 0; 0 when every sample is BLQ;
- Tlast = persistence = last day with a quantifiable value (NaN when none);
- a participant with no sample at or after Day 0 gets no parameter row values
  (all NaN): not evaluable.

Another study's standard ADaM ADPC (CDISC ADNCA, e.g. the pharmaverse ADaM) is
read by the ADaM variables it holds (:func:`kinetic_records`): its dosing
records (SRCDOM "EX") are not samples; time is the actual relative time from
the first dose (AFRLT, unit FRLTU) in days, the nominal time NFRLT likewise;
without BLQFL a sample is BLQ when its value is missing or below the LLOQ
(LLOQ, else ALLOQ); a PARAMCD measured in several specimens (PARCAT1, e.g.
plasma and urine) is one analyte per specimen. The same definitions apply.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

AUC_WINDOW = (0, 28)  # SAP 3: AUC0-28 (days)
NCA_COLUMNS = ["USUBJID", "ANALYTE", "PARAMCD", "NSAMP", "NQUANT", "CMAX", "TMAX", "AUC",
               "TLAST"]


def derive_var_aval0(adpc: pd.DataFrame) -> pd.DataFrame:
    """Add AVAL0: AVAL with BLQ (BLQFL "Y") set to 0 (SAP 3: BLQ counts as 0 for AUC).

    A non-BLQ record with AVAL missing is an input error (names USUBJID/PARAMCD/ADY).
    """
    for v in ("USUBJID", "PARAMCD", "AVAL", "BLQFL", "ADY"):
        if v not in adpc.columns:
            raise KeyError(f"derive_var_aval0: ADPC has no variable {v}")
    out = adpc.copy()
    blq = out["BLQFL"].astype(str) == "Y"
    bad = ~blq & out["AVAL"].isna()
    if bad.any():
        r = out[bad].iloc[0]
        raise ValueError(f"ADPC: AVAL missing but BLQFL not 'Y' for USUBJID={r['USUBJID']} "
                         f"PARAMCD={r['PARAMCD']} ADY={r['ADY']}")
    out["AVAL0"] = out["AVAL"].astype(float).where(~blq, 0.0)
    return out


HOURS_PER_DAY = 24.0
TIME_UNITS = {"HOURS": 1 / HOURS_PER_DAY, "HOUR": 1 / HOURS_PER_DAY, "H": 1 / HOURS_PER_DAY,
              "HR": 1 / HOURS_PER_DAY, "DAYS": 1.0, "DAY": 1.0, "D": 1.0,
              "MINUTES": 1 / 1440, "MIN": 1 / 1440}
SHORT_UNITS = {"HOURS": "h", "HOUR": "h", "H": "h", "HR": "h", "DAYS": "d", "DAY": "d",
               "D": "d", "MINUTES": "min", "MIN": "min"}
RECORD_COLUMNS = ["USUBJID", "ANALYTE", "PARAMCD", "LABEL", "UNIT", "TIME", "NOMTIME",
                  "NOMLABEL", "AVAL", "AVAL0", "BLQ", "LLOQ"]


def time_basis(adpc: pd.DataFrame) -> str:
    """``"ADY"``: study days from the infusion (this study); ``"AFRLT"``: actual time from
    the first dose (another study's ADNCA-style ADPC)."""
    return "AFRLT" if "AFRLT" in adpc.columns and "BLQFL" not in adpc.columns else "ADY"


def _days(adpc: pd.DataFrame, var: str) -> pd.Series:
    unit = adpc["FRLTU"].astype("string").str.upper().str.strip() if "FRLTU" in adpc.columns \
        else pd.Series("HOURS", index=adpc.index, dtype="string")
    factor = unit.map(TIME_UNITS)
    if factor.isna().any():
        bad = unit[factor.isna()].iloc[0]
        raise KeyError(f"ADPC: unknown time unit FRLTU={bad!r} of {var}")
    return adpc[var].astype(float) * factor.astype(float)


def kinetic_records(adpc: pd.DataFrame) -> pd.DataFrame:
    """The samples of ADPC in one shape (conventions in the module doc): USUBJID,
    ANALYTE (PARAMCD, with the specimen when it has several), PARAMCD, LABEL (PARAM,
    with the specimen), UNIT, TIME (days), NOMTIME (nominal days) and NOMLABEL (this
    study: the visit, AVISITN and AVISIT; another study: NFRLT, e.g. "0.5 h"), AVAL,
    AVAL0 (BLQ as 0), BLQ (bool), LLOQ."""
    if "BLQFL" in adpc.columns:  # this study's ADPC
        df = derive_var_aval0(adpc)
        blq = df["BLQFL"].astype(str) == "Y"
        time, nom = df["ADY"].astype(float), (df["AVISITN"].astype(float)
                                              if "AVISITN" in df.columns else math.nan)
        nomlabel = df["AVISIT"].astype("string") if "AVISIT" in df.columns else pd.NA
        lloq = df["LLOQ"].astype(float) if "LLOQ" in df.columns else math.nan
    else:
        for v in ("USUBJID", "PARAMCD", "AVAL"):
            if v not in adpc.columns:
                raise KeyError(f"ADPC has no variable {v}")
        df = adpc
        if "SRCDOM" in df.columns:
            df = df[df["SRCDOM"].astype("string").fillna("") != "EX"]
        lloq_var = next((v for v in ("LLOQ", "ALLOQ") if v in df.columns), None)
        if lloq_var is None:
            raise KeyError("ADPC has neither BLQFL nor an LLOQ (LLOQ, ALLOQ): BLQ samples "
                           "cannot be told")
        lloq = df[lloq_var].astype(float)
        value = df["AVAL"].astype(float)
        blq = value.isna() | (value < lloq)
        if (value.isna() & lloq.isna()).any():
            r = df[value.isna() & lloq.isna()].iloc[0]
            raise ValueError(f"ADPC: AVAL and {lloq_var} missing for USUBJID={r['USUBJID']} "
                             f"PARAMCD={r['PARAMCD']}")
        nomlabel = pd.NA
        if time_basis(df) == "AFRLT":
            time = _days(df, "AFRLT")
            nom = _days(df, "NFRLT") if "NFRLT" in df.columns else math.nan
            if "NFRLT" in df.columns:
                unit = (df["FRLTU"].astype("string").str.upper().str.strip().map(SHORT_UNITS)
                        if "FRLTU" in df.columns else "h")
                nomlabel = df["NFRLT"].map(lambda v: f"{v:g}") + " " + unit
        else:
            if "ADY" not in df.columns:
                raise KeyError("ADPC has neither ADY nor AFRLT: no time of sample")
            time, nom = df["ADY"].astype(float), math.nan
        df = df.assign(AVAL0=value.where(~blq, 0.0))
    specimen = df["PARCAT1"].astype("string").fillna("") if "PARCAT1" in df.columns else \
        pd.Series("", index=df.index, dtype="string")
    several = specimen.groupby(df["PARAMCD"]).transform("nunique") > 1
    label = df["PARAM"].astype(str) if "PARAM" in df.columns else df["PARAMCD"].astype(str)
    out = pd.DataFrame({
        "USUBJID": df["USUBJID"], "PARAMCD": df["PARAMCD"],
        "ANALYTE": df["PARAMCD"].astype(str).where(~several, df["PARAMCD"].astype(str) + " "
                                                   + specimen.astype(str)),
        "LABEL": label.where(~several, label + " (" + specimen.str.capitalize() + ")"),
        "UNIT": df["AVALU"].astype("string") if "AVALU" in df.columns else pd.NA,
        "TIME": time, "NOMTIME": nom, "NOMLABEL": nomlabel, "AVAL": df["AVAL"].astype(float),
        "AVAL0": df["AVAL0"].astype(float), "BLQ": blq.astype(bool), "LLOQ": lloq,
    }, index=df.index)
    return out[out["TIME"].notna()][RECORD_COLUMNS]


def nca_parameters(days: np.ndarray, values: np.ndarray, quantifiable: np.ndarray,
                   window: tuple[int, int] = AUC_WINDOW) -> dict[str, float]:
    """Cmax, Tmax, AUC (window), Tlast of one profile (days, BLQ-as-0 values, quantifiable flags)."""
    order = np.argsort(days, kind="stable")
    d, v, q = (np.asarray(days, float)[order], np.asarray(values, float)[order],
               np.asarray(quantifiable, bool)[order])
    keep = d >= 0
    d, v, q = d[keep], v[keep], q[keep]
    if len(d) == 0:
        return {"NSAMP": 0, "NQUANT": 0, "CMAX": math.nan, "TMAX": math.nan,
                "AUC": math.nan, "TLAST": math.nan}
    cmax = float(v.max())
    tmax = float(d[np.argmax(v)]) if cmax > 0 else math.nan
    auc = partial_auc(d, v, window)
    tlast = float(d[q].max()) if q.any() else math.nan
    return {"NSAMP": int(len(d)), "NQUANT": int(q.sum()), "CMAX": cmax, "TMAX": tmax,
            "AUC": auc, "TLAST": tlast}


def partial_auc(days: np.ndarray, values: np.ndarray,
                window: tuple[int, int] = AUC_WINDOW) -> float:
    """AUC from ``window[0]`` (the infusion, Day 0) to ``window[1]`` (Day 28) by the
    linear trapezoid (SAP 3, CAR-T kinetics; rule in the module docstring).

    ``days`` ascending, ``values`` BLQ-as-0. The level at ``window[0]`` is 0 unless
    a sample is recorded there; the level at ``window[1]`` is the sample on that
    day, else the linear interpolation between the bracketing samples; NaN (not
    estimable) when no sample falls on or after ``window[1]`` or none after
    ``window[0]``.
    """
    d, v = np.asarray(days, float), np.asarray(values, float)
    start, end = float(window[0]), float(window[1])
    if not (d >= end).any() or not (d > start).any():
        return math.nan
    if not (d == start).any():
        d, v = np.concatenate([[start], d]), np.concatenate([[0.0], v])
    order = np.argsort(d, kind="stable")
    d, v = d[order], v[order]
    keep = d >= start
    d, v = d[keep], v[keep]
    if not (d == end).any():
        after = int(np.argmax(d > end))
        d0, d1, v0, v1 = d[after - 1], d[after], v[after - 1], v[after]
        v_end = v0 + (v1 - v0) * (end - d0) / (d1 - d0)
        d = np.concatenate([d[:after], [end]])
        v = np.concatenate([v[:after], [v_end]])
    inw = d <= end
    return float(np.trapezoid(v[inw], d[inw]))


def compute_nca(adpc: pd.DataFrame, window: tuple[int, int] = AUC_WINDOW) -> pd.DataFrame:
    """One row per (USUBJID, ANALYTE) with PARAMCD, NSAMP, NQUANT, CMAX, TMAX, AUC
    (AUC0-28), TLAST (definitions in the module docstring; SAP 3, CAR-T kinetics)."""
    df = kinetic_records(adpc)
    rows = []
    for (subj, analyte), g in df.groupby(["USUBJID", "ANALYTE"], sort=True):
        p = nca_parameters(g["TIME"].to_numpy(float), g["AVAL0"].to_numpy(float),
                           (~g["BLQ"]).to_numpy(), window)
        rows.append({"USUBJID": subj, "ANALYTE": analyte, "PARAMCD": g["PARAMCD"].iloc[0], **p})
    return pd.DataFrame(rows, columns=NCA_COLUMNS)


def analytes(records: pd.DataFrame, known: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """(ANALYTE, LABEL, UNIT) of the analytes of :func:`kinetic_records`, those of ``known``
    (PARAMCDs, e.g. this study's assays) first in that order, then the others as they
    come."""
    first = records.drop_duplicates("ANALYTE")
    order = {a: i for i, a in enumerate(known)}
    first = first.assign(_o=first["ANALYTE"].map(order).fillna(len(order)))
    first = first.sort_values("_o", kind="stable")
    return [(r.ANALYTE, r.LABEL, "" if pd.isna(r.UNIT) else str(r.UNIT))
            for r in first.itertuples(index=False)]


def derive_var_aplot(records: pd.DataFrame) -> pd.DataFrame:
    """Add APLOT: the value plotted on a log axis (F14.2.6): AVAL, BLQ at LLOQ/2. Takes
    :func:`kinetic_records` (or this study's ADPC, with BLQFL and LLOQ)."""
    out = records.copy()
    blq = out["BLQ"] if "BLQ" in out.columns else out["BLQFL"].astype(str) == "Y"
    out["APLOT"] = out["AVAL"].astype(float).where(~blq, out["LLOQ"].astype(float) / 2.0)
    return out
