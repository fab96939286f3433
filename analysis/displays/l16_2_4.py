"""L16.2.4 Demographics and baseline. Set: Enrolled.

One row per enrolled participant, sorted by USUBJID: participant, dose level,
age, sex, race, ethnicity, baseline weight, height, BMI, BSA, disease
duration, relapses in the prior 12 / 24 months, prior immunosuppressants
(number and names), baseline EDSS and AQP4-IgG titre shown as ``1:N`` (the
ADSL variables that are present). ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.displays._listing import listing_ard, present
from analysis.displays.registry import declare
from analysis.formats import titre
from analysis.sets import population

ID = "L16.2.4"
COLUMNS = {
    "AGE": "Age (years)", "SEX": "Sex", "RACE": "Race", "ETHNIC": "Ethnicity",
    "WEIGHTBL": "Weight (kg)", "HEIGHTBL": "Height (cm)", "BMIBL": "BMI (kg/m²)",
    "BSABL": "BSA (m²)", "DISDURY": "Disease duration (years)",
    "RELP12": "Relapses in 12 mo", "RELP24": "Relapses in 24 mo",
    "NPRIMSUP": "Prior IS (n)", "PRIMSUP": "Prior IS",
    "EDSSBL": "Baseline EDSS", "AQP4BL": "Baseline AQP4-IgG titre",
}


def _titre(v) -> str:
    return titre(v, missing="")


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    adsl = population(data, config, ID, group_var).adsl.sort_values("USUBJID", kind="mergesort")
    out = pd.DataFrame({"Participant": adsl["USUBJID"], "Dose level": adsl[group_var]})
    for var, label in present(adsl, COLUMNS).items():
        out[label] = adsl[var].map(_titre) if var == "AQP4BL" else adsl[var]
    return out.reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["Relapses in 12/24 mo: relapses in the 12/24 months before screening. "
            "IS: immunosuppressants. BMI: body mass index; BSA: body surface area; EDSS: Expanded "
            "Disability Status Scale; AQP4-IgG: aquaporin-4 immunoglobulin G (titre 1:N)."]


# the variable each column shows: its codes are shown decoded (SEX "M" -> "Male")
LAYOUT = {"column_variables": {label: var for var, label in COLUMNS.items()}}


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes, layout=LAYOUT)
