"""Cytokines and serum BAFF: peak, fold change, time to peak (SAP 3, Cytokines).

SAP 3: "IL-6, IFN-gamma, TNF-alpha (pg/mL) and serum BAFF (pg/mL): peak
post-infusion value, fold change from baseline, time to peak."

Conventions (footnoted in the displays):
- baseline: :func:`analysis.derive.baseline.derive_var_base` (SAP 3);
- post-infusion = study day ADY >= 1 (a Day 0 sample is a baseline candidate);
- PEAK = maximum post-infusion value; TPEAK = study day of its first
  occurrence; FOLD = PEAK / BASE (missing when the baseline is missing or 0);
- a participant without a post-infusion value has no peak (not evaluable).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.derive.baseline import derive_var_base

CYTOKINES = ("IL6", "IFNG", "TNFA", "BAFF")
PEAK_COLUMNS = ["USUBJID", "PARAMCD", "BASE", "PEAK", "TPEAK", "FOLD"]


def compute_peaks(adlb: pd.DataFrame, adsl: pd.DataFrame,
                  params: tuple[str, ...] = CYTOKINES) -> pd.DataFrame:
    """One row per (USUBJID, PARAMCD) with a ``params`` record: BASE, PEAK, TPEAK, FOLD."""
    for v in ("USUBJID", "PARAMCD", "AVAL", "ADY", "ADT"):
        if v not in adlb.columns:
            raise KeyError(f"compute_peaks: ADLB has no variable {v}")
    lb = derive_var_base(adlb[adlb["PARAMCD"].isin(params)], adsl)
    rows = []
    for (u, p), g in lb.groupby(["USUBJID", "PARAMCD"], sort=True):
        base = g["BASE"].iloc[0]
        post = g[(g["ADY"] >= 1) & g["AVAL"].notna()].sort_values(["ADY", "ADT"])
        if post.empty:
            peak, tpeak = math.nan, math.nan
        else:
            i = post["AVAL"].to_numpy(float).argmax()
            peak, tpeak = float(post["AVAL"].iloc[i]), float(post["ADY"].iloc[i])
        fold = peak / base if not pd.isna(base) and base > 0 and not math.isnan(peak) else math.nan
        rows.append({"USUBJID": u, "PARAMCD": p, "BASE": base, "PEAK": peak, "TPEAK": tpeak,
                     "FOLD": fold})
    return pd.DataFrame(rows, columns=PEAK_COLUMNS)
