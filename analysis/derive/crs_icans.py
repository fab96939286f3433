"""CRS and ICANS (ASTCT 2019; SAP 3 CRS, ICANS): per-participant summaries.

Events are ADAE rows flagged CRSFL = "Y" (or ICANSFL = "Y"), graded by ASTCT
(AETOXGR 1-5), treatment-emergent (TEAEFL = "Y", :mod:`analysis.derive.teae`).
Per participant with >= 1 event:

- ``MAXGR``: maximum ASTCT grade over the participant's events;
- ``ONSETDY``: study day (infusion = Day 0) of the first event's onset;
- ``DURDY``: duration in days from the first onset to the last resolution,
  max(AENDT) - min(ASTDT) + 1; not computed (missing) when any event is
  ongoing at the cut-off (AENDT missing): ``ONGOING`` = "Y";
- ``TOCI`` / ``CORT``: "Y" when tocilizumab (TOCIFL) / corticosteroids (CORTFL)
  were given for any of the events.
"""

from __future__ import annotations

import pandas as pd

SYNDROMES = {"CRS": "CRSFL", "ICANS": "ICANSFL"}
SYNDROME_LABELS = {"CRS": "Cytokine release syndrome (CRS)",
                   "ICANS": "Immune effector cell-associated neurotoxicity syndrome (ICANS)"}


def syndrome_events(adae_flagged: pd.DataFrame, syndrome: str) -> pd.DataFrame:
    """TEAE rows of ``syndrome`` (CRS or ICANS); ``KeyError`` naming the missing flag."""
    flag = SYNDROMES[syndrome]
    if flag not in adae_flagged.columns:
        raise KeyError(f"ADAE has no {flag}: {syndrome} cannot be summarised")
    return adae_flagged.loc[adae_flagged[flag].eq("Y") & adae_flagged["TEAEFL"].eq("Y")]


def summarise_participants(events: pd.DataFrame) -> pd.DataFrame:
    """One row per participant with >= 1 event: USUBJID, MAXGR, ONSETDY, DURDY,
    ONGOING, TOCI, CORT (definitions in the module docstring)."""
    cols = ["USUBJID", "MAXGR", "ONSETDY", "DURDY", "ONGOING", "TOCI", "CORT"]
    if events.empty:
        return pd.DataFrame(columns=cols)
    for f in ("TOCIFL", "CORTFL"):
        if f not in events.columns:
            raise KeyError(f"ADAE has no {f}")
    rows = []
    for usubjid, ev in events.groupby("USUBJID", sort=True):
        start = pd.to_datetime(ev["ASTDT"])
        end = pd.to_datetime(ev["AENDT"]) if "AENDT" in ev.columns else pd.Series(pd.NaT, index=ev.index)
        ongoing = bool(end.isna().any())
        grade = pd.to_numeric(ev["AETOXGR"], errors="coerce")
        rows.append({
            "USUBJID": usubjid,
            "MAXGR": float(grade.max()) if grade.notna().any() else float("nan"),
            "ONSETDY": float(ev["ONSETDY"].min()),
            "DURDY": float("nan") if ongoing else float((end.max() - start.min()).days + 1),
            "ONGOING": "Y" if ongoing else "N",
            "TOCI": "Y" if ev["TOCIFL"].eq("Y").any() else "N",
            "CORT": "Y" if ev["CORTFL"].eq("Y").any() else "N",
        })
    return pd.DataFrame(rows, columns=cols)
