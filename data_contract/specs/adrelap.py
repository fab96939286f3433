"""ADRELAP: NMOSD attacks (relapse episodes) as recorded, before and after infusion."""

from __future__ import annotations

from data_contract.spec import YN, DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID

ADRELAP = DatasetSpec(
    name="ADRELAP",
    label="Relapse Episodes Analysis Dataset",
    keys=("USUBJID", "RLSEQ"),
    description=(
        "One row per recorded episode of new or worsening neurological symptoms, from the "
        "24 months before screening onwards. Whether an episode counts as a relapse, and "
        "whether onsets within 30 days merge into one relapse, is derived in analysis "
        "(SAP 3, Relapse)."
    ),
    variables=(
        STUDYID,
        USUBJID,
        Variable("RLSEQ", "Sequence Number", "int", required=True, range=(1, 10000)),
        Variable("ASTDT", "Onset Date", "date", required=True),
        Variable("ASTDY", "Onset Relative Day (infusion = Day 0)", "int"),
        Variable("RLPHASE", "Phase", "str", required=True,
                 allowed=("PRE-TREATMENT", "ON-STUDY")),
        Variable("RLDESC", "Clinical Presentation", "str",
                 allowed=("OPTIC NEURITIS", "TRANSVERSE MYELITIS", "AREA POSTREMA SYNDROME",
                          "BRAINSTEM SYNDROME", "DIENCEPHALIC SYNDROME",
                          "CEREBRAL SYNDROME")),
        Variable("RLGT24H", "Symptoms Lasted More Than 24 Hours", "str", required=True,
                 allowed=YN),
        Variable("RLFEVINF", "Explained by Fever or Infection", "str", required=True,
                 allowed=YN),
    ),
)
