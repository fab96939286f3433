"""Shared load step of the clinical efficacy displays (T14.2.1-4, F14.2.1-2, L16.2.6).

Not a display: :func:`prepare` returns the display's analysis set (SAP 2, from
the catalogue), its columns (dose levels + Total) and N per column, as an
:class:`analysis.sets.Population`.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.sets import Population, population

EfficacyInput = Population


def prepare(data: StudyData, config: StudyConfig, display_id: str,
            group_var: str = "TRT01A") -> Population:
    """The display's analysis set, columns and N per column (SAP 2)."""
    return population(data, config, display_id, group_var)


def in_column(df: pd.DataFrame, col: str, group_var: str) -> pd.DataFrame:
    """Rows of ``df`` belonging to column ``col`` (all rows for Total)."""
    from analysis.ard import TOTAL

    return df if col == TOTAL else df[df[group_var].astype(str) == col]
