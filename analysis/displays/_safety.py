"""Shared load/derive step of the safety displays (T14.3.1-6, T14.3.9, L16.2.7.x).

Not a display: :func:`safety_population` returns the analysis set, its columns and N,
and ADAE restricted to the set with the TEAE flags/windows and the grouping
variable attached (SAP 3, TEAE; SAP 2, analysis sets).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import attach_group
from analysis.derive.teae import derive_var_teae
from analysis.sets import Population, population


@dataclass(frozen=True)
class SafetyInput(Population):
    """:class:`analysis.sets.Population` plus the set's flagged ADAE."""

    adae: pd.DataFrame        # ADAE of the set: ONSETDY, TEAEFL, PRIMWFL, OVERWFL, group_var


def safety_population(data: StudyData, config: StudyConfig, display_id: str,
            group_var: str = "TRT01A", set_code: str | None = None) -> SafetyInput:
    """The analysis set, columns and N (SAP 2), and ADAE of the set with the
    TEAE flags/windows (SAP 3, TEAE) and ``group_var`` attached."""
    adae = data["ADAE"]
    pop = population(data, config, display_id, group_var, set_code)
    flagged = derive_var_teae(adae, data["ADSL"], config, cutoff=data.cutoff)
    flagged = attach_group(flagged, pop.adsl, group_var)
    return SafetyInput(pop.display_id, pop.group_var, pop.adsl, pop.cols, pop.bign, flagged)
