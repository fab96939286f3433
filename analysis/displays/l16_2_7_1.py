"""L16.2.7.1 All adverse events. Set: Safety.

Every ADAE record of the Safety set (including AEs before lymphodepletion,
shown with TEAE = N): participant, dose level, sequence, SOC, PT, start/end
dates (ISO), onset day (study day, infusion = Day 0), grade (CTCAE v5.0;
ASTCT for CRS/ICANS; severity when the data have no toxicity grade), serious,
related, outcome, TEAE (SAP 3) and Day 0-28 (primary window). Sorted by
participant, start date, sequence. ``ard()`` is the listing in long form
(:mod:`analysis.displays._listing`).
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.teae import primary_window_days, window_label
from analysis.displays._ae_listing import AE_COLUMN_VARIABLES, ae_rows
from analysis.displays._listing import listing_ard
from analysis.displays._safety import safety_population
from analysis.displays.n14_3_3 import event_links
from analysis.displays.registry import declare

ID = "L16.2.7.1"


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    ae = s.adae.sort_values(["USUBJID", "ASTDT", "AESEQ"], kind="mergesort")
    out = ae_rows(ae, group_var, config)
    out["TEAE"] = ae["TEAEFL"].values
    out[window_label(config)] = ae["PRIMWFL"].values
    return out.reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        f"TEAE: onset on or after the start of lymphodepletion. {window_label(config)}: TEAE "
        f"with onset through Day {primary_window_days(config)}. Onset day: study day relative to the CAR-T infusion (Day 0).",
        "Grades: CTCAE v5.0; CRS and ICANS by ASTCT consensus (Lee et al., 2019). "
        "SOC: MedDRA system organ class.",
    ]


# a row of an event with a narrative links to it (N14.3.3)
def column_variables(config: StudyConfig) -> dict[str, str]:
    """The variable each column shows (its codes shown decoded: TEAEFL "Y" -> "Yes")."""
    return {**AE_COLUMN_VARIABLES, "TEAE": "TEAEFL", window_label(config): "PRIMWFL"}


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes, links=event_links,
                  layout={"column_variables": column_variables})
