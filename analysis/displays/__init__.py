"""One module per display of SAP section 5, named by display number
(``T14.3.1`` -> ``t14_3_1.py``), as in the R Consortium submission pilots.

Each module walks the same steps (load, derive, summarise, format) and exposes
``ard(data, config, **options) -> pd.DataFrame`` returning the display's ARD
(:mod:`analysis.ard`). Figure modules also expose ``figure(data, config,
**options) -> matplotlib.figure.Figure``; listing modules ``listing(data, config,
**options) -> pd.DataFrame`` (the rows as shown; for listings the published
ARD is the listing itself in long form).

:func:`build_ard` is the one call that returns any display's ARD.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pandas as pd

from analysis import ard as ard_mod
from analysis.catalogue import get
from analysis.config import StudyConfig, load_config
from analysis.data import StudyData


def module_for(display_id: str) -> ModuleType:
    get(display_id)  # raises for an unknown id
    name = display_id.lower().replace(".", "_")
    return importlib.import_module(f"analysis.displays.{name}")


def build_ard(display_id: str, data: StudyData, config: StudyConfig | None = None,
              **options) -> pd.DataFrame:
    """The ARD of one display (``options`` e.g. ``group_var='TRT01A'``)."""
    config = config or load_config()
    result = module_for(display_id).ard(data, config, **options)
    return ard_mod.check(result, display_id)
