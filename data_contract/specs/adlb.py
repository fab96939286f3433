"""ADLB: laboratory and biomarker values by visit (BDS structure)."""

from __future__ import annotations

from data_contract.spec import DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID, adt, ady, visit_variables

# PARAMCD -> (PARAM, PARCAT1, unit). The controlled terms of this dataset.
ADLB_PARAMS = {
    "ANC": ("Absolute Neutrophil Count (cells/uL)", "HEMATOLOGY", "cells/uL"),
    "PLAT": ("Platelets (10^3/uL)", "HEMATOLOGY", "10^3/uL"),
    "HGB": ("Haemoglobin (g/dL)", "HEMATOLOGY", "g/dL"),
    "LYMPH": ("Lymphocytes (cells/uL)", "HEMATOLOGY", "cells/uL"),
    "IGG": ("Immunoglobulin G (mg/dL)", "IMMUNOGLOBULIN", "mg/dL"),
    "IGA": ("Immunoglobulin A (mg/dL)", "IMMUNOGLOBULIN", "mg/dL"),
    "IGM": ("Immunoglobulin M (mg/dL)", "IMMUNOGLOBULIN", "mg/dL"),
    "CD19ABS": ("CD19+ B Cells, Blood (cells/uL)", "B CELLS", "cells/uL"),
    "CD19PCT": ("CD19+ B Cells, Blood (% of lymphocytes)", "B CELLS", "%"),
    "CD19BM": ("CD19+ B Cells, Bone Marrow (% of nucleated cells)", "B CELLS", "%"),
    "AQP4TIT": ("AQP4-IgG Titre, Cell-Based Assay (1:N)", "AUTOANTIBODY", "1:N"),
    "IL6": ("Interleukin-6 (pg/mL)", "CYTOKINE", "pg/mL"),
    "IFNG": ("Interferon-gamma (pg/mL)", "CYTOKINE", "pg/mL"),
    "TNFA": ("Tumour Necrosis Factor-alpha (pg/mL)", "CYTOKINE", "pg/mL"),
    "BAFF": ("Serum BAFF (pg/mL)", "CYTOKINE", "pg/mL"),
}

ADLB = DatasetSpec(
    name="ADLB",
    label="Laboratory and Biomarker Analysis Dataset",
    keys=("USUBJID", "PARAMCD", "ADT"),
    core=True,
    description=(
        "One row per participant, parameter and date: haematology, immunoglobulins, CD19+ "
        "B cells in blood and bone marrow, AQP4-IgG titre, cytokines and serum BAFF. "
        "AQP4-IgG titre: AVAL is the reciprocal titre N of 1:N; a result below the assay's "
        "lowest dilution (LLOQ) has AVAL missing and AVALC 'NEGATIVE'."
    ),
    row_rules=("ADLB.param_consistent", "ADLB.aval_or_avalc"),
    variables=(
        STUDYID,
        USUBJID,
        Variable("PARAMCD", "Parameter Code", "str", required=True, core=True, study_terms=True,
                 allowed=tuple(ADLB_PARAMS)),
        Variable("PARAM", "Parameter", "str", required=True, core=True, study_terms=True,
                 allowed=tuple(p[0] for p in ADLB_PARAMS.values())),
        Variable("PARCAT1", "Parameter Category 1", "str", required=True, core=True,
                 study_terms=True,
                 allowed=tuple(sorted({p[1] for p in ADLB_PARAMS.values()}))),
        Variable("AVAL", "Analysis Value", "float", core=True, study_terms=True, range=(0, 1e9)),
        Variable("AVALC", "Analysis Value (C)", "str", core=True),
        Variable("AVALU", "Analysis Value Unit", "str", required=True, core=True,
                 study_terms=True,
                 allowed=tuple(sorted({p[2] for p in ADLB_PARAMS.values()}))),
        Variable("ANRLO", "Analysis Normal Range Lower Limit", "float", core=True),
        Variable("ANRHI", "Analysis Normal Range Upper Limit", "float", core=True),
        Variable("LLOQ", "Lower Limit of Quantification / Lowest Dilution", "float"),
        adt(),
        ady(),
        *visit_variables(),
    ),
)
