"""T14.3.5 CRS and ICANS: incidence by max grade, onset, duration, management. Set: Infused.

CRS and ICANS graded by ASTCT consensus (Lee et al., 2019; SAP 3), TEAEs of
the overall window flagged CRSFL / ICANSFL (this study's ADAE extension;
``KeyError`` naming the flag when absent). Columns: dose levels + Total,
N = Infused set. Row blocks ``group2 = SYNDROME``, ``group2_level`` ``CRS`` then
``ICANS``; per participant (:func:`analysis.derive.crs_icans.summarise_participants`):

- ``ANY`` participants with >= 1 event (n, N, pct);
- ``MAXGR`` / ``Grade 1``-``Grade 5``: participants by maximum grade (n, N, pct);
- ``ONSETDY``: study day of the first onset (infusion = Day 0), continuous
  (n, mean, sd, median, q1, q3, min, max) over participants with an event;
- ``DURDY``: days from first onset to last resolution (AENDT - ASTDT + 1),
  continuous over participants whose events all resolved;
- ``ONGOING``: participants with an event ongoing at the cut-off (n, N, pct;
  their duration is not computed);
- ``TOCI`` / ``CORT``: participants given tocilizumab / corticosteroids for the
  event (n, N, pct).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import grade_labels
from analysis.derive.crs_icans import SYNDROMES, summarise_participants, syndrome_events
from analysis.derive.teae import WINDOW_OVERALL, teae_in_window
from analysis.displays._safety import safety_population
from analysis.displays.registry import declare
from analysis.stats.summaries import continuous_rows, count_rows

ID = "T14.3.5"


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    te = teae_in_window(s.adae, WINDOW_OVERALL)
    rows = s.bign_rows()
    grades = grade_labels("AETOXGR")
    for syn in SYNDROMES:
        per = summarise_participants(syndrome_events(te, syn))
        per = s.with_group(per, how="inner")
        keys = dict(display_id=ID, group_var=group_var, group2="SYNDROME", group2_level=syn)
        rows += count_rows(per, s.bign, variable="ANY", stat_label=f"Participants with {syn}",
                           **keys)
        for i, g in enumerate(grades, start=1):
            rows += count_rows(per.loc[per["MAXGR"] == i], s.bign, variable="MAXGR",
                               variable_level=g, stat_label="Maximum ASTCT grade", **keys)
        cols = list(s.bign)
        rows += continuous_rows(per, "ONSETDY", cols, variable="ONSETDY", **keys)
        rows += continuous_rows(per, "DURDY", cols, variable="DURDY", **keys)
        for var, flag, label in (("ONGOING", "ONGOING", "Ongoing at data cut-off"),
                                 ("TOCI", "TOCI", "Tocilizumab given"),
                                 ("CORT", "CORT", "Corticosteroids given")):
            rows += count_rows(per.loc[per[flag] == "Y"], s.bign, variable=var,
                               stat_label=label, **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "CRS: cytokine release syndrome; ICANS: immune effector cell-associated neurotoxicity "
        "syndrome; both graded by ASTCT consensus (Lee et al., 2019). Participants counted once, "
        "at their maximum grade.",
        "Onset: study day of the first event (infusion = Day 0). Duration: days from the first "
        "onset to the last resolution (end date - start date + 1).",
        "Duration is not computed (censored) for participants with an event ongoing at the data "
        "cut-off; they are counted in 'Ongoing at data cut-off'.",
        "Tocilizumab / corticosteroids: given for the CRS or ICANS event.",
    ]


LAYOUT = {"variable_labels": {
    "ANY": "Participants with the event", "MAXGR": "Maximum ASTCT grade",
    "ONSETDY": "Onset (study day of first event)", "DURDY": "Duration (days)",
    "ONGOING": "Ongoing at data cut-off (duration not computed)",
    "TOCI": "Tocilizumab given", "CORT": "Corticosteroids given",
}}


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
