"""T14.3.10 Vital signs: maximum temperature, minimum systolic blood pressure and minimum
SpO2, Day 0-28, by maximum CRS grade. Set: Infused (SAP 5; SAP 3, CRS).

Columns: dose levels (``group_var``, default TRT01A) then Total; N = Infused set.
Row blocks ``group2 = CRSMAXGR``: "No CRS", then "Grade g" for each maximum ASTCT CRS
grade present, in grade order (the participant's worst CRS event with onset Day 0-28;
:func:`analysis.derive.vital_signs.compute_vs_extremes`). In each block, per participant
with vital signs in the window, continuous summaries (n, mean, sd, median, q1, q3,
min, max; one more decimal than ADVS records) of:

- ``TEMPMAX`` maximum temperature (°C);
- ``SYSBPMIN`` minimum systolic blood pressure (mmHg);
- ``SPO2MIN`` minimum SpO2 (%).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.vital_signs import EXTREMES, VS_WINDOW, compute_vs_extremes
from analysis.displays.registry import declare
from analysis.formats import raw_decimals
from analysis.sets import population
from analysis.stats.summaries import continuous_rows

ID = "T14.3.10"
LABELS = {"TEMPMAX": "Maximum temperature (°C)",
          "SYSBPMIN": "Minimum systolic blood pressure (mmHg)",
          "SPO2MIN": "Minimum SpO2 (%)"}


def crs_block_label(grade: float) -> str:
    """Row-block label of a maximum CRS grade: 0 is "No CRS"."""
    return "No CRS" if int(grade) == 0 else f"Grade {int(grade)}"


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    advs = data["ADVS"]
    pop.params_present(advs, [code for code, _ in EXTREMES.values()], "ADVS")
    vs = pop.records(advs, params=[code for code, _ in EXTREMES.values()],
                     columns=["USUBJID", "PARAMCD", "AVAL", "ADY"])
    adae = data["ADAE"]
    adae = adae.loc[adae["USUBJID"].isin(pop.adsl["USUBJID"])]
    ext = pop.with_group(compute_vs_extremes(vs, adae), how="inner")
    rows = pop.bign_rows()
    for grade in sorted(ext["CRSMAXGR"].dropna().unique()):
        block = ext.loc[ext["CRSMAXGR"] == grade]
        for var, (code, _) in EXTREMES.items():
            dec = raw_decimals(advs.loc[advs["PARAMCD"] == code, "AVAL"])
            rows += continuous_rows(block, var, pop.cols, display_id=ID, variable=var,
                                    group_var=group_var, raw_decimals=dec, group2="CRSMAXGR",
                                    group2_level=crs_block_label(grade))
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    lo, hi = VS_WINDOW
    return [
        f"Vital signs from Day {lo} (CAR-T infusion) to Day {hi}; per participant the "
        "maximum temperature and the minimum systolic blood pressure and SpO2 of the window "
        "(ADVS holds the day's extreme of each).",
        f"Maximum CRS grade: worst ASTCT grade (Lee et al., 2019) of the participant's CRS "
        f"events with onset Day {lo}-{hi}; No CRS: none. Fever (≥38 °C) is required for any "
        "CRS; hypotension or hypoxia as the grade requires.",
        "n: participants with a value in the window; quartiles by the SAS default definition.",
        "CRS: cytokine release syndrome; SpO2: peripheral oxygen saturation.",
    ]


LAYOUT = {"variable_labels": LABELS}


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
