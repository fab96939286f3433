"""One specification per dataset of the contract (see :mod:`data_contract.spec`).

``DATASETS`` is ordered as the report's appendix prints them. ADSL and ADAE are
``core`` datasets (as are ADEX, ADCM, ADLB, ADVS and ADPC): a snapshot of another study's standard ADaM may hold only
those two and is validated against their core variables.
"""

from __future__ import annotations

from data_contract.spec import DatasetSpec
from data_contract.specs.adae import ADAE
from data_contract.specs.adcm import ADCM
from data_contract.specs.addv import ADDV
from data_contract.specs.adedss import ADEDSS
from data_contract.specs.adex import ADEX
from data_contract.specs.adlb import ADLB
from data_contract.specs.admri import ADMRI
from data_contract.specs.adpc import ADPC
from data_contract.specs.adrelap import ADRELAP
from data_contract.specs.adsl import ADSL
from data_contract.specs.adva import ADVA
from data_contract.specs.advs import ADVS

DATASETS: dict[str, DatasetSpec] = {
    s.name: s for s in (ADSL, ADAE, ADEX, ADCM, ADLB, ADVS, ADPC, ADRELAP, ADEDSS, ADVA,
                        ADMRI, ADDV)
}

__all__ = ["DATASETS"]
