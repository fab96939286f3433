"""T14.2.7 Cytokines and serum BAFF: peak, fold change, time to peak (Infused set;
SAP 3, Cytokines).

One block per cytokine (group2 = ``PARAM``: IL-6, IFN-gamma, TNF-alpha, serum
BAFF, pg/mL), columns dose levels + Total:
- ``PEAK`` peak post-infusion value (pg/mL): n, n_zero, geomean, geocv,
  median, min, max (zeros excluded from the geometric statistics, counted);
- ``FOLD`` fold change from baseline (peak / baseline): same statistics;
- ``TPEAK`` time to peak (study day): n, median, min, max.
Definitions: :mod:`analysis.derive.cytokines`.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.cytokines import CYTOKINES, compute_peaks
from analysis.displays.registry import declare
from analysis.formats import raw_decimals
from analysis.sets import population
from analysis.stats.geometric import geometric_rows
from data_contract.specs.adlb import ADLB_PARAMS

ID = "T14.2.7"
LAYOUT = {"variable_labels": {
    "PEAK": "Peak post-infusion value (pg/mL)",
    "FOLD": "Fold change from baseline (peak / baseline)",
    "TPEAK": "Time to peak (study day)",
}}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    adsl, cols = pop.adsl, pop.cols
    adlb = data["ADLB"]
    pop.params_present(adlb, CYTOKINES, "ADLB")
    lb = pop.records(adlb, params=CYTOKINES, columns=["USUBJID", "PARAMCD", "AVAL", "ADT", "ADY"])
    peaks = pop.with_group(compute_peaks(lb, adsl))
    rows = pop.bign_rows()
    for param in CYTOKINES:
        p = peaks[peaks["PARAMCD"] == param]
        keys = dict(display_id=ID, group_var=group_var, group2="PARAM",
                    group2_level=ADLB_PARAMS[param][0])
        dec = raw_decimals(adlb.loc[adlb["PARAMCD"] == param, "AVAL"])
        rows += geometric_rows(p, "PEAK", cols, variable="PEAK", raw_decimals=dec, **keys)
        rows += geometric_rows(p, "FOLD", cols, variable="FOLD", raw_decimals=1, **keys)
        rows += geometric_rows(p, "TPEAK", cols, variable="TPEAK",
                               stats=("n", "median", "min", "max"), **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Peak: maximum value from study day 1 (Day 0 = CAR-T infusion); time to peak: study "
        "day of the first occurrence of the peak; fold change: peak / baseline (not computed "
        "when the baseline is missing or 0).",
        "Baseline: last value on or before Day 0, on or before the start of lymphodepletion "
        "where such a value exists.",
        "Geometric mean and geometric CV% (100 x sqrt(exp(s^2) - 1), s = SD of log values) "
        "exclude values of 0; the number excluded is shown.",
        "BAFF = B-cell activating factor; IFN = interferon; IL = interleukin; TNF = tumour "
        "necrosis factor.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
