"""T14.2.5 AQP4-IgG titre by visit (Infused set; SAP 3, AQP4-IgG titre and Baseline).

Rows:
- group2 ``log2 titre``: variable ``AVISIT`` (Baseline, then scheduled
  post-infusion visits): n, mean, sd, median, q1, q3, min, max of log2(N);
  variable ``CHG``: the same for the change from baseline in log2(N)
  (post-infusion visits only);
- group2 ``Seronegative``: variable ``SERONEG``, variable_level = visit:
  n (%) participants seronegative at that visit;
- group2 ``Seroconversion``: ``BASENEG`` n (%) seronegative at baseline;
  ``SEROCONV`` n (%) seropositive at baseline and seronegative at any
  post-infusion assessment (scheduled or not).
Columns: dose levels + Total; percent denominators: column N (Infused).
A seronegative result enters log2 summaries as log2(LLOQ/2)
(:mod:`analysis.derive.titre`).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.analysis_visits import visit_records, visit_summary_rows
from analysis.derive.baseline import derive_var_base
from analysis.derive.titre import PARAMCD as TITRE
from analysis.derive.titre import compute_seroconversion, derive_var_log2titre
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.summaries import count_rows

ID = "T14.2.5"
LOG2_BLOCK = "AQP4-IgG titre, log2(N) of 1:N"
NEG_BLOCK = "Seronegative (below the lowest dilution)"
CONV_BLOCK = "Seroconversion to negative"
LAYOUT = {"variable_labels": {
    "AVISIT": "log2 titre by visit",
    "CHG": "Change from baseline in log2 titre",
    "SERONEG": "Seronegative at visit",
    "BASENEG": "Seronegative at baseline",
    "SEROCONV": "Seropositive at baseline, seronegative after infusion",
}}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    adsl, cols, bign = pop.adsl, pop.cols, pop.bign
    pop.params_present(data["ADLB"], [TITRE], "ADLB")
    tit = derive_var_log2titre(pop.records(data["ADLB"], params=[TITRE]))
    recs = pop.with_group(visit_records(tit, adsl, config, value="LOG2TIT"))
    rows = pop.bign_rows()
    common = dict(display_id=ID, group_var=group_var, group2="BLOCK")
    rows += visit_summary_rows(recs, "LOG2TIT", cols, variable="AVISIT", raw_decimals=1,
                               group2_level=LOG2_BLOCK, **common)
    rows += visit_summary_rows(recs, "CHG", cols, variable="CHG", raw_decimals=1,
                               group2_level=LOG2_BLOCK, skip_baseline=True, **common)
    for vis in recs.sort_values("AVISITRN")["AVISITR"].drop_duplicates():
        at = recs[recs["AVISITR"] == vis]
        rows += count_rows(at[at["SERONEG"] == "Y"], bign, variable="SERONEG",
                           variable_level=vis, group2_level=NEG_BLOCK, **common)
    sero = pop.with_group(compute_seroconversion(derive_var_base(tit, adsl, value="LOG2TIT")))
    rows += count_rows(sero[sero["BASENEG"] == "Y"], bign, variable="BASENEG",
                       group2_level=CONV_BLOCK, **common)
    rows += count_rows(sero[sero["SEROCONV"] == "Y"], bign, variable="SEROCONV",
                       group2_level=CONV_BLOCK, **common)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "AQP4-IgG titre 1:N by cell-based assay, analysed as log2(N). A seronegative result "
        "(below the assay's lowest dilution, LLOQ) is set to log2(LLOQ/2), one doubling "
        "dilution below the lowest dilution, for the log2 summaries and changes.",
        "Baseline: last value on or before Day 0, on or before the start of lymphodepletion "
        "where such a value exists. Post-infusion visits: study day 1 on; the last value in a "
        "visit window is summarised.",
        "Seroconversion to negative: seropositive at baseline and seronegative at any "
        "post-infusion assessment. Percentages use the column N of the Infused set.",
        "AQP4-IgG = aquaporin-4 immunoglobulin G antibody.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
