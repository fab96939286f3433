"""Shared by the participant displays (T14.1.x): analysis set, columns, N."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.catalogue import get
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.sets import analysis_set, big_n, columns
from analysis.stats.summaries import bign_rows


@dataclass(frozen=True)
class SetUp:
    display_id: str
    group_var: str
    adsl: pd.DataFrame          # the analysis set
    cols: list[str]             # dose levels + Total
    bign: dict[str, int]

    def bign_rows(self) -> list[dict]:
        return bign_rows(self.display_id, self.bign, self.group_var)


def set_up(data: StudyData, config: StudyConfig, display_id: str,
           group_var: str = "TRT01A") -> SetUp:
    """The display's analysis set (catalogue), its columns and column N."""
    adsl = data["ADSL"]
    subset = analysis_set(adsl, get(display_id).analysis_set)
    cols = columns(subset, config, group_var, all_adsl=adsl)
    return SetUp(display_id, group_var, subset, cols, big_n(subset, cols, group_var))


def require_variables(adsl: pd.DataFrame, variables, display_id: str) -> list[str]:
    """The ``variables`` ADSL holds; a ``KeyError`` naming them when it holds none."""
    have = [v for v in variables if v in adsl.columns]
    if not have:
        raise KeyError(f"ADSL has none of the variables of {display_id}: {', '.join(variables)}")
    return have
