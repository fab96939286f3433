"""T14.1.7 Prior and concomitant medications by class and preferred name. Set: Safety.

Columns: dose levels + Total, N = Safety set (BIGN). Rows, each participants ``n``,
``N`` (column N) and ``pct`` = 100 n / N (SAP 4); a participant is counted once per row:

1. ``ANYPRE`` / ``ANYONTRT`` (``group2`` empty): participants with any prior / any
   concomitant medication (:mod:`analysis.derive.medications`: prior = started before
   the start of lymphodepletion, concomitant = taken on or after it; a course spanning
   it is both);
2. per ATC class (``group2 = CMCLAS``, ``group2_level`` = the class; classes by
   descending Total frequency over both periods, then alphabetically): ``PREFL`` rows
   then ``ONTRTFL`` rows, each ``variable_level`` "" (any medication of the class in
   that period) and then one per standardised name (CMDECOD) taken in that period,
   by descending Total frequency then alphabetically.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import sort_by_frequency, subjects_per_key
from analysis.derive.medications import PERIOD_FLAGS, medications_in_period
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.summaries import count_rows

ID = "T14.1.7"
PERIOD_LABELS = {"PREFL": "Prior medications", "ONTRTFL": "Concomitant medications"}
ANY = {"PREFL": ("ANYPRE", "Participants with any prior medication"),
       "ONTRTFL": ("ANYONTRT", "Participants with any concomitant medication")}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    cm = pop.with_group(pop.records(data["ADCM"]), how="inner")
    keys = dict(display_id=ID, group_var=group_var)
    period = {f: medications_in_period(cm, f) for f in PERIOD_FLAGS}
    rows = pop.bign_rows()
    for f in PERIOD_FLAGS:
        var, label = ANY[f]
        rows += count_rows(period[f], pop.bign, variable=var, stat_label=label, **keys)
    both = pd.concat([period[f] for f in PERIOD_FLAGS])
    for cls in sort_by_frequency(subjects_per_key(both, "CMCLAS"), "CMCLAS"):
        g2 = dict(group2="CMCLAS", group2_level=cls)
        for f in PERIOD_FLAGS:
            sub = period[f][period[f]["CMCLAS"] == cls]
            if sub.empty:
                continue
            rows += count_rows(sub, pop.bign, variable=f, stat_label="Any in the class",
                               **g2, **keys)
            for name in sort_by_frequency(subjects_per_key(sub, "CMDECOD"), "CMDECOD"):
                rows += count_rows(sub[sub["CMDECOD"] == name], pop.bign, variable=f,
                                   variable_level=name, stat_label="Preferred name", **g2, **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Prior: started before the start of lymphodepletion; concomitant: taken on or after "
        "it. A medication taken before and after the start is counted in both blocks.",
        "WHO ATC class (level 2) and standardised medication name. A participant is counted "
        "once per row; classes and names by descending Total frequency, then alphabetically.",
    ]


LAYOUT = {"variable_labels": {**PERIOD_LABELS, **dict(ANY.values())}}


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
