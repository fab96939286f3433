"""Building blocks of a dataset specification.

A :class:`DatasetSpec` lists, for one dataset, every variable with its label,
type, whether it is required, its allowed values or range, and the dataset's
keys. Variables (and whole datasets) are marked ``core`` when they belong to
the CDISC ADaM standard core that any study's ADSL/ADAE carries; everything
else is an extension of this study (NCT06561009). A snapshot of another
study's standard ADaM is validated against the core only.

Specifications are plain data: the validator (:mod:`data_contract.validate`)
turns them into pandera schemas; the report prints them in its appendix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

VarType = Literal["str", "int", "float", "date"]


@dataclass(frozen=True)
class Variable:
    """One variable of a dataset.

    ``allowed`` is a closed list of controlled terms; ``range`` an inclusive
    (min, max) for numbers; ``pattern`` a regular expression a string must
    fully match; ``step`` a grid the value must lie on (e.g. 0.5 for EDSS).
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

    def variable(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(f"{self.name} has no variable {name!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    def core_only(self) -> DatasetSpec:
        """The standard-core subset of this specification."""
        return DatasetSpec(
            name=self.name,
            label=self.label,
            keys=self.keys,
            variables=tuple(v for v in self.variables if v.core),
            core=self.core,
            description=self.description,
        )


YN = ("Y", "N")

# Column names that would carry direct identifiers. Not accepted in any dataset.
DIRECT_IDENTIFIER_NAMES = (
    "NAME", "PATNAME", "SUBJNAME", "FNAME", "LNAME", "FIRSTNAME", "LASTNAME",
    "INITIALS", "SUBJINIT", "PATINIT", "BRTHDT", "BRTHDTC", "BIRTHDT", "DOB",
    "BIRTHDATE", "ADDRESS", "PHONE", "EMAIL", "MRN", "NATIONALID", "SSN",
)
