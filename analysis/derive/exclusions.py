"""Participants excluded from analysis sets, with the reason (SAP 2; L16.2.3).

SAP 2 defines the sets by ADSL flags and dates: Safety = received any lymphodepletion
(SAFFL, LDSTDT), Infused = received the CAR-T infusion (INFFL, INFDT), DLT-evaluable =
infused and either followed for the DLT window or had a DLT (DLTEVLFL). An enrolled
participant whose flag of a set is not "Y" is excluded from it; the reason is the first
of: no lymphodepletion (LDSTDT missing), not infused (INFDT missing), and, for the
DLT-evaluable set, infused but neither followed for the window nor with a DLT by the
data cut-off (the only other way the flag can be "N", SAP 2). Without the dates the
reason says only that the participant is not in the set.
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import ANALYSIS_SETS

SETS = ("SAF", "INF", "DLT")


def _reason(row, code: str, window_days: int) -> str:
    def missing(var):
        return var in row and pd.isna(row[var])

    if missing("LDSTDT"):
        return "Had not started lymphodepletion by the data cut-off"
    if code in ("INF", "DLT") and missing("INFDT"):
        return "Had not received the CAR-T infusion by the data cut-off"
    if code == "DLT" and "INFDT" in row:
        return (f"Infused, but neither followed for the {window_days}-day DLT window nor "
                "with a DLT by the data cut-off")
    return f"Not in the {ANALYSIS_SETS[code][0]} set"


def analysis_set_exclusions(adsl: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """One row per enrolled participant (``adsl``: the Enrolled set) and set of
    :data:`SETS` whose flag the dataset holds and is not "Y": USUBJID, SET (the set's
    name), REASON (module doc). Ordered by USUBJID, then the sets in SAP 2 order."""
    rows = []
    for code in SETS:
        name, flag = ANALYSIS_SETS[code]
        if flag not in adsl.columns:
            continue
        out = adsl[adsl[flag].astype(str).str.upper() != "Y"]
        for r in out.to_dict("records"):
            rows.append({"USUBJID": r["USUBJID"], "SET": name, "_order": SETS.index(code),
                         "REASON": _reason(r, code, window_days)})
    df = pd.DataFrame(rows, columns=["USUBJID", "SET", "_order", "REASON"])
    df = df.sort_values(["USUBJID", "_order"], kind="mergesort")
    return df.drop(columns="_order").reset_index(drop=True)
