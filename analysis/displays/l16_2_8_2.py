"""L16.2.8.2 Individual immunoglobulin values and IVIG administrations. Set: Safety.

Two kinds of rows of a Safety-set participant, together in date order (sorted by
USUBJID, date, then laboratory values before administrations): each ADLB record of
IgG, IgA and IgM (value, unit, lower limit of normal, below it Y/N) and each IVIG
course of ADCM (CMCAT "IVIG": start and end, the medication). Columns: participant,
dose level, record (laboratory value / IVIG administration), parameter or medication,
visit, date, study day, value, unit, end of the course, below normal.
ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.displays._lab_listing import column, lab_records
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.formats import recorded_values
from analysis.frames import require_columns
from analysis.sets import population

ID = "L16.2.8.2"
PARAMS = ("IGG", "IGA", "IGM")
LAB, IVIG = "Laboratory value", "IVIG administration"


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    lb = data["ADLB"]
    r = lab_records(pop, lb, pop.params_present(lb, PARAMS, "ADLB"), extra=("ANRLO",))
    lln = r["ANRLO"] if "ANRLO" in r.columns else pd.Series(float("nan"), index=r.index)
    aval = pd.to_numeric(r["AVAL"], errors="coerce")
    below = (aval < lln).map({True: "Y", False: "N"}).where(aval.notna() & lln.notna(), "")
    labs = pd.DataFrame({
        "Participant": r["USUBJID"], "Dose level": r[group_var], "Record": LAB,
        "Parameter or medication": column(r, "PARAM"), "Visit": column(r, "AVISIT"),
        "Date": r["ADT"], "Study day": column(r, "ADY"), "Value": r["_VALUE"],
        "Unit": column(r, "AVALU"), "End": pd.NaT,
        "Lower limit of normal": recorded_values(lln, r["PARAMCD"]), "Below normal": below,
        "_kind": 0,
    })
    cm = pop.records(data["ADCM"])
    require_columns(cm, ("USUBJID", "CMCAT", "CMDECOD", "ASTDT"), "ADCM")
    cm = pop.with_group(cm[cm["CMCAT"].astype(str).str.upper() == "IVIG"])
    ivig = pd.DataFrame({
        "Participant": cm["USUBJID"], "Dose level": cm[group_var], "Record": IVIG,
        "Parameter or medication": cm["CMDECOD"], "Visit": "", "Date": cm["ASTDT"],
        "Study day": column(cm, "ASTDY"), "Value": "", "Unit": "",
        "End": column(cm, "AENDT"), "Lower limit of normal": "", "Below normal": "",
        "_kind": 1,
    })
    out = pd.concat([p for p in (labs, ivig) if len(p)] or [labs], ignore_index=True)
    out["Date"] = pd.to_datetime(out["Date"])
    out["End"] = pd.to_datetime(out["End"])
    out = out.sort_values(["Participant", "Date", "_kind"], kind="mergesort")
    return out.drop(columns="_kind").reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["Immunoglobulins in mg/dL with the laboratory's lower limit of normal; IVIG: "
            "intravenous immunoglobulin replacement, one row per course (start and end "
            "dates). Study day: days from the CAR-T infusion (Day 0)."]


# the variable each column shows (its codes shown decoded); "Below normal" is the Y/N flag
# derived above (value below the lower limit of normal), named as ADaM names flags
LAYOUT = {"column_variables": {"Below normal": "BLLNFL"}}


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes, layout=LAYOUT)
