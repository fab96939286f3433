"""ADCM: concomitant medications of analysis interest (IVIG, CRS/ICANS management)."""

from __future__ import annotations

from data_contract.spec import DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID

ADCM = DatasetSpec(
    name="ADCM",
    label="Concomitant Medications Analysis Dataset",
    keys=("USUBJID", "CMSEQ"),
    core_keys=("USUBJID", "CMSEQ"),
    core=True,
    description="One row per medication course: IVIG replacement, tocilizumab, corticosteroids, G-CSF.",
    variables=(
        STUDYID,
        USUBJID,
        Variable("CMSEQ", "Sequence Number", "int", required=True, core=True),
        Variable("CMDECOD", "Standardized Medication Name", "str", required=True, core=True),
        Variable("CMCAT", "Category of Medication", "str", required=True, core=True,
                 study_terms=True,
                 allowed=("IVIG", "TOCILIZUMAB", "CORTICOSTEROID", "G-CSF", "OTHER")),
        Variable("ASTDT", "Analysis Start Date", "date", required=True, core=True,
                 study_terms=True),
        Variable("AENDT", "Analysis End Date", "date", core=True),
        Variable("ASTDY", "Analysis Start Relative Day", "int", core=True),
    ),
)
