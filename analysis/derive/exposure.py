"""Extent of exposure (SAP 1 lymphodepletion and dose levels; SAP 5 T14.1.5, L16.2.5).

Lymphodepletion (SAP 1 [assumption], study.yml ``lymphodepletion``): per
participant and drug, the total dose received (sum of EXDOSE, mg/m2) and the
number of days dosed (distinct administration dates with EXDOSE > 0); the
planned total is dose x planned days from the study configuration.

CAR-T: the actual dose per kg (ADSL.DOSEKG, 10^6 CAR-T cells/kg) and the
total number of cells (ADSL.DOSETOT, 10^6 CAR-T cells).
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig


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
    for v in ("USUBJID", "EXTRT", "EXDOSE", "ASTDT"):
        if v not in adex.columns:
            raise KeyError(f"compute_lymphodepletion_exposure: ADEX has no variable {v}")
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
