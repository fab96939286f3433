"""ADDV: protocol deviations, one row per deviation (SAP 5, T14.1.6 and L16.2.2)."""

from __future__ import annotations

from data_contract.spec import YN, DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID

# Deviation categories of this study's deviation plan (the values ADDV.DVCAT may take).
DV_CATEGORIES = (
    "INFORMED CONSENT", "ELIGIBILITY", "VISIT SCHEDULE", "STUDY PROCEDURE",
    "INVESTIGATIONAL PRODUCT", "CONCOMITANT MEDICATION",
)

ADDV = DatasetSpec(
    name="ADDV",
    label="Protocol Deviations Analysis Dataset",
    keys=("USUBJID", "DVSEQ"),
    description=(
        "One row per protocol deviation of an enrolled participant: category, description "
        "as recorded, date and study day, and whether the deviation is important (one that "
        "may affect the completeness, accuracy or reliability of key data, or a "
        "participant's rights, safety or well-being: ICH E3 10.2)."
    ),
    variables=(
        STUDYID,
        USUBJID,
        Variable("DVSEQ", "Sequence Number", "int", required=True, range=(1, 10000)),
        Variable("DVCAT", "Category of Protocol Deviation", "str", required=True,
                 allowed=DV_CATEGORIES),
        Variable("DVTERM", "Protocol Deviation Term", "str", required=True),
        Variable("ASTDT", "Deviation Date", "date", required=True),
        Variable("ASTDY", "Deviation Relative Day (infusion = Day 0)", "int"),
        Variable("DVIMPFL", "Important Protocol Deviation Flag", "str", required=True,
                 allowed=YN),
    ),
)
