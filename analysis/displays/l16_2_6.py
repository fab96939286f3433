"""L16.2.6 Relapses. Set: Infused.

Every recorded ADRELAP episode of the infused participants (pre-treatment and
on-study), sorted by participant then onset date, with whether it counts as a
relapse (SAP 3, Relapse: > 24 h, not explained by fever or infection; onsets
within ``constants.relapse_merge_days`` days of a cluster's first onset count
as one relapse, :func:`analysis.derive.relapse.derive_relapse_flags`) and why
not ("Symptoms lasted 24 h or less", "Explained by fever or infection",
"Merged into the relapse of <date>"), and the ARR period of the relapse:
"Pre-treatment" (onset in the 24 months before enrolment), "Post-infusion"
(Day 0 to end of follow-up), else "Neither period".

Columns: Participant, Dose level, Episode (RLSEQ), Onset date, Study day,
Phase, Clinical presentation, > 24 h, Fever/infection, Counts as relapse,
Reason not counted, ARR period. The ARD is the listing in long form
(:func:`analysis.displays._listing.listing_ard`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.relapse import derive_followup, derive_relapse_flags
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.sets import population

ID = "L16.2.6"


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = population(data, config, ID, group_var)
    rel = derive_relapse_flags(data["ADRELAP"], config)
    rel = s.attach_group(rel)
    fu = derive_followup(s.adsl, data.cutoff, config)
    a = s.adsl.set_index("USUBJID")
    enr = pd.to_datetime(a["ENRLDT"]) if "ENRLDT" in a else pd.Series(pd.NaT, index=a.index)
    if "RFICDT" in a:
        enr = enr.fillna(pd.to_datetime(a["RFICDT"]))
    months = int(config.constants["pre_treatment_arr_months"])
    m = rel.merge(fu[["USUBJID", "INFDT", "FUENDDT"]], on="USUBJID", how="left")
    m["ENR"] = m["USUBJID"].map(enr)
    pre = (m["ASTDT"] >= m["ENR"] - pd.DateOffset(months=months)) & (m["ASTDT"] < m["ENR"])
    post = (m["ASTDT"] >= m["INFDT"]) & (m["ASTDT"] <= m["FUENDDT"])
    counted = m["RLCNTFL"] == "Y"
    m["PERIOD"] = np.where(~counted, "", np.where(pre, "Pre-treatment",
                                                   np.where(post, "Post-infusion",
                                                            "Neither period")))
    m["DAY"] = (m["ASTDT"] - m["INFDT"]).dt.days.astype("Int64")
    m = m.sort_values(["USUBJID", "ASTDT", "RLSEQ"])
    out = pd.DataFrame({
        "Participant": m["USUBJID"],
        "Dose level": m[group_var],
        "Episode": m["RLSEQ"].astype("Int64"),
        "Onset date": m["ASTDT"],
        "Study day": m["DAY"],
        "Phase": m.get("RLPHASE", ""),
        "Clinical presentation": m.get("RLDESC", ""),
        "> 24 h": m["RLGT24H"],
        "Fever/infection": m["RLFEVINF"],
        "Counts as relapse": m["RLCNTFL"],
        "Reason not counted": m["RLREASON"],
        "ARR period": m["PERIOD"],
    })
    return out.reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    c = config.constants
    return [
        "A recorded episode counts as a relapse when symptoms lasted more than 24 h and were not "
        f"explained by fever or infection; onsets within {c['relapse_merge_days']} days of the "
        "first onset of a cluster are merged into that relapse. Study day: days from the CAR-T "
        "infusion (Day 0).",
        f"ARR period: Pre-treatment = the {c['pre_treatment_arr_months']} months before "
        "enrolment; Post-infusion = Day 0 to end of follow-up (earliest of last contact, death, "
        "data cut-off).",
    ]


# the variable each column shows: its Y/N codes are shown as Yes/No
LAYOUT = {"column_variables": {"> 24 h": "RLGT24H", "Fever/infection": "RLFEVINF",
                                "Counts as relapse": "RLCNTFL"}}


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes, layout=LAYOUT)
