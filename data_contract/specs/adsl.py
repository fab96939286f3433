"""ADSL: subject-level analysis dataset (one row per enrolled participant)."""

from __future__ import annotations

from data_contract.spec import YN, DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID

ADSL = DatasetSpec(
    name="ADSL",
    label="Subject-Level Analysis Dataset",
    keys=("USUBJID",),
    core_keys=("USUBJID",),
    core=True,
    description=(
        "One row per participant: demographics, NMOSD history, dose level and actual "
        "CAR-T dose, key dates, disposition and analysis-set flags."
    ),
    row_rules=(
        "ADSL.lymphodepletion_before_infusion",
        "ADSL.flags_consistent_with_dates",
        "ADSL.death_consistent",
        "ADSL.dates_ordered",
        "ADSL.end_of_study_consistent",
    ),
    variables=(
        STUDYID,
        USUBJID,
        Variable("SUBJID", "Subject Identifier for the Study", "str", required=True, core=True),
        Variable("SITEID", "Study Site Identifier", "str", core=True),
        # --- demographics (ADaM core) ---
        Variable("AGE", "Age", "int", required=True, core=True, range=(0, 120), unit="years"),
        Variable("AGEU", "Age Units", "str", core=True, allowed=("YEARS",)),
        Variable("SEX", "Sex", "str", required=True, core=True, allowed=("M", "F", "U")),
        Variable("RACE", "Race", "str", core=True),
        Variable("ETHNIC", "Ethnicity", "str", core=True),
        Variable("TRT01P", "Planned Treatment for Period 01", "str", core=True),
        Variable("TRT01A", "Actual Treatment for Period 01", "str", required=True, core=True),
        Variable("TRT01AN", "Actual Treatment for Period 01 (N)", "int", core=True),
        Variable("SAFFL", "Safety Population Flag", "str", required=True, core=True, allowed=YN),
        Variable("ITTFL", "Intent-To-Treat Population Flag", "str", core=True, allowed=YN),
        Variable("TRTSDT", "Date of First Exposure to Treatment", "date", core=True),
        Variable("TRTEDT", "Date of Last Exposure to Treatment", "date", core=True),
        Variable("DTHDT", "Date of Death", "date", core=True),
        Variable("DTHFL", "Subject Death Flag", "str", core=True, allowed=YN),
        Variable("EOSSTT", "End of Study Status", "str", core=True,
                 allowed=("COMPLETED", "DISCONTINUED", "ONGOING")),
        Variable("DCSREAS", "Reason for Discontinuation from Study", "str", core=True),
        Variable("EOSDT", "End of Study Date", "date", core=True),
        Variable("LSTALVDT", "Date Last Known Alive", "date", core=True),
        # --- dose level (TRT01PN: standard, with this study's levels), cohort, dose, body
        #     size (standard baseline variables with this study's ranges) ---
        Variable("TRT01PN", "Planned Treatment for Period 01 (N): dose level", "int",
                 core=True, study_terms=True, range=(1, 3)),
        Variable("COHORT", "Cohort", "str", allowed=("ESCALATION", "EXPANSION")),
        Variable("DOSEKG", "Actual CAR-T Dose per kg", "float", range=(0, 20),
                 unit="10^6 CAR-T cells/kg"),
        Variable("DOSETOT", "Actual Total CAR-T Dose", "float", range=(0, 2000),
                 unit="10^6 CAR-T cells"),
        Variable("WEIGHTBL", "Baseline Weight", "float", core=True, study_terms=True,
                 range=(25, 250), unit="kg"),
        Variable("HEIGHTBL", "Baseline Height", "float", core=True, study_terms=True,
                 range=(120, 220), unit="cm"),
        Variable("BMIBL", "Baseline BMI", "float", core=True, study_terms=True,
                 range=(10, 70), unit="kg/m2"),
        Variable("BSABL", "Baseline Body Surface Area", "float", core=True, study_terms=True,
                 range=(0.8, 3.0), unit="m2"),
        # --- this study: NMOSD history ---
        Variable("DIAGDT", "Date of NMOSD Diagnosis", "date"),
        Variable("DISDURY", "Disease Duration at Enrolment", "float", range=(0, 60),
                 unit="years"),
        Variable("RELP12", "Relapses in the 12 Months before Screening", "int", range=(0, 50)),
        Variable("RELP24", "Relapses in the 24 Months before Screening", "int", range=(0, 80)),
        Variable("NPRIMSUP", "Number of Prior Immunosuppressants", "int", range=(0, 20)),
        Variable("PRIMSUP", "Prior Immunosuppressants ('; '-separated)", "str"),
        Variable("EDSSBL", "Baseline EDSS", "float", range=(0, 10), step=0.5),
        Variable("AQP4BL", "Baseline AQP4-IgG Titre (reciprocal, 1:N)", "float",
                 range=(1, 1_000_000)),
        # --- this study: key dates ---
        Variable("RFICDT", "Date of Informed Consent", "date", core=True),
        Variable("ENRLDT", "Date of Enrolment", "date"),
        Variable("LDSTDT", "Lymphodepletion Start Date", "date"),
        Variable("INFDT", "CAR-T Infusion Date (Day 0)", "date"),
        # --- this study: analysis sets ---
        Variable("ENRLFL", "Enrolled Population Flag", "str", core=True, allowed=YN),
        Variable("INFFL", "Infused Population Flag", "str", allowed=YN),
        Variable("DLTEVLFL", "DLT-Evaluable Population Flag", "str", allowed=YN),
    ),
)
