"""Dose-limiting toxicities and the 3+3 decision (SAP 3, DLT; SAP 1, design).

- DLT (primary): "protocol-defined toxicity with onset Day 0-28, flagged per
  event by the investigator" (ADAE.DLTFL = "Y"; onset study day from
  :mod:`analysis.derive.teae`, 0 <= ONSETDY <= registry ``dlt_window_days``).
  An event flagged on Day 29 is outside the window and not a DLT.
- Incidence per dose level = participants with >= 1 DLT / DLT-evaluable N,
  with the exact Clopper-Pearson 95% CI (:func:`analysis.stats.ci.clopper_pearson`).
- 3+3 decision per level (:func:`study.rules.three_plus_three`, the one definition
  the simulator's escalation also runs; study.yml ``escalation_rule``): among the level's
  DLT-evaluable escalation-cohort participants (COHORT = "ESCALATION" when
  ADSL has COHORT), with n DLTs out of N:
  N = 0 -> "Not evaluated"; n >= stop_if_dlt_at_least -> "Stop: >=2 DLTs (n/N)";
  N < cohort_size -> "Cohort incomplete (n/N)"; n <= the escalation bound of
  the largest cohort size reached (0 for 3, 1 for 6) -> "Escalate (n/N)";
  otherwise, below expanded_size -> "Expand to 6 (n/N)".
- MTD: the highest level with fewer than 2/6 DLTs (SAP 1), i.e. below the first
  stopped level, evaluated in the expanded cohort (N >= 6) with n below the
  stopping bound. :func:`mtd_statement` words the result.
"""

from __future__ import annotations

import pandas as pd

from study import rules
from study.config import StudyConfig


def dlt_window_days(config: StudyConfig) -> int:
    """Last study day of the DLT window (registry: "within the first 28 days")."""
    return int(config.registry["dlt_window_days"])


def dlt_events(adae_flagged: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """DLT events: DLTFL = "Y" with onset Day 0 to the DLT window end (inclusive).

    ``adae_flagged`` carries ONSETDY (:func:`analysis.derive.teae.derive_var_teae`).
    ``KeyError`` naming DLTFL when the snapshot's ADAE lacks it.
    """
    if "DLTFL" not in adae_flagged.columns:
        raise KeyError("ADAE has no DLTFL (investigator DLT flag): DLTs cannot be derived")
    day = adae_flagged["ONSETDY"]
    inwin = ((day >= 0) & (day <= dlt_window_days(config))).fillna(False).astype(bool)
    return adae_flagged.loc[adae_flagged["DLTFL"].eq("Y") & inwin]


def derive_var_dltfl(adsl: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """ADSL with ``DLTSUBFL`` = "Y" for participants with >= 1 DLT in the window
    (``events``: :func:`dlt_events`, derived once by the caller)."""
    ids = set(events["USUBJID"])
    out = adsl.copy()
    out["DLTSUBFL"] = ["Y" if u in ids else "N" for u in out["USUBJID"]]
    return out


def _rule(config: StudyConfig) -> dict:
    return config.assumptions["escalation_rule"]


def decide_3plus3(n_dlt: int, n_eval: int, config: StudyConfig, *, highest: bool = False) -> str:
    """The 3+3 decision for one dose level with ``n_dlt`` DLTs among ``n_eval``
    evaluable escalation participants, worded for Table 14.3.1 (the rule is
    :func:`study.rules.three_plus_three`, see module doc).

    At the ``highest`` configured level there is nothing to escalate to: a
    level that would allow escalation reads "Highest level cleared".
    """
    rule = _rule(config)
    decision = rules.three_plus_three(n_dlt, n_eval, rule)
    frac = f"({n_dlt} of {n_eval} in the escalation cohort with a DLT)"
    if decision == rules.NOT_EVALUATED:
        return "Not evaluated"
    if decision == rules.STOP:
        return f"Stop: ≥{int(rule['stop_if_dlt_at_least'])} DLTs {frac}"
    if decision == rules.INCOMPLETE:
        return f"Cohort incomplete {frac}"
    if decision == rules.ESCALATE:
        return f"Highest level cleared {frac}" if highest else f"Escalate {frac}"
    return f"Expand to {int(rule['expanded_size'])} {frac}"


def level_counts(adsl_dlt: pd.DataFrame, group_var: str, levels: list[str],
                 cohort: str = "ESCALATION") -> pd.DataFrame:
    """Per level: evaluable participants ``N`` of ``cohort`` and those with a DLT ``n``.

    ``adsl_dlt``: DLT-evaluable ADSL rows with DLTSUBFL. Expansion-cohort
    participants (COHORT = "EXPANSION") do not enter the 3+3 decision; a missing COHORT
    is the escalation cohort (an ADSL without COHORT has no expansion cohort).
    """
    esc = adsl_dlt
    if "COHORT" in esc.columns:
        esc = esc.loc[esc["COHORT"].fillna("ESCALATION") == cohort]
    elif cohort != "ESCALATION":
        esc = esc.iloc[0:0]
    rows = []
    for lv in levels:
        sub = esc.loc[esc[group_var].astype(str) == lv]
        rows.append({"level": lv, "N": len(sub), "n": int((sub["DLTSUBFL"] == "Y").sum())})
    return pd.DataFrame(rows, columns=["level", "N", "n"])


def mtd_statement(counts: pd.DataFrame, config: StudyConfig) -> str:
    """The MTD sentence from per-level (level, n, N) escalation counts in dose order."""
    rule = _rule(config)
    stop, expanded = int(rule["stop_if_dlt_at_least"]), int(rule["expanded_size"])
    counts = counts.reset_index(drop=True)
    evaluated = counts.loc[counts["N"] > 0]
    if evaluated.empty:
        return "MTD not assessable: no dose level evaluated"
    stopped = counts.index[counts["n"] >= stop]
    below = counts.iloc[: stopped[0]] if len(stopped) else counts
    cands = below.loc[(below["N"] >= expanded) & (below["n"] < stop)]
    if len(stopped):
        first = counts.loc[stopped[0]]
        if cands.empty:
            return (f"MTD not established: {first['level']} exceeded the limit "
                    f"({first['n']}/{first['N']}) and no lower level has {expanded} "
                    "evaluable participants with fewer than "
                    f"{stop} DLTs")
        m = cands.iloc[-1]
        return f"MTD: {m['level']} ({m['n']}/{m['N']} with DLT)"
    top = evaluated.iloc[-1]
    return (f"MTD not reached: no dose level had ≥{stop} participants with a DLT in its "
            f"escalation cohort, up to the highest level evaluated, {top['level']} "
            f"({top['n']} of {top['N']} in the escalation cohort with a DLT)")
