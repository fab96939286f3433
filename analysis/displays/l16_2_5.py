"""L16.2.5 Exposure: lymphodepletion and CAR-T infusion. Set: Safety.

One row per ADEX administration of a Safety-set participant, sorted by
USUBJID, date, then sequence: participant, dose level, treatment, date,
study day (infusion = Day 0, SAP 3; ADSL.INFDT), dose, unit, planned dose.
ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.studyday import derive_var_ady
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.sets import population

ID = "L16.2.5"


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    adsl = pop.adsl
    ex = data["ADEX"]
    # administrations only (a BDS ADEX's summary parameters have no EXTRT); the dose level
    # from ADSL (a standard ADEX carries its own copy of TRT01A)
    ex = ex[ex["USUBJID"].isin(adsl["USUBJID"]) & ex["EXTRT"].notna()]
    ex = pop.with_group(ex.drop(columns=[group_var], errors="ignore"))
    ex = ex.sort_values(["USUBJID", "ASTDT", "EXSEQ"], kind="mergesort").reset_index(drop=True)
    if "INFDT" in adsl.columns:
        ex = derive_var_ady(ex, adsl, date_var="ASTDT", day_var="_DAY")
    elif "ASTDY" in ex.columns:
        ex["_DAY"] = ex["ASTDY"]
    else:
        ex["_DAY"] = pd.NA
    out = pd.DataFrame({
        "Participant": ex["USUBJID"], "Dose level": ex[group_var], "Treatment": ex["EXTRT"],
        "Date": ex["ASTDT"], "Study day": ex["_DAY"], "Dose": ex["EXDOSE"],
        "Unit": ex["EXDOSU"],
    })
    if "EXPDOSE" in ex.columns:
        out["Planned dose"] = ex["EXPDOSE"]
    return out


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["Study day: days from the CAR-T infusion (Day 0); negative before infusion. "
            "Lymphodepletion doses in mg/m²; CAR-T dose in 10⁶ cells/kg."]


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes)
