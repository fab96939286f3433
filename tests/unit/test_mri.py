"""Accumulated active MRI lesions (SAP 3, MRI): hand-worked table."""

import pandas as pd

from analysis.derive.mri import derive_accumulated_lesions

ADSL = pd.DataFrame({"USUBJID": ["A", "B", "C"], "INFDT": pd.to_datetime(["2024-01-01"] * 3)})


def test_sum_of_post_baseline_t2_and_gd_lesions():
    admri = pd.DataFrame([
        ("A", "T2NEWENL", 4, "2023-12-20"), ("A", "GDT1", 2, "2023-12-20"),  # baseline: ignored
        ("A", "T2NEWENL", 1, "2024-04-01"), ("A", "GDT1", 1, "2024-04-01"),
        ("A", "T2NEWENL", 2, "2024-12-31"), ("A", "GDT1", 0, "2024-12-31"),
        ("B", "T2NEWENL", 0, "2024-04-01"), ("B", "GDT1", 0, "2024-04-01"),
        ("C", "T2NEWENL", 3, "2023-12-20"),                                  # baseline only
    ], columns=["USUBJID", "PARAMCD", "AVAL", "ADT"])
    admri["ADT"] = pd.to_datetime(admri["ADT"])
    out = derive_accumulated_lesions(admri, ADSL, ADSL["USUBJID"])
    assert out["NSCANS"].tolist() == [2, 1, 0]
    assert out["ACCT2"].fillna(-1).tolist() == [3.0, 0.0, -1]
    assert out["ACCGD"].fillna(-1).tolist() == [1.0, 0.0, -1]
    assert out["ACCTOT"].fillna(-1).tolist() == [4.0, 0.0, -1]
