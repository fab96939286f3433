"""Small literal ADSL/ADAE for the safety tests (hand-worked expectations in the tests).

Participants (dose levels from study.yml; DL3 has nobody):
  S01 DL1  LD 2024-01-01, infused 2024-01-05, DLT-evaluable
  S02 DL1  LD 2024-02-01, infused 2024-02-05, DLT-evaluable
  S03 DL1  LD 2024-03-01, infused 2024-03-05, DLT-evaluable
  S04 DL2  LD 2024-04-01, infused 2024-04-05, died 2024-04-15 (Day 10), DLT-evaluable
  S05 DL2  LD 2024-05-01, infused 2024-05-05, DLT-evaluable, no AE
  S06 DL2  LD 2024-06-01, never infused (planned Day 0 2024-06-05): Safety only
AEs (onset study day):
  S01-1 Headache         Nervous system   day -6 (before LD: not TEAE)    G1
  S01-2 Pyrexia          General          day 28 (in Day 0-28)            G1
  S01-3 Pneumonia        Infections       day 29 (overall only)           G3 serious
  S02-1 CRS              Immune system    day 1-4  (duration 4)           G2 toci
  S02-2 ICANS            Nervous system   day 5, ongoing at cut-off       G3 DLT cort
  S03-1 Neutrophil count decreased  Investigations  day 29, flagged DLT   G4 (not a DLT)
  S04-1 CRS              Immune system    day 2-5 (duration 4)            G3 toci+cort
  S04-2 Sepsis           Infections       day 8-10, fatal                 G5 serious DLT
  S06-1 Nausea           Gastrointestinal day -2 (after LD)               G1
"""

from __future__ import annotations

import pandas as pd

from analysis.config import load_config
from analysis.data import StudyData

CFG = load_config()
DL = CFG.dose_labels  # {1: "DL1 (...)", 2: ..., 3: ...}
D = pd.Timestamp


def adsl() -> pd.DataFrame:
    rows = [
        ("S01", 1, "2024-01-01", "2024-01-05", "Y", None),
        ("S02", 1, "2024-02-01", "2024-02-05", "Y", None),
        ("S03", 1, "2024-03-01", "2024-03-05", "Y", None),
        ("S04", 2, "2024-04-01", "2024-04-05", "Y", "2024-04-15"),
        ("S05", 2, "2024-05-01", "2024-05-05", "Y", None),
        ("S06", 2, "2024-06-01", None, "N", None),
    ]
    df = pd.DataFrame(rows, columns=["USUBJID", "TRT01AN", "LDSTDT", "INFDT", "INFFL", "DTHDT"])
    df["TRT01A"] = df["TRT01AN"].map(DL)
    df["TRT01AN"] = df["TRT01AN"].astype("Int64")
    for c in ("LDSTDT", "INFDT", "DTHDT"):
        df[c] = pd.to_datetime(df[c])
    df["TRTSDT"] = df["LDSTDT"]
    df["SAFFL"] = "Y"
    df["ENRLFL"] = "Y"
    df["DLTEVLFL"] = df["INFFL"]
    df["DTHFL"] = df["DTHDT"].notna().map({True: "Y", False: "N"})
    df["COHORT"] = "ESCALATION"
    df["STUDYID"] = "NCT06561009"
    return df


AE_COLS = ["USUBJID", "AESEQ", "AEDECOD", "AEBODSYS", "ASTDT", "AENDT", "AETOXGR", "AESER",
           "AESDTH", "AEOUT", "AREL", "DLTFL", "CRSFL", "ICANSFL", "TOCIFL", "CORTFL"]


def adae() -> pd.DataFrame:
    rows = [
        ("S01", 1, "Headache", "Nervous system disorders", "2023-12-30", "2023-12-31", 1,
         "N", "N", "RECOVERED/RESOLVED", "NOT RELATED", "N", "N", "N", "N", "N"),
        ("S01", 2, "Pyrexia", "General disorders and administration site conditions",
         "2024-02-02", "2024-02-03", 1, "N", "N", "RECOVERED/RESOLVED", "RELATED",
         "N", "N", "N", "N", "N"),
        ("S01", 3, "Pneumonia", "Infections and infestations", "2024-02-03", "2024-02-10", 3,
         "Y", "N", "RECOVERED/RESOLVED", "NOT RELATED", "N", "N", "N", "N", "N"),
        ("S02", 1, "Cytokine release syndrome", "Immune system disorders", "2024-02-06",
         "2024-02-09", 2, "N", "N", "RECOVERED/RESOLVED", "RELATED", "N", "Y", "N", "Y", "N"),
        ("S02", 2, "Immune effector cell-associated neurotoxicity syndrome",
         "Nervous system disorders", "2024-02-10", None, 3, "N", "N",
         "NOT RECOVERED/NOT RESOLVED", "RELATED", "Y", "N", "Y", "N", "Y"),
        ("S03", 1, "Neutrophil count decreased", "Investigations", "2024-04-03", "2024-04-20", 4,
         "N", "N", "RECOVERED/RESOLVED", "RELATED", "Y", "N", "N", "N", "N"),
        ("S04", 1, "Cytokine release syndrome", "Immune system disorders", "2024-04-07",
         "2024-04-10", 3, "N", "N", "RECOVERED/RESOLVED", "RELATED", "N", "Y", "N", "Y", "Y"),
        ("S04", 2, "Sepsis", "Infections and infestations", "2024-04-13", "2024-04-15", 5,
         "Y", "Y", "FATAL", "RELATED", "Y", "N", "N", "N", "N"),
        ("S06", 1, "Nausea", "Gastrointestinal disorders", "2024-06-03", "2024-06-04", 1,
         "N", "N", "RECOVERED/RESOLVED", "RELATED", "N", "N", "N", "N", "N"),
    ]
    df = pd.DataFrame(rows, columns=AE_COLS)
    for c in ("ASTDT", "AENDT"):
        df[c] = pd.to_datetime(df[c])
    df["AESEQ"] = df["AESEQ"].astype("Int64")
    df["AETOXGR"] = df["AETOXGR"].astype("Int64")
    df["AETERM"] = df["AEDECOD"].str.upper()
    df["STUDYID"] = "NCT06561009"
    return df


def study(adsl_df=None, adae_df=None) -> StudyData:
    return StudyData(datasets={"ADSL": adsl() if adsl_df is None else adsl_df,
                               "ADAE": adae() if adae_df is None else adae_df})


def cell(ard: pd.DataFrame, col: str, stat: str = "n", **keys) -> float:
    """The one ``stat`` value of column ``col`` matching ``keys``."""
    m = (ard["group1_level"] == col) & (ard["stat_name"] == stat)
    for k, v in keys.items():
        m &= ard[k] == v
    sel = ard.loc[m]
    assert len(sel) == 1, (col, stat, keys, len(sel))
    return sel["stat"].iloc[0] if stat != "text" else sel["stat_fmt"].iloc[0]
