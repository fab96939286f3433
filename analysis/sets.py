"""Analysis sets and table columns (SAP 2).

| set | definition (SAP 2) | ADSL flag |
|---|---|---|
| Enrolled (ENR) | consented and met eligibility | ENRLFL |
| Safety (SAF) | received any lymphodepletion chemotherapy | SAFFL |
| Infused (INF) | received the CAR-T infusion | INFFL |
| DLT-evaluable (DLT) | infused and completed 28 days after infusion or had a DLT | DLTEVLFL |

"Every table states its analysis set and N per column. Columns are dose
levels plus Total, in that order" (SAP 2). A dose level of the study
configuration is a column even when nobody received it (N = 0).
"""

from __future__ import annotations

import pandas as pd

from analysis.ard import TOTAL
from analysis.catalogue import ANALYSIS_SETS
from analysis.config import StudyConfig

DEFAULT_GROUP = "TRT01A"


def analysis_set(adsl: pd.DataFrame, set_code: str) -> pd.DataFrame:
    """ADSL rows of the participants in analysis set ``set_code`` (ENR, SAF, INF, DLT).

    A snapshot without the set's flag (e.g. another study's ADSL has SAFFL but
    no INFFL) raises a ``KeyError`` naming the flag; ENR falls back to all rows
    when ENRLFL is absent (ADSL holds enrolled participants by construction).
    """
    try:
        _, flag = ANALYSIS_SETS[set_code]
    except KeyError:
        raise KeyError(f"unknown analysis set {set_code!r}; one of {sorted(ANALYSIS_SETS)}") from None
    if flag not in adsl.columns:
        if set_code == "ENR":
            return adsl.copy()
        raise KeyError(f"ADSL has no {flag}: analysis set {set_code} cannot be formed")
    return adsl.loc[adsl[flag] == "Y"].copy()


def group_levels(adsl: pd.DataFrame, config: StudyConfig, group_var: str = DEFAULT_GROUP) -> list[str]:
    """Column levels of ``group_var`` in display order, without Total.

    For the dose level (TRT01A) the order and the full list come from the study
    configuration when the data's labels are configured ones (so an empty dose
    level still has a column); otherwise levels are ordered by ``<group_var>N``
    when present, else alphabetically.
    """
    if group_var not in adsl.columns:
        raise KeyError(f"ADSL has no grouping variable {group_var}")
    present = [str(v) for v in adsl[group_var].dropna().unique()]
    if group_var == "TRT01A":
        configured = list(config.dose_labels.values())
        if set(present) <= set(configured):
            return configured
    num = f"{group_var}N"
    if num in adsl.columns:
        order = (adsl[[group_var, num]].dropna().drop_duplicates()
                 .sort_values([num, group_var]))
        return [str(v) for v in order[group_var]]
    return sorted(present)


def columns(adsl_set: pd.DataFrame, config: StudyConfig, group_var: str = DEFAULT_GROUP,
            all_adsl: pd.DataFrame | None = None) -> list[str]:
    """The display's columns: the group levels then ``Total``.

    ``all_adsl`` (default ``adsl_set``) decides which levels exist, so a level
    whose participants are all outside the analysis set keeps its column.
    """
    levels = group_levels(all_adsl if all_adsl is not None else adsl_set, config, group_var)
    return [*levels, TOTAL]


def big_n(adsl_set: pd.DataFrame, cols: list[str], group_var: str = DEFAULT_GROUP) -> dict[str, int]:
    """N per column (participants of the analysis set), Total last."""
    counts = adsl_set[group_var].astype(str).value_counts()
    out = {c: int(counts.get(c, 0)) for c in cols if c != TOTAL}
    out[TOTAL] = int(len(adsl_set))
    return out


def with_total(df: pd.DataFrame, group_var: str = DEFAULT_GROUP, col: str = "_col") -> pd.DataFrame:
    """Stack ``df`` with a copy of itself labelled Total in column ``col``.

    Every row appears once under its own group level and once under Total, so
    one groupby over ``col`` gives per-level and Total statistics.
    """
    own = df.assign(**{col: df[group_var].astype(str)})
    tot = df.assign(**{col: TOTAL})
    return pd.concat([own, tot], ignore_index=True)
