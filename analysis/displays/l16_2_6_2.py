"""L16.2.6.2 Individual visual acuity (as recorded and logMAR) by eye and visit. Set: Infused.

One row per ADVA assessment of an infused participant, sorted by USUBJID, eye, date:
participant, dose level, eye, visit, date, study day, recording format, acuity as
recorded, logMAR and its change from baseline (:func:`analysis.derive.visual_acuity.derive_va`,
SAP 3 conversion). ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.visual_acuity import derive_va
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.formats import fmt_num
from analysis.sets import population

ID = "L16.2.6.2"
LOGMAR_DECIMALS = 2  # logMAR to 0.01, the precision a chart line of 0.1 log unit allows


def _text(values: pd.Series) -> list[str]:
    return ["" if pd.isna(v) else fmt_num(float(v), LOGMAR_DECIMALS) for v in values]


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    va = derive_va(pop.records(data["ADVA"]), pop.adsl, config)
    va = pop.with_group(va).sort_values(["USUBJID", "LAT", "ADT"], kind="mergesort")
    return pd.DataFrame({
        "Participant": va["USUBJID"], "Dose level": va[group_var], "Eye": va["LAT"],
        "Visit": va["AVISIT"] if "AVISIT" in va.columns else pd.NA, "Date": va["ADT"],
        "Study day": va["ADY"] if "ADY" in va.columns else pd.NA, "Format": va["VAFMT"],
        "As recorded": va["VAORRES"], "logMAR": _text(va["AVAL"]),
        "Change from baseline": _text(va["CHG"]),
    }).reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["logMAR converted from the recorded acuity as SAP 3 states; higher is worse. "
            "Baseline per eye: the last assessment on or before the infusion (Day 0)."]


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes)
