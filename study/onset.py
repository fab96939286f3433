"""Missing and partial adverse-event onset dates (SAP 3, TEAE).

SAP 3: "An AE whose onset date is missing, or partial so that it cannot be placed
before the start of lymphodepletion, counts as treatment-emergent (conservative);
ADaM imputation flags (ASTDTF) are respected."

In ADaM the analysis start date ASTDT is a complete date; when the collected
date was partial, ASTDT holds the imputed date and ASTDTF says what was imputed
(ADaM IG: ``D`` the day, ``M`` the month and day, ``Y`` the year, month and day).
The true onset then lies somewhere in the period the known part allows: the
month of ASTDT (``D``), its year (``M``), or anywhere (``Y``). An AE can be
placed before a reference date only if the *latest* day it can stand for is
before it. This module is the one place that rule is written; the validator
(rule ``ADAE.trtemfl_consistent_with_dates``), the cut-off and the analysis
(:mod:`analysis.derive.teae`) all use it; it sits in the neutral :mod:`study` package
so that the data contract and the analysis both can.
"""

from __future__ import annotations

import pandas as pd

IMPUTATION_FLAGS = ("D", "M", "Y")


def latest_possible_onset(astdt: pd.Series, astdtf: pd.Series | None = None) -> pd.Series:
    """The latest date each onset can be: ASTDT when complete (ASTDTF missing), the last
    day of ASTDT's month when the day was imputed (``D``), the last day of its year when
    month and day were imputed (``M``); missing (NaT) when the year was imputed (``Y``) or
    ASTDT is missing, i.e. the onset cannot be bounded."""
    start = pd.to_datetime(astdt)
    if astdtf is None:
        return start
    flag = pd.Series(pd.Series(astdtf).to_numpy(dtype=object), index=start.index)
    latest = start.copy()
    day = flag.eq("D").fillna(False).to_numpy(dtype=bool)
    month = flag.eq("M").fillna(False).to_numpy(dtype=bool)
    year = flag.eq("Y").fillna(False).to_numpy(dtype=bool)
    latest[day] = start[day] + pd.offsets.MonthEnd(0)
    latest[month] = start[month] + pd.offsets.YearEnd(0)
    latest[year] = pd.NaT
    return latest


def onset_not_before(astdt: pd.Series, astdtf: pd.Series | None, reference: pd.Series
                     ) -> pd.Series:
    """SAP 3: True where the onset cannot be placed before ``reference`` (e.g. LDSTDT):
    its latest possible date (:func:`latest_possible_onset`) is on or after the
    reference, or unknown (missing or year-imputed onset). False where the reference is
    missing (no treatment started: not treatment-emergent)."""
    latest = latest_possible_onset(astdt, astdtf)
    ref = pd.Series(pd.to_datetime(pd.Series(reference).to_numpy()), index=latest.index)
    emergent = latest.isna() | (latest >= ref)
    return (emergent & ref.notna()).astype(bool)
