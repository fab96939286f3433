"""T14.1.6 Important protocol deviations by category. Set: Enrolled.

Columns: dose levels + Total, N = Enrolled participants (BIGN). Rows, each
participants ``n``, ``N`` (column N) and ``pct`` = 100 n / N (SAP 4); a participant is
counted once per row:

1. ``ANYDV``: participants with any protocol deviation (important or not);
2. ``ANY``: participants with any important deviation (ADDV.DVIMPFL = "Y");
3. per category (``group2 = DVCAT``, ``group2_level`` = the category, in the order of
   the study's deviation plan): ``DVCAT`` (participants with any important deviation of
   the category; ``variable_level`` empty), then ``DVTERM`` / each deviation
   term of the category, terms by descending Total frequency then alphabetically.

Derivation: :mod:`analysis.derive.deviations`.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import sort_by_frequency, subjects_per_key
from analysis.derive.deviations import category_order, important_deviations
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.summaries import count_rows

ID = "T14.1.6"


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    dv = pop.with_group(pop.records(data["ADDV"]), how="inner")
    imp = important_deviations(dv)
    keys = dict(display_id=ID, group_var=group_var)
    rows = pop.bign_rows()
    rows += count_rows(dv, pop.bign, variable="ANYDV",
                       stat_label="Participants with any protocol deviation", **keys)
    rows += count_rows(imp, pop.bign, variable="ANY",
                       stat_label="Participants with any important protocol deviation", **keys)
    for cat in category_order(imp["DVCAT"]):
        sub = imp[imp["DVCAT"].astype(str) == cat]
        g2 = dict(group2="DVCAT", group2_level=cat)
        rows += count_rows(sub, pop.bign, variable="DVCAT",
                           stat_label="Any important deviation", **g2, **keys)
        for term in sort_by_frequency(subjects_per_key(sub, "DVTERM"), "DVTERM"):
            rows += count_rows(sub[sub["DVTERM"] == term], pop.bign, variable="DVTERM",
                               variable_level=term, stat_label="Deviation", **g2, **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Important protocol deviation: one that may affect the completeness, accuracy or "
        "reliability of key data, or a participant's rights, safety or well-being (ICH E3 "
        "10.2), as classified when recorded. A participant is counted once per row; "
        "percentages are of the enrolled participants of the column.",
        "All deviations, important or not, are listed in Listing 16.2.2.",
    ]


LAYOUT = {"variable_labels": {"ANYDV": "Participants with any protocol deviation",
                              "ANY": "Participants with any important protocol deviation",
                              "DVCAT": "Any important deviation",
                              "DVTERM": "Deviation"}}


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
