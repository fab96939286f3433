"""SOC/PT blocks shared by T14.3.3, T14.3.4, T14.3.6 and T14.3.9 (not a display).

Counting rule: a participant is counted once per SOC and once per PT
(SAP 5). Order: SOCs by descending Total frequency then alphabetically; PTs
within a SOC likewise (SAP 5, T14.3.3).
"""

from __future__ import annotations

import pandas as pd

from analysis.derive.adverse_events import (
    ANY_GRADE,
    grade_labels,
    max_grade,
    sort_by_frequency,
    subjects_per_key,
)
from analysis.stats.summaries import count_rows


def ordered_soc_pt(ae: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """[(SOC, [PT, ...]), ...] in display order."""
    if ae.empty:
        return []
    out = []
    for soc in sort_by_frequency(subjects_per_key(ae, "AEBODSYS"), "AEBODSYS"):
        sub = ae.loc[ae["AEBODSYS"] == soc]
        out.append((soc, sort_by_frequency(subjects_per_key(sub, "AEDECOD"), "AEDECOD")))
    return out


def soc_pt_rows(ae: pd.DataFrame, bign: dict, *, display_id: str, group_var: str,
                group2: str = "AEBODSYS", soc_in_group2: bool = True,
                group2_level: str = "") -> list[dict]:
    """Rows per SOC (variable AEBODSYS, variable_level SOC) and per PT (variable
    AEDECOD, variable_level PT); ``group2_level`` = the SOC when ``soc_in_group2``."""
    rows: list[dict] = []
    for soc, pts in ordered_soc_pt(ae):
        g2l = soc if soc_in_group2 else group2_level
        s_ae = ae.loc[ae["AEBODSYS"] == soc]
        rows += count_rows(s_ae, bign, display_id=display_id, variable="AEBODSYS",
                           variable_level=soc, group_var=group_var, group2=group2,
                           group2_level=g2l, stat_label="System organ class")
        for pt in pts:
            rows += count_rows(s_ae.loc[s_ae["AEDECOD"] == pt], bign, display_id=display_id,
                               variable="AEDECOD", variable_level=pt, group_var=group_var,
                               group2=group2, group2_level=g2l, stat_label="Preferred term")
    return rows


def max_grade_rows(ae: pd.DataFrame, bign: dict, grade_var: str, *, display_id: str,
                   group_var: str, variable: str, group2: str = "",
                   group2_level: str = "") -> list[dict]:
    """Participants by maximum grade over ``ae``: variable_level ``Any`` then each
    grade (``Grade 1``..``Grade 5`` or ``Mild``..``Severe``), plus ``Missing`` when
    some participant's events all lack a grade."""
    keys = dict(display_id=display_id, variable=variable, group_var=group_var, group2=group2,
                group2_level=group2_level)
    rows = count_rows(ae, bign, variable_level=ANY_GRADE, stat_label="Any grade", **keys)
    mg = max_grade(ae, [], grade_var) if len(ae) else pd.DataFrame(columns=["USUBJID", "MAXGRC"])
    mg = mg.merge(ae[["USUBJID", group_var]].drop_duplicates("USUBJID"), on="USUBJID")
    levels = grade_labels(grade_var) + (["Missing"] if (mg["MAXGRC"] == "Missing").any() else [])
    for lv in levels:
        rows += count_rows(mg.loc[mg["MAXGRC"] == lv], bign, variable_level=lv,
                           stat_label="Maximum grade", **keys)
    return rows
