"""Shared by the laboratory listings L16.2.6.4, L16.2.8.1 and L16.2.8.2 (not a display):
the ADLB records of some parameters, one row per record, value as recorded."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.formats import recorded_values, titre
from analysis.frames import require_columns
from analysis.sets import Population

COLUMNS = ("USUBJID", "PARAMCD", "PARAM", "AVAL", "AVALC", "AVALU", "ADT", "ADY", "AVISIT")
TITRES = ("AQP4TIT",)  # reciprocal titres, shown 1:N


def lab_records(pop: Population, adlb: pd.DataFrame, params, extra=()) -> pd.DataFrame:
    """The set's ADLB records of ``params`` (only the columns listed: ADLB holds 3 million
    rows at 20,000 participants), with ``_VALUE``: the value as recorded (a titre 1:N, a
    number with its parameter's decimals, else AVALC), the dose level, sorted by USUBJID,
    parameter (in ``params`` order), date."""
    cols = [c for c in (*COLUMNS, *extra) if c in adlb.columns]
    require_columns(adlb, ("USUBJID", "PARAMCD", "AVAL", "ADT"), "ADLB")
    recs = pop.records(adlb, params=params, columns=cols)
    num = recorded_values(recs["AVAL"], recs["PARAMCD"])
    is_titre = recs["PARAMCD"].isin(TITRES).to_numpy()
    if is_titre.any():
        num = num.copy()
        num[is_titre] = [titre(v, missing="") for v in recs["AVAL"][is_titre]]
    value = num.to_numpy(dtype=object)
    if "AVALC" in recs.columns:
        value = np.where(value == "", recs["AVALC"].fillna("").to_numpy(dtype=object), value)
    order = {p: i for i, p in enumerate(params)}
    recs = recs.assign(_VALUE=value, _ORDER=recs["PARAMCD"].map(order))
    recs = pop.with_group(recs).sort_values(["USUBJID", "_ORDER", "ADT"], kind="mergesort")
    return recs.reset_index(drop=True)


def column(df: pd.DataFrame, name: str):
    """``df[name]``, or empty cells when the dataset lacks the variable."""
    return df[name] if name in df.columns else pd.Series("", index=df.index, dtype=object)
