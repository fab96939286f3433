"""NMOSD history at baseline (SAP 3 AQP4-IgG titre; SAP 5 T14.1.4).

- AQP4-IgG titre 1:N is analysed as log2(N) (SAP 3, AQP4-IgG titre);
- prior immunosuppressants: ADSL.PRIMSUP lists them separated by "; ".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.formats import titre
from analysis.frames import require_columns


def derive_var_log2_titre(adsl: pd.DataFrame, titre: str = "AQP4BL",
                          out: str = "AQP4BLL2") -> pd.DataFrame:
    """Add ``out`` = log2 of the reciprocal titre ``titre`` (missing stays missing).

    A titre below 1 cannot be a reciprocal dilution: ``ValueError`` naming USUBJID.
    """
    if titre not in adsl.columns:
        raise KeyError(f"derive_var_log2_titre: ADSL has no variable {titre}")
    x = pd.to_numeric(adsl[titre]).astype(float)
    bad = adsl.loc[x < 1, "USUBJID"].tolist()
    if bad:
        raise ValueError(f"ADSL.{titre} below 1 (not a reciprocal titre) for USUBJID {bad}")
    res = adsl.copy()
    res[out] = np.log2(x)
    return res


def titre_text(log2_value: float) -> str:
    """``1:N`` for a log2 titre (N = 2 ** value; :func:`analysis.formats.titre`); "-" if
    missing."""
    if log2_value is None or pd.isna(log2_value):
        return titre(float("nan"))
    return titre(2.0 ** float(log2_value))


def split_prior_immunosuppressants(adsl: pd.DataFrame, var: str = "PRIMSUP") -> pd.DataFrame:
    """One row per participant and prior immunosuppressant: USUBJID, AGENT.

    Names are stripped and upper-cased; empty entries are dropped; a
    participant listing the same agent twice counts once.
    """
    require_columns(adsl, (var,), "ADSL", where="split_prior_immunosuppressants")
    rows = []
    for usubjid, text in zip(adsl["USUBJID"], adsl[var], strict=True):
        if text is None or pd.isna(text):
            continue
        for agent in str(text).split(";"):
            agent = agent.strip().upper()
            if agent:
                rows.append({"USUBJID": usubjid, "AGENT": agent})
    return pd.DataFrame(rows, columns=["USUBJID", "AGENT"]).drop_duplicates().reset_index(drop=True)
