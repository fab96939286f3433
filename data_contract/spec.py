"""Building blocks of a dataset specification.

A :class:`DatasetSpec` lists, for one dataset, every variable with its label,
type, whether it is required, its allowed values or range, and the dataset's
keys. Three kinds of variable:

- ``core``: a standard CDISC ADaM/SDTM variable (name and meaning as the ADaM
  Implementation Guide has them). Checked in every dataset that holds it.
- ``core`` with ``study_terms``: a standard variable whose allowed values,
  range or requiredness here are this study's (the visit names, the lab
  parameters, the dose levels...). Another study's dataset is checked for the
  variable's type only.
- not ``core``: an extension of this study (NCT06561009), e.g. ADSL.INFDT or
  ADAE.DLTFL. A dataset that holds one is this study's and is checked against
  its whole specification (the ``full`` profile).

Datasets are ``core`` when the ADaM standard has them (ADSL, ADAE, ADEX, ADCM,
ADLB, ADPC); the others (ADRELAP, ADEDSS, ADVA, ADMRI, ADDV) exist only in this
study. How a dataset's profile is chosen: :mod:`data_contract.validate`.

A variable with a ``codelist`` holds a sponsor codelist (causality, severity,
outcome, action taken): its values are data, their meaning (which count as
related, severe, fatal) is configuration (``codelists`` in study.yml and in a
delivery's mapping file, :mod:`data_contract.codelists`).

Specifications are plain data: the validator (:mod:`data_contract.validate`)
turns them into pandera schemas; the report prints them in its appendix.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

VarType = Literal["str", "int", "float", "date"]


@dataclass(frozen=True)
class Variable:
    """One variable of a dataset.

    ``allowed`` is a closed list of controlled terms (matched case-insensitively
    when ``casefold``, as MedDRA SOC names are; values are kept as delivered);
    ``range`` an inclusive (min, max) for numbers; ``pattern`` a regular
    expression a string must fully match; ``step`` a grid the value must lie on
    (e.g. 0.5 for EDSS). ``study_terms``: ``required``, ``allowed``, ``range``
    and ``step`` are this study's, checked only in the ``full`` profile.
    ``permissible``: may be absent even in the ``full`` profile. ``codelist``:
    the name of the sponsor codelist the values belong to (see the module doc).
    ``core_type``: the type another study's values must have where this study's
    is narrower (AVISITN: any number in ADaM, a whole study day here).
    """

    name: str
    label: str
    type: VarType
    required: bool = False
    core: bool = False
    allowed: tuple[str, ...] | None = None
    range: tuple[float, float] | None = None
    pattern: str | None = None
    step: float | None = None
    unit: str | None = None
    casefold: bool = False
    study_terms: bool = False
    permissible: bool = False
    codelist: str | None = None
    core_type: VarType | None = None


@dataclass(frozen=True)
class DatasetSpec:
    """The specification of one dataset (name, label, keys, variables)."""

    name: str
    label: str
    keys: tuple[str, ...]
    variables: tuple[Variable, ...]
    core: bool = False
    description: str = ""
    # Rules that span rows of the dataset, documented for the appendix; the
    # validator implements each one under the same rule id.
    row_rules: tuple[str, ...] = field(default_factory=tuple)
    # Keys checked in the core profile too (another study's dataset); ``keys`` are
    # this study's and checked in the full profile only. None: no key in core.
    core_keys: tuple[str, ...] | None = None

    def variable(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(f"{self.name} has no variable {name!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    @property
    def extension_names(self) -> tuple[str, ...]:
        """This study's own variables (not ``core``)."""
        return tuple(v.name for v in self.variables if not v.core)

    def core_only(self) -> DatasetSpec:
        """The specification another study's dataset is checked against: the core
        variables, with this study's terms (``study_terms``) reduced to the type, and
        the core keys."""
        return DatasetSpec(
            name=self.name,
            label=self.label,
            keys=self.core_keys or (),
            variables=tuple(_core_view(v) for v in self.variables if v.core),
            core=self.core,
            description=self.description,
            row_rules=self.row_rules,
            core_keys=self.core_keys,
        )


def _core_view(v: Variable) -> Variable:
    if not v.study_terms:
        return v
    return replace(v, required=False, allowed=None, range=None, step=None,
                   study_terms=False, type=v.core_type or v.type)


YN = ("Y", "N")

# Column names that carry a participant's direct identifiers (HIPAA Safe Harbor and
# EMA Policy 0070: names, initials, full birth dates, contact details, record and
# national numbers). An explicit list, matched on the whole upper-cased name: no
# pattern, so the ADaM variables that end in NAM (CQ01NAM, SMQ01NAM, PCNAM ...) are
# never taken for a person's name. A delivered column of this list is refused; the
# option ``--drop COLUMN`` of freeze removes it, and the manifest records that.
DIRECT_IDENTIFIER_NAMES = (
    "NAME", "FULLNAME", "PATNAME", "PATIENTNAME", "PATIENT_NAME", "SUBJNAME",
    "SUBJECTNAME", "FNAME", "LNAME", "MNAME", "FIRSTNAME", "LASTNAME", "MIDNAME",
    "FIRST_NAME", "LAST_NAME", "MAIDNAME",
    "INITIALS", "SUBJINIT", "PATINIT",
    "BRTHDT", "BRTHDTC", "BRTHDTM", "BIRTHDT", "BIRTHDTC", "BIRTHDATE", "DOB",
    "ADDRESS", "STREET", "ZIPCODE", "POSTCODE", "PHONE", "TELEPHONE", "MOBILE",
    "EMAIL", "MRN", "HOSPNUM", "NATIONALID", "NATID", "SSN", "PASSPORT", "IDCARD",
)
