"""Vital signs from Day 0 to Day 28 by maximum CRS grade (SAP 5, T14.3.10; SAP 3, CRS).

Per infused participant with ADVS records in the window (study days 0 to 28, both
included; ADVS holds the day's extreme of each parameter):

- ``TEMPMAX``: maximum temperature (C); ``FEVERFL`` "Y" when it is >= 38.0 C;
- ``SYSBPMIN``: minimum systolic blood pressure (mmHg);
- ``SPO2MIN``: minimum SpO2 (%);
- ``CRSMAXGR``: maximum ASTCT grade of the participant's CRS events (CRSFL = "Y")
  with onset in the window, 0 without one (the column T14.3.10 groups by).

A parameter without a value in the window gives a missing statistic.
"""

from __future__ import annotations

import pandas as pd

from analysis.frames import require_columns

VS_WINDOW = (0, 28)  # SAP 5: T14.3.10, Day 0-28
FEVER_C = 38.0       # ASTCT 2019: fever for any CRS
EXTREMES = {"TEMPMAX": ("TEMP", "max"), "SYSBPMIN": ("SYSBP", "min"),
            "SPO2MIN": ("SPO2", "min")}
VS_COLUMNS = ["USUBJID", *EXTREMES, "FEVERFL", "CRSMAXGR"]


def compute_vs_extremes(advs: pd.DataFrame, adae: pd.DataFrame | None = None,
                        window: tuple[int, int] = VS_WINDOW) -> pd.DataFrame:
    """One row per participant of ``advs`` with a record in ``window``: the columns of
    the module docstring (``adae`` None: CRSMAXGR missing)."""
    require_columns(advs, ("USUBJID", "PARAMCD", "AVAL", "ADY"), "ADVS",
                    where="compute_vs_extremes")
    day = pd.to_numeric(advs["ADY"], errors="coerce")
    vs = advs[(day >= window[0]) & (day <= window[1])]
    # object dtype also when nobody has vital signs (an empty list would be float64)
    out = pd.DataFrame({"USUBJID": pd.Series(sorted(vs["USUBJID"].unique()), dtype=object)})
    for col, (code, how) in EXTREMES.items():
        p = vs[vs["PARAMCD"] == code]
        agg = pd.to_numeric(p["AVAL"], errors="coerce").groupby(p["USUBJID"]).agg(how)
        out[col] = out["USUBJID"].map(agg).astype(float)
    out["FEVERFL"] = (out["TEMPMAX"] >= FEVER_C).map({True: "Y", False: "N"}).where(
        out["TEMPMAX"].notna())
    if adae is None:
        out["CRSMAXGR"] = float("nan")
        return out[VS_COLUMNS]
    require_columns(adae, ("USUBJID", "CRSFL", "AETOXGR", "ASTDY"), "ADAE",
                    where="compute_vs_extremes")
    onset = pd.to_numeric(adae["ASTDY"], errors="coerce")
    crs = adae[adae["CRSFL"].eq("Y") & (onset >= window[0]) & (onset <= window[1])]
    worst = pd.to_numeric(crs["AETOXGR"], errors="coerce").groupby(crs["USUBJID"]).max()
    out["CRSMAXGR"] = out["USUBJID"].map(worst).fillna(0).astype(float)
    return out[VS_COLUMNS]
