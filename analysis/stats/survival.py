"""Kaplan-Meier estimates (SAP 3, ARR: relapse-free proportion over time), with
lifelines' ``KaplanMeierFitter``.

Confidence limits are lifelines' defaults: the exponential Greenwood
(log(-log)) interval. Estimates at a time t are the KM step function at t
(events at t included). An estimate at t is reported only when the longest
follow-up reaches t (SAP 3, ARR: "otherwise it is NE"): when every time
(event or censoring) is before t, the estimate and its CI are NaN (not
estimable), not lifelines' last value carried forward. Number at risk at
t = participants with time >= t, so it is 0 exactly when the estimate is NE.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter


def km_fit(durations: pd.Series, events: pd.Series, level: float = 0.95,
           label: str = "KM") -> KaplanMeierFitter:
    """A fitted KaplanMeierFitter (``events``: 1 = event, 0 = censored)."""
    kmf = KaplanMeierFitter(alpha=1 - level, label=label)
    kmf.fit(np.asarray(durations, dtype=float), event_observed=np.asarray(events, dtype=int))
    return kmf


def km_at(durations: pd.Series, events: pd.Series, times: Iterable[float],
          level: float = 0.95) -> pd.DataFrame:
    """KM estimate, 95% CI and number at risk at each of ``times``.

    Returns columns time, estimate, lcl, ucl, n_risk. A time beyond the longest
    follow-up gives NaN (NE) estimate and CI (SAP 3); no participants gives NaNs.
    """
    times = [float(t) for t in times]
    d = np.asarray(durations, dtype=float)
    if len(d) == 0:
        return pd.DataFrame({"time": times, "estimate": math.nan, "lcl": math.nan,
                             "ucl": math.nan, "n_risk": 0})
    kmf = km_fit(durations, events, level)
    ci = kmf.confidence_interval_survival_function_
    rows = []
    for t in times:
        n_risk = int((d >= t).sum())
        if d.max() < t:  # the longest follow-up does not reach t: NE (SAP 3)
            rows.append({"time": t, "estimate": math.nan, "lcl": math.nan, "ucl": math.nan,
                         "n_risk": n_risk})
            continue
        est = float(kmf.survival_function_at_times(t).iloc[0])
        idx = ci.index[ci.index <= t]
        lo, hi = (float(ci.loc[idx[-1]].iloc[0]), float(ci.loc[idx[-1]].iloc[1])) \
            if len(idx) else (math.nan, math.nan)
        rows.append({"time": t, "estimate": est, "lcl": lo, "ucl": hi, "n_risk": n_risk})
    return pd.DataFrame(rows)
