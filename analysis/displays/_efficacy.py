"""Shared load step of the clinical efficacy displays (T14.2.1-4, F14.2.1-2, L16.2.6).

Not a display: :func:`prepare` returns the display's analysis set (SAP 2, from
the catalogue), its columns (dose levels + Total) and N per column.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.catalogue import get
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.sets import analysis_set, big_n, columns
from analysis.stats.summaries import bign_rows


@dataclass(frozen=True)
class EfficacyInput:
    display_id: str
    group_var: str
    adsl: pd.DataFrame        # ADSL rows of the analysis set
    cols: list[str]           # dose levels + Total
    bign: dict[str, int]

    def bign_rows(self) -> list[dict]:
        return bign_rows(self.display_id, self.bign, self.group_var)

    def attach_group(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` restricted to participants of the set, with ``group_var`` attached."""
        g = self.adsl[["USUBJID", self.group_var]].copy()
        g[self.group_var] = g[self.group_var].astype(str)
        cols = [c for c in df.columns if c != self.group_var]
        return df[cols].merge(g, on="USUBJID", how="inner")


def prepare(data: StudyData, config: StudyConfig, display_id: str,
            group_var: str = "TRT01A") -> EfficacyInput:
    adsl_all = data["ADSL"]
    adsl = analysis_set(adsl_all, get(display_id).analysis_set)
    cols = columns(adsl, config, group_var, all_adsl=adsl_all)
    return EfficacyInput(display_id, group_var, adsl, cols, big_n(adsl, cols, group_var))


def in_column(df: pd.DataFrame, col: str, group_var: str) -> pd.DataFrame:
    """Rows of ``df`` belonging to column ``col`` (all rows for Total)."""
    from analysis.ard import TOTAL

    return df if col == TOTAL else df[df[group_var].astype(str) == col]
