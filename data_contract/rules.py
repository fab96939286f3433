"""The rule table of the data contract: every rule the validator applies, with its
severity, where it applies and what it checks. The report's appendix prints it.

Severities:

- ``error``: blocks freeze. The analysis would be wrong or impossible (a value of
  the wrong type, a grade outside 1-5, an AE of a participant not in ADSL, a
  direct identifier).
- ``warning``: the data are frozen; the finding is recorded in manifest.json and
  printed in the report's appendix (an imputed AE onset date, a sponsor codelist
  value without a configured meaning).
- ``note``: information about lawful input the analysis does not use (a variable
  or dataset the contract does not list, kept as delivered).

Scope: ``all`` rules apply to every dataset that holds their variables; ``full``
rules only to this study's datasets (the ``full`` profile,
:func:`data_contract.validate.dataset_profile`); ``mapping`` rules to a delivery
translated by a mapping file (:mod:`data_contract.mapping`).

Each rule is implemented once, in :mod:`data_contract.validate` (or
:mod:`data_contract.mapping`, or :mod:`data_contract.consistency` for the rules
across datasets) under the same id; a finding's severity is looked up
here, never set where the finding is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "note")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    scope: Literal["all", "full", "mapping"]
    description: str


_RULES = (
    # --- structure ---
    Rule("missing_dataset", "error", "all",
         "ADSL is absent (every analysis starts from it), or, with --profile full, any "
         "dataset of the contract is absent."),
    Rule("absent_dataset", "note", "all",
         "A dataset of the contract is absent; the displays that need it state so."),
    Rule("unknown_dataset", "note", "all",
         "A dataset the contract does not list; kept in the snapshot as delivered."),
    Rule("missing_variable", "error", "all",
         "A variable the dataset's profile requires is absent (full profile: every "
         "variable of the specification except permissible ones)."),
    Rule("unknown_variable", "note", "all",
         "Variables the contract does not list (ARM, COUNTRY, AGEGR1, ...); kept as "
         "delivered, listed once per dataset."),
    Rule("unknown_parameter", "note", "all",
         "PARAMCD values of another study's dataset that the contract does not list; "
         "kept, not analysed. Map them in the mapping file to use them."),
    Rule("direct_identifier", "error", "all",
         "A column of the explicit list of direct identifiers (names, initials, birth "
         "dates, contact details, record numbers); drop it at freeze with --drop COLUMN."),
    # --- values ---
    Rule("type", "error", "all", "A value that cannot be read as its variable's type."),
    Rule("required", "error", "all", "A required variable has a missing value."),
    Rule("allowed", "error", "all",
         "A value outside the variable's controlled terms (MedDRA SOC names "
         "case-insensitively; this study's terms in the full profile only)."),
    Rule("range", "error", "all", "A number outside the variable's range."),
    Rule("pattern", "error", "all", "Text that does not match the variable's pattern."),
    Rule("step", "error", "all", "A number off the variable's grid (EDSS in steps of 0.5)."),
    Rule("unique_key", "error", "all",
         "Two rows with the same key (ADSL: USUBJID; ADAE: USUBJID, AESEQ; this study's "
         "datasets: their specification's keys)."),
    Rule("codelist_unmapped", "warning", "all",
         "A value of a sponsor codelist (AREL, AESEV, AEOUT, AEACN) without a meaning in "
         "the configuration (study.yml codelists or the mapping file); displays that need "
         "it say which value is unmapped."),
    # --- across rows and datasets ---
    Rule("subject_in_adsl", "error", "all", "A participant of a dataset is not in ADSL."),
    Rule("after_cutoff", "error", "all",
         "A date after the cut-off (SAP 1: a cut-off keeps only records on or before it)."),
    Rule("study_day", "error", "all",
         "A study day that disagrees with its date: day = date - INFDT (SAP 3, infusion "
         "day = Day 0), where ADSL has INFDT."),
    Rule("ADSL.lymphodepletion_before_infusion", "error", "all",
         "Lymphodepletion starts on or before the infusion (LDSTDT <= INFDT)."),
    Rule("ADSL.flags_consistent_with_dates", "error", "all",
         "SAP 2 analysis sets: INFFL=Y iff INFDT, SAFFL=Y iff LDSTDT, DLTEVLFL=Y only if "
         "INFFL=Y."),
    Rule("ADSL.death_consistent", "error", "all", "DTHFL=Y iff DTHDT is given."),
    Rule("ADSL.dates_ordered", "error", "all",
         "Consent <= enrolment <= lymphodepletion; first <= last exposure; enrolment <= end "
         "of study; last known alive <= death."),
    Rule("ADSL.end_of_study_consistent", "error", "all",
         "End-of-study status agrees with its date and reason."),
    Rule("ADAE.end_not_before_start", "error", "all", "An AE does not end before it starts."),
    Rule("ADAE.trtemfl_consistent_with_dates", "error", "all",
         "TRTEMFL=Y iff the onset cannot be placed before the start of lymphodepletion "
         "(SAP 3; a missing or partial onset counts as treatment-emergent)."),
    Rule("ADAE.grade_or_severity_present", "error", "all",
         "Each AE has a toxicity grade (AETOXGR) or a severity (AESEV)."),
    Rule("ADAE.fatal_is_grade_5", "error", "all", "A fatal AE has grade 5."),
    Rule("ADAE.onset_date_missing", "warning", "all",
         "An AE without an onset date (ASTDT); counted as treatment-emergent (SAP 3)."),
    Rule("ADAE.onset_date_imputed", "warning", "all",
         "An AE whose onset date was imputed (ASTDTF D, M or Y); treatment-emergent "
         "unless the latest date it can stand for precedes lymphodepletion (SAP 3)."),
    Rule("ADLB.param_consistent", "error", "all",
         "PARAM, PARCAT1 and AVALU agree with a PARAMCD of the contract (its unit is the "
         "one the analysis grades in; convert others in the mapping file)."),
    Rule("ADLB.aval_or_avalc", "error", "full", "A lab row has AVAL or AVALC."),
    Rule("ADPC.blq_consistent", "error", "all",
         "BLQFL=Y iff AVAL is missing with AVALC 'BLQ' (SAP 3, CAR-T kinetics)."),
    Rule("ADVA.result_matches_format", "error", "all",
         "VAORRES has the form its recording format VAFMT requires."),
    # --- across datasets (data_contract.consistency) ---
    Rule("consistency.lab_ae_grade", "warning", "full",
         "The worst grade of a cytopenia AE (ADAE) differs from the worst CTCAE v5.0 grade "
         "of its laboratory parameter (ADLB) from lymphodepletion on, or ADLB reaches "
         "grade 3 without the AE (SAP 3, Cytopenias)."),
    Rule("consistency.crs_vital_signs", "warning", "full",
         "A CRS event whose vital signs (ADVS) show no fever >= 38.0 C or define another "
         "ASTCT 2019 grade than AETOXGR (SAP 3, CRS; SAP 5, ADVS)."),
    Rule("ADAE.dlt_meets_no_criterion", "warning", "full",
         "An event flagged as a DLT that meets none of the DLT criteria of study.yml "
         "(SAP 3, DLT)."),
    # --- mapping ---
    Rule("mapping_unit", "error", "mapping",
         "A delivered unit (AVALU) differs from the unit the mapping converts from."),
    Rule("mapping_unused", "note", "mapping",
         "A mapping entry that matched nothing in the delivery."),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}


def severity_of(rule: str) -> Severity:
    """The severity of ``rule`` (KeyError for a rule that is not in the table)."""
    return RULES[rule].severity
