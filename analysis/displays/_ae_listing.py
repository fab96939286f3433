"""Shared columns of the AE listings L16.2.7.1-3 (not a display).

One row per AE of the Safety set, sorted by USUBJID, start date, AESEQ; dates
ISO; onset day = study day relative to infusion (Day 0; SAP 3); TEAE and
Day 0-28 flags from :mod:`analysis.derive.teae`.
"""

from __future__ import annotations

import pandas as pd

from analysis.derive.adverse_events import resolve_grade_var

# the variable each common column shows: its codes are shown decoded (AESER "Y" -> "Yes",
# AEOUT "RECOVERED/RESOLVED" -> "Recovered/resolved"; a listing's ``column_variables``)
AE_COLUMN_VARIABLES = {"SOC": "AEBODSYS", "Preferred term": "AEDECOD", "Serious": "AESER",
                       "Related": "AREL", "Outcome": "AEOUT"}


def ae_rows(adae: pd.DataFrame, group_var: str, config) -> pd.DataFrame:
    """The common listing columns of ``adae`` (flagged, with ``group_var``), sorted."""
    ae = adae.sort_values(["USUBJID", "ASTDT", "AESEQ"], kind="mergesort")
    gv = resolve_grade_var(ae) if len(ae) else ("AETOXGR" if "AETOXGR" in ae.columns else "AESEV")
    out = pd.DataFrame({
        "Participant": ae["USUBJID"],
        "Dose level": ae[group_var],
        "Seq.": ae["AESEQ"],
        "SOC": ae["AEBODSYS"],
        "Preferred term": ae["AEDECOD"],
        "Start date": ae["ASTDT"],
        "End date": ae["AENDT"] if "AENDT" in ae.columns else pd.NaT,
        "Onset day": ae["ONSETDY"],
        "Grade" if gv == "AETOXGR" else "Severity": ae[gv] if gv in ae.columns else "",
        "Serious": ae["AESER"],
    })
    if "AREL" in ae.columns:
        out["Related"] = ae["AREL"]
    if "AEOUT" in ae.columns:
        out["Outcome"] = ae["AEOUT"]
    return out
