"""Exact confidence intervals (SAP 3): Clopper-Pearson for proportions,
exact Poisson for event rates. Thin wrappers over scipy/statsmodels."""

from __future__ import annotations

import math

from scipy.stats import chi2
from statsmodels.stats.proportion import proportion_confint


def clopper_pearson(n: int, N: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) CI of the proportion n/N (SAP 3, DLT incidence).

    N = 0 gives (nan, nan): not estimable.
    """
    if N == 0:
        return (math.nan, math.nan)
    lo, hi = proportion_confint(n, N, alpha=1 - level, method="beta")
    return (float(lo), float(hi))


def poisson_rate_ci(events: int, exposure: float, level: float = 0.95) -> tuple[float, float, float]:
    """Rate = events / exposure with its exact Poisson CI (SAP 3, pooled ARR).

    Exact limits from the chi-square relation: lower = chi2(a/2, 2k)/2/T,
    upper = chi2(1-a/2, 2k+2)/2/T; lower = 0 when k = 0. Exposure 0 gives nans.
    """
    if exposure <= 0:
        return (math.nan, math.nan, math.nan)
    a = 1 - level
    lo = 0.0 if events == 0 else chi2.ppf(a / 2, 2 * events) / 2
    hi = chi2.ppf(1 - a / 2, 2 * events + 2) / 2
    return (events / exposure, float(lo / exposure), float(hi / exposure))
