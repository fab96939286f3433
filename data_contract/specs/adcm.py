"""ADCM: concomitant medications of analysis interest (IVIG, CRS/ICANS management)."""

from __future__ import annotations

from data_contract.spec import DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID

ADCM = DatasetSpec(
    name="ADCM",
    label="Concomitant Medications Analysis Dataset",
    keys=("USUBJID", "CMSEQ"),
    description="One row per medication course: IVIG replacement, tocilizumab, corticosteroids, G-CSF.",
    variables=(
        STUDYID,
        USUBJID,
        Variable("CMSEQ", "Sequence Number", "int", required=True, range=(1, 10000)),
        Variable("CMDECOD", "Standardized Medication Name", "str", required=True),
        Variable("CMCAT", "Category of Medication", "str", required=True,
                 allowed=("IVIG", "TOCILIZUMAB", "CORTICOSTEROID", "G-CSF", "OTHER")),
        Variable("ASTDT", "Analysis Start Date", "date", required=True),
        Variable("AENDT", "Analysis End Date", "date"),
        Variable("ASTDY", "Analysis Start Relative Day", "int", range=(-3650, 3650)),
    ),
)
