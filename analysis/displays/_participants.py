"""Shared by the participant displays (T14.1.x): analysis set, columns, N (SAP 2)."""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.sets import Population, population

SetUp = Population


def set_up(data: StudyData, config: StudyConfig, display_id: str,
           group_var: str = "TRT01A") -> Population:
    """The display's analysis set (catalogue), its columns and column N (SAP 2)."""
    return population(data, config, display_id, group_var)


def require_variables(adsl: pd.DataFrame, variables, display_id: str) -> list[str]:
    """The ``variables`` ADSL holds; a ``KeyError`` naming them when it holds none."""
    have = [v for v in variables if v in adsl.columns]
    if not have:
        raise KeyError(f"ADSL has none of the variables of {display_id}: {', '.join(variables)}")
    return have
