"""Apply a data cut-off to a set of datasets (SAP 1, data cut-offs).

SAP 1: "A cut-off keeps only records on or before the cut-off date." An interim
snapshot is the later data as they stood at the cut-off:

- participants enrolled (ENRLDT) after the cut-off are removed, with their
  records in every dataset;
- records dated after the cut-off (ADT, else ASTDT / EXSTDT) are removed;
- follow-up is truncated: LSTALVDT = min(LSTALVDT, cut-off); an AE or
  medication ending after the cut-off is ongoing (end date and day missing,
  AE outcome NOT RECOVERED/NOT RESOLVED, a death after the cut-off not yet
  known: AESDTH=N); a death after the cut-off is removed (DTHDT missing,
  DTHFL=N); an end of study after the cut-off is ONGOING (EOSDT and DCSREAS
  cleared); any other subject-level date after the cut-off is missing
  (TRTEDT becomes the last exposure in ADEX on or before the cut-off);
- flags are re-derived (SAP 2): SAFFL=Y iff lymphodepletion started
  (LDSTDT), INFFL=Y iff infused (INFDT), DLTEVLFL=Y iff infused and either
  followed for the DLT window (registry ``dlt_window_days``) by the cut-off
  or had a DLT (ADAE DLTFL=Y) by the cut-off; ADAE TRTEMFL=Y iff the onset
  cannot be placed before LDSTDT (SAP 3, TEAE, :mod:`study.onset`);
- study days are recomputed from INFDT (SAP 3: infusion day = Day 0).

Cutting twice equals cutting once at the earlier date, so a simulator that
cuts its own output gives the same interim data as cutting the final snapshot.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from data_contract.row_rules import STUDY_DAY_PAIRS
from study import onset
from study.config import load_config

ONGOING_OUTCOME = "NOT RECOVERED/NOT RESOLVED"
RECORD_DATE_VARIABLES = ("ADT", "ASTDT", "EXSTDT")


def _with_date_types(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """A copy with the contract's date variables as datetime64 (where they all read).

    Lazy under pandas Copy-on-Write (data_contract/__init__.py): columns are shared
    with the input until written, and writing one never changes the input."""
    from data_contract.readers import coerce_series
    from data_contract.specs import DATASETS

    df = df.reset_index(drop=True)
    spec = DATASETS.get(name)
    for v in spec.variables if spec else ():
        if v.type == "date" and v.name in df.columns:
            converted, bad = coerce_series(df[v.name], "date")
            if not bad:
                df[v.name] = converted
    return df


def record_date_variable(df: pd.DataFrame) -> str | None:
    """The variable that dates a record: ADT, else ASTDT, else EXSTDT (None if none)."""
    for col in RECORD_DATE_VARIABLES:
        if col in df.columns:
            return col
    return None


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, errors="coerce")


def apply_cutoff(datasets: dict[str, pd.DataFrame], cutoff: date,
                 config=None) -> dict[str, pd.DataFrame]:
    """Return the datasets as they stand at ``cutoff`` (SAP 1; see the module doc).

    Pure: the input frames are not modified. ``config`` is the study configuration
    (:func:`study.config.load_config` when None); it gives the DLT window.
    """
    if config is None:
        config = load_config()
    window = int(config.registry["dlt_window_days"])
    cut = pd.Timestamp(cutoff)
    out = {name: _with_date_types(name, df) for name, df in datasets.items()}

    adsl = out.get("ADSL")
    if adsl is not None and "ENRLDT" in adsl.columns:
        late = _dates(adsl["ENRLDT"]) > cut
        dropped = set(adsl.loc[late, "USUBJID"])
        if dropped:
            for name, df in out.items():
                if "USUBJID" in df.columns:
                    out[name] = df.loc[~df["USUBJID"].isin(dropped)].reset_index(drop=True)

    for name, df in out.items():
        if name == "ADSL":
            continue
        col = record_date_variable(df)
        if col is not None:
            df = df.loc[~(_dates(df[col]) > cut)].reset_index(drop=True)
        out[name] = truncate_end_dates(df, cut)

    if "ADSL" in out:
        out["ADSL"] = cut_adsl(out["ADSL"], cut, out.get("ADEX"))
        out["ADSL"] = derive_dltevlfl(out["ADSL"], out.get("ADAE"), cut, window)
        infdt = _subject_dates(out["ADSL"], "INFDT")
        ldstdt = _subject_dates(out["ADSL"], "LDSTDT")
        for name, df in out.items():
            if name != "ADSL" and infdt is not None:
                df = derive_study_days(df, infdt)
            if name == "ADAE" and ldstdt is not None:
                df = derive_trtemfl(df, ldstdt)
            out[name] = df
    return out


def truncate_end_dates(df: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    """An event or course ending after the cut-off is ongoing at the cut-off."""
    if "AENDT" not in df.columns:
        return df
    df = df.copy()
    ends_late = _dates(df["AENDT"]) > cut
    if ends_late.any():
        df.loc[ends_late, "AENDT"] = pd.NaT
        if "AENDY" in df.columns:
            df.loc[ends_late, "AENDY"] = pd.NA
        if "AEOUT" in df.columns:
            df.loc[ends_late & df["AEOUT"].notna(), "AEOUT"] = ONGOING_OUTCOME
        if "AESDTH" in df.columns:
            df.loc[ends_late & (df["AESDTH"] == "Y"), "AESDTH"] = "N"
    return df


def cut_adsl(adsl: pd.DataFrame, cut: pd.Timestamp, adex: pd.DataFrame | None = None
             ) -> pd.DataFrame:
    """ADSL at the cut-off: follow-up, death, end of study, exposure dates and SAFFL/INFFL."""
    df = adsl.copy()
    has = df.columns.__contains__
    if has("LSTALVDT"):
        df["LSTALVDT"] = _dates(df["LSTALVDT"]).where(~(_dates(df["LSTALVDT"]) > cut), cut)
    if has("DTHDT"):
        late = _dates(df["DTHDT"]) > cut
        df.loc[late, "DTHDT"] = pd.NaT
        if has("DTHFL"):
            df.loc[late, "DTHFL"] = "N"
    if has("EOSDT"):
        late = _dates(df["EOSDT"]) > cut
        df.loc[late, "EOSDT"] = pd.NaT
        if has("EOSSTT"):
            df.loc[late, "EOSSTT"] = "ONGOING"
        if has("DCSREAS"):
            df.loc[late, "DCSREAS"] = None
    if has("TRTEDT"):
        late = _dates(df["TRTEDT"]) > cut
        if late.any():
            last = _last_exposure(adex, cut)
            df.loc[late, "TRTEDT"] = df.loc[late, "USUBJID"].map(last) if last is not None \
                else pd.NaT
            df["TRTEDT"] = _dates(df["TRTEDT"])
    for col, flag in (("INFDT", "INFFL"), ("LDSTDT", "SAFFL")):
        if has(col):
            df.loc[_dates(df[col]) > cut, col] = pd.NaT
            if has(flag):
                df[flag] = np.where(_dates(df[col]).notna(), "Y", "N")
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col].dtype):
            df.loc[df[col] > cut, col] = pd.NaT
    return df


def _last_exposure(adex: pd.DataFrame | None, cut: pd.Timestamp) -> dict | None:
    if adex is None or "ASTDT" not in adex.columns or "USUBJID" not in adex.columns:
        return None
    d = adex.assign(_D=_dates(adex["ASTDT"]))
    d = d.loc[d["_D"] <= cut]
    return d.groupby("USUBJID")["_D"].max().to_dict()


def derive_dltevlfl(adsl: pd.DataFrame, adae: pd.DataFrame | None, cut: pd.Timestamp,
                    window_days: int) -> pd.DataFrame:
    """SAP 2 DLT-evaluable set at the cut-off: infused and either followed at least
    ``window_days`` after infusion (last known alive, truncated at the cut-off) or
    with a DLT (ADAE DLTFL=Y) on or before the cut-off."""
    if not {"DLTEVLFL", "INFDT", "USUBJID"} <= set(adsl.columns):
        return adsl
    df = adsl.copy()
    inf = _dates(df["INFDT"])
    last = _dates(df["LSTALVDT"]) if "LSTALVDT" in df.columns else pd.Series(pd.NaT, df.index)
    last = last.fillna(cut).where(lambda s: s <= cut, cut)
    followed = (last - inf).dt.days >= window_days
    had_dlt = pd.Series(False, index=df.index)
    if adae is not None and {"DLTFL", "USUBJID"} <= set(adae.columns):
        ids = set(adae.loc[adae["DLTFL"] == "Y", "USUBJID"])
        had_dlt = df["USUBJID"].isin(ids)
    infused = inf.notna()
    df["DLTEVLFL"] = np.where(infused & (followed.fillna(False) | had_dlt), "Y", "N")
    return df


def _subject_dates(adsl: pd.DataFrame, col: str) -> dict | None:
    if col not in adsl.columns or "USUBJID" not in adsl.columns:
        return None
    return dict(zip(adsl["USUBJID"], _dates(adsl[col]), strict=True))


def derive_study_days(df: pd.DataFrame, infdt: dict) -> pd.DataFrame:
    """SAP 3 study day: date - INFDT in days (Day 0 = infusion); missing without INFDT."""
    pairs = [(d, y) for d, y in STUDY_DAY_PAIRS if d in df.columns and y in df.columns]
    if not pairs or "USUBJID" not in df.columns:
        return df
    df = df.copy()
    inf = pd.to_datetime(df["USUBJID"].map(infdt))
    for dcol, ycol in pairs:
        df[ycol] = (_dates(df[dcol]) - inf).dt.days.astype("Int64")
    return df


def derive_trtemfl(adae: pd.DataFrame, ldstdt: dict) -> pd.DataFrame:
    """SAP 3 TEAE: TRTEMFL=Y iff the onset cannot be placed before the start of
    lymphodepletion (:func:`study.onset.onset_not_before`: a missing onset, or
    one imputed (ASTDTF) so that it may fall on or after LDSTDT, counts)."""
    if not {"TRTEMFL", "ASTDT", "USUBJID"} <= set(adae.columns):
        return adae
    df = adae.copy()
    ld = pd.to_datetime(df["USUBJID"].map(ldstdt))
    flags = df["ASTDTF"] if "ASTDTF" in df.columns else None
    df["TRTEMFL"] = np.where(onset.onset_not_before(_dates(df["ASTDT"]), flags, ld), "Y", "N")
    return df
