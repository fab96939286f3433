"""ADVS: vital signs by day (BDS structure), SAP 5 (T14.3.10) and SAP 3 (CRS, ASTCT)."""

from __future__ import annotations

from data_contract.spec import DatasetSpec, Variable
from data_contract.specs._common import STUDYID, USUBJID, adt, ady

# PARAMCD -> (PARAM, unit, the day's value recorded). The controlled terms of this dataset.
ADVS_PARAMS = {
    "TEMP": ("Temperature, Maximum of the Day (C)", "C", "max"),
    "SYSBP": ("Systolic Blood Pressure, Minimum of the Day (mmHg)", "mmHg", "min"),
    "DIABP": ("Diastolic Blood Pressure, Minimum of the Day (mmHg)", "mmHg", "min"),
    "HR": ("Heart Rate, Maximum of the Day (beats/min)", "beats/min", "max"),
    "SPO2": ("Oxygen Saturation (SpO2), Minimum of the Day (%)", "%", "min"),
    "OXYFLOW": ("Supplemental Oxygen Flow, Maximum of the Day (L/min)", "L/min", "max"),
    "VASOPN": ("Vasopressors in Use, Maximum of the Day (n)", "n", "max"),
}
# Oxygen support (AVALC of OXYFLOW), from none to the most: ASTCT 2019 CRS grading reads
# low-flow (<= 6 L/min, grade 2), high-flow or face mask (grade 3), positive pressure (4).
OXYGEN_DEVICES = ("ROOM AIR", "LOW-FLOW NASAL CANNULA", "HIGH-FLOW NASAL CANNULA",
                  "FACE MASK", "POSITIVE PRESSURE")

ADVS = DatasetSpec(
    name="ADVS",
    label="Vital Signs Analysis Dataset",
    keys=("USUBJID", "PARAMCD", "ADT"),
    core=True,
    description=(
        "One row per participant, parameter and day from lymphodepletion to Day 28: the "
        "day's extreme value (maximum temperature, minimum systolic and diastolic blood "
        "pressure, maximum heart rate, minimum SpO2, maximum supplemental oxygen flow with "
        "the device in AVALC, maximum number of vasopressors). The CRS grades of ADAE must "
        "agree with them (ASTCT 2019: fever >= 38.0 C for any CRS; hypotension or hypoxia "
        "as the grade requires); a discordance is a warning (data_contract.consistency)."
    ),
    variables=(
        STUDYID,
        USUBJID,
        Variable("PARAMCD", "Parameter Code", "str", required=True, core=True, study_terms=True,
                 allowed=tuple(ADVS_PARAMS)),
        Variable("PARAM", "Parameter", "str", required=True, core=True, study_terms=True,
                 allowed=tuple(p[0] for p in ADVS_PARAMS.values())),
        Variable("AVAL", "Analysis Value", "float", required=True, core=True, study_terms=True,
                 range=(0, 300)),
        Variable("AVALC", "Analysis Value (C)", "str", core=True),
        Variable("AVALU", "Analysis Value Unit", "str", required=True, core=True,
                 study_terms=True, allowed=tuple(sorted({p[1] for p in ADVS_PARAMS.values()}))),
        adt(),
        ady(),
    ),
)
