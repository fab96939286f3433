"""Validate a set of datasets against the data contract, collecting every error.

Per dataset, a pandera ``DataFrameSchema`` is built from the specification
(:mod:`data_contract.specs`): types, required (not nullable), allowed values,
ranges, regular-expression patterns, the step grid and unique keys. It runs
with ``lazy=True`` so that one run reports every failure; pandera's failure
cases become :class:`ContractError` records naming dataset, row (1-based, as
given), USUBJID, variable, rule and bad value.

Then the rules that span rows and datasets (rule ids in brackets):

- every subject of every dataset exists in ADSL [``subject_in_adsl``];
- no date after the cut-off date (SAP 1: a cut-off keeps only records on or
  before the cut-off date) [``after_cutoff``];
- lymphodepletion on or before infusion, LDSTDT <= INFDT
  [``ADSL.lymphodepletion_before_infusion``];
- analysis-set flags consistent with dates (SAP 2): INFFL=Y iff INFDT,
  SAFFL=Y iff LDSTDT, DLTEVLFL=Y requires INFFL=Y
  [``ADSL.flags_consistent_with_dates``]; DTHFL=Y iff DTHDT [``ADSL.death_consistent``];
- dates in order (consent <= enrolment <= lymphodepletion; first <= last
  exposure; enrolment <= end of study and last known alive <= death)
  [``ADSL.dates_ordered``]; end-of-study status agrees with its date and
  reason [``ADSL.end_of_study_consistent``];
- study days agree with dates (SAP 3: day = date - INFDT in days, infusion day
  = Day 0) [``study_day``];
- ADAE: end not before start; TRTEMFL=Y iff onset on or after the start of
  lymphodepletion (SAP 3, TEAE); a grade or severity; a fatal event is grade 5;
- ADLB/ADPC/ADVA row rules listed in their specifications;
- no direct identifiers (names, initials, birth dates...) [``direct_identifier``].

Profiles: ``full`` is this study (all datasets and variables of the contract;
a column the contract does not know is an error); ``core`` is another study's
standard ADaM (ADSL and ADAE, core variables; extra columns allowed); ``auto``
picks ``core`` when none of the study's extension datasets is present.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from data_contract import CONTRACT_VERSION
from data_contract.readers import coerce_series
from data_contract.spec import DIRECT_IDENTIFIER_NAMES, DatasetSpec, Variable
from data_contract.specs import DATASETS
from data_contract.specs.adlb import ADLB_PARAMS
from data_contract.specs.adva import VA_FORMAT_PATTERNS

PROFILES = ("auto", "full", "core")
CORE_DATASETS = tuple(n for n, s in DATASETS.items() if s.core)
EXTENSION_DATASETS = tuple(n for n, s in DATASETS.items() if not s.core)
# Column names, not in the contract, that look like a direct identifier.
IDENTIFIER_LIKE = re.compile(
    r"NAME|NAM$|INITIAL|^INIT|INIT$|BIRTH|BRTH|^DOB|EMAIL|PHONE|ADDR|SSN|^MRN|NATID|PASSPORT"
)
# (date variable, study-day variable) pairs checked against INFDT (SAP 3, study day).
STUDY_DAY_PAIRS = (("ADT", "ADY"), ("ASTDT", "ASTDY"), ("AENDT", "AENDY"))


@dataclass(frozen=True)
class ContractError:
    """One violation of the contract; ``row`` is the 1-based row of the dataset as given."""

    dataset: str
    row: int | None
    usubjid: str | None
    variable: str | None
    rule: str
    value: str
    message: str

    def line(self) -> str:
        parts = [
            f"row {self.row}" if self.row is not None else "(dataset)",
            f"USUBJID={self.usubjid}" if self.usubjid else "",
            self.variable or "",
            f"[{self.rule}]",
            f"value={self.value!r}",
            self.message,
        ]
        return "  ".join(p for p in parts if p)


@dataclass
class ValidationReport:
    """The result of :func:`validate`: every error, sorted, and what was validated."""

    errors: list[ContractError]
    profile: str
    datasets: dict[str, int]
    cutoff: date | None = None
    extensions: list[str] = field(default_factory=list)
    variables: dict[str, int] = field(default_factory=dict)  # columns per dataset

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        cols = ["dataset", "row", "usubjid", "variable", "rule", "value", "message"]
        df = pd.DataFrame([asdict(e) for e in self.errors], columns=cols)
        df["row"] = df["row"].astype("Int64")
        return df

    def summary(self) -> dict:
        """Counts for the snapshot manifest (no wall-clock time)."""
        by_rule: dict[str, int] = {}
        for e in self.errors:
            by_rule[e.rule] = by_rule.get(e.rule, 0) + 1
        return {
            "contract_version": CONTRACT_VERSION,
            "profile": self.profile,
            "datasets": len(self.datasets),
            "rows": int(sum(self.datasets.values())),
            "errors": len(self.errors),
            "errors_by_rule": dict(sorted(by_rule.items())),
        }

    def format(self) -> str:
        cut = self.cutoff.isoformat() if self.cutoff else "none"
        head = (f"Data contract {CONTRACT_VERSION} validation, profile {self.profile}, "
                f"cut-off {cut}: ")
        if self.ok:
            head += f"valid ({len(self.datasets)} datasets, {sum(self.datasets.values())} rows)"
        else:
            n_ds = len({e.dataset for e in self.errors})
            head += f"{len(self.errors)} error(s) in {n_ds} dataset(s)"
        lines = [head]
        names = _dataset_order(set(self.datasets) | {e.dataset for e in self.errors})
        for name in names:
            errs = [e for e in self.errors if e.dataset == name]
            rows = self.datasets.get(name)
            size = f"{rows} rows" if rows is not None else "absent"
            lines.append(f"{name} ({size}): " + (f"{len(errs)} error(s)" if errs else "ok"))
            lines.extend("  " + e.line() for e in errs)
        return "\n".join(lines) + "\n"


def _dataset_order(names: Iterable[str]) -> list[str]:
    known = list(DATASETS)
    return sorted(names, key=lambda n: (known.index(n) if n in known else len(known), n))


def _sort_key(e: ContractError) -> tuple:
    known = list(DATASETS)
    rank = known.index(e.dataset) if e.dataset in known else len(known)
    return (rank, e.dataset, -1 if e.row is None else e.row, e.variable or "", e.rule, e.value)


def fmt_value(v: object) -> str:
    """A value as printed in the report: dates ISO, missing empty, whole floats without .0."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float) and np.isnan(v):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    return str(v)


# --------------------------------------------------------------------------- profile


def resolve_profile(datasets: Iterable[str], profile: str = "auto") -> str:
    """``full`` or ``core``; ``auto`` is ``core`` when no extension dataset is present."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}, not {profile!r}")
    if profile != "auto":
        return profile
    names = set(datasets)
    return "full" if any(n in names for n in EXTENSION_DATASETS) else "core"


def specs_for(profile: str) -> dict[str, DatasetSpec]:
    """The specifications a profile validates against."""
    if profile == "full":
        return dict(DATASETS)
    return {n: DATASETS[n].core_only() for n in CORE_DATASETS}


# --------------------------------------------------------------------------- schema


def _step_ok(step: float):
    def check(v: float) -> bool:
        q = float(v) / step
        return abs(q - round(q)) < 1e-9

    return check


def _pattern_ok(pattern: str):
    rx = re.compile(pattern)
    return lambda v: isinstance(v, str) and rx.fullmatch(v) is not None


def build_schema(spec: DatasetSpec, columns: Iterable[str]) -> tuple[pa.DataFrameSchema, dict]:
    """The pandera schema of ``spec`` over the present ``columns``, and per column the
    rule id of each check (pandera's ``check_number`` indexes it).

    Types are not a pandera dtype check: :func:`_typed` coerces every value first and
    reports each one that does not read as its type, row by row (rule ``type``).
    """
    return _build_schema(spec, frozenset(str(c) for c in columns))


@lru_cache(maxsize=64)
def _build_schema(spec: DatasetSpec, present: frozenset) -> tuple[pa.DataFrameSchema, dict]:
    cols: dict[str, pa.Column] = {}
    rules: dict[str, list[str]] = {}
    for v in spec.variables:
        if v.name not in present:
            continue
        checks: list[pa.Check] = []
        names: list[str] = []
        if v.allowed is not None:
            checks.append(pa.Check.isin(list(v.allowed)))
            names.append("allowed")
        if v.range is not None:
            checks.append(pa.Check.in_range(v.range[0], v.range[1]))
            names.append("range")
        if v.pattern is not None:
            checks.append(pa.Check(_pattern_ok(v.pattern), element_wise=True))
            names.append("pattern")
        if v.step is not None:
            checks.append(pa.Check(_step_ok(v.step), element_wise=True))
            names.append("step")
        cols[v.name] = pa.Column(None, checks, nullable=not v.required,
                                 required=False)
        rules[v.name] = names
    keys = [k for k in spec.keys if k in present]
    unique = keys if keys and len(keys) == len(spec.keys) else None
    schema = pa.DataFrameSchema(cols, unique=unique, report_duplicates="all", strict=False,
                                name=spec.name)
    return schema, rules


def _message(var: Variable | None, rule: str, value: str, keys: tuple[str, ...] = ()) -> str:
    name = var.name if var else "?"
    if rule == "required":
        return f"{name} is required and missing"
    if rule == "allowed" and var is not None:
        terms = ", ".join(var.allowed or ())
        return f"{value!r} is not an allowed value of {name} ({terms})"
    if rule == "range" and var is not None and var.range:
        return f"{value} is outside the range {var.range[0]:g} to {var.range[1]:g} of {name}"
    if rule == "pattern" and var is not None:
        return f"{value!r} does not match the pattern {var.pattern} of {name}"
    if rule == "step" and var is not None:
        return f"{value} is not on the grid of {var.step:g} of {name}"
    if rule == "unique_key":
        return f"key ({', '.join(keys)}) = ({value}) is not unique"
    if rule == "type" and var is not None:
        return f"{name} must be of type {var.type}"
    return f"check {rule} failed"


def schema_errors(name: str, df: pd.DataFrame, spec: DatasetSpec) -> list[ContractError]:
    """Run the pandera schema of ``spec`` lazily on ``df`` and convert its failure cases."""
    schema, rules = build_schema(spec, df.columns)
    try:
        schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    out: list[ContractError] = []
    dup_rows: set[int] = set()
    for rec in fc.to_dict("records"):
        col, check, idx = rec["column"], str(rec["check"]), rec["index"]
        row = None if idx is None or (isinstance(idx, float) and np.isnan(idx)) else int(idx)
        if check == "multiple_fields_uniqueness":
            if row is None or row in dup_rows:
                continue
            dup_rows.add(row)
            keyvals = " / ".join(fmt_value(df.at[row, k]) for k in spec.keys)
            out.append(ContractError(name, row + 1, _usubjid(df, row), ", ".join(spec.keys),
                                     "unique_key", keyvals,
                                     _message(None, "unique_key", keyvals, spec.keys)))
            continue
        var = spec.variable(col) if col in spec.names else None
        if check == "not_nullable":
            rule = "required"
        elif check.startswith("dtype("):
            rule = "type"
        elif rec["check_number"] is not None and col in rules and \
                not (isinstance(rec["check_number"], float) and np.isnan(rec["check_number"])):
            rule = rules[col][int(rec["check_number"])]
        else:
            rule = check
        value = fmt_value(df.at[row, col]) if row is not None and col in df.columns \
            else fmt_value(rec["failure_case"])
        out.append(ContractError(name, None if row is None else row + 1, _usubjid(df, row), col,
                                 rule, value, _message(var, rule, value)))
    return out


def _usubjid(df: pd.DataFrame, row: int | None) -> str | None:
    if row is None or "USUBJID" not in df.columns:
        return None
    v = df.at[row, "USUBJID"]
    return None if fmt_value(v) == "" else fmt_value(v)


# --------------------------------------------------------------------------- helpers


def _row_errors(name: str, df: pd.DataFrame, mask: pd.Series, variable: str, rule: str,
                message, value_of=None) -> list[ContractError]:
    """One error per row where ``mask`` is true; ``message(row_series)`` gives the text."""
    out = []
    for i in np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool)):
        r = df.iloc[i]
        value = fmt_value(value_of(r) if value_of else r.get(variable))
        out.append(ContractError(name, int(i) + 1, _usubjid(df, int(i)), variable, rule, value,
                                 message(r)))
    return out


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
    """No column that would carry a direct identifier (names, initials, birth dates...)."""
    known = set(spec.names) if spec else set()
    out = []
    for col in df.columns:
        up = str(col).upper()
        if up in DIRECT_IDENTIFIER_NAMES or (col not in known and IDENTIFIER_LIKE.search(up)):
            out.append(ContractError(name, None, None, str(col), "direct_identifier", str(col),
                                     f"column {col} would hold a direct identifier; "
                                     "remove it before freezing"))
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


def rules_adae(df: pd.DataFrame, adsl: pd.DataFrame | None) -> list[ContractError]:
    """ADAE row rules; TEAE per SAP 3: onset on or after the start of lymphodepletion."""
    n = "ADAE"
    out: list[ContractError] = []
    if _has(df, "ASTDT", "AENDT") and _is_date(df["ASTDT"]) and _is_date(df["AENDT"]):
        out += _row_errors(n, df, df["AENDT"] < df["ASTDT"], "AENDT", "ADAE.end_not_before_start",
                           lambda r: f"end {_d(r['AENDT'])} is before onset {_d(r['ASTDT'])}")
    ld = _subject_map(adsl, "LDSTDT")
    if ld and _has(df, "TRTEMFL", "ASTDT", "USUBJID") and _is_date(df["ASTDT"]):
        ldst = pd.to_datetime(df["USUBJID"].map(ld))
        expected = np.where(df["ASTDT"].notna() & ldst.notna() & (df["ASTDT"] >= ldst), "Y", "N")
        bad = df["TRTEMFL"].notna() & (df["TRTEMFL"] != expected)
        tmp = df.assign(_LD=ldst)
        out += _row_errors(n, tmp, bad, "TRTEMFL", "ADAE.trtemfl_consistent_with_dates",
                           lambda r: f"TRTEMFL={r['TRTEMFL']} but onset {_d(r['ASTDT'])} vs "
                                     f"lymphodepletion start {_d(r['_LD']) or 'missing'}: "
                                     "TRTEMFL=Y iff onset on or after LDSTDT")
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
        fatal = pd.Series(False, index=df.index)
        for c in ("AEOUT", "AESDTH"):
            if c in df.columns:
                fatal |= df[c].isin(["FATAL"] if c == "AEOUT" else ["Y"])
        grade = pd.to_numeric(df["AETOXGR"], errors="coerce")
        out += _row_errors(n, df, fatal & grade.notna() & (grade != 5), "AETOXGR",
                           "ADAE.fatal_is_grade_5",
                           lambda r: f"a fatal event has grade {_d(r['AETOXGR'])}, not 5")
    return out


def rules_adlb(df: pd.DataFrame) -> list[ContractError]:
    """ADLB: PARAM/PARCAT1/AVALU agree with PARAMCD; AVAL or AVALC present."""
    n = "ADLB"
    out: list[ContractError] = []
    if "PARAMCD" in df.columns:
        known = df["PARAMCD"].isin(list(ADLB_PARAMS))
        for col, pos in (("PARAM", 0), ("PARCAT1", 1), ("AVALU", 2)):
            if col in df.columns:
                exp = df["PARAMCD"].map({k: v[pos] for k, v in ADLB_PARAMS.items()})
                out += _row_errors(n, df.assign(_EXP=exp), known & (df[col] != exp), col,
                                   "ADLB.param_consistent",
                                   lambda r, c=col: f"{c} of {r['PARAMCD']} must be "
                                                    f"{r['_EXP']!r}")
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
        tmp = df.assign(_EXP=expected, _INF=inf)
        out += _row_errors(name, tmp, bad.astype(bool), ycol, "study_day",
                           lambda r, d=dcol, y=ycol: f"{y} must be {d} - INFDT = "
                           f"{_d(r['_EXP']) or 'missing'} ({d} {_d(r[d]) or 'missing'}, "
                           f"INFDT {_d(r['_INF'])})")
    return out


# --------------------------------------------------------------------------- validate


# The consistency rules of single datasets beyond ADSL and ADAE (which need ADSL).
DATASET_RULES = {"ADLB": rules_adlb, "ADPC": rules_adpc, "ADVA": rules_adva}


def _typed(name: str, df: pd.DataFrame, spec: DatasetSpec | None
           ) -> tuple[pd.DataFrame, list[ContractError], set[tuple[int, str]]]:
    """Coerce the spec variables; uncoercible values become ``type`` errors and missing.

    Works on a shallow copy (columns are replaced, never written into), so the
    caller's frame is unchanged and columns that already have their type are shared.
    """
    df = df.copy(deep=False)
    df.index = pd.RangeIndex(len(df))
    errors: list[ContractError] = []
    bad_cells: set[tuple[int, str]] = set()
    if spec is None:
        return df, errors, bad_cells
    for v in spec.variables:
        if v.name not in df.columns:
            continue
        raw = df[v.name]
        converted, bad = coerce_series(raw, v.type)
        if converted is not raw:  # an unchanged column stays shared with the caller's
            df[v.name] = converted
        for i, value in bad:
            bad_cells.add((i + 1, v.name))
            errors.append(ContractError(name, i + 1, _usubjid(df, i), v.name, "type",
                                        fmt_value(value),
                                        f"{value!r} cannot be read as {v.type} ({v.name})"))
    return df, errors, bad_cells


def validate(datasets: Mapping[str, pd.DataFrame], cutoff: date | None = None,
             profile: str = "auto") -> ValidationReport:
    """Validate ``datasets`` ({NAME: frame}) against the contract; see the module doc.

    Never raises for bad data: every problem is a :class:`ContractError` of the report.
    The datasets are checked one at a time in contract order (ADSL first: the
    cross-dataset rules of the others use it), and only ADSL's typed copy is
    kept, so a mapping that reads each dataset when asked (a snapshot's) holds
    one dataset in memory at a time.
    """
    keys = {str(k).upper(): k for k in datasets}
    resolved = resolve_profile(keys, profile)
    specs = specs_for(resolved)
    errors: list[ContractError] = []
    rows: dict[str, int] = {}
    variables: dict[str, int] = {}
    extensions: dict[str, list[str]] = {}
    adsl: pd.DataFrame | None = None
    adsl_ids: set | None = None
    infdt: dict = {}

    for name in specs:
        if name not in keys:
            errors.append(ContractError(name, None, None, None, "missing_dataset", "",
                                        f"dataset {name} is required by the {resolved} "
                                        "profile and is absent"))
    for name in _dataset_order(keys):
        spec = specs.get(name)
        df, errs = _dataset_errors(name, datasets[keys[name]], spec, resolved)
        rows[name], variables[name] = len(df), len(df.columns)
        errors += errs
        if spec is not None:
            if name == "ADSL":
                adsl = df
                adsl_ids = set(df["USUBJID"].dropna()) if "USUBJID" in df else None
                infdt = (_subject_map(df, "INFDT")
                         if "INFDT" in df and _is_date(df["INFDT"]) else {})
            errors += _cross_dataset_errors(name, df, spec, adsl, adsl_ids, infdt, cutoff)
            extensions[name] = _extensions_of(name, df, resolved)
        del df  # before the next dataset is read: one in memory at a time

    errors = sorted(set(errors), key=_sort_key)
    return ValidationReport(
        errors=errors,
        profile=resolved,
        datasets=rows,
        cutoff=cutoff,
        extensions=([n for n in EXTENSION_DATASETS if n in keys]
                    + [x for n in CORE_DATASETS for x in extensions.get(n, [])]),
        variables=variables,
    )


def _dataset_errors(name: str, raw: pd.DataFrame, spec: DatasetSpec | None, profile: str
                    ) -> tuple[pd.DataFrame, list[ContractError]]:
    """The typed frame of one dataset and its own errors: unknown dataset, types,
    direct identifiers, missing and unknown variables, the pandera schema."""
    errors: list[ContractError] = []
    if spec is None:
        errors.append(ContractError(name, None, None, None, "unknown_dataset", name,
                                    f"dataset {name} is not part of the contract "
                                    f"({profile} profile: {', '.join(specs_for(profile))})"))
    df, type_errors, bad_cells = _typed(name, raw, spec)
    errors += type_errors
    ident = rule_direct_identifiers(name, df, spec)
    errors += ident
    if spec is None:
        return df, errors
    ident_cols = {e.variable for e in ident}
    for v in spec.variables:
        needed = v.required or profile == "full"
        if v.name not in df.columns and needed:
            errors.append(ContractError(name, None, None, v.name, "missing_variable", "",
                                        f"{name} lacks the variable {v.name} ({v.label})"))
    if profile == "full":
        for col in df.columns:
            if col not in spec.names and col not in ident_cols:
                errors.append(ContractError(name, None, None, str(col), "unknown_variable",
                                            str(col), f"{col} is not a variable of {name} "
                                                      "in the contract"))
    errors += [e for e in schema_errors(name, df, spec) if (e.row, e.variable) not in bad_cells]
    return df, errors


def _cross_dataset_errors(name: str, df: pd.DataFrame, spec: DatasetSpec, adsl: pd.DataFrame | None,
                          adsl_ids: set | None, infdt: dict, cutoff: date | None
                          ) -> list[ContractError]:
    """The rules of one typed dataset that look beyond its own rows: subjects in ADSL,
    dates after the cut-off, study days, and the dataset's own consistency rules."""
    errors: list[ContractError] = []
    if adsl_ids is not None and name != "ADSL":
        errors += rule_subject_in_adsl(name, df, adsl_ids)
    if cutoff is not None:
        errors += rule_after_cutoff(name, df, spec, cutoff)
    errors += rule_study_days(name, df, infdt)
    if name == "ADSL":
        errors += rules_adsl(df)
    elif name == "ADAE":
        errors += rules_adae(df, adsl)
    elif name in DATASET_RULES:
        errors += DATASET_RULES[name](df)
    return errors


def extensions_present(typed: Mapping[str, pd.DataFrame], profile: str) -> list[str]:
    """The study extensions a set of datasets holds: extension datasets by name, and the
    extension variables of the core datasets as ``DATASET.VARIABLE``. In the core profile
    an extension variable counts only when its values satisfy its specification, so the
    report can rely on every extension the manifest lists."""
    out: list[str] = [n for n in EXTENSION_DATASETS if n in typed]
    for name in CORE_DATASETS:
        if name in typed:
            out += _extensions_of(name, typed[name], profile)
    return out


def _extensions_of(name: str, df: pd.DataFrame, profile: str) -> list[str]:
    """The extension variables of core dataset ``name`` that ``df`` holds (see
    :func:`extensions_present`); empty for any other dataset."""
    if name not in CORE_DATASETS:
        return []
    spec = DATASETS[name]
    ext = [v for v in spec.variables if not v.core and v.name in df.columns]
    if profile == "core" and ext:
        sub = DatasetSpec(name, spec.label, (), tuple(ext))
        probe = df[[v.name for v in ext]].copy()
        failing = set()
        for v in ext:
            _, bad = coerce_series(probe[v.name], v.type)
            if bad:
                failing.add(v.name)
            else:
                probe[v.name] = coerce_series(probe[v.name], v.type)[0]
        failing |= {e.variable for e in schema_errors(name, probe, sub)}
        ext = [v for v in ext if v.name not in failing]
    return [f"{name}.{v.name}" for v in ext]
