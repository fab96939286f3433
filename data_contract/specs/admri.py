"""ADMRI: brain MRI lesion counts by scan."""

from __future__ import annotations

from data_contract.spec import DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID, adt, ady, visit_variables

ADMRI_PARAMS = {
    "T2NEWENL": "New or Enlarging T2 Lesions (count)",
    "GDT1": "Gd-Enhancing T1 Lesions (count)",
}

ADMRI = DatasetSpec(
    name="ADMRI",
    label="Brain MRI Analysis Dataset",
    keys=("USUBJID", "PARAMCD", "ADT"),
    description=(
        "One row per scan and lesion type. New/enlarging T2 lesions are counted against the "
        "previous scan; at the baseline scan the count is against the last pre-study scan."
    ),
    variables=(
        STUDYID,
        USUBJID,
        Variable("PARAMCD", "Parameter Code", "str", required=True, allowed=tuple(ADMRI_PARAMS)),
        Variable("PARAM", "Parameter", "str", required=True, allowed=tuple(ADMRI_PARAMS.values())),
        Variable("AVAL", "Lesion Count", "int", required=True, range=(0, 500)),
        adt(),
        ady(),
        *visit_variables(),
    ),
)
