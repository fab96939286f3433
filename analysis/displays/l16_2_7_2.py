"""L16.2.7.2 DLTs, CRS and ICANS events. Set: Safety.

ADAE records of the Safety set flagged by the investigator as DLT (DLTFL),
or as CRS (CRSFL) or ICANS (ICANSFL) (this study's extension flags;
``KeyError`` naming the first one absent). Columns: the AE listing columns,
``Event`` (DLT/CRS/ICANS, "; "-joined), ``DLT counted`` (Y when the DLT has
onset Day 0-28, SAP 3 DLT; an investigator flag on Day 29 shows N),
duration in days (AENDT - ASTDT + 1; ``Ongoing`` when no end date at the
cut-off), tocilizumab and corticosteroids given.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.dlt import dlt_events
from analysis.displays._ae_listing import AE_COLUMN_VARIABLES, ae_rows
from analysis.displays._listing import listing_ard
from analysis.displays._safety import safety_population
from analysis.displays.n14_3_3 import event_links
from analysis.displays.registry import declare

ID = "L16.2.7.2"
FLAGS = {"DLT": "DLTFL", "CRS": "CRSFL", "ICANS": "ICANSFL"}


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    for flag in (*FLAGS.values(), "TOCIFL", "CORTFL"):
        if flag not in s.adae.columns:
            raise KeyError(f"ADAE has no {flag}: DLT/CRS/ICANS events cannot be listed")
    ae = s.adae
    ae = ae.loc[ae[list(FLAGS.values())].eq("Y").any(axis=1)]
    ae = ae.sort_values(["USUBJID", "ASTDT", "AESEQ"], kind="mergesort")
    counted = set(dlt_events(ae, config).index)
    out = ae_rows(ae, group_var, config)
    out.insert(3, "Event", ["; ".join(k for k, f in FLAGS.items() if r[f] == "Y")
                            for _, r in ae.iterrows()])
    out["DLT counted"] = ["" if f != "Y" else ("Y" if i in counted else "N")
                          for i, f in zip(ae.index, ae["DLTFL"], strict=True)]
    dur = (pd.to_datetime(ae["AENDT"]) - pd.to_datetime(ae["ASTDT"])).dt.days + 1
    out["Duration (days)"] = ["Ongoing" if pd.isna(d) else str(int(d)) for d in dur]
    out["Tocilizumab"] = ae["TOCIFL"].values
    out["Corticosteroids"] = ae["CORTFL"].values
    return out.reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Events flagged by the investigator as DLT, CRS or ICANS. DLT counted: onset Day 0-28 "
        "after infusion (Day 0); DLT-flagged events outside the window are listed but not counted.",
        "Duration: end date - start date + 1; 'Ongoing': no end date at the data cut-off "
        "(duration not computed). CRS and ICANS graded by ASTCT consensus (Lee et al., 2019).",
    ]


# a row of an event with a narrative links to it (N14.3.3)
# the variable each column shows (its codes shown decoded); "DLT counted" holds the Y/N
# of the DLT flag counted in the DLT window
LAYOUT = {"column_variables": {**AE_COLUMN_VARIABLES, "DLT counted": "DLTFL",
                               "Tocilizumab": "TOCIFL", "Corticosteroids": "CORTFL"}}


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes, links=event_links,
                  layout=LAYOUT)
