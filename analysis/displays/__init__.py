"""One module per display of SAP section 5, named by display number
(``T14.3.1`` -> ``t14_3_1.py``), as in the R Consortium submission pilots.

Each module walks the same steps (population, derive, summarise) and declares
itself once, at its end, in the display registry (:mod:`analysis.displays.registry`):
``DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)`` (figures add
``figure=``, listings ``listing=``). The catalogue (:mod:`analysis.catalogue`) holds
its number, title, analysis set, chapter and datasets.

:func:`build_ard` is the one call that returns any display's ARD.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig, load_config
from analysis.data import StudyData
from analysis.displays.registry import DisplaySpec, registered, spec
from analysis.sets import DEFAULT_GROUP

__all__ = ["DisplaySpec", "build_ard", "registered", "spec"]


def build_ard(display_id: str, data: StudyData, config: StudyConfig | None = None,
              group_var: str = DEFAULT_GROUP) -> pd.DataFrame:
    """The ARD of one display, columns by ``group_var`` (default the dose level)."""
    config = config or load_config()
    return A.check(spec(display_id).ard(data, config, group_var), display_id)
