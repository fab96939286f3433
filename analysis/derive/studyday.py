"""Study day (SAP 3): infusion day = Day 0; days before infusion are negative.

Study day = (date - infusion date) in days. There is no "no day 0"
convention: Day 0 exists and is the infusion day.
"""

from __future__ import annotations

import pandas as pd


def study_day(dates: pd.Series, infusion_dates: pd.Series) -> pd.Series:
    """Study day of ``dates`` relative to ``infusion_dates`` (aligned series), as Int64.

    Missing date or missing infusion date gives a missing study day.
    """
    d = pd.to_datetime(dates) - pd.to_datetime(infusion_dates)
    return d.dt.days.astype("Int64")


def derive_var_ady(df: pd.DataFrame, adsl: pd.DataFrame, date_var: str = "ADT",
                   day_var: str = "ADY") -> pd.DataFrame:
    """Add ``day_var`` = study day of ``date_var`` using ADSL.INFDT (SAP 3, Study day)."""
    inf = df[["USUBJID"]].merge(adsl[["USUBJID", "INFDT"]], on="USUBJID", how="left")["INFDT"]
    out = df.copy()
    out[day_var] = study_day(out[date_var].reset_index(drop=True), inf).values
    return out
