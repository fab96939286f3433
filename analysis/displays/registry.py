"""The display registry: one declared interface for every display of SAP section 5.

Each display module (``analysis/displays/t14_3_1.py`` for ``T14.3.1``) ends with
one declaration::

    DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)

(a figure adds ``plot_data=plot_data, figure=figure``, a listing ``listing=listing``).
The catalogue entry (:mod:`analysis.catalogue`: number, title, analysis set,
chapter, datasets) is looked up by ``ID``; the module adds the parts only it
knows, each with one signature:

==============  =====================================================================
``ard``         ``ard(data, config, group_var) -> pd.DataFrame``: the display's ARD
                (:mod:`analysis.ard`), built on the one population object
                (:func:`analysis.sets.population`: analysis set, columns, N and the
                dose-level column).
``footnotes``   ``footnotes(data, config) -> list[str]``: the display's own notes.
``layout``      the table layout (:func:`analysis.style.tables.wide_table`), or None; a
                listing's ``column_variables`` (column label -> the variable it shows,
                e.g. "Sex" -> SEX): its codes decoded as that variable's
                (:func:`analysis.style.decode.shown_cells`).
``plot_data``   figures only: ``plot_data(data, config, group_var) -> PlotData``:
                the population and the records the figure's ARD summarises and the
                figure draws (one shape for every figure: :class:`PlotData`). The
                figure's ``ard`` takes it as ``plot=`` (and builds it when not given),
                so the ARD and the picture come from one computation
                (:meth:`DisplaySpec.build`).
``figure``      figures only: ``figure(ard, plot, config) -> Figure``: draws every
                number the ARD holds (N, medians, the swimmer bars) from the ARD, and
                what it does not hold (each participant's line, a Kaplan-Meier step
                function) from ``plot``, the records that ARD was built from.
``listing``     listings only: ``listing(data, config, group_var) -> pd.DataFrame``,
                the rows as shown (the ARD is the listing in long form).
``links``       listings only, optional: ``links(listing, data, config, group_var) ->
                list[str]``, per row the anchor its first (participant) cell links to
                ("" for none), e.g. the narrative of an event (N14.3.3).
``narrative``   narratives only (``N``): ``narrative(ard, data, config) -> str``, the
                Markdown of the narratives, written from the ARD (the facts).
==============  =====================================================================

Tracing a number from a display module takes at most three hops: the numerator is
counted by :func:`analysis.stats.summaries.count_rows` (or another ``analysis.stats``
summary) on the records the module selects; the denominator is ``pop.bign``, the column N
of :func:`analysis.sets.population`; the text is made by :func:`analysis.formats.fmt_stat`
per statistic and composed into a cell by :func:`analysis.formats.n_pct` /
:func:`analysis.formats.compose`. A number a figure draws is an ARD row of the same
module (``figure`` reads it with :func:`analysis.ard.statistic` / :func:`analysis.ard.column_n`),
so it is traced the same way from there.

:func:`spec` returns the declaration of one display (importing only its module);
:func:`registered` every declaration found in the package (for the TLF package, the
QC suite and the test that the registry and the catalogue agree).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis import catalogue
from analysis.catalogue import Display
from analysis.sets import Population

ArdFn = Callable[..., pd.DataFrame]
PACKAGE = "analysis.displays"


def _no_footnotes(data, config) -> list[str]:
    return []


@dataclass(frozen=True)
class PlotData:
    """What a figure is drawn from, the same shape for every figure: the population
    (columns, N per column, the dose-level column ``pop.group_var``) and named frames of
    records (e.g. ``"records"`` summarised into the ARD, ``"relapses"`` drawn as markers),
    each with the dose-level column attached, and ``facts``: values of the records a
    figure needs besides frames (the time basis of another study's ADPC)."""

    pop: Population
    frames: Mapping[str, pd.DataFrame]
    facts: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


@dataclass(frozen=True)
class DisplaySpec:
    """One display: its catalogue entry and the functions that build and show it."""

    id: str
    ard: ArdFn
    footnotes: Callable[..., list[str]] = _no_footnotes
    layout: Mapping[str, Any] | None = None
    figure: Callable[..., Any] | None = None
    listing: Callable[..., pd.DataFrame] | None = None
    plot_data: Callable[..., PlotData] | None = None

    def build(self, data, config, group_var: str) -> tuple[pd.DataFrame, PlotData | None]:
        """The ARD and, for a figure, the plot data it was built from (computed once, so
        the figure draws what its ARD summarises)."""
        if self.plot_data is None:
            return self.ard(data, config, group_var), None
        plot = self.plot_data(data, config, group_var)
        return self.ard(data, config, group_var, plot=plot), plot
    narrative: Callable[..., str] | None = None
    links: Callable[..., list[str]] | None = None

    @property
    def entry(self) -> Display:
        """The catalogue entry (number, title, analysis set, chapter, datasets)."""
        return catalogue.get(self.id)

    @property
    def datasets(self) -> tuple[str, ...]:
        return self.entry.datasets


def module_name(display_id: str) -> str:
    """``T14.3.1`` -> ``t14_3_1`` (the display's module under ``analysis/displays``)."""
    return display_id.lower().replace(".", "_")


def declare(display_id: str, *, ard: ArdFn, footnotes: Callable[..., list[str]] | None = None,
            layout: Mapping[str, Any] | None = None, figure: Callable[..., Any] | None = None,
            listing: Callable[..., pd.DataFrame] | None = None,
            plot_data: Callable[..., PlotData] | None = None,
            narrative: Callable[..., str] | None = None,
            links: Callable[..., list[str]] | None = None) -> DisplaySpec:
    """The declaration of display ``display_id``; raises ``ValueError`` when the id is not
    in the catalogue or the renderer does not fit its kind (a figure draws from its plot
    data, a listing lists, a narrative display writes text, a table has none of them)."""
    entry = catalogue.get(display_id)
    kind = entry.id[0]
    if (figure is not None) != (kind == "F"):
        raise ValueError(f"{display_id}: a figure function is declared for figures only, "
                         "and every figure declares one")
    if (plot_data is not None) != (figure is not None):
        raise ValueError(f"{display_id}: a figure declares the plot data it draws from "
                         "(plot_data=), and only a figure does")
    if (listing is not None) != (kind == "L"):
        raise ValueError(f"{display_id}: a listing function is declared for listings only, "
                         "and every listing declares one")
    if (narrative is not None) != (kind == "N"):
        raise ValueError(f"{display_id}: a narrative function is declared for narratives "
                         "only, and every narrative display declares one")
    if links is not None and kind != "L":
        raise ValueError(f"{display_id}: row links are declared for listings only")
    return DisplaySpec(display_id, ard, footnotes or _no_footnotes, layout, figure, listing,
                       plot_data, narrative, links)


def spec(display_id: str) -> DisplaySpec:
    """The declaration of one display (``KeyError`` for an id not in the catalogue)."""
    catalogue.get(display_id)
    module = importlib.import_module(f"{PACKAGE}.{module_name(display_id)}")
    declared = module.DISPLAY
    if declared.id != display_id:
        raise ValueError(f"{module.__name__} declares {declared.id}, not {display_id}")
    return declared


def registered() -> dict[str, DisplaySpec]:
    """Every display module of the package (names not starting with ``_``) by the id it
    declares, in module order."""
    package = importlib.import_module(PACKAGE)
    out: dict[str, DisplaySpec] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or info.name == "registry":
            continue
        declared = importlib.import_module(f"{PACKAGE}.{info.name}").DISPLAY
        if declared.id in out:
            raise ValueError(f"{declared.id} is declared twice")
        out[declared.id] = declared
    return out
