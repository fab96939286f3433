"""Accumulated active brain MRI lesions (SAP 3, MRI).

SAP 3: "accumulated total active lesions = sum over post-baseline scans of
new/enlarging T2 lesions plus Gd-enhancing T1 lesions (brain)."

Post-baseline scans are those dated after Day 0 (ADT > ADSL.INFDT). Per
participant: ACCT2 = sum of T2NEWENL, ACCGD = sum of GDT1, ACCTOT = ACCT2 +
ACCGD over post-baseline scans. A participant with no post-baseline scan has
missing accumulated counts (not 0): not in n, and not counted as having an
active lesion. NSCANS = number of distinct post-baseline scan dates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.frames import require_columns

PARAMS = ("T2NEWENL", "GDT1")


def derive_accumulated_lesions(admri: pd.DataFrame, adsl: pd.DataFrame,
                               subjects: pd.Series) -> pd.DataFrame:
    """One row per participant of ``subjects``: USUBJID, NSCANS, ACCT2, ACCGD,
    ACCTOT (float, NaN without a post-baseline scan). PARAMCD values other than
    T2NEWENL/GDT1 raise ``ValueError`` naming the value."""
    require_columns(admri, ("USUBJID", "PARAMCD", "AVAL", "ADT"), "ADMRI")
    bad = sorted(set(admri["PARAMCD"]) - set(PARAMS))
    if bad:
        raise ValueError(f"ADMRI PARAMCD {bad} not one of {list(PARAMS)}")
    m = admri.merge(adsl[["USUBJID", "INFDT"]], on="USUBJID", how="left")
    post = m[pd.to_datetime(m["ADT"]) > pd.to_datetime(m["INFDT"])]
    out = pd.DataFrame({"USUBJID": pd.Series(subjects).astype(str).values})
    nscans = post.groupby("USUBJID")["ADT"].nunique()
    out["NSCANS"] = out["USUBJID"].map(nscans).fillna(0).astype(int)
    has = out["NSCANS"] > 0
    for p, col in (("T2NEWENL", "ACCT2"), ("GDT1", "ACCGD")):
        s = post[post["PARAMCD"] == p].groupby("USUBJID")["AVAL"].sum()
        out[col] = np.where(has, out["USUBJID"].map(s).fillna(0).astype(float), np.nan)
    out["ACCTOT"] = out["ACCT2"] + out["ACCGD"]
    return out
