"""Shared by the listing modules (L16.2.x): the listing in long ARD form.

Each shown cell becomes one ARD row: ``variable`` = the column label,
``variable_level`` = ``<USUBJID>/<row number within the participant>``,
``stat_name`` = "text", ``stat_fmt`` = the shown text (dates ISO).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import ard as A
from analysis.formats import listing_text


def listing_ard(display_id: str, listing: pd.DataFrame, id_col: str) -> pd.DataFrame:
    """A listing in long ARD form: one ``text`` row per shown cell, row by row;
    ``variable`` is the column label and ``variable_level`` ``<id>/<n>``, the
    n-th row of that id. Built column-wise (no per-cell dicts), so a listing of
    100,000 rows stays cheap in time and memory."""
    text = listing_text(listing).reset_index(drop=True)
    n_rows, n_cols = text.shape
    seq = text.groupby(id_col, sort=False).cumcount() + 1
    keys = (text[id_col].astype(str) + "/" + seq.astype(str)).to_numpy(dtype=object)
    values = text.to_numpy(dtype=object).ravel() if n_cols else np.empty(0, dtype=object)
    out = pd.DataFrame({
        "display_id": display_id, "group1": "", "group1_level": "", "group2": "",
        "group2_level": "",
        "variable": np.tile(np.asarray([str(c) for c in text.columns], dtype=object), n_rows),
        "variable_level": np.repeat(keys, n_cols),
        "stat_name": "text", "stat_label": "", "stat": np.nan,
        "stat_fmt": values,
    }, columns=A.ARD_COLUMNS)
    for c in A.TEXT_COLUMNS:
        out[c] = out[c].fillna("").astype(str)
    out["stat"] = out["stat"].astype(float)
    return out


def present(adsl: pd.DataFrame, columns: dict[str, str]) -> dict[str, str]:
    """The (variable -> label) items whose variable the dataset holds."""
    return {v: lab for v, lab in columns.items() if v in adsl.columns}
