"""T14.3.9 Infections by max grade. Set: Safety.

Infections: TEAEs (overall window; SAP 3, TEAE) in MedDRA SOC "Infections and
infestations". Columns: dose levels + Total, N = Safety set. Rows, each with
variable_level ``Any`` then the grades (maximum grade per participant, CTCAE
AETOXGR or AESEV per ``grade_var``): ``variable = "Any infection"``, then
``variable`` = each PT (descending Total frequency, then alphabetically).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import (
    INFECTIONS_SOC,
    is_infection,
    resolve_grade_var,
    sort_by_frequency,
    subjects_per_key,
)
from analysis.derive.teae import WINDOW_OVERALL, teae_in_window
from analysis.displays._safety import safety_population
from analysis.displays._soc_pt import max_grade_rows
from analysis.displays.registry import declare

ID = "T14.3.9"
ANY_INFECTION = "Any infection"


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
        grade_var: str = "auto") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    gv = resolve_grade_var(data["ADAE"], grade_var)
    te = teae_in_window(s.adae, WINDOW_OVERALL)
    inf = te.loc[is_infection(te)]
    keys = dict(display_id=ID, group_var=group_var)
    rows = s.bign_rows()
    rows += max_grade_rows(inf, s.bign, gv, variable=ANY_INFECTION, **keys)
    pts = sort_by_frequency(subjects_per_key(inf, "AEDECOD"), "AEDECOD") if len(inf) else []
    for pt in pts:
        rows += max_grade_rows(inf.loc[inf["AEDECOD"] == pt], s.bign, gv, variable=pt, **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        f"Infections: TEAEs in the MedDRA SOC \"{INFECTIONS_SOC}\" with onset from the start "
        "of lymphodepletion to Month 12 or the data cut-off.",
        "Participants are counted once per row at their maximum CTCAE v5.0 grade.",
    ]


DISPLAY = declare(ID, ard=ard, footnotes=footnotes)
