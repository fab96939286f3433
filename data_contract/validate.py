"""Validate a set of datasets against the data contract, collecting every finding.

Every finding is an error (blocks freeze), a warning (recorded in the manifest and
printed in the report's appendix) or a note (lawful input the analysis does not
use); the severity of each rule is in the rule table, :mod:`data_contract.rules`,
which the appendix prints.

Profiles, per dataset: each dataset present is checked against its own
specification (:mod:`data_contract.specs`). A dataset is checked in the ``full``
profile -- every variable of its specification, this study's terms (visit names,
parameters, dose levels) and keys -- when it is this study's: a dataset only this
study has (ADRELAP, ADEDSS, ADVA, ADMRI), one that holds an extension variable of
this study (ADSL.INFDT, ADAE.DLTFL, ADLB.LLOQ...), or one whose STUDYID is this
study's (study.yml ``study.studyid``). Any other dataset (another study's ADSL,
ADAE, ADLB...) is checked in the ``core`` profile: its standard variables, their
types and standard terms, and the rules whose variables it holds. A dataset never
changes the profile of another. ``profile="full"`` or ``"core"`` forces one profile
on every dataset (``full`` also requires every dataset of the contract).

Per dataset, a pandera ``DataFrameSchema`` is built from the specification:
types, required (not nullable), allowed values (MedDRA SOC names
case-insensitively), ranges, regular-expression patterns, the step grid and unique
keys. It runs with ``lazy=True`` so that one run reports every failure; pandera's
failure cases become :class:`ContractError` records naming dataset, row (1-based,
as given), USUBJID, variable, rule and bad value. Sponsor codelists (AREL, AESEV,
AEOUT, AEACN) are checked against the meanings configured for them
(:mod:`data_contract.codelists`).

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
  = Day 0) [``study_day``]; study days have no fixed range;
- ADAE: end not before start; TRTEMFL=Y iff the onset cannot be placed before
  the start of lymphodepletion (SAP 3, TEAE, with missing and imputed onsets,
  :mod:`data_contract.dates`); a grade or severity; a fatal event is grade 5;
  a warning per record with a missing or imputed onset date;
- ADLB/ADPC/ADVA row rules listed in their specifications;
- no direct identifiers, from an explicit list of column names
  (:data:`data_contract.spec.DIRECT_IDENTIFIER_NAMES`) [``direct_identifier``].

Variables and datasets the contract does not list are kept and listed as notes.
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
from data_contract.codelists import Codelists
from data_contract.consistency import ConsistencyCheck
from data_contract.dates import IMPUTATION_FLAGS, latest_possible_onset, onset_not_before
from data_contract.readers import coerce_series
from data_contract.rules import RULES, SEVERITIES, severity_of
from data_contract.spec import DIRECT_IDENTIFIER_NAMES, DatasetSpec, Variable
from data_contract.specs import DATASETS
from data_contract.specs.adlb import ADLB_PARAMS
from data_contract.specs.adva import VA_FORMAT_PATTERNS

PROFILES = ("auto", "full", "core")
CORE_DATASETS = tuple(n for n, s in DATASETS.items() if s.core)
EXTENSION_DATASETS = tuple(n for n, s in DATASETS.items() if not s.core)
# (date variable, study-day variable) pairs checked against INFDT (SAP 3, study day).
STUDY_DAY_PAIRS = (("ADT", "ADY"), ("ASTDT", "ASTDY"), ("AENDT", "AENDY"))


@dataclass(frozen=True)
class ContractError:
    """One finding of the contract; ``row`` is the 1-based row of the dataset as given.

    The name is historical: a finding is an error, a warning or a note, as the rule
    table (:mod:`data_contract.rules`) gives its rule's severity."""

    dataset: str
    row: int | None
    usubjid: str | None
    variable: str | None
    rule: str
    value: str
    message: str

    @property
    def severity(self) -> str:
        return severity_of(self.rule)

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


Finding = ContractError

FINDING_COLUMNS = ["dataset", "row", "usubjid", "variable", "rule", "value", "message"]


@dataclass
class ValidationReport:
    """The result of :func:`validate`: every finding, sorted, and what was validated.

    ``profile`` is ``full`` or ``core`` when every dataset was checked in that
    profile, else ``mixed``; ``profiles`` gives each dataset's.
    """

    findings: list[ContractError]
    profile: str
    datasets: dict[str, int]
    cutoff: date | None = None
    extensions: list[str] = field(default_factory=list)
    variables: dict[str, int] = field(default_factory=dict)  # columns per dataset
    profiles: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[ContractError]:
        return [e for e in self.findings if e.severity == "error"]

    @property
    def warnings(self) -> list[ContractError]:
        return [e for e in self.findings if e.severity == "warning"]

    @property
    def notes(self) -> list[ContractError]:
        return [e for e in self.findings if e.severity == "note"]

    @property
    def ok(self) -> bool:
        return not any(e.severity == "error" for e in self.findings)

    def to_frame(self) -> pd.DataFrame:
        """The errors as a frame (columns :data:`FINDING_COLUMNS`)."""
        return _frame(self.errors)

    def findings_frame(self) -> pd.DataFrame:
        """Every finding as a frame, with its ``severity`` first."""
        df = _frame(self.findings)
        df.insert(0, "severity", [e.severity for e in self.findings])
        return df

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(SEVERITIES, 0)
        for e in self.findings:
            out[e.severity] += 1
        return out

    def summary(self) -> dict:
        """Counts for the snapshot manifest (no wall-clock time): errors, warnings and
        notes by rule, and the warnings and notes grouped by dataset, variable and rule
        with their first examples (:func:`data_contract.validation_report.groups`)."""
        from data_contract.validation_report import groups

        by: dict[str, dict[str, int]] = {s: {} for s in SEVERITIES}
        for e in self.findings:
            by[e.severity][e.rule] = by[e.severity].get(e.rule, 0) + 1
        counts = self.counts()
        return {
            "contract_version": CONTRACT_VERSION,
            "profile": self.profile,
            "datasets": len(self.datasets),
            "rows": int(sum(self.datasets.values())),
            "errors": counts["error"],
            "errors_by_rule": dict(sorted(by["error"].items())),
            "warnings": counts["warning"],
            "warnings_by_rule": dict(sorted(by["warning"].items())),
            "notes": counts["note"],
            "notes_by_rule": dict(sorted(by["note"].items())),
            "findings": [g.record() for g in groups(
                [e for e in self.findings if e.severity != "error"])],
        }

    def format(self) -> str:
        """Every finding, one line each, by dataset (the complete report as text)."""
        cut = self.cutoff.isoformat() if self.cutoff else "none"
        counts = self.counts()
        head = (f"Data contract {CONTRACT_VERSION} validation, profile {self.profile}, "
                f"cut-off {cut}: ")
        if self.ok:
            head += f"valid ({len(self.datasets)} datasets, {sum(self.datasets.values())} rows)"
        else:
            n_ds = len({e.dataset for e in self.errors})
            head += f"{counts['error']} error(s) in {n_ds} dataset(s)"
        head += f"; {counts['warning']} warning(s), {counts['note']} note(s)"
        lines = [head]
        names = _dataset_order(set(self.datasets) | {e.dataset for e in self.findings})
        by_name: dict[str, list[ContractError]] = {}
        for e in self.findings:
            by_name.setdefault(e.dataset, []).append(e)
        for name in names:
            found = by_name.get(name, [])
            rows = self.datasets.get(name)
            size = f"{rows} rows" if rows is not None else "absent"
            n = {s: sum(e.severity == s for e in found) for s in SEVERITIES}
            parts = [f"{n['error']} error(s)"] if n["error"] else []
            parts += [f"{n[s]} {s}(s)" for s in ("warning", "note") if n[s]]
            lines.append(f"{name} ({size}): " + (", ".join(parts) if n["error"] or n["warning"]
                                                 else "ok" + (f", {n['note']} note(s)"
                                                              if n["note"] else "")))
            lines.extend(f"  {e.severity.upper():7s} " + e.line() for e in found)
        return "\n".join(lines) + "\n"


def _frame(found: list[ContractError]) -> pd.DataFrame:
    df = pd.DataFrame([asdict(e) for e in found], columns=FINDING_COLUMNS)
    df["row"] = df["row"].astype("Int64")
    return df


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


def dataset_profile(name: str, df: pd.DataFrame, profile: str = "auto",
                    studyid: str | None = None) -> str:
    """The profile dataset ``name`` is checked in (see the module doc): ``full`` for a
    dataset of this study, else ``core``; ``profile`` other than ``auto`` forces it."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}, not {profile!r}")
    if profile != "auto":
        return profile
    spec = DATASETS.get(name)
    if spec is None:
        return "core"
    if not spec.core or any(c in df.columns for c in spec.extension_names):
        return "full"
    if studyid and "STUDYID" in df.columns:
        ids = set(df["STUDYID"].dropna().astype(str).unique().tolist())
        if ids and ids <= {studyid}:
            return "full"
    return "core"


def resolve_profile(profiles: Mapping[str, str]) -> str:
    """The profile of a whole set: ``full`` or ``core`` when every dataset has it,
    ``mixed`` otherwise (``core`` for an empty set)."""
    kinds = set(profiles.values())
    return kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "core")


def spec_for(name: str, profile: str) -> DatasetSpec | None:
    """The specification dataset ``name`` is checked against in ``profile``."""
    spec = DATASETS.get(name)
    if spec is None or profile == "full":
        return spec
    return spec.core_only()


def requested_profile(manifest: Mapping) -> str:
    """The profile to validate a frozen snapshot again with: the one its freeze was asked
    for (``profile_requested``; a manifest of contract 1.0 has only ``profile``)."""
    if "profile_requested" in manifest:
        return manifest["profile_requested"]
    profile = manifest.get("profile", "auto")
    return profile if profile in PROFILES else "auto"


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
        if v.allowed is not None and v.casefold:
            checks.append(_casefold_isin(v.allowed))
            names.append("allowed")
        elif v.allowed is not None:
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


def _casefold_isin(allowed: tuple[str, ...]) -> pa.Check:
    """Membership ignoring case (MedDRA SOC names: "GASTROINTESTINAL DISORDERS" is
    "Gastrointestinal disorders"); the value itself is kept as delivered."""
    folded = sorted({a.casefold() for a in allowed})

    def check(s: pd.Series) -> pd.Series:
        return s.astype(str).str.casefold().isin(folded)

    return pa.Check(check, name="isin_casefold")


MAX_TERMS_IN_MESSAGE = 8


def _message(var: Variable | None, rule: str, value: str, keys: tuple[str, ...] = ()) -> str:
    name = var.name if var else "?"
    if rule == "required":
        return f"{name} is required and missing"
    if rule == "allowed" and var is not None:
        allowed = var.allowed or ()
        terms = (", ".join(allowed) if len(allowed) <= MAX_TERMS_IN_MESSAGE
                 else f"one of its {len(allowed)} terms, listed in the contract")
        how = ", ignoring case" if var.casefold else ""
        return f"{value!r} is not an allowed value of {name} ({terms}{how})"
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
    cells = _Cells(df)
    messages: dict[tuple, str] = {}  # the same bad value gives the same message
    for rec in fc.to_dict("records"):
        col, check, idx = rec["column"], str(rec["check"]), rec["index"]
        row = None if idx is None or (isinstance(idx, float) and np.isnan(idx)) else int(idx)
        if check == "multiple_fields_uniqueness":
            if row is None or row in dup_rows:
                continue
            dup_rows.add(row)
            keyvals = " / ".join(fmt_value(cells.get(row, k)) for k in spec.keys)
            out.append(ContractError(name, row + 1, cells.usubjid(row), ", ".join(spec.keys),
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
        value = fmt_value(cells.get(row, col)) if row is not None and col in df.columns \
            else fmt_value(rec["failure_case"])
        key = (col, rule, value)
        if key not in messages:
            messages[key] = _message(var, rule, value)
        out.append(ContractError(name, None if row is None else row + 1, cells.usubjid(row),
                                 col, rule, value, messages[key]))
    return out


class _Cells:
    """Values of ``df`` by position, each column turned into an array once (a frame's
    ``.at`` costs microseconds a call: too much for 100,000 failure cases)."""

    def __init__(self, df: pd.DataFrame):
        self._df, self._cols = df, {}

    def get(self, row: int, col: str):
        arr = self._cols.get(col)
        if arr is None:
            arr = self._cols[col] = self._df[col].to_numpy(dtype=object)
        return arr[row]

    def usubjid(self, row: int | None) -> str | None:
        if row is None or "USUBJID" not in self._df.columns:
            return None
        return fmt_value(self.get(row, "USUBJID")) or None


def _usubjid(df: pd.DataFrame, row: int | None) -> str | None:
    if row is None or "USUBJID" not in df.columns:
        return None
    v = df.at[row, "USUBJID"]
    return None if fmt_value(v) == "" else fmt_value(v)


# --------------------------------------------------------------------------- helpers


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
    :func:`data_contract.dates.onset_not_before`); each AE with a missing or imputed
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
        expected = np.where(onset_not_before(df["ASTDT"], flags, ldst), "Y", "N")
        bad = df["TRTEMFL"].notna() & (df["TRTEMFL"] != expected)
        extra = {"_LD": ldst, "_LATEST": latest_possible_onset(df["ASTDT"], flags)}
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
        imputed = flags.isin(list(IMPUTATION_FLAGS)) & df["ASTDT"].notna()
        extra = {"_LATEST": latest_possible_onset(df["ASTDT"], flags)}
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
        fatal = pd.Series(False, index=df.index)
        if "AEOUT" in df.columns:
            fatal |= df["AEOUT"].isin(list(fatal_out))
        if "AESDTH" in df.columns:
            fatal |= df["AESDTH"].eq("Y")
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
    if flag in IMPUTATION_FLAGS:
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
             profile: str = "auto", codelists: Codelists | None = None,
             studyid: str | None = None, prior: Iterable[ContractError] = ()
             ) -> ValidationReport:
    """Validate ``datasets`` ({NAME: frame}) against the contract; see the module doc.

    ``codelists``: the meanings of the sponsor codelists, and ``studyid`` this study's
    STUDYID (both default to study.yml's). ``prior``: findings made before validation
    (by the mapping of a delivery), included in the report.

    Never raises for bad data: every problem is a :class:`ContractError` of the report.
    The datasets are checked one at a time in contract order (ADSL first: the
    cross-dataset rules of the others use it), and only ADSL's typed copy is
    kept, so a mapping that reads each dataset when asked (a snapshot's) holds
    one dataset in memory at a time.
    """
    if codelists is None or studyid is None:
        from data_contract.study import contract_config

        config = contract_config()
        codelists = codelists if codelists is not None else config.codelists
        studyid = studyid if studyid is not None else config.studyid
    keys = {str(k).upper(): k for k in datasets}
    found: list[ContractError] = list(prior)
    rows: dict[str, int] = {}
    variables: dict[str, int] = {}
    profiles: dict[str, str] = {}
    extensions: dict[str, list[str]] = {}
    adsl: pd.DataFrame | None = None
    adsl_ids: set | None = None
    infdt: dict = {}
    across = ConsistencyCheck(codelists)

    for name in DATASETS:
        if name in keys:
            continue
        if name == "ADSL" or profile == "full":
            why = ("every analysis starts from it" if name == "ADSL"
                   else "the full profile requires every dataset of the contract")
            found.append(ContractError(name, None, None, None, "missing_dataset", "",
                                       f"dataset {name} is absent ({why})"))
        else:
            found.append(ContractError(name, None, None, None, "absent_dataset", "",
                                       f"dataset {name} is absent: the displays that need "
                                       "it are not produced"))
    for name in _dataset_order(keys):
        raw = datasets[keys[name]]
        ds_profile = dataset_profile(name, raw, profile, studyid)
        spec = spec_for(name, ds_profile)
        df, errs = _dataset_errors(name, raw, spec, ds_profile, codelists)
        across.see(name, df, ds_profile)
        del raw
        rows[name], variables[name] = len(df), len(df.columns)
        found += errs
        if spec is not None:
            profiles[name] = ds_profile
            if name == "ADSL":
                adsl = df
                adsl_ids = set(df["USUBJID"].dropna()) if "USUBJID" in df else None
                infdt = (_subject_map(df, "INFDT")
                         if "INFDT" in df and _is_date(df["INFDT"]) else {})
            found += [e for e in _cross_dataset_errors(name, df, spec, adsl, adsl_ids, infdt,
                                                       cutoff, codelists)
                      if RULES[e.rule].scope != "full" or ds_profile == "full"]
            extensions[name] = _extensions_of(name, df, ds_profile)
        del df  # before the next dataset is read: one in memory at a time

    found += across.findings()  # rules across datasets (data_contract.consistency)
    found = sorted(set(found), key=_sort_key)
    return ValidationReport(
        findings=found,
        profile=resolve_profile(profiles),
        datasets=rows,
        cutoff=cutoff,
        extensions=([n for n in EXTENSION_DATASETS if n in keys]
                    + [x for n in CORE_DATASETS for x in extensions.get(n, [])]),
        variables=variables,
        profiles=profiles,
    )


def _dataset_errors(name: str, raw: pd.DataFrame, spec: DatasetSpec | None, profile: str,
                    codelists: Codelists) -> tuple[pd.DataFrame, list[ContractError]]:
    """The typed frame of one dataset and its own findings: unknown dataset, types,
    direct identifiers, missing and unknown variables and parameters, the pandera
    schema, sponsor codelists."""
    errors: list[ContractError] = []
    if spec is None:
        errors.append(ContractError(name, None, None, None, "unknown_dataset", name,
                                    f"dataset {name} is not part of the contract: kept in "
                                    "the snapshot as delivered, not analysed"))
    df, type_errors, bad_cells = _typed(name, raw, spec)
    errors += type_errors
    ident = rule_direct_identifiers(name, df, spec)
    errors += ident
    if spec is None:
        return df, errors
    ident_cols = {e.variable for e in ident}
    for v in spec.variables:
        needed = v.required or (profile == "full" and not v.permissible)
        if v.name not in df.columns and needed:
            errors.append(ContractError(name, None, None, v.name, "missing_variable", "",
                                        f"{name} lacks the variable {v.name} ({v.label}), "
                                        f"which its {profile} profile requires"))
    known = set(DATASETS[name].names)
    for col in df.columns:
        if col not in known and col not in ident_cols:
            errors.append(ContractError(name, None, None, str(col), "unknown_variable",
                                        str(col), f"{col} is not a variable of {name} in the "
                                                  "contract: kept as delivered"))
    errors += _unknown_parameters(name, df, profile)
    errors += [e for e in schema_errors(name, df, spec) if (e.row, e.variable) not in bad_cells]
    errors += rule_codelists(name, df, spec, codelists)
    return df, errors


def _unknown_parameters(name: str, df: pd.DataFrame, profile: str) -> list[ContractError]:
    """Another study's parameters (core profile) that the contract does not list: one
    note per dataset naming them (in the full profile they are ``allowed`` errors)."""
    full = DATASETS[name]
    if profile == "full" or "PARAMCD" not in full.names or "PARAMCD" not in df.columns:
        return []
    allowed = full.variable("PARAMCD").allowed
    if allowed is None:
        return []
    other = sorted(set(df["PARAMCD"].dropna().astype(str)) - set(allowed))
    if not other:
        return []
    return [ContractError(name, None, None, "PARAMCD", "unknown_parameter", ", ".join(other),
                          f"{len(other)} parameter(s) the contract does not list are kept, not "
                          f"analysed: {', '.join(other)}; map one to a contract parameter in "
                          f"the mapping file (parameters.{name}) to analyse it")]


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


def _cross_dataset_errors(name: str, df: pd.DataFrame, spec: DatasetSpec, adsl: pd.DataFrame | None,
                          adsl_ids: set | None, infdt: dict, cutoff: date | None,
                          codelists: Codelists | None = None) -> list[ContractError]:
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
        errors += rules_adae(df, adsl, codelists)
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
