"""Prior and concomitant medications (SAP 5, T14.1.7).

ADCM flags, as the contract defines them (``data_contract.specs.adcm``; ADaM OCCDS),
relative to the start of lymphodepletion: a prior medication (PREFL = "Y") was started
before it; a concomitant medication (ONTRTFL = "Y") was taken on or after it. A course
spanning the start is both, and is counted in both blocks. Medications are classed by
ATC class (CMCLAS) and standardised name (CMDECOD).
"""

from __future__ import annotations

import pandas as pd

from analysis.frames import require_columns

PERIOD_FLAGS = ("PREFL", "ONTRTFL")


def medications_in_period(adcm: pd.DataFrame, flag: str) -> pd.DataFrame:
    """The ADCM records with ``flag`` (PREFL or ONTRTFL) = "Y", in input order."""
    if flag not in PERIOD_FLAGS:
        raise ValueError(f"medications_in_period: flag must be one of {PERIOD_FLAGS}, "
                         f"not {flag!r}")
    require_columns(adcm, ("USUBJID", "CMCLAS", "CMDECOD", flag), "ADCM",
                    where="medications_in_period")
    return adcm[adcm[flag].astype(str).str.upper() == "Y"]
