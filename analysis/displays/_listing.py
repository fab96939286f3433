"""Shared by the listing modules (L16.2.x): the listing in long ARD form.

Each shown cell becomes one ARD row: ``variable`` = the column label,
``variable_level`` = ``<USUBJID>/<row number within the participant>``,
``stat_name`` = "text", ``stat_fmt`` = the shown text (dates ISO).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.style.listings import as_text


def listing_ard(display_id: str, listing: pd.DataFrame, id_col: str) -> pd.DataFrame:
    text = as_text(listing)
    seq = text.groupby(id_col, sort=False).cumcount() + 1
    rows = []
    for i, rec in text.iterrows():
        key = f"{rec[id_col]}/{int(seq.iloc[i])}"
        for col in text.columns:
            rows.append(A.text_row(display_id, str(col), rec[col], variable_level=key))
    return A.frame(rows)


def present(adsl: pd.DataFrame, columns: dict[str, str]) -> dict[str, str]:
    """The (variable -> label) items whose variable the dataset holds."""
    return {v: lab for v, lab in columns.items() if v in adsl.columns}
