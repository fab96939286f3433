"""Event rates (SAP 3, ARR): pooled rate with exact Poisson CI and the
post/pre rate ratio from a Poisson model.

The rate ratio is estimated by statsmodels' GLM (family Poisson, log link)
``events ~ post`` with offset log(exposure) and a cluster-robust (sandwich)
variance clustered by participant (``cov_type="cluster"``), so the two periods
of the same participant are not treated as independent. Rate ratio =
exp(beta_post); Wald 95% CI from the robust SE.

Not estimable (all outputs NaN, shown "NE") when: no events in either period,
fewer than 2 participants (clusters), or a non-positive exposure.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis.stats.ci import poisson_rate_ci


def pooled_rate(events: pd.Series, exposure: pd.Series, level: float = 0.95) -> dict[str, float]:
    """Pooled rate = sum(events) / sum(exposure) with its exact Poisson CI
    (:func:`analysis.stats.ci.poisson_rate_ci`). Returns n_events, py, rate, lcl, ucl."""
    k = int(pd.Series(events).sum())
    t = float(pd.Series(exposure).sum())
    rate, lo, hi = poisson_rate_ci(k, t, level)
    return {"n_events": k, "py": t, "rate": rate, "lcl": lo, "ucl": hi}


def rate_ratio(periods: pd.DataFrame, *, level: float = 0.95, subject: str = "USUBJID",
               period: str = "PERIOD", events: str = "RELAPSES", exposure: str = "EXPOSURE",
               test: str = "POST", reference: str = "PRE") -> dict[str, float]:
    """Rate ratio ``test``/``reference`` from a Poisson GLM with log(exposure) offset
    and cluster-robust variance by ``subject`` (SAP 3, ARR).

    ``periods``: one row per participant and period. Returns ``estimate``,
    ``lcl``, ``ucl`` (NaN when not estimable, see module doc) and ``n_subj``.
    """
    df = periods[periods[period].isin([test, reference])].copy()
    n_subj = int(df[subject].nunique())
    nan = {"estimate": math.nan, "lcl": math.nan, "ucl": math.nan, "n_subj": n_subj}
    if n_subj < 2 or (df[exposure] <= 0).any():
        return nan
    by = df.groupby(period)[events].sum()
    if by.get(test, 0) == 0 or by.get(reference, 0) == 0:
        return nan
    x = sm.add_constant((df[period] == test).astype(float).to_numpy())
    groups = pd.factorize(df[subject])[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.GLM(df[events].astype(float).to_numpy(), x, family=sm.families.Poisson(),
                     offset=np.log(df[exposure].astype(float).to_numpy())).fit(
            cov_type="cluster", cov_kwds={"groups": groups})
    lo, hi = res.conf_int(alpha=1 - level)[1]
    est = float(np.exp(res.params[1]))
    if not all(np.isfinite([est, lo, hi])):
        return nan
    return {"estimate": est, "lcl": float(np.exp(lo)), "ucl": float(np.exp(hi)), "n_subj": n_subj}
