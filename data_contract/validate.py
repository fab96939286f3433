"""Validate a set of datasets against the data contract, collecting every finding.

Every finding is an error (blocks freeze), a warning (recorded in the manifest and
printed in the report's appendix) or a note (lawful input the analysis does not
use); the severity of each rule is in the rule table, :mod:`data_contract.rules`,
which the appendix prints.

Profiles, per dataset: each dataset present is checked against its own
specification (:mod:`data_contract.specs`). A dataset is checked in the ``full``
profile -- every variable of its specification, this study's terms (visit names,
parameters, dose levels) and keys -- when it is this study's: a dataset only this
study has (ADRELAP, ADEDSS, ADVA, ADMRI, ADDV), one that holds an extension variable of
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
  :mod:`study.onset`); a grade or severity; a fatal event is grade 5;
  a warning per record with a missing or imputed onset date;
- ADLB/ADPC/ADVA row rules listed in their specifications;
- no direct identifiers, from an explicit list of column names
  (:data:`data_contract.spec.DIRECT_IDENTIFIER_NAMES`) [``direct_identifier``].

Variables and datasets the contract does not list are kept and listed as notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

from data_contract.codelists import Codelists
from data_contract.consistency import ConsistencyCheck
from data_contract.findings import (
    FINDING_COLUMNS,
    ContractError,
    ValidationReport,
    _dataset_order,
    _sort_key,
    fmt_value,
)
from data_contract.profiles import (
    CORE_DATASETS,
    EXTENSION_DATASETS,
    PROFILES,
    _extensions_of,
    dataset_profile,
    requested_profile,
    resolve_profile,
    spec_for,
)
from data_contract.readers import coerce_series
from data_contract.row_rules import (
    STUDY_DAY_PAIRS,
    _is_date,
    _subject_map,
    rule_after_cutoff,
    rule_codelists,
    rule_direct_identifiers,
    rule_study_days,
    rule_subject_in_adsl,
    rules_adae,
    rules_adlb,
    rules_adpc,
    rules_adsl,
    rules_adva,
)
from data_contract.rules import RULES
from data_contract.schema import _usubjid, build_schema, schema_errors
from data_contract.spec import DatasetSpec
from data_contract.specs import DATASETS

# The parts of a validation, one module each (this module runs them): the findings
# (data_contract.findings), the profile of each dataset (data_contract.profiles), the
# pandera schema (data_contract.schema) and the rules over rows and datasets
# (data_contract.row_rules). Their public names are importable from here, as before.
__all__ = ["CORE_DATASETS", "EXTENSION_DATASETS", "FINDING_COLUMNS", "PROFILES",
           "STUDY_DAY_PAIRS", "ContractError", "ValidationReport", "build_schema",
           "dataset_profile", "fmt_value", "requested_profile", "resolve_profile",
           "schema_errors", "spec_for", "validate"]



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
