"""Controlled terms as the report shows them (SAP 4: "controlled terms decoded to
their label in sentence or title case, never raw upper-case codes").

Values stay in the data (and in the ARD) as delivered; only what people read is decoded,
by :func:`term_label` (tables, listings, figure legends, narratives):

- MedDRA system organ classes, which many sponsors store in upper case
  ("GASTROINTESTINAL DISORDERS"), match the contract's list of MedDRA SOC names
  whatever their case and show as MedDRA spells them;
- the code of a Y/N flag variable (:func:`is_flag`: AESER, DVIMPFL, PREFL, TEAEFL ...) by the configuration's ``decode.flags`` ("Y" -> "Yes"), when the caller says
  which variable the value is of (a table by its ARD ``variable``, a listing by the
  variables its columns show, :func:`shown_cells`);
- any other value by the study configuration's decode table and its one rule for values
  without an entry (:func:`study.decode.decode_term`: "NOT HISPANIC OR LATINO" -> "Not
  Hispanic or Latino", "RECOVERED/RESOLVED" -> "Recovered/resolved"; mixed case and
  identifiers as delivered);
- units in SAP 4 typography ("cells/uL" -> "cells/µL", "10^3/uL" -> "10³/µL"), visit and
  study-day labels with the minus sign ("Day -4" -> "Day −4", :func:`analysis.formats.day_text`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache

import pandas as pd

from analysis.formats import day_text, unit_text
from data_contract.spec import YN
from data_contract.specs import DATASETS
from data_contract.specs.adae import MEDDRA_SOCS
from study.decode import decode_term

_SOCS = {soc.casefold(): soc for soc in MEDDRA_SOCS}


@cache
def _contract_flags() -> frozenset[str]:
    return frozenset(v.name for spec in DATASETS.values() for v in spec.variables
                     if v.allowed is not None and tuple(v.allowed) == YN)


def is_flag(variable: str | None) -> bool:
    """Whether ``variable`` is a Y/N flag: typed Y/N in the data contract (AESER, DVIMPFL,
    RLGT24H ...) or named as ADaM names flags, ``*FL`` (the flags the analysis derives:
    WORSFL, RLCNTFL, TEAEFL)."""
    return variable is not None and (variable in _contract_flags() or variable.endswith("FL"))


def term_label(value: object, variable: str | None = None) -> str:
    """The label people read for a delivered value (see the module doc), units in SAP 4
    typography (:func:`analysis.formats.unit_text`: "cells/uL" -> "cells/µL") and
    negative study days with the minus sign (:func:`analysis.formats.day_text`)."""
    return _label(str(value), variable)


@lru_cache(maxsize=65536)   # a listing repeats its terms; each is decoded once
def _label(text: str, variable: str | None) -> str:
    label = _SOCS.get(text.casefold()) or decode_term(
        text, variable, flag=is_flag(variable))
    return day_text(unit_text(label))


def shown_cells(text: pd.DataFrame, variables: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A listing's cell texts (:func:`analysis.formats.listing_text`) as people read them:
    each cell by :func:`term_label`, a column named in ``variables`` (column label ->
    the variable it shows, e.g. "Sex" -> SEX, "Important" -> DVIMPFL) as a value of that
    variable. The listing's ARD and CSV keep the delivered text."""
    variables = variables or {}
    out = text.copy()
    for col in out.columns:
        var = variables.get(str(col))
        out[col] = [term_label(v, var) for v in out[col]]
    return out
