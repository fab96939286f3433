"""L16.2.2 Protocol deviations. Set: Enrolled.

One row per ADDV deviation of an enrolled participant, sorted by USUBJID, date, then
sequence: participant, dose level, category, deviation as recorded, date, study day
(infusion = Day 0, as ADDV records it), important (Y/N). ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.frames import require_columns
from analysis.sets import population

ID = "L16.2.2"


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    dv = pop.records(data["ADDV"])
    require_columns(dv, ("USUBJID", "DVSEQ", "DVCAT", "DVTERM", "ASTDT", "DVIMPFL"), "ADDV")
    dv = pop.with_group(dv).sort_values(["USUBJID", "ASTDT", "DVSEQ"], kind="mergesort")
    return pd.DataFrame({
        "Participant": dv["USUBJID"], "Dose level": dv[group_var], "Category": dv["DVCAT"],
        "Deviation": dv["DVTERM"], "Date": dv["ASTDT"],
        "Study day": dv["ASTDY"] if "ASTDY" in dv.columns else pd.NA,
        "Important": dv["DVIMPFL"],
    }).reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["Important: a deviation that may affect the completeness, accuracy or reliability "
            "of key data, or a participant's rights, safety or well-being (ICH E3 10.2). "
            "Study day: days from the CAR-T infusion (Day 0). Dates are ISO 8601."]


# the variable each column shows: its codes are shown decoded (DVIMPFL "Y" -> "Yes")
LAYOUT = {"column_variables": {"Category": "DVCAT", "Important": "DVIMPFL"}}


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes, layout=LAYOUT)
