"""L16.2.1 Disposition and discontinuations. Set: Enrolled.

One row per enrolled participant, sorted by USUBJID: participant, dose level
(the grouping variable), dates of consent, enrolment, lymphodepletion start
and infusion, end-of-study status, date and reason, date of death (ADSL
variables that are present; dates ISO). Derivation: analysis.derive.disposition.
ARD: the listing in long form (analysis.displays._listing).
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.displays._listing import listing_ard, present
from analysis.displays.registry import declare
from analysis.sets import population

ID = "L16.2.1"
COLUMNS = {
    "RFICDT": "Informed consent", "ENRLDT": "Enrolment", "LDSTDT": "Lymphodepletion start",
    "INFDT": "Infusion (Day 0)", "EOSSTT": "End-of-study status", "EOSDT": "End of study",
    "DCSREAS": "Reason for discontinuation", "DTHDT": "Death",
}


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    adsl = population(data, config, ID, group_var).adsl.sort_values("USUBJID", kind="mergesort")
    out = pd.DataFrame({"Participant": adsl["USUBJID"], "Dose level": adsl[group_var]})
    for var, label in present(adsl, COLUMNS).items():
        out[label] = adsl[var]
    return out.reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["Dates are ISO 8601 (YYYY-MM-DD). End-of-study status ONGOING: in follow-up at the "
            "data cut-off."]


# the variable each column shows: its codes are shown decoded
LAYOUT = {"column_variables": {label: var for var, label in COLUMNS.items()}}


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes, layout=LAYOUT)
