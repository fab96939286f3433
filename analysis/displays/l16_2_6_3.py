"""L16.2.6.3 Individual MRI lesion counts by scan. Set: Infused.

One row per MRI scan (ADMRI date) of an infused participant, sorted by USUBJID, date:
participant, dose level, visit, date, study day, then one column per lesion count the
dataset holds (PARAM, in the contract's order: new or enlarging T2 lesions,
gadolinium-enhancing T1 lesions). ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.formats import recorded_values
from analysis.frames import require_columns
from analysis.sets import population
from data_contract.specs.admri import ADMRI_PARAMS

ID = "L16.2.6.3"
SCAN = ["USUBJID", "AVISIT", "ADT", "ADY"]


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    mri = pop.records(data["ADMRI"])
    require_columns(mri, (*SCAN, "PARAMCD", "PARAM", "AVAL"), "ADMRI")
    codes = [c for c in ADMRI_PARAMS if c in set(mri["PARAMCD"])] + \
        sorted(set(mri["PARAMCD"]) - set(ADMRI_PARAMS))
    labels = mri.drop_duplicates("PARAMCD").set_index("PARAMCD")["PARAM"]
    mri = mri.assign(_text=recorded_values(mri["AVAL"], mri["PARAMCD"]))
    wide = mri.pivot_table(index=SCAN, columns="PARAMCD", values="_text", aggfunc="first",
                           observed=True).reset_index()
    wide = wide.dropna(subset=["ADT"]).sort_values(["USUBJID", "ADT"], kind="mergesort")
    wide = pop.with_group(wide)
    out = pd.DataFrame({"Participant": wide["USUBJID"], "Dose level": wide[group_var],
                        "Visit": wide["AVISIT"], "Date": wide["ADT"], "Study day": wide["ADY"]})
    for c in codes:
        out[str(labels[c])] = wide[c].fillna("") if c in wide.columns else ""
    return out.reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["Lesion counts as read on each scan; an empty cell: not assessed on that scan. "
            "Study day: days from the CAR-T infusion (Day 0)."]


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes)
