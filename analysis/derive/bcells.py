"""B-cell aplasia and reconstitution (SAP 3, B cells).

SAP 3: "CD19+ B cells in peripheral blood (cells/uL, % of lymphocytes) and
bone marrow (% of nucleated cells). B-cell aplasia: CD19+ < 10 cells/uL
[assumption]; time to reconstitution (first value >= 10 cells/uL after
aplasia)." The threshold is ``study.yml``
``assumptions.b_cell_aplasia.threshold_cells_per_ul``.

Conventions (documented in the display footnotes):
- post-infusion = study day ADY >= 1 (a Day 0 sample is pre-infusion and a
  baseline candidate);
- aplasia = any post-infusion blood CD19+ (ADLB CD19ABS) value below the
  threshold; aplasia day = the first such day;
- reconstitution = the first value >= threshold on a day after the aplasia
  day; time to reconstitution = its study day (days from infusion);
- no Kaplan-Meier: reconstitution is summarised as median (range) of the day
  among those reconstituted, plus the count of participants with aplasia
  not reconstituted by their last sample (the data cut-off);
- a participant without a post-infusion value is not evaluable (APLFL "").
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.config import StudyConfig
from analysis.frames import require_columns

APLASIA_COLUMNS = ["USUBJID", "NPOST", "LASTDY", "APLFL", "APLDY", "RECFL", "RECDY"]


def aplasia_threshold(config: StudyConfig) -> float:
    """CD19+ cells/uL below which a value is B-cell aplasia (study.yml assumption)."""
    return float(config.assumptions["b_cell_aplasia"]["threshold_cells_per_ul"])


def subject_aplasia(days, values, threshold: float) -> dict:
    """Aplasia/reconstitution of one participant's post-infusion CD19+ series."""
    pts = sorted((float(d), float(v)) for d, v in zip(days, values, strict=True)
                 if not pd.isna(d) and not pd.isna(v) and d >= 1)
    if not pts:
        return {"NPOST": 0, "LASTDY": math.nan, "APLFL": "", "APLDY": math.nan,
                "RECFL": "", "RECDY": math.nan}
    apl = next((d for d, v in pts if v < threshold), None)
    rec = None if apl is None else next((d for d, v in pts if d > apl and v >= threshold), None)
    return {
        "NPOST": len(pts), "LASTDY": pts[-1][0],
        "APLFL": "N" if apl is None else "Y",
        "APLDY": math.nan if apl is None else apl,
        "RECFL": "" if apl is None else ("Y" if rec is not None else "N"),
        "RECDY": math.nan if rec is None else rec,
    }


def compute_aplasia(adlb: pd.DataFrame, config: StudyConfig, paramcd: str = "CD19ABS") -> pd.DataFrame:
    """One row per participant with a ``paramcd`` record: NPOST (post-infusion values),
    LASTDY, APLFL/APLDY (aplasia, first day), RECFL/RECDY (reconstitution, day);
    definitions in the module docstring (SAP 3, B cells)."""
    require_columns(adlb, ("USUBJID", "PARAMCD", "AVAL", "ADY"), "ADLB", where="compute_aplasia")
    thr = aplasia_threshold(config)
    cd19 = adlb[adlb["PARAMCD"] == paramcd]
    rows = [{"USUBJID": u, **subject_aplasia(g["ADY"], g["AVAL"], thr)}
            for u, g in cd19.groupby("USUBJID", sort=True)]
    return pd.DataFrame(rows, columns=APLASIA_COLUMNS)
