"""Literal inputs shared by the biomarker tests (B cells, cytokines, AQP4 titre):
three infused participants, two at DL1 and one at DL2, lymphodepletion on
2025-01-06 and infusion (Day 0) on 2025-01-10."""

from __future__ import annotations

import pandas as pd

from analysis.config import load_config

CFG = load_config()
DL1, DL2, DL3 = "DL1 (0.5 × 10⁶/kg)", "DL2 (1.0 × 10⁶/kg)", "DL3 (2.0 × 10⁶/kg)"
INF = pd.Timestamp("2025-01-10")


def adsl() -> pd.DataFrame:
    return pd.DataFrame({
        "USUBJID": ["A", "B", "C"], "TRT01A": [DL1, DL1, DL2], "TRT01AN": [1, 1, 2],
        "INFFL": ["Y"] * 3, "SAFFL": ["Y"] * 3,
        "LDSTDT": [INF - pd.Timedelta(days=4)] * 3, "INFDT": [INF] * 3,
    })
