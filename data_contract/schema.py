"""The pandera schema of a dataset specification and its failures as findings: types,
required values, allowed values, ranges, patterns, the step grid and unique keys."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from data_contract.findings import ContractError, fmt_value
from data_contract.spec import DatasetSpec, Variable


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
