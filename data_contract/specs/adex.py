"""ADEX: exposure to lymphodepletion chemotherapy and the CAR-T infusion."""

from __future__ import annotations

from data_contract.spec import DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID

EXTRT_TERMS = ("FLUDARABINE", "CYCLOPHOSPHAMIDE", "ANTI-BAFFR CAR-T")

ADEX = DatasetSpec(
    name="ADEX",
    label="Exposure Analysis Dataset",
    keys=("USUBJID", "EXSEQ"),
    core=True,
    description="One row per administration: lymphodepletion drug per day, and the CAR-T infusion.",
    variables=(
        STUDYID,
        USUBJID,
        Variable("EXSEQ", "Sequence Number", "int", required=True, core=True, study_terms=True,
                 range=(1, 1000)),
        Variable("EXTRT", "Name of Treatment", "str", required=True, core=True, study_terms=True,
                 allowed=EXTRT_TERMS),
        Variable("EXDOSE", "Dose", "float", required=True, core=True, study_terms=True,
                 range=(0, 10000)),
        Variable("EXDOSU", "Dose Units", "str", required=True, core=True, study_terms=True,
                 allowed=("mg/m2", "10^6 cells/kg")),
        Variable("EXPDOSE", "Planned Dose", "float", range=(0, 10000)),
        Variable("ASTDT", "Administration Date", "date", required=True, core=True,
                 study_terms=True),
        Variable("ASTDY", "Administration Relative Day", "int", core=True),
    ),
)
