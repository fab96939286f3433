"""L16.2.8.1 Individual haematology values with CTCAE grade. Set: Safety.

One row per ADLB haematology record (neutrophils, platelets, haemoglobin, lymphocytes)
of a Safety-set participant, sorted by USUBJID, parameter, date: participant, dose
level, parameter, visit, date, study day, value, unit, lower limit of normal and the
CTCAE v5.0 grade of the value (:func:`analysis.derive.cytopenia.ctcae_grades`, SAP 3
Cytopenias). ADLB is read for these parameters and columns only (3 million rows at
20,000 participants). ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.cytopenia import CTCAE_V5_LOW, ctcae_grades
from analysis.displays._lab_listing import column, lab_records
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.formats import recorded_values
from analysis.sets import population

ID = "L16.2.8.1"
PARAMS = tuple(CTCAE_V5_LOW)


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    lb = data["ADLB"]
    r = lab_records(pop, lb, pop.params_present(lb, PARAMS, "ADLB"), extra=("ANRLO",))
    lln = r["ANRLO"] if "ANRLO" in r.columns else pd.Series(float("nan"), index=r.index)
    grade = ctcae_grades(r["PARAMCD"], r["AVAL"], lln)
    return pd.DataFrame({
        "Participant": r["USUBJID"], "Dose level": r[group_var], "Parameter": column(r, "PARAM"),
        "Visit": column(r, "AVISIT"), "Date": r["ADT"], "Study day": column(r, "ADY"),
        "Value": r["_VALUE"], "Unit": column(r, "AVALU"),
        "Lower limit of normal": recorded_values(lln, r["PARAMCD"]),
        "CTCAE grade": pd.array(grade, dtype="Int64"),
    })


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["CTCAE v5.0 grade of a low value (neutrophil count, platelet count, lymphocyte "
            "count decreased; anaemia); grade 1 below the lower limit of normal; 0: not low. "
            "Study day: days from the CAR-T infusion (Day 0)."]


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes)
