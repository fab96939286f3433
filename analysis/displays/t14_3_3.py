"""T14.3.3 TEAEs by SOC and PT, lymphodepletion to Day 28 (primary). Set: Safety.

Columns: dose levels + Total, N = Safety set. TEAEs with onset from the start
of lymphodepletion through Day 28 (SAP 3, TEAE; registry: "within the first 28
days"). Rows:

1. ``BIGN``/``N`` per column;
2. ``ANY``: participants with any TEAE in the window (n, N, pct);
3. per SOC (``group2 = AEBODSYS``, ``group2_level`` = SOC): ``AEBODSYS`` /
   SOC then ``AEDECOD`` / PT rows; participants counted once per SOC and per
   PT; SOCs and PTs by descending Total frequency then alphabetically.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.teae import primary_window_days, teae_in_window, window_label
from analysis.displays._safety import safety_population
from analysis.displays._soc_pt import soc_pt_rows
from analysis.displays.registry import declare
from analysis.stats.summaries import count_rows

ID = "T14.3.3"


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    te = teae_in_window(s.adae, window_label(config))
    rows = s.bign_rows()
    rows += count_rows(te, s.bign, display_id=ID, variable="ANY", group_var=group_var,
                       stat_label="Participants with any TEAE")
    rows += soc_pt_rows(te, s.bign, display_id=ID, group_var=group_var)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    d = primary_window_days(config)
    return [
        f"TEAE with onset from the start of lymphodepletion through Day {d} after infusion "
        "(Day 0).",
        "MedDRA system organ class (SOC) and preferred term (PT); a participant is counted once "
        "per SOC and once per PT. Sorted by descending Total frequency, then alphabetically.",
    ]


LAYOUT = {"variable_labels": {"ANY": "Participants with any TEAE",
                              "AEBODSYS": "System organ class", "AEDECOD": "Preferred term"}}


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
