"""L16.2.6.4 Individual AQP4-IgG titres, B cells and cytokines by visit. Set: Infused.

One row per ADLB record of an infused participant for AQP4-IgG titre, CD19+ B cells in
blood (count and percentage) and bone marrow, IL-6, IFN-gamma, TNF-alpha and serum
BAFF, sorted by USUBJID, parameter, date: participant, dose level, parameter, visit,
date, study day, value as recorded (titre 1:N, NEGATIVE below the lowest dilution),
unit. ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.displays._lab_listing import column, lab_records
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.sets import population

ID = "L16.2.6.4"
PARAMS = ("AQP4TIT", "CD19ABS", "CD19PCT", "CD19BM", "IL6", "IFNG", "TNFA", "BAFF")


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    lb = data["ADLB"]
    r = lab_records(pop, lb, pop.params_present(lb, PARAMS, "ADLB"))
    return pd.DataFrame({
        "Participant": r["USUBJID"], "Dose level": r[group_var], "Parameter": column(r, "PARAM"),
        "Visit": column(r, "AVISIT"), "Date": r["ADT"], "Study day": column(r, "ADY"),
        "Value": r["_VALUE"], "Unit": column(r, "AVALU"),
    })


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["AQP4-IgG titre by cell-based assay as 1:N; NEGATIVE: below the lowest dilution. "
            "Study day: days from the CAR-T infusion (Day 0)."]


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes)
