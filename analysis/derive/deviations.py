"""Protocol deviations (SAP 5, T14.1.6 and L16.2.2).

An important protocol deviation is an ADDV record with DVIMPFL = "Y" (ICH E3 10.2: one
that may affect the completeness, accuracy or reliability of key data, or a
participant's rights, safety or well-being; the study classifies each deviation when it
records it). Categories are ordered as the study's deviation plan lists them
(``data_contract.specs.addv.DV_CATEGORIES``), then any other category alphabetically.
"""

from __future__ import annotations

import pandas as pd

from analysis.frames import require_columns
from data_contract.specs.addv import DV_CATEGORIES


def important_deviations(addv: pd.DataFrame) -> pd.DataFrame:
    """The ADDV records of important deviations (DVIMPFL = "Y"), in input order."""
    require_columns(addv, ("USUBJID", "DVCAT", "DVTERM", "DVIMPFL"), "ADDV",
                    where="important_deviations")
    return addv[addv["DVIMPFL"].astype(str).str.upper() == "Y"]


def category_order(categories) -> list[str]:
    """The categories present, in the deviation plan's order, then the others sorted."""
    present = list(dict.fromkeys(str(c) for c in categories))
    known = [c for c in DV_CATEGORIES if c in present]
    return known + sorted((c for c in present if c not in DV_CATEGORIES), key=str.casefold)
