"""T14.3.1 Dose-limiting toxicities by dose level (primary). Set: DLT-evaluable.

Registry primary outcome: "Incidence of dose-limiting toxicity (DLT) will be
evaluated within the first 28 days following BAFFR CART cells infusion."

Columns: dose levels (``group_var``, default TRT01A) then Total; N = DLT-evaluable
participants (SAP 2). Rows (ARD keys, in display order):

1. ``BIGN``/``N`` per column.
2. ``DLT``: participants with >= 1 DLT (SAP 3, DLT: DLTFL = "Y", onset Day 0-28):
   ``n``, ``N`` (column N), ``pct`` = 100 n/N.
3. ``DLT_CI``: ``estimate`` = n/N (proportion), ``lcl``/``ucl`` exact
   Clopper-Pearson 95% CI (NaN/NE when N = 0).
4. ``AEDECOD`` / variable_level = PT: participants with a DLT of that
   preferred term (n, N, pct), PTs by descending Total n then alphabetically.
5. ``DLTESC`` / ``DLTEXP`` (dose-level columns only): ``n`` participants with a DLT and
   ``N`` DLT-evaluable participants of the escalation cohort (COHORT = "ESCALATION" or
   missing) and of the expansion cohort (COHORT = "EXPANSION"), so that every DLT count
   or decision can say which cohort it is about (SAP 1, 3+3).
6. ``DECISION`` (text, dose-level columns only): the 3+3 decision
   (:func:`analysis.derive.dlt.decide_3plus3`) on the escalation cohort.
7. ``MTD`` (text, Total column only): :func:`analysis.derive.dlt.mtd_statement`.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.ard import TOTAL
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import sort_by_frequency, subjects_per_key
from analysis.derive.dlt import (
    decide_3plus3,
    derive_var_dltfl,
    dlt_events,
    dlt_window_days,
    level_counts,
    mtd_statement,
)
from analysis.displays._safety import safety_population
from analysis.displays.registry import declare
from analysis.stats.ci import clopper_pearson
from analysis.stats.summaries import count_rows
from data_contract.dlt_criteria import parse_dlt_criteria

ID = "T14.3.1"
COHORTS = {"DLTESC": "Escalation cohort", "DLTEXP": "Expansion cohort"}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    events = dlt_events(s.adae, config)
    adsl = derive_var_dltfl(s.adsl, events)
    level = float(config.constants["confidence_level"])
    rows = s.bign_rows()
    with_dlt = adsl.loc[adsl["DLTSUBFL"] == "Y"]
    rows += count_rows(with_dlt, s.bign, display_id=ID, variable="DLT", group_var=group_var,
                       stat_label="Participants with ≥1 DLT")
    for col, N in s.bign.items():
        n = len(with_dlt) if col == TOTAL else int((with_dlt[group_var].astype(str) == col).sum())
        lcl, ucl = clopper_pearson(n, N, level)
        rows += A.stat_rows({"estimate": n / N if N else float("nan"), "lcl": lcl, "ucl": ucl},
                            display_id=ID, variable="DLT_CI", group1=group_var, group1_level=col,
                            labels={"estimate": "Proportion with DLT (95% CI, Clopper-Pearson)"})
    ev = events.loc[events["USUBJID"].isin(adsl["USUBJID"])]
    for pt in sort_by_frequency(subjects_per_key(ev, "AEDECOD"), "AEDECOD") if len(ev) else []:
        rows += count_rows(ev.loc[ev["AEDECOD"] == pt], s.bign, display_id=ID, variable="AEDECOD",
                           variable_level=pt, group_var=group_var, stat_label="DLT term")
    levels = [c for c in s.cols if c != TOTAL]
    counts = level_counts(adsl, group_var, levels)
    for cohort, var in (("ESCALATION", "DLTESC"), ("EXPANSION", "DLTEXP")):
        for _, r in level_counts(adsl, group_var, levels, cohort).iterrows():
            for name in ("n", "N"):
                rows.append(A.row(ID, var, name, int(r[name]), group1=group_var,
                                  group1_level=r["level"],
                                  stat_label=f"{COHORTS[var]}: participants with a DLT / N"))
    for _, r in counts.iterrows():
        decision = decide_3plus3(int(r["n"]), int(r["N"]), config,
                                 highest=r["level"] == levels[-1])
        rows.append(A.text_row(ID, "DECISION", decision, group1=group_var, group1_level=r["level"],
                               stat_label="3+3 decision"))
    rows.append(A.text_row(ID, "MTD", mtd_statement(counts, config), group1=group_var,
                           group1_level=TOTAL, stat_label="Maximum tolerated dose"))
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    w = dlt_window_days(config)
    rule = config.assumptions["escalation_rule"]["text"].strip()
    criteria = parse_dlt_criteria(config.assumptions["dlt_criteria"]).criteria
    listed = "; ".join(f"({i}) {c.text}" for i, c in enumerate(criteria, start=1))
    return [
        f"DLT: an event with onset Day 0-{w} after infusion (Day 0), flagged per event by the "
        f"investigator; an event flagged after Day {w} is not counted.",
        f"DLT criteria (SAP 3, study.yml assumption): {listed}.",
        "Incidence: participants with at least one DLT / DLT-evaluable N (infused and completed "
        f"{w} days of follow-up or had a DLT); 95% CI exact (Clopper-Pearson).",
        f"3+3 decision on the escalation cohort of each level; participants of the expansion "
        f"cohort do not enter it: {rule}",
        "MTD (maximum tolerated dose) not reached: no dose level reached the DLT limit of "
        "the 3+3 rule in its escalation cohort, so the highest dose level evaluated was "
        "cleared and no level was found too toxic.",
        "DLT terms are MedDRA preferred terms; a participant is counted once per term.",
    ]


LAYOUT = {"variable_labels": {
    "DLT": "Participants with ≥1 DLT",
    "DLT_CI": "Proportion with DLT (95% CI)",
    "AEDECOD": "DLT by preferred term",
    "DLTESC": "Escalation cohort: with DLT / evaluable",
    "DLTEXP": "Expansion cohort: with DLT / evaluable",
    "DECISION": "3+3 decision (escalation cohort)",
    "MTD": "Maximum tolerated dose",
}}


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
