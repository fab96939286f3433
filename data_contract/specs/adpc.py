"""ADPC: CAR-T cellular kinetics in blood (flow cytometry and qPCR)."""

from __future__ import annotations

from data_contract.spec import YN, DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID, adt, ady, visit_variables

ADPC_PARAMS = {
    "CARTPCT": ("CAR+ T Cells (% of CD3+), Flow Cytometry", "%"),
    "CARTCOPY": ("CAR Transgene (copies/ug gDNA), qPCR", "copies/ug gDNA"),
}

ADPC = DatasetSpec(
    name="ADPC",
    label="CAR-T Kinetics Analysis Dataset",
    keys=("USUBJID", "PARAMCD", "ADT"),
    core=True,
    description=(
        "One row per participant, assay and time point after infusion. Values below the "
        "limit of quantification have BLQFL 'Y', AVAL missing and AVALC 'BLQ'."
    ),
    row_rules=("ADPC.blq_consistent",),
    variables=(
        STUDYID,
        USUBJID,
        Variable("PARAMCD", "Parameter Code", "str", required=True, core=True, study_terms=True,
                 allowed=tuple(ADPC_PARAMS)),
        Variable("PARAM", "Parameter", "str", required=True, core=True, study_terms=True,
                 allowed=tuple(p[0] for p in ADPC_PARAMS.values())),
        Variable("AVAL", "Analysis Value", "float", core=True, study_terms=True, range=(0, 1e9)),
        Variable("AVALC", "Analysis Value (C)", "str", core=True),
        Variable("AVALU", "Analysis Value Unit", "str", required=True, core=True,
                 study_terms=True, allowed=tuple(p[1] for p in ADPC_PARAMS.values())),
        Variable("BLQFL", "Below Limit of Quantification Flag", "str", required=True,
                 allowed=YN),
        Variable("LLOQ", "Lower Limit of Quantification", "float", required=True,
                 range=(0, 1e6)),
        adt(),
        ady(),
        *visit_variables(),
    ),
)
