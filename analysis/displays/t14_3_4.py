"""T14.3.4 TEAEs by SOC, PT and maximum grade, overall. Set: Safety.

Columns: dose levels + Total, N = Safety set. TEAEs of the overall window
(onset from lymphodepletion to Month 12 or the cut-off; SAP 3, TEAE). Grade:
CTCAE v5.0 AETOXGR (ASTCT for CRS/ICANS); when ADAE has AESEV and no AETOXGR,
severity (``grade_var`` option, default resolved from the data). Rows, each with
variable_level ``Any`` then the grades (``Grade 1``-``Grade 5`` or ``Mild``,
``Moderate``, ``Severe``) counting participants by their maximum grade:

1. ``BIGN``/``N``;
2. ``group2 = AEBODSYS``, ``group2_level = "Any TEAE"``, ``variable = "Any TEAE"``;
3. per SOC (``group2_level`` = SOC): ``variable = "Any PT"`` (the SOC
   overall), then ``variable`` = each PT text. SOC/PT order: descending
   Total frequency then alphabetically.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import resolve_grade_var
from analysis.derive.teae import WINDOW_OVERALL, teae_in_window
from analysis.displays._safety import safety_population
from analysis.displays._soc_pt import max_grade_rows, ordered_soc_pt
from analysis.displays.registry import declare

ID = "T14.3.4"
ANY_TEAE = "Any TEAE"
ANY_PT = "Any PT"


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
        grade_var: str = "auto") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    gv = resolve_grade_var(data["ADAE"], grade_var)
    te = teae_in_window(s.adae, WINDOW_OVERALL)
    keys = dict(display_id=ID, group_var=group_var, group2="AEBODSYS")
    rows = s.bign_rows()
    rows += max_grade_rows(te, s.bign, gv, variable=ANY_TEAE, group2_level=ANY_TEAE, **keys)
    for soc, pts in ordered_soc_pt(te):
        s_ae = te.loc[te["AEBODSYS"] == soc]
        rows += max_grade_rows(s_ae, s.bign, gv, variable=ANY_PT, group2_level=soc, **keys)
        for pt in pts:
            rows += max_grade_rows(s_ae.loc[s_ae["AEDECOD"] == pt], s.bign, gv, variable=pt,
                                   group2_level=soc, **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "TEAE: onset on or after the start of lymphodepletion, to Month 12 or the data cut-off.",
        "Participants are counted once per SOC and per PT, at their maximum grade. Grades: "
        "CTCAE v5.0; CRS and ICANS by ASTCT consensus (Lee et al., 2019). Data graded by "
        "severity only are shown as mild/moderate/severe.",
        "SOC: MedDRA system organ class; PT: preferred term.",
    ]


DISPLAY = declare(ID, ard=ard, footnotes=footnotes)
