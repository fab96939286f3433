"""Controlled terms as the report shows them (SAP 4: "controlled terms decoded to
their label in sentence or title case, never raw upper-case codes").

Values stay in the data (and in the ARD) as delivered; only what people read is decoded,
by :func:`term_label` (tables, listings, figure legends, narratives):

- MedDRA system organ classes, which many sponsors store in upper case
  ("GASTROINTESTINAL DISORDERS"), match the contract's list of MedDRA SOC names
  whatever their case and show as MedDRA spells them;
- any other value by the study configuration's decode table and its one rule for values
  without an entry (:func:`study.decode.decode_term`: "NOT HISPANIC OR LATINO" -> "Not
  Hispanic or Latino", "RECOVERED/RESOLVED" -> "Recovered/resolved"; mixed case and
  identifiers as delivered);
- units in SAP 4 typography ("cells/uL" -> "cells/µL", "10^3/uL" -> "10³/µL").
"""

from __future__ import annotations

import pandas as pd

from analysis.formats import unit_text
from data_contract.specs.adae import MEDDRA_SOCS
from study.decode import decode_term

_SOCS = {soc.casefold(): soc for soc in MEDDRA_SOCS}


def term_label(value: object, variable: str | None = None) -> str:
    """The label people read for a delivered value (see the module doc), units in SAP 4
    typography (:func:`analysis.formats.unit_text`: "cells/uL" -> "cells/µL")."""
    text = str(value)
    return unit_text(_SOCS.get(text.casefold()) or decode_term(text, variable))


def shown_cells(text: pd.DataFrame) -> pd.DataFrame:
    """A listing's cell texts (:func:`analysis.formats.listing_text`) as people read them:
    each cell by :func:`term_label`. The listing's ARD and CSV keep the delivered text."""
    return text.map(term_label)
