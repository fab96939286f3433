"""ADVA: corrected visual acuity by eye and visit, as recorded."""

from __future__ import annotations

from data_contract.spec import DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID, adt, ady, visit_variables

# How VAORRES must look for each recording format (checked row by row).
VA_FORMAT_PATTERNS = {
    "SNELLEN": r"\d+(\.\d+)?/\d+(\.\d+)?",      # e.g. 5/10, 20/40, 6/12
    "DECIMAL": r"\d(\.\d+)?",                    # e.g. 0.5, 1.0, 1.2
    "FIVEPOINT": r"[3-5]\.\d",                   # Chinese standard 5-point score, e.g. 4.8
    "LOWVISION": r"CF|HM|LP|NLP",                # counting fingers, hand motion, light perception, none
}

ADVA = DatasetSpec(
    name="ADVA",
    label="Visual Acuity Analysis Dataset",
    keys=("USUBJID", "LAT", "ADT"),
    description=(
        "One row per eye and assessment: corrected visual acuity, tumbling-E chart at 5 m, "
        "recorded as a Snellen fraction, decimal acuity, 5-point score or low-vision "
        "category. Conversion to logMAR is done in analysis (SAP 3)."
    ),
    row_rules=("ADVA.result_matches_format",),
    variables=(
        STUDYID,
        USUBJID,
        Variable("LAT", "Laterality (eye)", "str", required=True, allowed=("RIGHT", "LEFT")),
        Variable("VAFMT", "Recording Format", "str", required=True,
                 allowed=tuple(VA_FORMAT_PATTERNS)),
        Variable("VAORRES", "Visual Acuity as Recorded", "str", required=True),
        adt(),
        ady(),
        *visit_variables(),
    ),
)
