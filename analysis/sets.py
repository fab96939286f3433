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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from analysis.ard import TOTAL
from analysis.catalogue import ANALYSIS_SETS, get
from analysis.config import StudyConfig
from analysis.stats.summaries import bign_rows as _bign_rows

if TYPE_CHECKING:
    from analysis.data import StudyData

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


@dataclass(frozen=True)
class Population:
    """A display's analysis set, its columns and N per column (SAP 2).

    Built by :func:`population`; shared by every display so the set-up is
    written once.
    """

    display_id: str
    group_var: str
    adsl: pd.DataFrame        # ADSL rows of the analysis set
    cols: list[str]           # dose levels + Total
    bign: dict[str, int]      # N per column, Total last

    def bign_rows(self) -> list[dict]:
        """The ``BIGN`` ARD rows: one per column, the column N of the set."""
        return _bign_rows(self.display_id, self.bign, self.group_var)

    @property
    def groups(self) -> pd.DataFrame:
        """(USUBJID, ``group_var``) rows of the set, values as in ADSL."""
        return self.adsl[["USUBJID", self.group_var]]

    def records(self, df: pd.DataFrame, *, params: Iterable[str] | None = None,
                columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Rows of ``df`` for participants of the set: only parameters ``params``
        (PARAMCD; all when None) and only ``columns`` (all when None), in input order.

        One selection of just what a display derives from, instead of a copy of
        the whole dataset (ADLB holds 3 million rows at 20,000 participants).
        """
        keep = df["USUBJID"].isin(self.adsl["USUBJID"])
        if params is not None:
            keep &= df["PARAMCD"].isin(list(params))
        rows = df[keep]  # rows first: selecting columns first would copy every row
        return rows if columns is None else rows[list(columns)]

    def attach_group(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` restricted to participants of the set, with ``group_var`` attached (as str)."""
        g = self.adsl[["USUBJID", self.group_var]].copy()
        g[self.group_var] = g[self.group_var].astype(str)
        cols = [c for c in df.columns if c != self.group_var]
        return df[cols].merge(g, on="USUBJID", how="inner")


def population(data: StudyData, config: StudyConfig, display_id: str,
               group_var: str = DEFAULT_GROUP, set_code: str | None = None) -> Population:
    """The display's analysis set (``set_code``, default the catalogue's; SAP 2),
    its columns (levels of ``group_var`` + Total, levels decided on all of ADSL
    so an empty level keeps its column) and N per column.
    """
    adsl_all = data["ADSL"]
    adsl = analysis_set(adsl_all, set_code or get(display_id).analysis_set)
    cols = columns(adsl, config, group_var, all_adsl=adsl_all)
    return Population(display_id, group_var, adsl, cols, big_n(adsl, cols, group_var))
