"""Mapping files: translate a delivery into the contract's terms at freeze.

Sponsors name things differently: EDSS in ADQS with PARAMCD "EDSS", labs in two
files ADLBC and ADLBH, neutrophils as PARAMCD "NEUT" instead of "ANC", in 10^9/L
instead of cells/µL, causality as PROBABLE / POSSIBLE / REMOTE / NONE. A mapping
file (YAML, part of the study configuration: study.yml ``mapping`` names the
delivery's, ``freeze --mapping FILE`` gives another) says how; freeze applies it
before validation and records the mapping and its SHA-256 in the manifest.

Keys (every one optional; anything else is refused, so a typo is not ignored)::

    description: text          # what delivery this maps, and why each entry is lawful
    datasets:                  # contract dataset <- delivered dataset(s)
      ADLB: [ADLBC, ADLBH]     #   stacked in this order (the sources are consumed)
      ADEDSS: {from: ADQS, paramcd: [EDSS]}   # only these rows (ADQS is kept as delivered)
    parameters:                # per contract dataset: delivered PARAMCD -> contract's
      ADLB:
        NEUT: {paramcd: ANC, unit: "10^9/L", factor: 1000}
        PLAT: {unit: "10^9/L", factor: 1}     # same code, values already in 10^3/uL
    codelists:                 # meanings of the delivery's own codelist values
      AREL: {related: [PROBABLE, POSSIBLE], not_related: [REMOTE, NONE]}

A mapped parameter's rows take the contract's PARAMCD and, from the contract's
parameter table, its PARAM, PARCAT1 and unit (AVALU). With ``factor``, the values
in the parameter's unit -- AVAL, BASE, CHG, ANRLO, ANRHI, A1LO, A1HI, LLOQ, ALLOQ
where present, and AVALC when it holds a number -- are multiplied by it: ``unit``
is the delivered unit the factor converts from, and a delivered AVALU that says
otherwise is an error (rule ``mapping_unit``). Ratios (PCHG, R2BASE) and the
SDTM copies of the result (LBSTRESN, LBSTRESU, ...) are kept as delivered. An
entry that matches nothing is a note (``mapping_unused``). Nothing else is
changed: a mapping renames, selects and converts; it never derives a value the
delivery does not hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from data_contract.codelists import CodelistError, Codelists
from data_contract.specs import DATASETS
from data_contract.specs.adlb import ADLB_PARAMS
from data_contract.specs.admri import ADMRI_PARAMS
from data_contract.specs.adpc import ADPC_PARAMS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEYS = ("description", "datasets", "parameters", "codelists")
# Columns holding a value in the parameter's unit (converted with the factor).
VALUE_COLUMNS = ("AVAL", "BASE", "CHG", "ANRLO", "ANRHI", "A1LO", "A1HI", "LLOQ", "ALLOQ")
# The contract's parameters: dataset -> PARAMCD -> the values a mapped row takes.
PARAMETER_TABLES: dict[str, dict[str, dict[str, str]]] = {
    "ADLB": {cd: {"PARAM": p, "PARCAT1": c, "AVALU": u} for cd, (p, c, u) in ADLB_PARAMS.items()},
    "ADPC": {cd: {"PARAM": p, "AVALU": u} for cd, (p, u) in ADPC_PARAMS.items()},
    "ADMRI": {cd: {"PARAM": p} for cd, p in ADMRI_PARAMS.items()},
    "ADEDSS": {"EDSS": {}},
}


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class DatasetAlias:
    target: str
    sources: tuple[str, ...]
    paramcd: tuple[str, ...] | None = None  # keep only these rows of the sources


@dataclass(frozen=True)
class ParameterMap:
    dataset: str
    source: str  # the delivered PARAMCD
    target: str  # the contract's PARAMCD
    unit: str | None = None  # the delivered unit the factor converts from
    factor: float | None = None


@dataclass(frozen=True)
class MappingFile:
    """A parsed mapping file; ``name`` is how the manifest and messages cite it."""

    name: str
    sha256: str
    raw: dict
    datasets: tuple[DatasetAlias, ...] = ()
    parameters: tuple[ParameterMap, ...] = ()
    codelists: Codelists = field(default_factory=Codelists)

    def record(self, applied: Mapping[str, int]) -> dict:
        """For the manifest: the file, its SHA-256, its content and the rows each entry
        changed."""
        return {"file": self.name, "sha256": self.sha256, "content": self.raw,
                "applied": dict(sorted(applied.items()))}


def cite(path: Path) -> str:
    """A path as outputs name it: relative to the project when inside it (no absolute
    path in a manifest), else the file name."""
    path = Path(path).resolve()
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.name


def load_mapping(path: str | Path) -> MappingFile:
    """Read and check a mapping file (see the module doc); :class:`MappingError` names
    the first problem."""
    path = Path(path)
    name = cite(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MappingError(f"mapping file {path} cannot be read: {exc}") from exc
    try:
        raw = yaml.safe_load(data) or {}
    except yaml.YAMLError as exc:
        raise MappingError(f"mapping file {name} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise MappingError(f"mapping file {name} must be a YAML mapping of {', '.join(KEYS)}")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise MappingError(f"mapping file {name}: unknown key(s) {', '.join(unknown)} "
                           f"(allowed: {', '.join(KEYS)})")
    try:
        codelists = Codelists.from_config(raw.get("codelists"), source=name)
    except CodelistError as exc:
        raise MappingError(str(exc)) from exc
    return MappingFile(name=name, sha256=hashlib.sha256(data).hexdigest(), raw=raw,
                       datasets=_aliases(name, raw.get("datasets") or {}),
                       parameters=_parameters(name, raw.get("parameters") or {}),
                       codelists=codelists)


def _names(value, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value.upper(),)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(v.upper() for v in value)
    raise MappingError(f"{where} must be a dataset name or a list of them")


def _aliases(name: str, raw) -> tuple[DatasetAlias, ...]:
    if not isinstance(raw, dict):
        raise MappingError(f"mapping file {name}: datasets must map contract datasets to "
                           "delivered ones")
    out = []
    for target, value in raw.items():
        target = str(target).upper()
        where = f"mapping file {name}: datasets.{target}"
        if target not in DATASETS:
            raise MappingError(f"{where}: {target} is not a dataset of the contract "
                               f"({', '.join(DATASETS)})")
        if isinstance(value, dict):
            extra = sorted(set(value) - {"from", "paramcd"})
            if extra or "from" not in value:
                raise MappingError(f"{where} takes 'from' (and optionally 'paramcd')")
            codes = value.get("paramcd")
            if codes is not None and (not isinstance(codes, list) or not codes):
                raise MappingError(f"{where}.paramcd must be a list of PARAMCD values")
            out.append(DatasetAlias(target, _names(value["from"], f"{where}.from"),
                                    tuple(str(c) for c in codes) if codes else None))
        else:
            out.append(DatasetAlias(target, _names(value, where)))
    return tuple(out)


def _parameters(name: str, raw) -> tuple[ParameterMap, ...]:
    if not isinstance(raw, dict):
        raise MappingError(f"mapping file {name}: parameters must map contract datasets to "
                           "their parameter maps")
    out = []
    for dataset, entries in raw.items():
        dataset = str(dataset).upper()
        table = PARAMETER_TABLES.get(dataset)
        if table is None:
            raise MappingError(f"mapping file {name}: parameters.{dataset}: the contract has no "
                               f"parameter table for {dataset} ({', '.join(PARAMETER_TABLES)})")
        if not isinstance(entries, dict):
            raise MappingError(f"mapping file {name}: parameters.{dataset} must map delivered "
                               "PARAMCD values to their contract parameter")
        for source, entry in entries.items():
            where = f"mapping file {name}: parameters.{dataset}.{source}"
            entry = entry or {}
            if not isinstance(entry, dict) or set(entry) - {"paramcd", "unit", "factor"}:
                raise MappingError(f"{where} takes paramcd, unit and factor")
            target = str(entry.get("paramcd", source))
            if target not in table:
                raise MappingError(f"{where}: {target} is not a parameter of {dataset} in the "
                                   f"contract ({', '.join(table)})")
            factor = entry.get("factor")
            unit = entry.get("unit")
            if factor is not None:
                if isinstance(factor, bool) or not isinstance(factor, int | float) \
                        or not np.isfinite(factor) or factor <= 0:
                    raise MappingError(f"{where}.factor must be a positive number, not "
                                       f"{factor!r}")
                if not unit:
                    raise MappingError(f"{where}: a factor needs the unit it converts from "
                                       "(unit: ...)")
            out.append(ParameterMap(dataset, str(source), target,
                                    str(unit) if unit else None,
                                    float(factor) if factor is not None else None))
    return tuple(out)


def apply_mapping(datasets: Mapping[str, pd.DataFrame], mapping: MappingFile
                  ) -> tuple[dict[str, pd.DataFrame], list, dict[str, int]]:
    """The datasets translated by ``mapping``, the findings of the translation
    (``mapping_unit`` errors, ``mapping_unused`` notes) and the rows each entry
    changed. Pure: the input frames are not modified."""
    from data_contract.validate import ContractError

    out = {str(k).upper(): v for k, v in datasets.items()}
    findings: list[ContractError] = []
    applied: dict[str, int] = {}
    for alias in mapping.datasets:
        key = f"datasets.{alias.target}"
        present = [s for s in alias.sources if s in out]
        if not present:
            findings.append(ContractError(alias.target, None, None, None, "mapping_unused", key,
                                          f"{key} of {mapping.name}: no delivered dataset "
                                          f"{', '.join(alias.sources)}"))
            continue
        if alias.target in out and alias.target not in alias.sources:
            raise MappingError(f"{key} of {mapping.name}: {alias.target} is delivered itself "
                               f"and also mapped from {', '.join(present)}")
        parts = []
        for s in present:
            df = out[s]
            if alias.paramcd is not None:
                df = df.loc[df["PARAMCD"].isin(alias.paramcd)] if "PARAMCD" in df else df.iloc[:0]
            parts.append(df)
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else \
            parts[0].reset_index(drop=True)
        if alias.paramcd is None:
            for s in present:
                del out[s]
        out[alias.target] = frame
        applied[key] = len(frame)
    for pm in mapping.parameters:
        key = f"parameters.{pm.dataset}.{pm.source}"
        df = out.get(pm.dataset)
        rows = (df["PARAMCD"] == pm.source).fillna(False).to_numpy(dtype=bool) \
            if df is not None and "PARAMCD" in df.columns else np.zeros(0, dtype=bool)
        if not rows.any():
            findings.append(ContractError(pm.dataset, None, None, "PARAMCD", "mapping_unused",
                                          pm.source, f"{key} of {mapping.name}: no row has "
                                                     f"PARAMCD {pm.source!r}"))
            continue
        out[pm.dataset], errs = _map_parameter(df, rows, pm, mapping.name)
        findings += errs
        applied[key] = int(rows.sum())
    return out, findings, applied


def _map_parameter(df: pd.DataFrame, rows: np.ndarray, pm: ParameterMap, source: str):
    """Rows ``rows`` of ``df`` as the contract's parameter ``pm.target`` (see module doc)."""
    from data_contract.row_rules import _row_errors

    df = df.reset_index(drop=True).copy()
    findings = []
    if pm.factor is not None and "AVALU" in df.columns:
        delivered = df["AVALU"].astype(object)
        bad = pd.Series(rows) & delivered.notna() & (delivered != pm.unit)
        findings += _row_errors(pm.dataset, df, bad, "AVALU", "mapping_unit",
                                lambda r: f"AVALU {r['AVALU']!r} of PARAMCD {pm.source} is not "
                                          f"{pm.unit!r}, the unit parameters.{pm.dataset}."
                                          f"{pm.source} of {source} converts from")
    if pm.factor is not None and pm.factor != 1:
        for col in VALUE_COLUMNS:
            if col in df.columns and pd.api.types.is_numeric_dtype(df[col].dtype):
                df[col] = df[col].astype("float64")
                df.loc[rows, col] = df.loc[rows, col] * pm.factor
        if "AVALC" in df.columns:
            df["AVALC"] = df["AVALC"].astype(object)
            text = df.loc[rows, "AVALC"]
            number = pd.to_numeric(text, errors="coerce")
            conv = number.notna()
            df.loc[text.index[conv], "AVALC"] = [format(v * pm.factor, ".12g")
                                                for v in number[conv]]
    df.loc[rows, "PARAMCD"] = pm.target
    for col, value in PARAMETER_TABLES[pm.dataset][pm.target].items():
        if col not in df.columns:
            df[col] = pd.Series([None] * len(df), dtype=object)
        df[col] = df[col].astype(object)
        df.loc[rows, col] = value
    return df, findings
