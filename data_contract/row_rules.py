"""The contract's rules over rows and datasets (rule ids in the module doc of
:mod:`data_contract.validate`): identifiers, subjects in ADSL, the cut-off, ADSL and
ADAE consistency, the ADLB/ADPC/ADVA row rules, study days and sponsor codelists."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from data_contract.codelists import Codelists
from data_contract.findings import ContractError, fmt_value
from data_contract.schema import _usubjid
from data_contract.spec import DIRECT_IDENTIFIER_NAMES, DatasetSpec
from data_contract.specs.adlb import ADLB_PARAMS
from data_contract.specs.adva import VA_FORMAT_PATTERNS
from study import onset, rules

# (date variable, study-day variable) pairs checked against INFDT (SAP 3, study day).
STUDY_DAY_PAIRS = (("ADT", "ADY"), ("ASTDT", "ASTDY"), ("AENDT", "AENDY"))




def _row_errors(name: str, df: pd.DataFrame, mask: pd.Series, variable: str, rule: str,
                message, value_of=None, extra: Mapping[str, pd.Series] | None = None
                ) -> list[ContractError]:
    """One finding per row where ``mask`` is true; ``message(row)`` gives the text, ``row``
    a mapping of the row's values by column (read once for all flagged rows), including
    the ``extra`` columns (values computed for the message, aligned with ``df``)."""
    hits = np.flatnonzero(pd.Series(mask).fillna(False).to_numpy(dtype=bool))
    if not len(hits):
        return []
    rows = _Rows(df.iloc[hits], {k: pd.Series(v).iloc[hits] for k, v in (extra or {}).items()})
    out = []
    for k, i in enumerate(hits.tolist()):
        r = _Row(rows, k)
        value = fmt_value(value_of(r) if value_of else r.get(variable))
        out.append(ContractError(name, i + 1, fmt_value(r.get("USUBJID")) or None, variable,
                                 rule, value, message(r)))
    return out


class _Rows:
    """The flagged rows of a frame, each column turned into a list on first use (a
    message reads a few columns of a wide dataset)."""

    def __init__(self, sub: pd.DataFrame, extra: Mapping[str, pd.Series]):
        self._sub, self._extra, self._cols = sub, extra, {}

    def column(self, col: str) -> list | None:
        if col not in self._cols:
            source = self._extra.get(col)
            if source is None and col in self._sub.columns:
                source = self._sub[col]
            self._cols[col] = source.tolist() if source is not None else None
        return self._cols[col]


class _Row:
    """One flagged row: ``row[col]`` and ``row.get(col)`` like a dict of its values."""

    __slots__ = ("_rows", "_k")

    def __init__(self, rows: _Rows, k: int):
        self._rows, self._k = rows, k

    def __getitem__(self, col: str):
        values = self._rows.column(col)
        if values is None:
            raise KeyError(col)
        return values[self._k]

    def get(self, col: str, default=None):
        values = self._rows.column(col)
        return default if values is None else values[self._k]


def _has(df: pd.DataFrame, *cols: str) -> bool:
    return all(c in df.columns for c in cols)


def _is_date(s: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(s.dtype)


def _subject_map(adsl: pd.DataFrame, col: str) -> dict:
    if adsl is None or not _has(adsl, "USUBJID", col):
        return {}
    return dict(zip(adsl["USUBJID"], adsl[col], strict=True))


def _d(v) -> str:
    return fmt_value(v)


# --------------------------------------------------------------------------- rules


def rule_direct_identifiers(name: str, df: pd.DataFrame, spec: DatasetSpec | None
                            ) -> list[ContractError]:
    """No column of the explicit list of direct identifiers (names, initials, birth
    dates, ...: :data:`~data_contract.spec.DIRECT_IDENTIFIER_NAMES`), matched on the
    whole name, so that CQ01NAM, SMQ01NAM or PCNAM are never taken for a name."""
    out = []
    for col in df.columns:
        if str(col).upper() in DIRECT_IDENTIFIER_NAMES:
            out.append(ContractError(name, None, None, str(col), "direct_identifier", str(col),
                                     f"column {col} holds a direct identifier of the "
                                     f"participants; drop it at freeze with --drop {col}"))
    return out


def rule_subject_in_adsl(name: str, df: pd.DataFrame, adsl_ids: set) -> list[ContractError]:
    """Every participant of a dataset exists in ADSL."""
    if not _has(df, "USUBJID"):
        return []
    mask = df["USUBJID"].notna() & ~df["USUBJID"].isin(adsl_ids)
    return _row_errors(name, df, mask, "USUBJID", "subject_in_adsl",
                       lambda r: f"participant {r['USUBJID']} is not in ADSL")


def rule_after_cutoff(name: str, df: pd.DataFrame, spec: DatasetSpec | None, cutoff: date
                      ) -> list[ContractError]:
    """SAP 1: no date after the cut-off date, in any date variable."""
    out = []
    cut = pd.Timestamp(cutoff)
    dates = [v.name for v in spec.variables if v.type == "date"] if spec else []
    for col in dates:
        if col in df.columns and _is_date(df[col]):
            out += _row_errors(name, df, df[col] > cut, col, "after_cutoff",
                               lambda r, c=col: f"{c} {_d(r[c])} is after the cut-off "
                                                f"{cutoff.isoformat()}")
    return out


def rules_adsl(df: pd.DataFrame) -> list[ContractError]:
    """ADSL row rules: lymphodepletion before infusion, flags vs dates, death, date order,
    end of study (SAP 2 analysis sets)."""
    n = "ADSL"
    out: list[ContractError] = []

    def dated(*cols):
        return _has(df, *cols) and all(_is_date(df[c]) for c in cols)

    if dated("LDSTDT", "INFDT"):
        out += _row_errors(n, df, df["LDSTDT"] > df["INFDT"], "LDSTDT",
                           "ADSL.lymphodepletion_before_infusion",
                           lambda r: f"lymphodepletion start {_d(r['LDSTDT'])} is after the "
                                     f"infusion {_d(r['INFDT'])}")
    rule = "ADSL.flags_consistent_with_dates"
    for flag, dcol, what in (("INFFL", "INFDT", "an infusion date"),
                             ("SAFFL", "LDSTDT", "a lymphodepletion start date")):
        if _has(df, flag) and dated(dcol):
            bad = (df[flag] == "Y") != df[dcol].notna()
            out += _row_errors(n, df, bad & df[flag].notna(), flag, rule,
                               lambda r, f=flag, d=dcol, w=what:
                               f"{f}={r[f]} but {d} is {_d(r[d]) or 'missing'}: {f}=Y iff "
                               f"the participant has {w}")
    if _has(df, "DLTEVLFL", "INFFL"):
        out += _row_errors(n, df, (df["DLTEVLFL"] == "Y") & (df["INFFL"] != "Y"), "DLTEVLFL",
                           rule, lambda r: "DLT-evaluable participant (DLTEVLFL=Y) is not "
                                           f"infused (INFFL={_d(r['INFFL'])})")
    if _has(df, "DTHFL") and dated("DTHDT"):
        bad = (df["DTHFL"] == "Y") != df["DTHDT"].notna()
        out += _row_errors(n, df, bad & df["DTHFL"].notna(), "DTHFL", "ADSL.death_consistent",
                           lambda r: f"DTHFL={r['DTHFL']} but DTHDT is "
                                     f"{_d(r['DTHDT']) or 'missing'}")
    for early, late in (("RFICDT", "ENRLDT"), ("ENRLDT", "LDSTDT"), ("TRTSDT", "TRTEDT"),
                        ("ENRLDT", "EOSDT"), ("ENRLDT", "LSTALVDT"), ("LSTALVDT", "DTHDT")):
        if dated(early, late):
            out += _row_errors(n, df, df[early] > df[late], late, "ADSL.dates_ordered",
                               lambda r, a=early, b=late: f"{b} {_d(r[b])} is before "
                                                          f"{a} {_d(r[a])}")
    if dated("EOSDT") and _has(df, "EOSSTT"):
        rule = "ADSL.end_of_study_consistent"
        ongoing = df["EOSSTT"] == "ONGOING"
        ended = df["EOSSTT"].isin(["COMPLETED", "DISCONTINUED"])
        out += _row_errors(n, df, ongoing & df["EOSDT"].notna(), "EOSDT", rule,
                           lambda r: "EOSSTT is ONGOING but an end-of-study date is given")
        out += _row_errors(n, df, ended & df["EOSDT"].isna(), "EOSDT", rule,
                           lambda r: f"EOSSTT is {r['EOSSTT']} but EOSDT is missing")
        if _has(df, "DCSREAS"):
            out += _row_errors(n, df, (df["EOSSTT"] == "DISCONTINUED") & df["DCSREAS"].isna(),
                               "DCSREAS", rule, lambda r: "discontinued without a reason")
            out += _row_errors(n, df, ongoing & df["DCSREAS"].notna(), "DCSREAS", rule,
                               lambda r: "EOSSTT is ONGOING but a discontinuation reason "
                                         "is given")
    return out


def rules_adae(df: pd.DataFrame, adsl: pd.DataFrame | None,
               codelists: Codelists | None = None) -> list[ContractError]:
    """ADAE row rules. TEAE per SAP 3: an AE is treatment-emergent unless its onset can
    be placed before the start of lymphodepletion (missing and imputed onset dates,
    :func:`study.onset.onset_not_before`); each AE with a missing or imputed
    onset date is a warning. ``codelists`` gives the AEOUT values that mean fatal."""
    n = "ADAE"
    out: list[ContractError] = []
    dated = "ASTDT" in df.columns and _is_date(df["ASTDT"])
    flags = df["ASTDTF"] if "ASTDTF" in df.columns else None
    if _has(df, "ASTDT", "AENDT") and dated and _is_date(df["AENDT"]):
        out += _row_errors(n, df, df["AENDT"] < df["ASTDT"], "AENDT", "ADAE.end_not_before_start",
                           lambda r: f"end {_d(r['AENDT'])} is before onset {_d(r['ASTDT'])}")
    ld = _subject_map(adsl, "LDSTDT")
    if ld and _has(df, "TRTEMFL", "ASTDT", "USUBJID") and dated:
        ldst = pd.to_datetime(df["USUBJID"].map(ld))
        expected = np.where(onset.onset_not_before(df["ASTDT"], flags, ldst), "Y", "N")
        bad = df["TRTEMFL"].notna() & (df["TRTEMFL"] != expected)
        extra = {"_LD": ldst, "_LATEST": onset.latest_possible_onset(df["ASTDT"], flags)}
        out += _row_errors(n, df, bad, "TRTEMFL", "ADAE.trtemfl_consistent_with_dates",
                           lambda r: f"TRTEMFL={r['TRTEMFL']} but onset "
                                     f"{_onset_text(r)} vs lymphodepletion start "
                                     f"{_d(r['_LD']) or 'missing'}: TRTEMFL=Y iff the onset "
                                     "cannot be placed before LDSTDT (SAP 3)", extra=extra)
    if dated:
        out += _row_errors(n, df, df["ASTDT"].isna(), "ASTDT", "ADAE.onset_date_missing",
                           lambda r: "onset date missing: counted as treatment-emergent "
                                     "(SAP 3)")
    if flags is not None and dated:
        imputed = flags.isin(list(onset.IMPUTATION_FLAGS)) & df["ASTDT"].notna()
        extra = {"_LATEST": onset.latest_possible_onset(df["ASTDT"], flags)}
        out += _row_errors(n, df, imputed, "ASTDTF", "ADAE.onset_date_imputed",
                           lambda r: f"onset {_onset_text(r)}: treatment-emergent unless "
                                     "that precedes the start of treatment (SAP 3)",
                           extra=extra)
    sev = [c for c in ("AETOXGR", "AESEV") if c in df.columns]
    if not sev:
        out.append(ContractError(n, None, None, "AETOXGR", "ADAE.grade_or_severity_present", "",
                                 "ADAE needs AETOXGR or AESEV"))
    else:
        missing = np.logical_and.reduce([df[c].isna().to_numpy() for c in sev])
        out += _row_errors(n, df, pd.Series(missing, index=df.index), sev[0],
                           "ADAE.grade_or_severity_present",
                           lambda r: "neither a toxicity grade nor a severity is given")
    if "AETOXGR" in df.columns:
        fatal_out = (codelists.values("AEOUT", "fatal") if codelists is not None
                     else ("FATAL",))
        fatal = rules.recorded_death(df, fatal_out)
        grade = pd.to_numeric(df["AETOXGR"], errors="coerce")
        out += _row_errors(n, df, fatal & grade.notna() & (grade != 5), "AETOXGR",
                           "ADAE.fatal_is_grade_5",
                           lambda r: f"a fatal event has grade {_d(r['AETOXGR'])}, not 5")
    return out


def _onset_text(r) -> str:
    """An onset as the message states it: the date, or the imputed date with the latest
    date it can stand for, or 'missing'."""
    if not _d(r["ASTDT"]):
        return "missing"
    flag = r.get("ASTDTF")
    if flag in onset.IMPUTATION_FLAGS:
        latest = _d(r.get("_LATEST")) or "unknown"
        return f"{_d(r['ASTDT'])} (imputed, ASTDTF={flag}; at the latest {latest})"
    return _d(r["ASTDT"])


def rules_adlb(df: pd.DataFrame) -> list[ContractError]:
    """ADLB: PARAM/PARCAT1/AVALU agree with PARAMCD; AVAL or AVALC present."""
    n = "ADLB"
    out: list[ContractError] = []
    if "PARAMCD" in df.columns:
        known = df["PARAMCD"].isin(list(ADLB_PARAMS))
        for col, pos in (("PARAM", 0), ("PARCAT1", 1), ("AVALU", 2)):
            if col in df.columns:
                exp = df["PARAMCD"].map({k: v[pos] for k, v in ADLB_PARAMS.items()})
                out += _row_errors(n, df, known & (df[col] != exp), col,
                                   "ADLB.param_consistent",
                                   lambda r, c=col: f"{c} of {r['PARAMCD']} must be "
                                                    f"{r['_EXP']!r} (a delivery in other "
                                                    "units or terms maps it in its mapping "
                                                    f"file: parameters.ADLB.{r['PARAMCD']})",
                                   extra={"_EXP": exp})
    if _has(df, "AVAL", "AVALC"):
        out += _row_errors(n, df, df["AVAL"].isna() & df["AVALC"].isna(), "AVAL",
                           "ADLB.aval_or_avalc", lambda r: "neither AVAL nor AVALC is given")
    return out


def rules_adpc(df: pd.DataFrame) -> list[ContractError]:
    """ADPC: BLQFL=Y iff AVAL missing with AVALC 'BLQ' (SAP 3, CAR-T kinetics)."""
    n = "ADPC"
    if not _has(df, "BLQFL", "AVAL", "AVALC"):
        return []
    blq = df["BLQFL"] == "Y"
    bad = (blq & (df["AVAL"].notna() | (df["AVALC"] != "BLQ"))) | \
          ((df["BLQFL"] == "N") & df["AVAL"].isna())
    return _row_errors(n, df, bad, "BLQFL", "ADPC.blq_consistent",
                       lambda r: f"BLQFL={r['BLQFL']} with AVAL={_d(r['AVAL']) or 'missing'} and "
                                 f"AVALC={_d(r['AVALC']) or 'missing'}: BLQ rows have AVAL "
                                 "missing and AVALC 'BLQ', others a value")


def rules_adva(df: pd.DataFrame) -> list[ContractError]:
    """ADVA: VAORRES has the form its recording format VAFMT requires."""
    if not _has(df, "VAFMT", "VAORRES"):
        return []
    rx = {k: re.compile(p) for k, p in VA_FORMAT_PATTERNS.items()}
    bad = [
        isinstance(v, str) and f in rx and rx[f].fullmatch(v.strip()) is None
        for f, v in zip(df["VAFMT"], df["VAORRES"], strict=True)
    ]
    return _row_errors("ADVA", df, pd.Series(bad, index=df.index), "VAORRES",
                       "ADVA.result_matches_format",
                       lambda r: f"{r['VAORRES']!r} is not a {r['VAFMT']} acuity "
                                 f"({VA_FORMAT_PATTERNS.get(r['VAFMT'], '')})")


def rule_study_days(name: str, df: pd.DataFrame, infdt: dict) -> list[ContractError]:
    """SAP 3 study day: day = date - INFDT in days (infusion day = Day 0), where INFDT is known."""
    out: list[ContractError] = []
    if not infdt or "USUBJID" not in df.columns:
        return out
    inf = pd.to_datetime(df["USUBJID"].map(infdt))
    for dcol, ycol in STUDY_DAY_PAIRS:
        if not _has(df, dcol, ycol) or not _is_date(df[dcol]):
            continue
        expected = (df[dcol] - inf).dt.days.astype("Int64")
        day = pd.to_numeric(df[ycol], errors="coerce").astype("Int64")
        known = inf.notna()
        bad = known & ((expected.isna() != day.isna()) |
                       (expected.notna() & day.notna() & (expected != day).fillna(False)))
        out += _row_errors(name, df, bad.astype(bool), ycol, "study_day",
                           lambda r, d=dcol, y=ycol: f"{y} must be {d} - INFDT = "
                           f"{_d(r['_EXP']) or 'missing'} ({d} {_d(r[d]) or 'missing'}, "
                           f"INFDT {_d(r['_INF'])})", extra={"_EXP": expected, "_INF": inf})
    return out


def rule_codelists(name: str, df: pd.DataFrame, spec: DatasetSpec, codelists: Codelists
                   ) -> list[ContractError]:
    """Each distinct value of a sponsor codelist without a configured meaning: one
    warning naming the value, its first row, its count and where to map it."""
    out: list[ContractError] = []
    for v in spec.variables:
        if v.codelist is None or v.name not in df.columns:
            continue
        col = df[v.name]
        present = col.notna().to_numpy(dtype=bool)
        if not present.any():
            continue
        text = col.astype(object).where(present, None)
        unmapped = codelists.unmapped(v.codelist, text[present].unique().tolist())
        if not unmapped:
            continue
        mask = text.isin(unmapped).to_numpy(dtype=bool)
        counts = text[mask].value_counts()
        first = text[mask].drop_duplicates()
        for i, value in zip(first.index.tolist(), first.tolist(), strict=True):
            out.append(ContractError(
                name, int(i) + 1, _usubjid(df, int(i)), v.name, "codelist_unmapped", str(value),
                f"{value!r} of {v.name} ({int(counts[value]):,} record(s), first shown) has no "
                f"meaning in the configuration: map it under {codelists.where(v.codelist)}"))
    return out
