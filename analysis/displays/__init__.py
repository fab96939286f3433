"""One module per display of SAP section 5, named by display number
(``T14.3.1`` -> ``t14_3_1.py``), as in the R Consortium submission pilots.

Each module walks the same steps (population, derive, summarise) and declares
itself once, at its end, in the display registry (:mod:`analysis.displays.registry`):
``DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)`` (figures add
``plot_data=`` and ``figure=``, listings ``listing=``). The catalogue (:mod:`analysis.catalogue`) holds
its number, title, analysis set, chapter and datasets.

:func:`build_ard` is the one call that returns any display's ARD; :func:`build` returns it
with the plot data of a figure (:class:`~analysis.displays.registry.PlotData`), which the
figure draws.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig, load_config
from analysis.data import StudyData
from analysis.displays.registry import DisplaySpec, PlotData, registered, spec
from analysis.sets import DEFAULT_GROUP

__all__ = ["DisplaySpec", "PlotData", "build", "build_ard", "registered", "spec"]


def build_ard(display_id: str, data: StudyData, config: StudyConfig | None = None,
              group_var: str = DEFAULT_GROUP) -> pd.DataFrame:
    """The ARD of one display, columns by ``group_var`` (default the dose level)."""
    return build(display_id, data, config, group_var)[0]


def build(display_id: str, data: StudyData, config: StudyConfig | None = None,
          group_var: str = DEFAULT_GROUP) -> tuple[pd.DataFrame, PlotData | None]:
    """The ARD of one display and, for a figure, the plot data it was built from (None for
    a table or a listing): :meth:`~analysis.displays.registry.DisplaySpec.build`."""
    config = config or load_config()
    result, plot = spec(display_id).build(data, config, group_var)
    return A.check(result, display_id), plot
