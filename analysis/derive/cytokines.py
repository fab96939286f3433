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

import pandas as pd

from analysis.derive.baseline import derive_var_base
from analysis.frames import require_columns

CYTOKINES = ("IL6", "IFNG", "TNFA", "BAFF")
PEAK_COLUMNS = ["USUBJID", "PARAMCD", "BASE", "PEAK", "TPEAK", "FOLD"]


def compute_peaks(adlb: pd.DataFrame, adsl: pd.DataFrame,
                  params: tuple[str, ...] = CYTOKINES) -> pd.DataFrame:
    """One row per (USUBJID, PARAMCD) with a ``params`` record: BASE, PEAK, TPEAK, FOLD."""
    require_columns(adlb, ("USUBJID", "PARAMCD", "AVAL", "ADY", "ADT"), "ADLB",
                    where="compute_peaks")
    keys = ["USUBJID", "PARAMCD"]
    lb = derive_var_base(adlb[adlb["PARAMCD"].isin(params)], adsl)
    out = lb.groupby(keys, sort=True)["BASE"].first().reset_index()
    post = lb[(lb["ADY"] >= 1) & lb["AVAL"].notna()].sort_values([*keys, "ADY", "ADT"])
    # the first maximum in study-day order (idxmax keeps the first in frame order)
    at_peak = post.loc[post.groupby(keys, sort=True)["AVAL"].idxmax(), [*keys, "AVAL", "ADY"]]
    at_peak = at_peak.rename(columns={"AVAL": "PEAK", "ADY": "TPEAK"})
    out = out.merge(at_peak, on=keys, how="left")
    out["PEAK"] = out["PEAK"].astype(float)
    out["TPEAK"] = out["TPEAK"].astype(float)
    base = out["BASE"].astype(float)
    out["FOLD"] = (out["PEAK"] / base).where(base > 0)
    return out[PEAK_COLUMNS]
