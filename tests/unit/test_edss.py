"""EDSS change from baseline and worsening (SAP 3, registry rule): hand-worked tables."""

import math

import pandas as pd
import pytest

from analysis.config import load_config
from analysis.derive.edss import (
    derive_edss,
    edss_worsening_by_subject,
    month_visit,
    worsening_threshold,
)

CFG = load_config()


@pytest.mark.parametrize("base, threshold", [(0.0, 2.0), (0.5, 1.0), (1.0, 1.0), (5.0, 1.0),
                                             (5.5, 0.5), (9.5, 0.5)])
def test_worsening_threshold_by_baseline_band(base, threshold):
    assert worsening_threshold(base, CFG) == threshold


def test_missing_baseline_has_no_threshold():
    assert math.isnan(worsening_threshold(float("nan"), CFG))


def test_month_12_visit_comes_from_the_schedule():
    assert month_visit(CFG) == "Month 12"


ADSL = pd.DataFrame({"USUBJID": ["A", "B", "C", "D", "E", "F"],
                     "INFDT": pd.to_datetime(["2024-01-01"] * 6)})


def edss(rows):
    df = pd.DataFrame(rows, columns=["USUBJID", "ADT", "AVISIT", "AVAL"])
    df["ADT"] = pd.to_datetime(df["ADT"])
    df["PARAMCD"] = "EDSS"
    return df


DATA = edss([
    # A: baseline 0 -> +1.5 at M3 (not worse), +2.0 at M12 (worse)
    ("A", "2023-12-20", "Screening", 0.0), ("A", "2024-04-01", "Month 3", 1.5),
    ("A", "2024-12-31", "Month 12", 2.0),
    # B: baseline 1.0 (last on or before Day 0: Day 0 value wins) -> +1.0 at M6 (worse)
    ("B", "2023-12-20", "Screening", 2.0), ("B", "2024-01-01", "Day 0", 1.0),
    ("B", "2024-07-01", "Month 6", 2.0), ("B", "2024-12-31", "Month 12", 1.5),
    # C: baseline 5.0 -> +0.5 (not worse: needs 1.0)
    ("C", "2023-12-20", "Screening", 5.0), ("C", "2024-12-31", "Month 12", 5.5),
    # D: baseline 5.5 -> +0.5 at M12 (worse)
    ("D", "2023-12-20", "Screening", 5.5), ("D", "2024-12-31", "Month 12", 6.0),
    # E: baseline only (no post-baseline visit)
    ("E", "2023-12-20", "Screening", 3.0),
    # F: no baseline (first value after infusion): change not computed
    ("F", "2024-04-01", "Month 3", 4.0),
])


def test_change_from_baseline_and_record_worsening():
    out = derive_edss(DATA, ADSL, CFG)
    got = out[["USUBJID", "AVISIT", "BASE", "CHG", "WORSFL"]].astype(str).values.tolist()
    assert got == [
        ["A", "Screening", "0.0", "0.0", ""], ["A", "Month 3", "0.0", "1.5", "N"],
        ["A", "Month 12", "0.0", "2.0", "Y"],
        ["B", "Screening", "1.0", "1.0", ""], ["B", "Day 0", "1.0", "0.0", ""],
        ["B", "Month 6", "1.0", "1.0", "Y"], ["B", "Month 12", "1.0", "0.5", "N"],
        ["C", "Screening", "5.0", "0.0", ""], ["C", "Month 12", "5.0", "0.5", "N"],
        ["D", "Screening", "5.5", "0.0", ""], ["D", "Month 12", "5.5", "0.5", "Y"],
        ["E", "Screening", "3.0", "0.0", ""],
        ["F", "Month 3", "nan", "nan", ""],
    ]


def test_worsening_by_participant_any_visit_and_month_12():
    out = edss_worsening_by_subject(derive_edss(DATA, ADSL, CFG), ADSL["USUBJID"], CFG)
    assert out[["USUBJID", "WORSANY", "WORSM12", "EVALFL"]].values.tolist() == [
        ["A", "Y", "Y", "Y"], ["B", "Y", "N", "Y"], ["C", "N", "N", "Y"],
        ["D", "Y", "Y", "Y"], ["E", "N", "N", "N"], ["F", "N", "N", "N"],
    ]
