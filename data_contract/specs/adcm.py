"""ADCM: prior and concomitant medications (SAP 5, T14.1.7): the participant's prior
immunosuppressants, prophylaxis and premedication, IVIG, CRS/ICANS management.

Prior and concomitant (ADaM OCCDS flags, relative to the start of lymphodepletion,
ADSL.TRTSDT; SAP 5): PREFL = Y for a medication started before it; ONTRTFL = Y for one
taken on or after it (started on or after it, or still taken then: ended on or after it
or ongoing). A course spanning the start is both.
"""

from __future__ import annotations

from data_contract.spec import YN, DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID

ADCM = DatasetSpec(
    name="ADCM",
    label="Concomitant Medications Analysis Dataset",
    keys=("USUBJID", "CMSEQ"),
    core_keys=("USUBJID", "CMSEQ"),
    core=True,
    description=("One row per medication course: prior immunosuppressants, prophylaxis, "
                 "premedication, IVIG replacement, tocilizumab, corticosteroids, G-CSF; "
                 "ATC class, start and end, prior and concomitant flags."),
    variables=(
        STUDYID,
        USUBJID,
        Variable("CMSEQ", "Sequence Number", "int", required=True, core=True),
        Variable("CMDECOD", "Standardized Medication Name", "str", required=True, core=True),
        Variable("CMCAT", "Category of Medication", "str", required=True, core=True,
                 study_terms=True,
                 allowed=("IVIG", "TOCILIZUMAB", "CORTICOSTEROID", "G-CSF", "IMMUNOSUPPRESSANT",
                          "PROPHYLAXIS", "PREMEDICATION", "OTHER")),
        Variable("CMCLAS", "Medication Class (ATC level 2)", "str", required=True, core=True,
                 study_terms=True),
        Variable("ASTDT", "Analysis Start Date", "date", required=True, core=True,
                 study_terms=True),
        Variable("AENDT", "Analysis End Date", "date", core=True),
        Variable("ASTDY", "Analysis Start Relative Day", "int", core=True),
        Variable("PREFL", "Prior Medication Flag", "str", required=True, core=True,
                 study_terms=True, allowed=YN),
        Variable("ONTRTFL", "On Treatment Record Flag (concomitant)", "str", required=True,
                 core=True, study_terms=True, allowed=YN),
    ),
)
