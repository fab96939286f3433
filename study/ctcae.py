"""CTCAE v5.0 grading of low laboratory values: one table and one rule for the analysis
(:mod:`analysis.derive.cytopenia`), the cross-dataset checks of the contract
(:mod:`data_contract.consistency`) and the simulator (:mod:`data_contract.simulator.safety`).

SAP 3 (Cytopenias): "CTCAE grades of ANC, platelets, haemoglobin, lymphocytes". CTCAE v5.0
(Common Terminology Criteria for Adverse Events, Nov 2017), "Investigations" and "Anemia":
grade -> exclusive upper bound of the value, in ADLB units; ``None`` is the lower limit of
normal (ANRLO). Haemoglobin has no grade 4 defined by value.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

CTCAE_V5_LOW: dict[str, dict[int, float | None]] = {
    "ANC": {1: None, 2: 1500.0, 3: 1000.0, 4: 500.0},     # cells/uL, neutrophil count decreased
    "PLAT": {1: None, 2: 75.0, 3: 50.0, 4: 25.0},        # 10^3/uL, platelet count decreased
    "HGB": {1: None, 2: 10.0, 3: 8.0},                    # g/dL, anemia
    "LYMPH": {1: None, 2: 800.0, 3: 500.0, 4: 200.0},     # cells/uL, lymphocyte count decreased
}


def ctcae_grade(paramcd: str, value: float, lln: float | None = None) -> float:
    """CTCAE v5.0 grade (0-4) of one low value: the highest grade whose bound the value is
    below (grade 1: below the lower limit of normal ``lln``); NaN when the value is missing;
    ``KeyError`` for a PARAMCD without low grading."""
    if paramcd not in CTCAE_V5_LOW:
        raise KeyError(f"ctcae_grade: no CTCAE v5.0 low grading for PARAMCD={paramcd}")
    if value is None or pd.isna(value):
        return math.nan
    grade = 0
    for g, bound in CTCAE_V5_LOW[paramcd].items():
        b = lln if bound is None else bound
        if b is not None and not pd.isna(b) and value < b:
            grade = g
    return float(grade)


def ctcae_grades(paramcd, values, lln) -> np.ndarray:
    """:func:`ctcae_grade` of every record at once (the same rule, vectorised: a listing of
    every haematology value holds 1.2 million records at 20,000 participants); NaN where
    the value is missing; ``KeyError`` naming a PARAMCD without low grading."""
    codes = np.asarray(paramcd, dtype=object)
    unknown = sorted(set(codes) - set(CTCAE_V5_LOW))
    if unknown:
        raise KeyError(f"ctcae_grade: no CTCAE v5.0 low grading for PARAMCD={unknown[0]}")
    v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(pd.Series(lln), errors="coerce").to_numpy(dtype=float)
    out = np.zeros(len(v))
    for code, bounds in CTCAE_V5_LOW.items():
        mine = codes == code
        for g, bound in bounds.items():
            b = lo if bound is None else np.full(len(v), bound)
            with np.errstate(invalid="ignore"):
                out[mine & (v < b)] = g  # NaN bounds compare False, as in ctcae_grade
    out[np.isnan(v)] = np.nan
    return out
