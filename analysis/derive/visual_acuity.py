"""Visual acuity in logMAR (SAP 3, Visual acuity).

SAP 3: "corrected, each eye, Snellen tumbling-E at 5 m. Convert to logMAR =
-log10(decimal acuity); for a 5-point (Chinese standard) score L, logMAR =
5 - L. Low vision: CF 1.9, HM 2.3, LP 2.7, NLP 3.0 logMAR. Never average
Snellen or decimal values: summarise logMAR. Clinically meaningful worsening:
logMAR increase >= 0.2 in an eye."

Conversion by ADVA.VAFMT (values from ``study.yml`` constants):
- SNELLEN a/b: decimal = a/b, logMAR = -log10(a/b) (5/10 -> 0.30103);
- DECIMAL d: logMAR = -log10(d);
- FIVEPOINT L: logMAR = 5 - L (4.0 -> 1.0);
- LOWVISION CF/HM/LP/NLP: ``constants.low_vision_logmar``.
Baseline per eye: last value on or before Day 0 (derive_var_base by USUBJID,
LAT). Worsening in an eye: post-baseline (ADT > INFDT) CHG >=
``constants.va_worsening_logmar`` (compared after rounding CHG to 6 decimals,
so 0.2 computed as 0.19999999 counts).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from analysis.config import StudyConfig
from analysis.derive.baseline import derive_var_base
from analysis.frames import require_columns

_SNELLEN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*")


def logmar(vafmt: str, vaorres: str, config: StudyConfig) -> float:
    """logMAR of one recorded acuity (rules in the module doc); raises
    ``ValueError`` naming the format and value when it cannot be converted."""
    fmt = str(vafmt).upper()
    val = str(vaorres).strip().upper()
    try:
        if fmt == "SNELLEN":
            m = _SNELLEN.fullmatch(val)
            if not m:
                raise ValueError("not a Snellen fraction a/b")
            dec = float(m.group(1)) / float(m.group(2))
            if dec <= 0:
                raise ValueError("Snellen numerator must be positive")
            return -math.log10(dec)
        if fmt == "DECIMAL":
            dec = float(val)
            if dec <= 0:
                raise ValueError("decimal acuity must be positive")
            return -math.log10(dec)
        if fmt == "FIVEPOINT":
            return 5.0 - float(val)
        if fmt == "LOWVISION":
            table = config.constants["low_vision_logmar"]
            if val not in table:
                raise ValueError(f"low-vision category not one of {sorted(table)}")
            return float(table[val])
    except ValueError as exc:
        raise ValueError(f"ADVA VAFMT={vafmt!r} VAORRES={vaorres!r}: {exc}") from None
    raise ValueError(f"ADVA VAFMT={vafmt!r}: unknown recording format")


def derive_va(adva: pd.DataFrame, adsl: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """ADVA with AVAL (logMAR), ABLFL, BASE, CHG (per eye), POSTFL ("Y" when
    ADT > INFDT) and WORSFL ("Y"/"N" on post-baseline records with BASE,
    "" otherwise). Conversion errors name USUBJID, LAT and ADT."""
    require_columns(adva, ("USUBJID", "LAT", "VAFMT", "VAORRES", "ADT"), "ADVA")
    df = adva.copy()
    vals = []
    for r in df.itertuples(index=False):
        try:
            vals.append(logmar(r.VAFMT, r.VAORRES, config))
        except ValueError as exc:
            raise ValueError(f"USUBJID={r.USUBJID} LAT={r.LAT} ADT={r.ADT}: {exc}") from None
    df["AVAL"] = np.asarray(vals, dtype=float)
    df = derive_var_base(df, adsl, by=("USUBJID", "LAT"), prefer_pre_lymphodepletion=False)
    inf = df[["USUBJID"]].merge(adsl[["USUBJID", "INFDT"]], on="USUBJID", how="left")["INFDT"]
    df["POSTFL"] = np.where(pd.to_datetime(df["ADT"]).values > pd.to_datetime(inf).values,
                            "Y", "N")
    thr = float(config.constants["va_worsening_logmar"])
    evaluable = (df["POSTFL"] == "Y") & df["CHG"].notna()
    df["WORSFL"] = np.where(evaluable, np.where(df["CHG"].round(6) >= thr, "Y", "N"), "")
    return df
