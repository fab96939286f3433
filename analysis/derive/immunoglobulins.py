"""Immunoglobulins, hypogammaglobulinaemia and IVIG use (SAP 3, Hypogammaglobulinaemia).

SAP 3: "Hypogammaglobulinaemia: IgG < 400 mg/dL; report IgG over time and IVIG
use." The threshold is study.yml ``constants.hypogammaglobulinaemia_igg_mg_dl``.

- hypogammaglobulinaemia = any post-infusion (study day >= 1) IgG below the
  threshold; a participant without a post-infusion IgG is not evaluable;
- IVIG use = any ADCM record with CMCAT "IVIG" starting on or after the start
  of lymphodepletion (ADSL.LDSTDT; all records when LDSTDT is missing).
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig


def hypogamma_threshold(config: StudyConfig) -> float:
    return float(config.constants["hypogammaglobulinaemia_igg_mg_dl"])


def compute_hypogamma(adlb: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """Per participant with a post-infusion IgG: NPOST, MINIGG, HYPOFL ("Y"/"N"), HYPODY
    (first day below the threshold)."""
    thr = hypogamma_threshold(config)
    igg = adlb[(adlb["PARAMCD"] == "IGG") & adlb["AVAL"].notna() & (adlb["ADY"] >= 1)]
    rows = []
    for u, g in igg.groupby("USUBJID", sort=True):
        g = g.sort_values("ADY")
        low = g[g["AVAL"] < thr]
        rows.append({"USUBJID": u, "NPOST": len(g), "MINIGG": float(g["AVAL"].min()),
                     "HYPOFL": "Y" if len(low) else "N",
                     "HYPODY": float(low["ADY"].iloc[0]) if len(low) else float("nan")})
    return pd.DataFrame(rows, columns=["USUBJID", "NPOST", "MINIGG", "HYPOFL", "HYPODY"])


def ivig_users(adcm: pd.DataFrame, adsl: pd.DataFrame) -> pd.DataFrame:
    """ADCM IVIG records (CMCAT "IVIG") starting on or after lymphodepletion start."""
    iv = adcm[adcm["CMCAT"] == "IVIG"].merge(adsl[["USUBJID", "LDSTDT"]], on="USUBJID",
                                             how="inner")
    return iv[iv["LDSTDT"].isna() | (iv["ASTDT"] >= iv["LDSTDT"])]
