"""Treatment-emergent adverse events and their analysis windows (SAP 3, TEAE).

"TEAE: AE with onset on or after the start of lymphodepletion. The primary
window is onset through Day 28; the overall window is to Month 12 or the
cut-off."

- Onset day (``ONSETDY``): study day of ASTDT relative to the infusion
  (ADSL.INFDT, Day 0; SAP 3 Study day). For a participant never infused the
  reference is the planned Day 0 (lymphodepletion start minus the first
  lymphodepletion day of study.yml,
  :func:`study.rules.first_lymphodepletion_day`, e.g. LDSTDT + 4). Another study's standard
  ADaM without INFDT/LDSTDT uses TRTSDT as Day 0.
- TEAE (``TEAEFL``): the onset cannot be placed before ADSL.LDSTDT; without
  LDSTDT the dataset's own TRTEMFL is used; without either, the onset cannot
  be placed before TRTSDT. SAP 3: "An AE whose onset date is missing, or
  partial so that it cannot be placed before the start of lymphodepletion,
  counts as treatment-emergent (conservative); ADaM imputation flags (ASTDTF)
  are respected": :func:`study.onset.onset_not_before` (the one
  definition, shared with the contract's TRTEMFL rule).
- Primary window (``PRIMWFL``): TEAE with onset day <= the registry window
  (``registry.ae_primary_window_days``, 28). An AE on Day 28 is in, Day 29 out.
  An imputed onset is placed at its imputed date (ASTDT); a TEAE with a missing
  onset cannot be placed after Day 28 and is counted in (conservative, as for
  TEAE).
- Overall window (``OVERWFL``): TEAE with onset day <= Month 12
  (``registry.follow_up_months`` x ``days_per_month``, truncated) and, when the
  snapshot has a cut-off date, ASTDT on or before the cut-off (a missing onset
  counts, as above).
- ``ONSETMIS``: "Y" for an AE without an onset date, "N" otherwise, so displays
  can state the number of such records in a footnote (SAP 3).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.derive.studyday import study_day
from study import onset as onset_rule
from study import rules
from study.config import StudyConfig

WINDOW_PRIMARY = "Lymphodepletion to Day 28"
WINDOW_OVERALL = "Overall"


def primary_window_days(config: StudyConfig) -> int:
    """Last study day of the primary AE window (registry: "within the first 28 days")."""
    return int(config.registry["ae_primary_window_days"])


def overall_window_days(config: StudyConfig) -> int:
    """Last study day of the overall window: Month 12 (12 x 30.4375 = 365.25 -> Day 365)."""
    months = config.registry["follow_up_months"]
    return int(math.floor(months * config.assumptions["visits"]["days_per_month"]))


def window_label(config: StudyConfig) -> str:
    """The primary window's label (SAP 3: it starts at the start of lymphodepletion,
    Day -4, not at Day 0), e.g. ``Lymphodepletion to Day 28``."""
    return f"Lymphodepletion to Day {primary_window_days(config)}"


def reference_dates(adsl: pd.DataFrame, config: StudyConfig) -> pd.Series:
    """Day 0 date per participant (index USUBJID): INFDT, else planned Day 0, else TRTSDT."""
    idx = adsl["USUBJID"]
    ref = pd.Series(pd.NaT, index=idx, dtype="datetime64[ns]")
    if "INFDT" in adsl.columns:
        ref = pd.Series(pd.to_datetime(adsl["INFDT"]).values, index=idx)
    if "LDSTDT" in adsl.columns:
        planned = pd.to_datetime(adsl["LDSTDT"]) - pd.Timedelta(days=rules.first_lymphodepletion_day(config))
        ref = ref.fillna(pd.Series(planned.values, index=idx))
    if "TRTSDT" in adsl.columns:
        ref = ref.fillna(pd.Series(pd.to_datetime(adsl["TRTSDT"]).values, index=idx))
    return ref


def derive_var_teae(adae: pd.DataFrame, adsl: pd.DataFrame, config: StudyConfig,
                    cutoff=None) -> pd.DataFrame:
    """Add ONSETDY, TEAEFL, PRIMWFL, OVERWFL and ONSETMIS to ``adae`` (SAP 3, TEAE).

    ``adsl`` supplies LDSTDT/INFDT (or TRTSDT) per participant; an AE of a
    participant absent from ``adsl`` raises ``ValueError`` naming the USUBJID.
    Flags are "Y"/"N"; an AE with a missing onset date of a participant who
    started treatment is a TEAE in both windows (module doc).
    """
    unknown = sorted(set(adae["USUBJID"]) - set(adsl["USUBJID"]))
    if unknown:
        raise ValueError(f"ADAE has participants not in ADSL: USUBJID {unknown[:5]}")
    out = adae.copy()
    if len(out) == 0:
        for c in ("TEAEFL", "PRIMWFL", "OVERWFL", "ONSETMIS"):
            out[c] = pd.Series(dtype=str)
        out["ONSETDY"] = pd.Series(dtype="Int64")
        return out
    ref = reference_dates(adsl, config)
    start = pd.to_datetime(out["ASTDT"])
    day0 = pd.Series(ref.reindex(out["USUBJID"]).values, index=out.index)
    onset = study_day(start, day0)
    if onset.isna().all() and "ASTDY" in out.columns:
        onset = out["ASTDY"].astype("Int64")
    out["ONSETDY"] = onset
    lds = adsl.set_index("USUBJID")
    flags = out["ASTDTF"] if "ASTDTF" in out.columns else None
    if "LDSTDT" in lds.columns:
        ld = pd.Series(pd.to_datetime(lds["LDSTDT"]).reindex(out["USUBJID"]).values,
                       index=out.index)
        teae = onset_rule.onset_not_before(start, flags, ld)
    elif "TRTEMFL" in out.columns:
        teae = out["TRTEMFL"].eq("Y")
    else:
        ts = pd.Series(pd.to_datetime(lds["TRTSDT"]).reindex(out["USUBJID"]).values,
                       index=out.index)
        teae = onset_rule.onset_not_before(start, flags, ts)
    teae = teae.astype(bool)
    missing = pd.Series(start.isna().to_numpy(), index=out.index)
    unplaced = missing & pd.Series(onset.isna().to_numpy(), index=out.index)
    prim = teae & ((onset <= primary_window_days(config)).fillna(False).astype(bool) | unplaced)
    over = teae & ((onset <= overall_window_days(config)).fillna(False).astype(bool) | unplaced)
    if cutoff is not None:
        over = over & ((start <= pd.Timestamp(cutoff)).fillna(False).astype(bool) | missing)
        prim = prim & over
    yn = {True: "Y", False: "N"}
    out["TEAEFL"] = teae.map(yn)
    out["PRIMWFL"] = prim.map(yn)
    out["OVERWFL"] = over.map(yn)
    out["ONSETMIS"] = missing.map(yn)
    return out


def teae_in_window(adae_flagged: pd.DataFrame, window: str) -> pd.DataFrame:
    """TEAEs of one window (``Lymphodepletion to Day 28``-style primary label or ``Overall``)."""
    flag = "OVERWFL" if window == WINDOW_OVERALL else "PRIMWFL"
    return adae_flagged.loc[adae_flagged[flag] == "Y"]
