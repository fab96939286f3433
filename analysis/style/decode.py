"""Controlled terms as the report shows them (SAP 4: "controlled terms decoded to
their label in sentence or title case, never raw upper-case codes").

Values stay in the data (and in the ARD) as delivered; only what a table shows
is decoded, here and nowhere else:

- MedDRA system organ classes, which many sponsors store in upper case
  ("GASTROINTESTINAL DISORDERS"), match the contract's list of MedDRA SOC names
  whatever their case and show as MedDRA spells them;
- the CDISC controlled terms of race and ethnicity (codelists C74457, C66790)
  show in title case ("Black or African American").

Any other value shows as delivered: a preferred term has no list here to take
its spelling from, and guessing the case of one ("COVID-19") would invent text.
"""

from __future__ import annotations

from data_contract.specs.adae import MEDDRA_SOCS

CDISC_TERMS = {
    # RACE (C74457)
    "AMERICAN INDIAN OR ALASKA NATIVE": "American Indian or Alaska Native",
    "ASIAN": "Asian",
    "BLACK OR AFRICAN AMERICAN": "Black or African American",
    "NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER": "Native Hawaiian or Other Pacific Islander",
    "WHITE": "White",
    "MULTIPLE": "Multiple",
    # ETHNIC (C66790)
    "HISPANIC OR LATINO": "Hispanic or Latino",
    "NOT HISPANIC OR LATINO": "Not Hispanic or Latino",
    # both
    "OTHER": "Other",
    "UNKNOWN": "Unknown",
    "NOT REPORTED": "Not reported",
}
_SOCS = {soc.casefold(): soc for soc in MEDDRA_SOCS}


def term_label(value: str) -> str:
    """The label a table shows for a delivered value (see the module doc)."""
    text = str(value)
    return _SOCS.get(text.casefold()) or CDISC_TERMS.get(text) or text
