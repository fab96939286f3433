"""Baseline (SAP 3).

"Baseline: last non-missing value on or before Day 0 (before infusion); for
lab and biomarker values, on or before the start of lymphodepletion where a
pre-lymphodepletion value exists."
"""

from __future__ import annotations

import pandas as pd

from analysis.frames import require_columns


def derive_var_base(
    bds: pd.DataFrame,
    adsl: pd.DataFrame,
    *,
    by: tuple[str, ...] = ("USUBJID", "PARAMCD"),
    value: str = "AVAL",
    prefer_pre_lymphodepletion: bool = True,
) -> pd.DataFrame:
    """Add ABLFL ("Y" on the baseline record, "" otherwise), BASE and CHG (= AVAL - BASE).

    Candidates are records with a non-missing ``value`` dated on or before the
    infusion date (ADSL.INFDT; for participants never infused, all records
    are candidates; another study's standard ADaM without INFDT: its first
    dose, TRTSDT, is Day 0, as for TEAEs in :mod:`analysis.derive.teae`). When ``prefer_pre_lymphodepletion`` and a candidate lies
    on or before the lymphodepletion start (ADSL.LDSTDT), the baseline is the
    last such record; otherwise the last candidate. Ties on date keep the last
    row in input order. Returns a new frame (input row order preserved).
    """
    require_columns(bds, (*by, value, "ADT"), "input", where="derive_var_base")
    df = bds.copy()
    df["_row"] = range(len(df))
    day0 = "INFDT" if "INFDT" in adsl.columns or "TRTSDT" not in adsl.columns else "TRTSDT"
    dates = adsl[["USUBJID", day0, *(["LDSTDT"] if "LDSTDT" in adsl else [])]]
    dates = dates.rename(columns={day0: "INFDT"})
    m = df.drop(columns=[c for c in ("INFDT", "LDSTDT") if c in df.columns]).merge(
        dates, on="USUBJID", how="left")
    cand = m[m[value].notna() & (m["INFDT"].isna() | (m["ADT"] <= m["INFDT"]))].copy()
    if prefer_pre_lymphodepletion and "LDSTDT" in cand:
        cand["_pre_ld"] = cand["LDSTDT"].notna() & (cand["ADT"] <= cand["LDSTDT"])
        has_pre = cand.groupby(list(by))["_pre_ld"].transform("any")
        cand = cand[~has_pre | cand["_pre_ld"]]
    base_rows = cand.sort_values([*by, "ADT", "_row"]).groupby(list(by)).tail(1)
    df["ABLFL"] = ""
    df.loc[df["_row"].isin(base_rows["_row"]), "ABLFL"] = "Y"
    base = base_rows[[*by, value]].rename(columns={value: "BASE"})
    out = df.merge(base, on=list(by), how="left").sort_values("_row")
    out["CHG"] = out[value] - out["BASE"]
    return out.drop(columns="_row").reset_index(drop=True)
