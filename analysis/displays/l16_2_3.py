"""L16.2.3 Participants excluded from analysis sets, with reason. Set: Enrolled.

One row per enrolled participant and analysis set (Safety, Infused, DLT-evaluable) the
participant is not in, sorted by USUBJID then set: participant, dose level, analysis set,
reason (:func:`analysis.derive.exclusions.analysis_set_exclusions`, from the ADSL flags
and dates, SAP 2). No rows when every enrolled participant is in every set.
ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.dlt import dlt_window_days
from analysis.derive.exclusions import analysis_set_exclusions
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.sets import population

ID = "L16.2.3"


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    ex = pop.with_group(analysis_set_exclusions(pop.adsl, dlt_window_days(config)))
    return pd.DataFrame({"Participant": ex["USUBJID"], "Dose level": ex[group_var],
                         "Analysis set": ex["SET"], "Reason": ex["REASON"]})


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    d = dlt_window_days(config)
    return ["Safety set: received any lymphodepletion; Infused set: received the CAR-T "
            f"infusion; DLT-evaluable set: infused and followed for the {d}-day DLT window or "
            "with a DLT (SAP 2). An enrolled participant in every set is not listed."]


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes)
