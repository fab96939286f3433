"""Shared load step of the clinical efficacy displays (T14.2.1-4, F14.2.1-2, L16.2.6).

Not a display: :func:`prepare` returns the display's analysis set (SAP 2, from
the catalogue), its columns (dose levels + Total) and N per column, as an
:class:`analysis.sets.Population`.
"""

from __future__ import annotations

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.sets import Population, population
from analysis.stats.summaries import in_column

__all__ = ["EfficacyInput", "in_column", "prepare"]

EfficacyInput = Population


def prepare(data: StudyData, config: StudyConfig, display_id: str,
            group_var: str = "TRT01A") -> Population:
    """The display's analysis set, columns and N per column (SAP 2)."""
    return population(data, config, display_id, group_var)
