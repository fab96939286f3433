"""T14.1.4 NMOSD history. Set: Safety.

Columns: dose levels + Total, N = Safety set (BIGN). Rows, for the ADSL
variables present, in this order:

- continuous (n, mean, sd, median, q1, q3, min, max; SAS quartiles,
  analysis.stats.summaries): ``DISDURY`` disease duration (years), ``RELP12``
  and ``RELP24`` relapses in the 12 / 24 months before screening,
  ``NPRIMSUP`` number of prior immunosuppressants, ``EDSSBL`` baseline EDSS,
  ``AQP4BLL2`` baseline AQP4-IgG titre as log2(1:N) (SAP 3);
- ``AQP4BL`` / ``median``: the median titre as text ``1:N`` (2 ** median log2),
  ``stat_name`` = "text" (``stat`` NaN);
- ``PRIMSUP``: participants who had each prior immunosuppressant
  (``variable_level`` = agent, sorted; n, N, pct of the column N).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.nmosd_history import (
    derive_var_log2_titre,
    split_prior_immunosuppressants,
    titre_text,
)
from analysis.displays._participants import require_variables
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.summaries import continuous_rows, continuous_stats, count_rows

ID = "T14.1.4"
CONTINUOUS = {"DISDURY": 1, "RELP12": 0, "RELP24": 0, "NPRIMSUP": 0, "EDSSBL": 1, "AQP4BLL2": 1}
SOURCES = ["DISDURY", "RELP12", "RELP24", "NPRIMSUP", "PRIMSUP", "EDSSBL", "AQP4BL"]
LAYOUT = {"variable_labels": {
    "DISDURY": "Disease duration (years)",
    "RELP12": "Relapses in the 12 months before screening",
    "RELP24": "Relapses in the 24 months before screening",
    "NPRIMSUP": "Number of prior immunosuppressants",
    "EDSSBL": "Baseline EDSS",
    "AQP4BLL2": "Baseline AQP4-IgG titre, log2(1:N)",
    "AQP4BL": "Baseline AQP4-IgG titre, median (1:N)",
    "PRIMSUP": "Prior immunosuppressants",
}}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = population(data, config, ID, group_var)
    have = require_variables(s.adsl, SOURCES, ID)
    adsl = derive_var_log2_titre(s.adsl) if "AQP4BL" in have else s.adsl
    rows = s.bign_rows()
    for var, dec in CONTINUOUS.items():
        if var not in adsl.columns:
            continue
        rows += continuous_rows(adsl, var, s.cols, display_id=ID, variable=var,
                                group_var=group_var, raw_decimals=dec)
        if var == "AQP4BLL2":
            for col in s.cols:
                sub = adsl if col == A.TOTAL else adsl[adsl[group_var].astype(str) == col]
                med = continuous_stats(sub[var])["median"]
                rows.append(A.text_row(ID, "AQP4BL", titre_text(med), group1=group_var,
                                       group1_level=col, stat_label="Median titre"))
        if var == "NPRIMSUP" and "PRIMSUP" in have:
            agents = split_prior_immunosuppressants(adsl).merge(s.groups, on="USUBJID")
            for agent in sorted(agents["AGENT"].unique()):
                rows += count_rows(agents[agents["AGENT"] == agent], s.bign, display_id=ID,
                                   variable="PRIMSUP", variable_level=agent, group_var=group_var)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Disease duration: from NMOSD diagnosis to enrolment. AQP4-IgG: aquaporin-4 "
        "immunoglobulin G, cell-based assay; titre 1:N analysed as log2(N); the median titre "
        "is 2 to the power of the median log2 titre. A participant may have had several prior "
        "immunosuppressants; percentages are of the column N.",
        "EDSS: Expanded Disability Status Scale; NMOSD: neuromyelitis optica spectrum disorder.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
