"""Shared load/derive step of the safety displays (T14.3.1-6, T14.3.9, L16.2.7.x).

Not a display: :func:`prepare` returns the analysis set, its columns and N,
and ADAE restricted to the set with the TEAE flags/windows and the grouping
variable attached (SAP 3, TEAE; SAP 2, analysis sets).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.catalogue import get
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import attach_group
from analysis.derive.teae import derive_var_teae
from analysis.sets import analysis_set, big_n, columns
from analysis.stats.summaries import bign_rows


@dataclass(frozen=True)
class SafetyInput:
    display_id: str
    group_var: str
    adsl: pd.DataFrame        # ADSL rows of the analysis set
    cols: list[str]           # dose levels + Total
    bign: dict[str, int]
    adae: pd.DataFrame        # ADAE of the set: ONSETDY, TEAEFL, PRIMWFL, OVERWFL, group_var

    def bign_rows(self) -> list[dict]:
        return bign_rows(self.display_id, self.bign, self.group_var)


def prepare(data: StudyData, config: StudyConfig, display_id: str,
            group_var: str = "TRT01A", set_code: str | None = None) -> SafetyInput:
    adsl_all = data["ADSL"]
    adae = data["ADAE"]
    set_code = set_code or get(display_id).analysis_set
    adsl = analysis_set(adsl_all, set_code)
    cols = columns(adsl, config, group_var, all_adsl=adsl_all)
    bign = big_n(adsl, cols, group_var)
    flagged = derive_var_teae(adae, adsl_all, config, cutoff=data.cutoff)
    flagged = attach_group(flagged, adsl, group_var)
    return SafetyInput(display_id, group_var, adsl, cols, bign, flagged)


def subject_frame(df: pd.DataFrame, group_var: str) -> pd.DataFrame:
    """(USUBJID, group_var) rows for :func:`analysis.stats.summaries.count_rows`."""
    return df[["USUBJID", group_var]]
