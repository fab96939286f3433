"""EDSS change from baseline and EDSS worsening (SAP 3, EDSS worsening).

Registry definition (binding): "Participant will be considered to have a
worsening in overall EDSS score of at least 2 if baseline EDSS score was 0,
or at least 1 point if baseline EDSS score is 1 to 5, or at least 0.5 point
if baseline EDSS score is 5.5 or more."

Thresholds come from ``study.yml`` (``registry.edss_worsening``). A baseline
of 0.5 is not covered by the registry; the rule applied is the study
assumption ``assumptions.edss_worsening_baseline_half`` (treated like the
1.0-5.0 band: increase >= 1.0).

Baseline (SAP 3): last non-missing EDSS on or before Day 0 (ADSL.INFDT),
via :func:`analysis.derive.baseline.derive_var_base` (EDSS is not a lab value,
so no pre-lymphodepletion preference). Post-baseline records: ADT after
INFDT. A record worsens when CHG >= threshold(BASE); a participant has
worsened at any visit when any post-baseline record (scheduled or not)
worsens, and at Month 12 when the record of the analysis visit whose nominal
day is 12 x days_per_month (rounded, ``AVISIT`` "Month 12") worsens.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.config import StudyConfig
from analysis.derive.baseline import derive_var_base
from analysis.frames import require_columns

TOL = 1e-9


def worsening_threshold(base: float, config: StudyConfig) -> float:
    """Increase in EDSS that counts as worsening for baseline ``base`` (registry
    rule + the baseline-0.5 assumption); NaN when ``base`` is missing."""
    if base is None or pd.isna(base):
        return math.nan
    half = config.assumptions.get("edss_worsening_baseline_half")
    if half is not None and abs(base - float(half["baseline"])) < TOL:
        return float(half["increase"])
    for band in config.registry["edss_worsening"]:
        if band["baseline_min"] - TOL <= base <= band["baseline_max"] + TOL:
            return float(band["increase"])
    raise ValueError(f"EDSS baseline {base!r} is outside every worsening band of study.yml")


def month_visit(config: StudyConfig, months: int | None = None) -> str:
    """The AVISIT of the scheduled visit ``months`` after infusion (default the
    registry follow-up, 12): nominal day = round(months x days_per_month)."""
    months = int(config.registry["follow_up_months"]) if months is None else months
    day = round(months * float(config.assumptions["visits"]["days_per_month"]))
    for v in config.visits:
        if int(v["avisitn"]) == day:
            return v["avisit"]
    raise KeyError(f"no scheduled visit at nominal day {day} (Month {months}) in study.yml")


def derive_edss(adedss: pd.DataFrame, adsl: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """ADEDSS with ABLFL, BASE, CHG, POSTFL ("Y" when ADT > INFDT), WTHRESH (the
    worsening threshold of BASE) and WORSFL ("Y"/"N" on post-baseline records
    with BASE and AVAL present, "" otherwise)."""
    require_columns(adedss, ("USUBJID", "AVAL", "ADT"), "ADEDSS")
    df = adedss.copy()
    if "PARAMCD" not in df:
        df["PARAMCD"] = "EDSS"
    df = derive_var_base(df, adsl, by=("USUBJID", "PARAMCD"), prefer_pre_lymphodepletion=False)
    inf = df[["USUBJID"]].merge(adsl[["USUBJID", "INFDT"]], on="USUBJID", how="left")["INFDT"]
    df["POSTFL"] = np.where(pd.to_datetime(df["ADT"]).values > pd.to_datetime(inf).values,
                            "Y", "N")
    df["WTHRESH"] = [worsening_threshold(b, config) for b in df["BASE"]]
    evaluable = (df["POSTFL"] == "Y") & df["CHG"].notna()
    wors = df["CHG"] >= df["WTHRESH"] - TOL
    df["WORSFL"] = np.where(evaluable, np.where(wors, "Y", "N"), "")
    return df


def edss_worsening_by_subject(edss: pd.DataFrame, subjects: pd.Series,
                              config: StudyConfig) -> pd.DataFrame:
    """Per participant of ``subjects``: BASE, WORSANY ("Y"/"N": worsened at any
    post-baseline record; a participant without baseline or without a
    post-baseline record is "N"), WORSM12 ("Y"/"N" at the Month 12 visit) and
    EVALFL ("Y" when BASE and >=1 post-baseline value exist)."""
    m12 = month_visit(config)
    out = pd.DataFrame({"USUBJID": pd.Series(subjects).astype(str).values})
    e = edss[edss["USUBJID"].isin(out["USUBJID"])]
    base = e.drop_duplicates("USUBJID").set_index("USUBJID")["BASE"]
    ev = e[e["WORSFL"] != ""]
    out["BASE"] = out["USUBJID"].map(base)
    anyw = set(ev.loc[ev["WORSFL"] == "Y", "USUBJID"])
    m12w = set(ev.loc[(ev["WORSFL"] == "Y") & (ev["AVISIT"] == m12), "USUBJID"])
    out["WORSANY"] = np.where(out["USUBJID"].isin(anyw), "Y", "N")
    out["WORSM12"] = np.where(out["USUBJID"].isin(m12w), "Y", "N")
    out["EVALFL"] = np.where(out["USUBJID"].isin(set(ev["USUBJID"])), "Y", "N")
    return out
