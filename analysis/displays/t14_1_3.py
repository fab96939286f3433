"""T14.1.3 Demographics and baseline characteristics. Set: Safety.

Columns: dose levels + Total, N = Safety set (BIGN). Statistics by tableone
(analysis.stats.tableone_ard): continuous variables n, mean, sd, median, q1,
q3 (linear interpolation), min, max of the non-missing values (SAP 3 Missing
data); categorical variables n, N, pct of the column N with a ``Missing``
level when values are missing (SAP 4). Rows, in this order, for the variables
ADSL holds (a standard ADSL of another study gives the rows it can):

- continuous: AGE (years), WEIGHTBL (kg), HEIGHTBL (cm), BMIBL (kg/m2), BSABL (m2);
- categorical: SEX, RACE, ETHNIC (levels sorted, ``Missing`` last).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.displays._participants import require_variables
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.tableone_ard import tableone_rows

ID = "T14.1.3"
CONTINUOUS = {"AGE": 0, "WEIGHTBL": 1, "HEIGHTBL": 1, "BMIBL": 1, "BSABL": 2}  # raw decimals
CATEGORICAL = ["SEX", "RACE", "ETHNIC"]
LAYOUT = {
    "variable_labels": {"AGE": "Age (years)", "WEIGHTBL": "Weight (kg)", "HEIGHTBL": "Height (cm)",
                        "BMIBL": "BMI (kg/m²)", "BSABL": "Body surface area (m²)", "SEX": "Sex",
                        "RACE": "Race", "ETHNIC": "Ethnicity"},
}  # levels decoded by study.yml decode (SEX "M" -> "Male"), analysis.style.decode


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = population(data, config, ID, group_var)
    have = require_variables(s.adsl, [*CONTINUOUS, *CATEGORICAL], ID)
    rows = s.bign_rows()
    rows += tableone_rows(s.adsl, display_id=ID, group_var=group_var, bign=s.bign,
                          continuous={v: d for v, d in CONTINUOUS.items() if v in have},
                          categorical=[v for v in CATEGORICAL if v in have])
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Baseline: last value on or before Day 0 (infusion). Percentages are of the column N; "
        "continuous statistics are of the participants with a value (n). Q1, Q3: quartiles by "
        "the SAS default definition (PCTLDEF=5).",
        "BMI: body mass index; SD: standard deviation; Q1, Q3: first and third quartiles.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
