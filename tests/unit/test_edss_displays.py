"""T14.2.2 (EDSS), T14.2.3 (visual acuity), T14.2.4 (MRI) on literal StudyData."""

import pandas as pd

from analysis.config import load_config
from analysis.data import StudyData
from analysis.displays import build_ard

CFG = load_config()
DL1 = CFG.dose_labels[1]
ADSL = pd.DataFrame({"USUBJID": ["A", "B", "C"], "TRT01A": [DL1] * 3, "INFFL": ["Y"] * 3,
                     "INFDT": pd.to_datetime(["2024-01-01"] * 3)})


def pick(ard, **f):
    m = pd.Series(True, index=ard.index)
    for k, v in f.items():
        m &= ard[k] == v
    assert m.sum() == 1, f
    return ard[m].iloc[0]


def test_t14_2_2_change_and_worsening_counts():
    adedss = pd.DataFrame([
        ("A", "2023-12-20", "Screening", 0.0), ("A", "2024-12-31", "Month 12", 2.0),
        ("B", "2023-12-20", "Screening", 5.5), ("B", "2024-04-01", "Month 3", 6.0),
        ("B", "2024-12-31", "Month 12", 5.5),
        ("C", "2023-12-20", "Screening", 3.0),  # no post-baseline visit: in N, not worsened
    ], columns=["USUBJID", "ADT", "AVISIT", "AVAL"]).assign(
        ADT=lambda d: pd.to_datetime(d["ADT"]), PARAMCD="EDSS")
    a = build_ard("T14.2.2", StudyData({"ADSL": ADSL, "ADEDSS": adedss}), CFG)
    t = dict(group1_level="Total")
    assert pick(a, variable="AVAL", variable_level="Baseline", stat_name="n", **t)["stat"] == 3
    assert pick(a, variable="CHG", variable_level="Month 12", stat_name="mean", **t)["stat"] == 1.0
    any_ = pick(a, variable="WORS", variable_level="Any post-baseline assessment",
                stat_name="n", **t)
    assert any_["stat"] == 2 and any_["stat_fmt"] == "2"
    assert pick(a, variable="WORS", variable_level="Any post-baseline assessment",
                stat_name="N", **t)["stat"] == 3
    assert pick(a, variable="WORS", variable_level="Month 12", stat_name="n", **t)["stat"] == 1
    assert pick(a, variable="NOTEVAL", stat_name="n", **t)["stat"] == 1


def test_t14_2_3_logmar_by_eye():
    adva = pd.DataFrame([
        ("A", "RIGHT", "SNELLEN", "5/10", "2023-12-20", "Screening"),
        ("A", "RIGHT", "LOWVISION", "CF", "2024-04-01", "Month 3"),
        ("A", "LEFT", "FIVEPOINT", "4.0", "2023-12-20", "Screening"),
        ("B", "RIGHT", "SNELLEN", "5/5", "2023-12-20", "Screening"),
        ("B", "RIGHT", "SNELLEN", "5/5", "2024-04-01", "Month 3"),
    ], columns=["USUBJID", "LAT", "VAFMT", "VAORRES", "ADT", "AVISIT"]).assign(
        ADT=lambda d: pd.to_datetime(d["ADT"]))
    a = build_ard("T14.2.3", StudyData({"ADSL": ADSL, "ADVA": adva}), CFG)
    r = dict(group1_level="Total", group2_level="Right eye")
    assert round(pick(a, variable="AVAL", variable_level="Baseline", stat_name="mean",
                      **r)["stat"], 5) == 0.15051  # (0.30103 + 0) / 2
    assert round(pick(a, variable="CHG", variable_level="Month 3", stat_name="max",
                      **r)["stat"], 5) == round(1.9 - 0.30103, 5)
    assert pick(a, variable="WORS", stat_name="n", **r)["stat"] == 1
    left = dict(group1_level="Total", group2_level="Left eye")
    assert pick(a, variable="AVAL", variable_level="Baseline", stat_name="mean", **left)["stat"] == 1.0
    assert pick(a, variable="WORS", stat_name="n", group1_level="Total",
                group2_level="Either eye")["stat"] == 1


def test_t14_2_4_accumulated_lesions():
    admri = pd.DataFrame([
        ("A", "T2NEWENL", 2, "2024-04-01"), ("A", "GDT1", 1, "2024-04-01"),
        ("B", "T2NEWENL", 0, "2024-04-01"), ("B", "GDT1", 0, "2024-04-01"),
        ("C", "T2NEWENL", 5, "2023-12-20"),  # baseline only
    ], columns=["USUBJID", "PARAMCD", "AVAL", "ADT"]).assign(ADT=lambda d: pd.to_datetime(d["ADT"]))
    a = build_ard("T14.2.4", StudyData({"ADSL": ADSL, "ADMRI": admri}), CFG)
    tot = dict(group1_level="Total", group2_level="Total active lesions")
    assert pick(a, variable="ANY", stat_name="n", **tot)["stat"] == 1
    assert pick(a, variable="ACCUM", stat_name="n", **tot)["stat"] == 2
    assert pick(a, variable="ACCUM", stat_name="mean", **tot)["stat"] == 1.5
    assert pick(a, variable="NSCAN", stat_name="n", group1_level="Total")["stat"] == 2
