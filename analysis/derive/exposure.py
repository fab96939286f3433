"""Extent of exposure (SAP 1 lymphodepletion and dose levels; SAP 5 T14.1.5, L16.2.5).

Lymphodepletion (SAP 1 [assumption], study.yml ``lymphodepletion``): per
participant and drug, the total dose received (sum of EXDOSE, mg/m2) and the
number of days dosed (distinct administration dates with EXDOSE > 0); the
planned total is dose x planned days from the study configuration.

CAR-T: the actual dose per kg (ADSL.DOSEKG, 10^6 CAR-T cells/kg) and the
total number of cells (ADSL.DOSETOT, 10^6 CAR-T cells).

Another study's ADEX, which holds neither drug of this study's lymphodepletion
nor its CAR-T product (:func:`is_this_studys_exposure`), is summarised per
treatment it holds (:func:`compute_treatment_exposure`): the participants with a
record of the treatment, and the duration of treatment in days, TRTEDT - TRTSDT
+ 1 (ADSL; else from the first ADEX ASTDT to the last AENDT), as ICH E3 12.1
asks for the extent of exposure.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.frames import require_columns


def lymphodepletion_drugs(config: StudyConfig) -> list[dict]:
    """The configured lymphodepletion drugs with ``planned_total`` = dose x number of days."""
    drugs = config.assumptions["lymphodepletion"]["drugs"]
    return [{**d, "planned_total": float(d["dose"]) * len(d["days"])} for d in drugs]


def compute_lymphodepletion_exposure(adex: pd.DataFrame, subjects: pd.DataFrame,
                                     config: StudyConfig) -> pd.DataFrame:
    """One row per participant of ``subjects`` and configured drug: USUBJID, EXTRT,
    TOTDOSE (sum of EXDOSE), NDAYS (distinct dates with a dose > 0), DOSED (NDAYS > 0).

    A participant with no ADEX record of a drug gets TOTDOSE 0, NDAYS 0,
    DOSED False (received none of it).
    """
    require_columns(adex, ("USUBJID", "EXTRT", "EXDOSE", "ASTDT"), "ADEX",
                    where="compute_lymphodepletion_exposure")
    rows = []
    for drug in lymphodepletion_drugs(config):
        ex = adex[(adex["EXTRT"] == drug["name"]) & adex["USUBJID"].isin(subjects["USUBJID"])]
        given = ex[ex["EXDOSE"].fillna(0) > 0]
        tot = ex.groupby("USUBJID")["EXDOSE"].sum()
        days = given.groupby("USUBJID")["ASTDT"].nunique()
        for usubjid in subjects["USUBJID"]:
            n = int(days.get(usubjid, 0))
            rows.append({"USUBJID": usubjid, "EXTRT": drug["name"],
                         "TOTDOSE": float(tot.get(usubjid, 0.0)), "NDAYS": n, "DOSED": n > 0})
    return pd.DataFrame(rows, columns=["USUBJID", "EXTRT", "TOTDOSE", "NDAYS", "DOSED"])


CART_PRODUCT = "ANTI-BAFFR CAR-T"


def is_this_studys_exposure(adex: pd.DataFrame, config: StudyConfig) -> bool:
    """Whether ADEX holds this study's treatments (a lymphodepletion drug of the study
    configuration or the CAR-T product); an ADEX with no record counts as this study's."""
    if not len(adex) or "EXTRT" not in adex.columns:
        return True
    ours = {d["name"] for d in lymphodepletion_drugs(config)} | {CART_PRODUCT}
    return bool(adex["EXTRT"].isin(ours).any())


def compute_treatment_exposure(adex: pd.DataFrame, subjects: pd.DataFrame) -> pd.DataFrame:
    """One row per participant of ``subjects`` with a record of a treatment (EXTRT of
    ADEX, records without one, e.g. a BDS dataset's summary parameters, are not
    administrations): USUBJID, EXTRT, DURDAYS (days from the first to the last day of
    treatment, both counted: TRTEDT - TRTSDT + 1 when ADSL has them, else from the
    participant's first ADEX ASTDT to the last AENDT or ASTDT)."""
    require_columns(adex, ("USUBJID", "EXTRT", "ASTDT"), "ADEX", where="compute_treatment_exposure")
    ex = adex[adex["EXTRT"].notna() & adex["USUBJID"].isin(subjects["USUBJID"])]
    start = pd.to_datetime(ex["ASTDT"])
    end = pd.to_datetime(ex["AENDT"]).fillna(start) if "AENDT" in ex.columns else start
    span = (pd.DataFrame({"USUBJID": ex["USUBJID"], "EXTRT": ex["EXTRT"], "S": start, "E": end})
            .groupby(["USUBJID", "EXTRT"], sort=False).agg(S=("S", "min"), E=("E", "max"))
            .reset_index())
    if {"TRTSDT", "TRTEDT"} <= set(subjects.columns):
        trt = subjects[["USUBJID", "TRTSDT", "TRTEDT"]]
        span = span.merge(trt, on="USUBJID", how="left")
        span["S"] = pd.to_datetime(span["TRTSDT"]).fillna(span["S"])
        span["E"] = pd.to_datetime(span["TRTEDT"]).fillna(span["E"])
    span["DURDAYS"] = (span["E"] - span["S"]).dt.days + 1
    order = {u: i for i, u in enumerate(subjects["USUBJID"])}
    span = span.assign(_o=span["USUBJID"].map(order)).sort_values(["EXTRT", "_o"], kind="stable")
    return span[["USUBJID", "EXTRT", "DURDAYS"]].reset_index(drop=True)
