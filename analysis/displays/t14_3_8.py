"""T14.3.8 Immunoglobulins and hypogammaglobulinaemia; IVIG use (Safety set; SAP 3,
Hypogammaglobulinaemia). Definitions: :mod:`analysis.derive.immunoglobulins`.

Rows (columns dose levels + Total; percentages of the column N):
- one block per immunoglobulin (group2 = ``PARAM``: IgG, IgA, IgM, mg/dL):
  variable ``AVISIT``, variable_level Baseline then each scheduled
  post-infusion visit: n, mean, sd, median, q1, q3, min, max;
- block ``Hypogammaglobulinaemia and IVIG``: ``EVAL`` n (%) with a post-infusion
  IgG; ``HYPO`` n (%) with IgG below the threshold at any post-infusion visit;
  ``IVIG`` n (%) with IVIG on or after lymphodepletion start (ADCM CMCAT "IVIG").
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.analysis_visits import VISIT_COLUMNS, visit_records, visit_summary_rows
from analysis.derive.immunoglobulins import compute_hypogamma, hypogamma_threshold, ivig_users
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.summaries import count_rows
from data_contract.specs.adlb import ADLB_PARAMS

ID = "T14.3.8"
PARAMS = ("IGG", "IGA", "IGM")
BLOCK = "Hypogammaglobulinaemia and IVIG"
LAYOUT = {"variable_labels": {
    "AVISIT": "Visit", "EVAL": "Participants with a post-infusion IgG",
    "HYPO": "IgG below threshold at any post-infusion visit",
    "IVIG": "IVIG on or after lymphodepletion",
}}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    adsl, cols, bign = pop.adsl, pop.cols, pop.bign
    pop.params_present(data["ADLB"], PARAMS, "ADLB")
    lb = pop.records(data["ADLB"], params=PARAMS, columns=VISIT_COLUMNS)
    rows = pop.bign_rows()
    recs = pop.with_group(visit_records(lb, adsl, config))
    for param in PARAMS:
        rows += visit_summary_rows(recs[recs["PARAMCD"] == param], "AVAL", cols,
                                   display_id=ID, variable="AVISIT", group_var=group_var,
                                   group2="PARAM", group2_level=ADLB_PARAMS[param][0])
    hypo = pop.with_group(compute_hypogamma(lb, config))
    keys = dict(display_id=ID, group_var=group_var, group2="BLOCK", group2_level=BLOCK)
    rows += count_rows(hypo, bign, variable="EVAL", **keys)
    rows += count_rows(hypo[hypo["HYPOFL"] == "Y"], bign, variable="HYPO", **keys)
    iv = ivig_users(pop.records(data["ADCM"]), adsl)
    rows += count_rows(pop.with_group(iv, how="inner"), bign, variable="IVIG", **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        f"Hypogammaglobulinaemia: IgG below {hypogamma_threshold(config):g} mg/dL at any "
        "post-infusion visit (study day 1 on; Day 0 = CAR-T infusion).",
        "Baseline: last value on or before Day 0, on or before the start of lymphodepletion "
        "where such a value exists. IVIG use: any intravenous immunoglobulin course starting "
        "on or after the start of lymphodepletion.",
        "Ig = immunoglobulin; IVIG = intravenous immunoglobulin.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
