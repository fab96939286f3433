"""The findings of a validation: :class:`ContractError` (one finding) and
:class:`ValidationReport` (all findings of a run, their counts and the datasets checked)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from data_contract import CONTRACT_VERSION
from data_contract.rules import SEVERITIES, severity_of
from data_contract.specs import DATASETS


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
