"""AQP4-IgG titre (SAP 3, AQP4-IgG titre).

SAP 3: "cell-based assay titre 1:N; analyse log2(N), change from baseline;
seronegative when below the assay's lowest dilution."

Data (contract ADLB, PARAMCD AQP4TIT): AVAL = N of 1:N; a result below the
lowest dilution has AVAL missing, AVALC "NEGATIVE" and LLOQ = lowest dilution.

Conventions (footnoted in the displays):
- LOG2TIT = log2(AVAL); a seronegative result is set to log2(LLOQ / 2), i.e.
  one doubling dilution below the lowest dilution tested, so that it enters
  log2 summaries and changes from baseline;
- seroconversion to negative = seropositive at baseline and seronegative at
  any post-infusion (study day >= 1) assessment. A participant seronegative
  at baseline (excluded by the inclusion criteria, handled anyway) cannot
  seroconvert and is counted separately.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.frames import require_columns

PARAMCD = "AQP4TIT"
NEGATIVE = "NEGATIVE"
SERO_COLUMNS = ["USUBJID", "BASENEG", "NPOST", "POSTNEG", "SEROCONV", "NEGDY"]


def derive_var_log2titre(adlb: pd.DataFrame) -> pd.DataFrame:
    """Add SERONEG ("Y"/"N") and LOG2TIT to AQP4TIT records (other parameters dropped).

    A record with neither a positive AVAL nor AVALC "NEGATIVE" with an LLOQ is an
    error naming USUBJID and ADT.
    """
    require_columns(adlb, ("USUBJID", "PARAMCD", "AVAL", "AVALC", "LLOQ"), "ADLB",
                    where="derive_var_log2titre")
    out = adlb[adlb["PARAMCD"] == PARAMCD].copy()
    neg = out["AVAL"].isna() & (out["AVALC"].astype(str).str.upper() == NEGATIVE)
    bad = (out["AVAL"].isna() & ~neg) | (neg & out["LLOQ"].isna()) | (out["AVAL"] <= 0)
    if bad.any():
        r = out[bad].iloc[0]
        raise ValueError(f"ADLB AQP4TIT: unusable titre for USUBJID={r['USUBJID']} "
                         f"ADT={r.get('ADT')}: AVAL={r['AVAL']} AVALC={r['AVALC']} "
                         f"LLOQ={r['LLOQ']}")
    out["SERONEG"] = np.where(neg, "Y", "N")
    val = out["AVAL"].astype(float).where(~neg, out["LLOQ"].astype(float) / 2.0)
    out["LOG2TIT"] = np.log2(val)
    return out


def compute_seroconversion(recs: pd.DataFrame) -> pd.DataFrame:
    """Per participant, from AQP4TIT records with SERONEG, ABLFL and ADY:
    BASENEG (baseline seronegative "Y"/"N", "" when no baseline), NPOST (post-infusion
    assessments, ADY >= 1), POSTNEG ("Y" when any is seronegative), SEROCONV ("Y" when
    seropositive at baseline and seronegative post-infusion; "N" when seropositive at
    baseline with post-infusion assessments and none negative; "" otherwise), NEGDY
    (first seronegative post-infusion day)."""
    rows = []
    for u, g in recs.groupby("USUBJID", sort=True):
        base = g[g["ABLFL"] == "Y"]
        baseneg = "" if base.empty else str(base["SERONEG"].iloc[-1])
        post = g[g["ADY"] >= 1].sort_values("ADY")
        negs = post[post["SERONEG"] == "Y"]
        postneg = "Y" if len(negs) else ("N" if len(post) else "")
        conv = "Y" if baseneg == "N" and postneg == "Y" else ("N" if baseneg == "N" and postneg == "N" else "")
        rows.append({"USUBJID": u, "BASENEG": baseneg, "NPOST": len(post), "POSTNEG": postneg,
                     "SEROCONV": conv,
                     "NEGDY": float(negs["ADY"].iloc[0]) if len(negs) else math.nan})
    return pd.DataFrame(rows, columns=SERO_COLUMNS)
