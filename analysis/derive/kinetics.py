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
- AUC0-28 = linear trapezoid (``numpy.trapezoid``) over the OBSERVED samples
  with 0 <= ADY <= 28, no extrapolation to Day 28; NaN (not estimable) with
  fewer than 2 samples in the window; 0 when every sample is BLQ;
- Tlast = persistence = last day with a quantifiable value (NaN when none);
- a participant with no sample at or after Day 0 gets no parameter row values
  (all NaN): not evaluable.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

AUC_WINDOW = (0, 28)  # SAP 3: AUC0-28 (days)
NCA_COLUMNS = ["USUBJID", "PARAMCD", "NSAMP", "NQUANT", "CMAX", "TMAX", "AUC", "TLAST"]


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
    inw = (d >= window[0]) & (d <= window[1])
    auc = float(np.trapezoid(v[inw], d[inw])) if inw.sum() >= 2 else math.nan
    tlast = float(d[q].max()) if q.any() else math.nan
    return {"NSAMP": int(len(d)), "NQUANT": int(q.sum()), "CMAX": cmax, "TMAX": tmax,
            "AUC": auc, "TLAST": tlast}


def compute_nca(adpc: pd.DataFrame, window: tuple[int, int] = AUC_WINDOW) -> pd.DataFrame:
    """One row per (USUBJID, PARAMCD) with NSAMP, NQUANT, CMAX, TMAX, AUC (AUC0-28), TLAST
    (definitions in the module docstring; SAP 3, CAR-T kinetics)."""
    df = derive_var_aval0(adpc)
    df = df[df["ADY"].notna()]
    rows = []
    for (subj, param), g in df.groupby(["USUBJID", "PARAMCD"], sort=True):
        p = nca_parameters(g["ADY"].to_numpy(float), g["AVAL0"].to_numpy(float),
                           (g["BLQFL"].astype(str) != "Y").to_numpy(), window)
        rows.append({"USUBJID": subj, "PARAMCD": param, **p})
    return pd.DataFrame(rows, columns=NCA_COLUMNS)


def derive_var_aplot(adpc: pd.DataFrame) -> pd.DataFrame:
    """Add APLOT: the value plotted on a log axis (F14.2.6): AVAL, BLQ at LLOQ/2."""
    out = adpc.copy()
    blq = out["BLQFL"].astype(str) == "Y"
    out["APLOT"] = out["AVAL"].astype(float).where(~blq, out["LLOQ"].astype(float) / 2.0)
    return out
