"""L16.2.6.1 Individual EDSS by visit. Set: Infused.

One row per ADEDSS assessment of an infused participant, sorted by USUBJID, date:
participant, dose level, visit, date, study day, EDSS, change from baseline and
worsening (:func:`analysis.derive.edss.derive_edss`, SAP 3: baseline = the last
assessment on or before the infusion; worsening by the SAP's threshold).
ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.edss import derive_edss
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.formats import recorded_values
from analysis.sets import population

ID = "L16.2.6.1"


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    e = derive_edss(pop.records(data["ADEDSS"]), pop.adsl, config)
    e = pop.with_group(e).sort_values(["USUBJID", "ADT"], kind="mergesort")
    return pd.DataFrame({
        "Participant": e["USUBJID"], "Dose level": e[group_var],
        "Visit": e["AVISIT"] if "AVISIT" in e.columns else pd.NA, "Date": e["ADT"],
        "Study day": e["ADY"] if "ADY" in e.columns else pd.NA,
        "EDSS": recorded_values(e["AVAL"]), "Change from baseline": recorded_values(e["CHG"]),
        "Worsening": e["WORSFL"],
    }).reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["Baseline: the last assessment on or before the infusion (Day 0). Worsening "
            "(post-infusion assessments with a baseline): the SAP 3 threshold of the baseline "
            "score. Study day: days from the infusion."]


# the variable each column shows: its Y/N codes are shown as Yes/No
LAYOUT = {"column_variables": {"Worsening": "WORSFL"}}


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes, layout=LAYOUT)
