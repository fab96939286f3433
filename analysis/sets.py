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
    no INFFL) raises a ``KeyError`` naming the flag. The Enrolled set without
    ENRLFL (a standard ADaM ADSL of another study) is, by the ADaM variables
    present: RANDFL = "Y" (randomised); else the participants assigned to an arm
    (ARMNRS, the reason an arm is missing, is empty: a screen failure has
    "SCREEN FAILURE"); else every row (an ADSL that holds only enrolled
    participants).
    """
    try:
        _, flag = ANALYSIS_SETS[set_code]
    except KeyError:
        raise KeyError(f"unknown analysis set {set_code!r}; one of {sorted(ANALYSIS_SETS)}") from None
    if flag not in adsl.columns:
        if set_code == "ENR":
            return _enrolled_without_flag(adsl)
        raise KeyError(f"ADSL has no {flag}: analysis set {set_code} cannot be formed")
    return adsl.loc[adsl[flag] == "Y"].copy()


def _enrolled_without_flag(adsl: pd.DataFrame) -> pd.DataFrame:
    if "RANDFL" in adsl.columns:
        return adsl.loc[adsl["RANDFL"] == "Y"].copy()
    if "ARMNRS" in adsl.columns:
        return adsl.loc[adsl["ARMNRS"].isna() | (adsl["ARMNRS"].astype(str).str.strip() == "")].copy()
    return adsl.copy()


# This study's own sets (SAP 2) and the set of the standard ADaM that encloses each:
# a display of another study's data, whose ADSL has no INFFL or DLTEVLFL, uses that one.
ENCLOSING_SET = {"DLT": "INF", "INF": "SAF"}


def display_set(adsl: pd.DataFrame, set_code: str) -> tuple[str, str | None]:
    """The analysis set a display uses, and why it is not its own (``None`` when it is).

    ``set_code`` itself when ADSL holds its flag; else, for this study's own sets
    (Infused, DLT-evaluable), the nearest enclosing set whose flag ADSL holds
    (DLT -> INF -> SAF), e.g. ``("SAF", "ADSL has no INFFL: the Infused set cannot be
    formed")`` for another study's ADaM. The Enrolled and Safety sets are never
    replaced (:func:`analysis_set` raises as it would).
    """
    code, missing = set_code, []
    while ANALYSIS_SETS[code][1] not in adsl.columns and code in ENCLOSING_SET:
        missing.append(code)
        code = ENCLOSING_SET[code]
    if not missing:
        return set_code, None
    flags = " or ".join(ANALYSIS_SETS[c][1] for c in missing)
    names = " and ".join(f"the {ANALYSIS_SETS[c][0]} set" for c in missing)
    return code, f"ADSL has no {flags}: {names} cannot be formed"


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
        Records an ADaM dataset derived itself (``DTYPE`` not empty: a
        post-baseline maximum, a last value carried forward, an imputed BLQ...)
        are not observations and are left out: the analysis derives what it
        needs from the observed records (SAP 3, no imputation unless stated).
        """
        keep = df["USUBJID"].isin(self.adsl["USUBJID"])
        if params is not None:
            keep &= df["PARAMCD"].isin(list(params))
        if "DTYPE" in df.columns:
            keep &= df["DTYPE"].isna() | (df["DTYPE"].astype(str).str.strip() == "")
        rows = df[keep]  # rows first: selecting columns first would copy every row
        return rows if columns is None else rows[list(columns)]

    def params_present(self, df: pd.DataFrame, params: Iterable[str], dataset: str) -> list[str]:
        """Those of ``params`` (in their order) that ``df`` holds; a ``KeyError`` naming
        the dataset when it holds none of them (another study's ADLB has no CD19+
        B cells), or no records at all."""
        params = list(params)
        held = set(df["PARAMCD"].unique()) if len(df) else set()
        present = [p for p in params if p in held]
        if present:
            return present
        if not len(df):
            raise KeyError(f"{dataset} holds no records")
        listed = params[0] if len(params) == 1 else f"{', '.join(params[:-1])} or {params[-1]}"
        raise KeyError(f"{dataset} holds no {listed}")

    def with_group(self, df: pd.DataFrame, how: str = "left") -> pd.DataFrame:
        """``df`` with the set's ``group_var`` (the dose level by default) attached by
        USUBJID, values as in ADSL: a participant outside the set gets none (``how="left"``)
        or is dropped (``how="inner"``). A ``group_var`` the records carry themselves (another
        study's ADCM or ADAE copies TRT01A from ADSL) is replaced by ADSL's. The one place a
        display attaches its column."""
        own = [c for c in self.groups.columns if c != "USUBJID" and c in df.columns]
        return df.drop(columns=own).merge(self.groups, on="USUBJID", how=how)

    def attach_group(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` restricted to participants of the set, with ``group_var`` attached (as str)."""
        g = self.adsl[["USUBJID", self.group_var]].copy()
        g[self.group_var] = g[self.group_var].astype(str)
        cols = [c for c in df.columns if c != self.group_var]
        return df[cols].merge(g, on="USUBJID", how="inner")


def population(data: StudyData, config: StudyConfig, display_id: str,
               group_var: str = DEFAULT_GROUP, set_code: str | None = None) -> Population:
    """The display's analysis set (``set_code``, default the catalogue's, or the set
    that encloses it when ADSL lacks its flag: :func:`display_set`; SAP 2), its
    columns (levels of ``group_var`` + Total, levels decided on the Enrolled set so
    an empty level keeps its column and a screen failure is no column) and N per
    column.
    """
    adsl_all = data["ADSL"]
    code, _ = display_set(adsl_all, set_code or get(display_id).analysis_set)
    adsl = analysis_set(adsl_all, code)
    cols = columns(adsl, config, group_var, all_adsl=analysis_set(adsl_all, "ENR"))
    return Population(display_id, group_var, adsl, cols, big_n(adsl, cols, group_var))
