"""ADAE: adverse events (one row per event)."""

from __future__ import annotations

from data_contract.spec import YN, DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID

# MedDRA System Organ Classes (MedDRA 27), the controlled terms of AEBODSYS.
MEDDRA_SOCS = (
    "Blood and lymphatic system disorders",
    "Cardiac disorders",
    "Congenital, familial and genetic disorders",
    "Ear and labyrinth disorders",
    "Endocrine disorders",
    "Eye disorders",
    "Gastrointestinal disorders",
    "General disorders and administration site conditions",
    "Hepatobiliary disorders",
    "Immune system disorders",
    "Infections and infestations",
    "Injury, poisoning and procedural complications",
    "Investigations",
    "Metabolism and nutrition disorders",
    "Musculoskeletal and connective tissue disorders",
    "Neoplasms benign, malignant and unspecified (incl cysts and polyps)",
    "Nervous system disorders",
    "Pregnancy, puerperium and perinatal conditions",
    "Psychiatric disorders",
    "Renal and urinary disorders",
    "Reproductive system and breast disorders",
    "Respiratory, thoracic and mediastinal disorders",
    "Skin and subcutaneous tissue disorders",
    "Social circumstances",
    "Surgical and medical procedures",
    "Vascular disorders",
    "Product issues",
)

ADAE = DatasetSpec(
    name="ADAE",
    label="Adverse Events Analysis Dataset",
    keys=("USUBJID", "AESEQ"),
    core_keys=("USUBJID", "AESEQ"),
    core=True,
    description=(
        "One row per adverse event: verbatim and coded terms (MedDRA SOC/PT, SOC names "
        "matched case-insensitively), grade (CTCAE v5.0; ASTCT 2019 for CRS and ICANS), "
        "seriousness, relationship (AREL; in this study also separately to the CAR-T "
        "product, ARELCAR, and to the lymphodepleting chemotherapy, ARELLD, SAP 3), dates "
        "and study days, and the flags of this study "
        "(TEAE, DLT, CRS, ICANS, management). Severity, causality, outcome and action "
        "taken are sponsor codelists whose meanings are configuration (study.yml "
        "codelists). A missing or imputed onset date (ASTDTF) is lawful and counted as "
        "treatment-emergent unless it can be placed before lymphodepletion (SAP 3)."
    ),
    row_rules=(
        "ADAE.end_not_before_start",
        "ADAE.trtemfl_consistent_with_dates",
        "ADAE.grade_or_severity_present",
        "ADAE.fatal_is_grade_5",
        "ADAE.onset_date_missing",
        "ADAE.onset_date_imputed",
    ),
    variables=(
        STUDYID,
        USUBJID,
        Variable("AESEQ", "Sequence Number", "int", required=True, core=True, range=(1, 100000)),
        Variable("AETERM", "Reported Term for the Adverse Event", "str", core=True),
        Variable("AEDECOD", "Dictionary-Derived Term (MedDRA PT)", "str", required=True,
                 core=True),
        Variable("AEBODSYS", "Body System or Organ Class (MedDRA SOC)", "str", required=True,
                 core=True, allowed=MEDDRA_SOCS, casefold=True),
        Variable("AESEV", "Severity/Intensity", "str", core=True, codelist="AESEV"),
        Variable("AETOXGR", "Standard Toxicity Grade", "int", core=True, range=(1, 5)),
        Variable("AESER", "Serious Event", "str", required=True, core=True, allowed=YN),
        Variable("AREL", "Analysis Causality", "str", core=True, codelist="AREL"),
        Variable("AEOUT", "Outcome of Adverse Event", "str", core=True, codelist="AEOUT"),
        Variable("AESDTH", "Results in Death", "str", core=True, allowed=YN),
        Variable("ASTDT", "Analysis Start Date", "date", core=True),
        Variable("AENDT", "Analysis End Date", "date", core=True),
        Variable("ASTDY", "Analysis Start Relative Day", "int", core=True),
        Variable("AENDY", "Analysis End Relative Day", "int", core=True),
        Variable("TRTEMFL", "Treatment Emergent Analysis Flag", "str", core=True, allowed=YN),
        Variable("ASTDTF", "Analysis Start Date Imputation Flag", "str", core=True,
                 permissible=True, allowed=("Y", "M", "D")),
        Variable("AEACN", "Action Taken with Study Treatment", "str", core=True,
                 permissible=True, codelist="AEACN"),
        # --- this study ---
        Variable("AEGRSCL", "Grading Scale", "str", allowed=("CTCAE v5.0", "ASTCT 2019")),
        # permissible: a delivery that records one causality (AREL) is lawful; the
        # displays that need both say so
        Variable("ARELCAR", "Causality to the CAR-T Product", "str", codelist="AREL",
                 permissible=True),
        Variable("ARELLD", "Causality to the Lymphodepleting Chemotherapy", "str",
                 codelist="AREL", permissible=True),
        Variable("DLTFL", "Dose-Limiting Toxicity Flag (investigator)", "str", allowed=YN),
        Variable("CRSFL", "Cytokine Release Syndrome Flag", "str", allowed=YN),
        Variable("ICANSFL", "ICANS Flag", "str", allowed=YN),
        Variable("TOCIFL", "Tocilizumab Given for the Event", "str", allowed=YN),
        Variable("CORTFL", "Corticosteroids Given for the Event", "str", allowed=YN),
    ),
)
