"""ADEDSS: Expanded Disability Status Scale by visit."""

from __future__ import annotations

from data_contract.spec import DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID, adt, ady, visit_variables

ADEDSS = DatasetSpec(
    name="ADEDSS",
    label="EDSS Analysis Dataset",
    keys=("USUBJID", "ADT"),
    description="One row per EDSS assessment (0-10 in steps of 0.5).",
    variables=(
        STUDYID,
        USUBJID,
        Variable("PARAMCD", "Parameter Code", "str", required=True, allowed=("EDSS",)),
        Variable("AVAL", "EDSS Score", "float", required=True, range=(0, 10), step=0.5),
        adt(),
        ady(),
        *visit_variables(),
    ),
)
