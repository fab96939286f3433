"""Cytopenias: CTCAE v5.0 grades, worst-grade shift, early ICAHT, nadir and recovery
(SAP 3, Cytopenias).

SAP 3: "CTCAE grades of ANC, platelets, haemoglobin, lymphocytes; early ICAHT
(day 0-30, days with ANC <=500/uL: G1 <7, G2 7-13, G3 >=14, G4 ANC <=100/uL
for >=7 days); nadir and time to recovery."

Conventions (footnoted in T14.3.7):
- grade = the highest grade whose upper bound (exclusive) the value is below
  (:data:`CTCAE_V5_LOW`); G1's bound is the lower limit of normal (ADLB
  ANRLO); with ANRLO missing a value above the G2 bound is grade 0;
- worst post-baseline grade = highest grade from study day 1; baseline grade
  = grade of the baseline record (:func:`analysis.derive.baseline.derive_var_base`);
- ICAHT day counting: days 0 to 30 (study.yml constants.icaht_window_days)
  are counted on a daily grid where a measured value holds from its day
  until the next measurement (the value holding on Day 0 is the last one on
  or before Day 0); after the last measurement it holds to the end of the
  window. Days with ANC <= 500 and <= 100 /uL (study.yml) are counted, not
  necessarily consecutive. Grade 0 = no such day;
- nadir = minimum post-infusion (study day >= 1) value, day = first day of the
  minimum; recovery = first day after the nadir with a value at or above
  :data:`RECOVERY_THRESHOLDS` (a convention of this analysis, not of the SAP),
  assessed only when the nadir is below the threshold.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.config import StudyConfig
from analysis.derive.baseline import derive_var_base
from analysis.frames import require_columns
from study.ctcae import CTCAE_V5_LOW, ctcae_grade, ctcae_grades  # noqa: F401 (the rule, shared)

# Recovery thresholds after the nadir (convention of this analysis): ANC >= 1000/uL,
# platelets >= 50 x 10^3/uL.
RECOVERY_THRESHOLDS = {"ANC": 1000.0, "PLAT": 50.0}
NADIR_COLUMNS = ["USUBJID", "PARAMCD", "NADIR", "NADIRDY", "RECFL", "RECDY"]


def derive_var_atoxgr(adlb: pd.DataFrame) -> pd.DataFrame:
    """Add ATOXGR (CTCAE v5.0 grade) to the ANC/PLAT/HGB/LYMPH records (others dropped)."""
    require_columns(adlb, ("USUBJID", "PARAMCD", "AVAL", "ANRLO"), "ADLB",
                    where="derive_var_atoxgr")
    out = adlb[adlb["PARAMCD"].isin(CTCAE_V5_LOW)].copy()
    out["ATOXGR"] = ctcae_grades(out["PARAMCD"], out["AVAL"], out["ANRLO"])
    return out


def compute_grade_shift(adlb: pd.DataFrame, adsl: pd.DataFrame) -> pd.DataFrame:
    """Per (USUBJID, PARAMCD): BTOXGR (baseline grade, NaN if no baseline) and WTOXGR
    (worst grade from study day 1, NaN if no post-infusion value)."""
    lb = derive_var_base(derive_var_atoxgr(adlb), adsl)
    base = lb[lb["ABLFL"] == "Y"].groupby(["USUBJID", "PARAMCD"])["ATOXGR"].last().rename("BTOXGR")
    worst = (lb[(lb["ADY"] >= 1) & lb["ATOXGR"].notna()]
             .groupby(["USUBJID", "PARAMCD"])["ATOXGR"].max().rename("WTOXGR"))
    keys = lb[["USUBJID", "PARAMCD"]].drop_duplicates().set_index(["USUBJID", "PARAMCD"])
    return keys.join(base).join(worst).reset_index()


def icaht_grade(days_le_500: int, days_le_100: int) -> int:
    """Early ICAHT grade from day counts (SAP 3): G4 ANC <=100 for >=7 days; G3 >=14,
    G2 7-13, G1 1-6 days with ANC <=500; 0 otherwise."""
    if days_le_100 >= 7:
        return 4
    if days_le_500 >= 14:
        return 3
    if days_le_500 >= 7:
        return 2
    return 1 if days_le_500 >= 1 else 0


def compute_icaht(adlb: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """Per participant with ANC records: D500, D100 (days counted in the window,
    module docstring) and ICAHT grade; participants with no ANC value on or
    before the window end get NaN."""
    c = config.constants
    lo, hi = (int(x) for x in c["icaht_window_days"])
    t500, t100 = float(c["icaht_anc_threshold_per_ul"]), float(c["icaht_g4_anc_per_ul"])
    anc = adlb[(adlb["PARAMCD"] == "ANC") & adlb["AVAL"].notna() & adlb["ADY"].notna()]
    grid = np.arange(lo, hi + 1)
    rows = []
    for u, g in anc.groupby("USUBJID", sort=True):
        g = g.sort_values("ADY")
        d, v = g["ADY"].to_numpy(float), g["AVAL"].to_numpy(float)
        idx = np.searchsorted(d, grid, side="right") - 1   # last measurement on or before day
        ok = idx >= 0
        held = np.where(ok, v[np.clip(idx, 0, None)], np.nan)
        if not ok.any():
            rows.append({"USUBJID": u, "D500": math.nan, "D100": math.nan, "ICAHT": math.nan})
            continue
        d500, d100 = int((held <= t500).sum()), int((held <= t100).sum())
        rows.append({"USUBJID": u, "D500": d500, "D100": d100,
                     "ICAHT": float(icaht_grade(d500, d100))})
    return pd.DataFrame(rows, columns=["USUBJID", "D500", "D100", "ICAHT"])


def compute_nadir_recovery(adlb: pd.DataFrame, params: tuple[str, ...] = ("ANC", "PLAT")
                           ) -> pd.DataFrame:
    """Per (USUBJID, PARAMCD): NADIR, NADIRDY, RECFL ("Y"/"N"; "" when the nadir is not
    below the recovery threshold or there is no post-infusion value), RECDY."""
    rows = []
    lb = adlb[adlb["PARAMCD"].isin(params) & adlb["AVAL"].notna() & (adlb["ADY"] >= 1)]
    for (u, p), g in lb.groupby(["USUBJID", "PARAMCD"], sort=True):
        g = g.sort_values("ADY")
        i = g["AVAL"].to_numpy(float).argmin()
        nadir, nday = float(g["AVAL"].iloc[i]), float(g["ADY"].iloc[i])
        thr = RECOVERY_THRESHOLDS[p]
        rec, rday = "", math.nan
        if nadir < thr:
            after = g[(g["ADY"] > nday) & (g["AVAL"] >= thr)]
            rec = "Y" if len(after) else "N"
            rday = float(after["ADY"].iloc[0]) if len(after) else math.nan
        rows.append({"USUBJID": u, "PARAMCD": p, "NADIR": nadir, "NADIRDY": nday,
                     "RECFL": rec, "RECDY": rday})
    return pd.DataFrame(rows, columns=NADIR_COLUMNS)
