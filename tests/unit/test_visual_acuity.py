"""Visual acuity conversion to logMAR and worsening (SAP 3): hand-worked tables."""

import pandas as pd
import pytest

from analysis.config import load_config
from analysis.derive.visual_acuity import derive_va, logmar

CFG = load_config()


@pytest.mark.parametrize("fmt, value, expected", [
    ("SNELLEN", "5/10", 0.30103),
    ("SNELLEN", "5/5", 0.0),
    ("DECIMAL", "0.1", 1.0),
    ("FIVEPOINT", "4.0", 1.0),
    ("FIVEPOINT", "5.0", 0.0),
    ("LOWVISION", "CF", 1.9),
    ("LOWVISION", "HM", 2.3),
    ("LOWVISION", "LP", 2.7),
    ("LOWVISION", "NLP", 3.0),
])
def test_logmar_conversion(fmt, value, expected):
    assert logmar(fmt, value, CFG) == pytest.approx(expected, abs=5e-6)


def test_unconvertible_value_names_format_and_value():
    with pytest.raises(ValueError, match="VAFMT='SNELLEN' VAORRES='abc'"):
        logmar("SNELLEN", "abc", CFG)


ADSL = pd.DataFrame({"USUBJID": ["A", "B"], "INFDT": pd.to_datetime(["2024-01-01"] * 2)})


def test_change_and_worsening_per_eye():
    adva = pd.DataFrame([
        ("A", "RIGHT", "SNELLEN", "5/5", "2023-12-20", "Screening"),     # 0.0
        ("A", "RIGHT", "SNELLEN", "5/8", "2024-04-01", "Month 3"),       # 0.20412: worse
        ("A", "LEFT", "FIVEPOINT", "4.9", "2023-12-20", "Screening"),    # 0.1
        ("A", "LEFT", "FIVEPOINT", "4.7", "2024-04-01", "Month 3"),      # 0.3: +0.2 worse
        ("A", "LEFT", "LOWVISION", "CF", "2024-07-01", "Month 6"),       # 1.9: +1.8 worse
        ("B", "RIGHT", "DECIMAL", "0.5", "2024-04-01", "Month 3"),       # no baseline
        ("B", "LEFT", "DECIMAL", "0.5", "2023-12-20", "Screening"),      # no post-baseline
    ], columns=["USUBJID", "LAT", "VAFMT", "VAORRES", "ADT", "AVISIT"])
    adva["ADT"] = pd.to_datetime(adva["ADT"])
    out = derive_va(adva, ADSL, CFG)
    assert out["AVAL"].round(5).tolist() == [0.0, 0.20412, 0.1, 0.3, 1.9, 0.30103, 0.30103]
    assert out["CHG"].round(5).fillna(-99).tolist() == [0.0, 0.20412, 0.0, 0.2, 1.8, -99, 0.0]
    assert out["WORSFL"].tolist() == ["", "Y", "", "Y", "Y", "", ""]
