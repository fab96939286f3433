"""T14.2.6 B cells in blood and bone marrow by visit; aplasia and reconstitution
(Infused set; SAP 3, B cells and Baseline).

Rows:
- one block per parameter (group2 = ``PARAM``): CD19+ B cells in blood
  (CD19ABS, cells/uL; CD19PCT, % of lymphocytes) and bone marrow (CD19BM, % of
  nucleated cells); variable ``AVISIT``, variable_level = Baseline then each
  scheduled post-infusion visit with data: n, mean, sd, median, q1, q3, min,
  max of AVAL (records: :mod:`analysis.derive.analysis_visits`);
- block group2 = ``B-cell aplasia and reconstitution`` (blood CD19ABS):
  ``EVAL`` n (%) participants with >= 1 post-infusion value; ``APLASIA`` n (%)
  with aplasia (any post-infusion value < threshold); ``APLDY`` day of
  aplasia onset (n, median, min, max); ``RECON`` n (%) reconstituted (first
  value >= threshold after aplasia); ``TTRECON`` time to reconstitution, days
  from infusion, among those reconstituted (n, median, min, max);
  ``NOTRECON`` n (%) with aplasia not reconstituted by the last sample / cut-off.
Columns: dose levels + Total; percent denominators: column N (Infused).
Definitions and threshold: :mod:`analysis.derive.bcells`, study.yml.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.analysis_visits import VISIT_COLUMNS, visit_records, visit_summary_rows
from analysis.derive.bcells import aplasia_threshold, compute_aplasia
from analysis.displays.registry import declare
from analysis.formats import raw_decimals
from analysis.sets import population
from analysis.stats.geometric import geometric_rows
from analysis.stats.summaries import count_rows
from data_contract.specs.adlb import ADLB_PARAMS

ID = "T14.2.6"
PARAMS = ("CD19ABS", "CD19PCT", "CD19BM")
APLASIA_BLOCK = "B-cell aplasia and reconstitution (blood CD19+)"
DAY_STATS = ("n", "median", "min", "max")


def _layout(config=None) -> dict:
    return {"variable_labels": {
        "AVISIT": "Visit",
        "EVAL": "Participants with a post-infusion value",
        "APLASIA": "B-cell aplasia (CD19+ below threshold)",
        "APLDY": "Day of aplasia onset",
        "RECON": "Reconstituted (first value at or above threshold after aplasia)",
        "TTRECON": "Time to reconstitution (days from infusion), reconstituted participants",
        "NOTRECON": "Aplasia not reconstituted by the data cut-off",
    }}


LAYOUT = _layout()


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    adsl, cols, bign = pop.adsl, pop.cols, pop.bign
    pop.params_present(data["ADLB"], PARAMS, "ADLB")
    adlb = pop.records(data["ADLB"], params=PARAMS, columns=VISIT_COLUMNS)
    rows = pop.bign_rows()
    recs = pop.with_group(visit_records(adlb, adsl, config))
    for param in PARAMS:
        rows += visit_summary_rows(recs[recs["PARAMCD"] == param], "AVAL", cols,
                                   display_id=ID, variable="AVISIT", group_var=group_var,
                                   group2="PARAM", group2_level=ADLB_PARAMS[param][0],
                                   raw_decimals=raw_decimals(
                                       adlb.loc[adlb["PARAMCD"] == param, "AVAL"]))
    apl = pop.with_group(compute_aplasia(adlb, config))
    keys = dict(display_id=ID, group_var=group_var, group2="BLOCK",
                group2_level=APLASIA_BLOCK)
    ev = apl[apl["NPOST"] > 0]
    rows += count_rows(ev, bign, variable="EVAL", **keys)
    rows += count_rows(ev[ev["APLFL"] == "Y"], bign, variable="APLASIA", **keys)
    rows += geometric_rows(ev[ev["APLFL"] == "Y"], "APLDY", cols, variable="APLDY",
                           stats=DAY_STATS, **keys)
    rows += count_rows(ev[ev["RECFL"] == "Y"], bign, variable="RECON", **keys)
    rows += geometric_rows(ev[ev["RECFL"] == "Y"], "RECDY", cols, variable="TTRECON",
                           stats=DAY_STATS, **keys)
    rows += count_rows(ev[ev["RECFL"] == "N"], bign, variable="NOTRECON", **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    thr = aplasia_threshold(config)
    return [
        "Baseline: last value on or before Day 0, on or before the start of lymphodepletion "
        "where such a value exists. Post-infusion visits: study day 1 on (Day 0 = CAR-T "
        "infusion); the last value in a visit window is summarised.",
        f"B-cell aplasia: any post-infusion blood CD19+ count below {thr:g} cells/µL "
        f"(assumption). Reconstitution: first value of at least {thr:g} cells/µL after the "
        "onset of aplasia; time to reconstitution is its study day, summarised as median "
        "(range) among the participants who reconstituted (no Kaplan-Meier estimate); "
        "participants not reconstituted by their last sample before the data cut-off are "
        "counted separately.",
        "Percentages use the column N of the Infused set. CD19 = cluster of differentiation 19.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
