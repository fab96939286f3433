"""Matplotlib house style of the CSR figures.

- colour-blind-safe colours (Okabe-Ito), fixed per dose level so a dose level
  has the same colour in every figure;
- axis labels always carry units; log scales where the SAP says;
- sized for a portrait PDF page (16 x 9 cm by default), fonts legible at 100%;
- deterministic output: no timestamps in PNG/SVG/PDF metadata, fixed SVG hash salt;
- a figure built from simulated data carries SIMULATED DATA
  (:func:`mark_simulated`) in its bottom right corner, where no axis, legend or at-risk table of
  the house layouts is, so the standalone PNGs say so as the report pages do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analysis.formats import signed
from analysis.style.marks import SIMULATED_COLOR, SIMULATED_MARK

# Okabe-Ito palette (colour-blind safe).
OKABE_ITO = {
    "orange": "#E69F00", "skyblue": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
    "grey": "#999999",
}
# Dose level code (TRT01AN) -> colour, marker and line style; the same in every figure,
# so a dose level is told apart by shape and dash as well as by colour (never by colour
# alone: curves that coincide, as two Kaplan-Meier curves at 1.0, stay distinguishable).
# DL2/DL3 differ in hue and lightness (orange vs dark blue).
DOSE_COLORS = {1: OKABE_ITO["skyblue"], 2: OKABE_ITO["orange"], 3: OKABE_ITO["blue"]}
DOSE_MARKERS = {1: "o", 2: "s", 3: "^"}
DOSE_LINESTYLES = {1: "-", 2: "--", 3: ":"}
# Events drawn over the dose-level bars and lines, in colours no dose level has:
# reddish purple and yellow are far from sky blue, orange and blue in every kind of
# colour vision (vermillion, next to orange, is not for a protanope).
EVENT_COLORS = {"relapse": OKABE_ITO["purple"], "crs": OKABE_ITO["yellow"]}
# Other series used across figures.
SERIES_COLORS = [OKABE_ITO[k] for k in ("blue", "vermillion", "green", "purple", "orange",
                                         "skyblue", "yellow", "black")]

FIG_WIDTH_IN = 6.3    # 16 cm: the text width of an A4 portrait page
FIG_HEIGHT_IN = 3.6

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.2,
    "svg.hashsalt": "nct06561009-csr",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
}

# Metadata keys that would carry versions/dates into files; cleared on save.
DETERMINISTIC_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}


def apply() -> None:
    """Apply the house style to matplotlib's global rcParams (idempotent)."""
    plt.rcParams.update(RC)


def new_figure(nrows: int = 1, ncols: int = 1, *, height: float = FIG_HEIGHT_IN,
               width: float = FIG_WIDTH_IN, **kwargs):
    """A figure and axes in the house style."""
    apply()
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained",
                             **kwargs)
    return fig, axes


def message_figure(text: str, *, height: float = 1.2, width: float = FIG_WIDTH_IN) -> Figure:
    """A figure that holds only ``text`` (why there is nothing to draw, e.g. an empty
    analysis set), framed like a figure so its number, caption and notes stay."""
    fig, ax = new_figure(height=height, width=width)
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=9,
            transform=ax.transAxes)
    return fig


def dose_color(code: int) -> str:
    return DOSE_COLORS.get(int(code), OKABE_ITO["grey"])


@dataclass(frozen=True)
class SeriesStyle:
    """How one column (a dose level, Total, another grouping's level) is drawn."""

    color: str
    marker: str
    linestyle: str


def series_style(level: str, cols: Sequence[str], dose_labels: Mapping[int, str]
                 ) -> SeriesStyle:
    """The house style of column ``level``: a dose level (a label of ``dose_labels``,
    code -> label) its fixed colour, marker and line style; Total black, solid, no
    marker; a level of another grouping the series colours by its position in ``cols``."""
    codes = {label: code for code, label in dose_labels.items()}
    if level in codes:
        code = int(codes[level])
        return SeriesStyle(dose_color(code), DOSE_MARKERS.get(code, "o"),
                           DOSE_LINESTYLES.get(code, "-"))
    if level == "Total":
        return SeriesStyle(OKABE_ITO["black"], "", "-")
    i = list(cols).index(level) if level in cols else 0
    return SeriesStyle(SERIES_COLORS[i % len(SERIES_COLORS)], "o", "-")


STUDY_DAY = "Study day (Day 0 = CAR-T infusion)"
STUDY_DAY_TICKS = (0, 7, 14, 28, 61, 91, 183, 365)   # the scheduled visits' days


def visit_days(records) -> dict[str, float]:
    """The study day each analysis visit (``AVISITR``) is drawn at: its ``AVISITRN``, and
    Day 0 for the baseline (a negative day: before infusion), as the figures of visit
    medians draw it (records of :func:`analysis.derive.analysis_visits.visit_records`)."""
    visits = records.drop_duplicates("AVISITR")
    return dict(zip(visits["AVISITR"], visits["AVISITRN"].clip(lower=0), strict=True))


def study_day_title(label: str = STUDY_DAY, linthresh: float = 30.0) -> str:
    """The title of a :func:`study_day_axis`: ``label`` and, under it, the scale."""
    return (f"{label}\nsymmetric log scale: linear within {linthresh:g} days of Day 0, "
            "logarithmic beyond")


# the short title of a panel in a grid (the footnote gives Day 0 and the linear range)
STUDY_DAY_PANEL = "Study day (symmetric log scale)"


def study_day_axis(ax, ticks: Sequence[int], *, linthresh: float = 30.0,
                   title: str | None = None) -> None:
    """A study-day x axis on the house symmetric log scale: linear within ``linthresh``
    days of Day 0, logarithmic beyond, so the first weeks after infusion (most scheduled
    visits, the fastest change) are not squeezed against a year of follow-up. Its title
    says so, as a reader of a non-linear axis must be told: ``title`` (e.g.
    :data:`STUDY_DAY_PANEL` in a grid; ``""`` for none, on the upper panels of a grid),
    by default :func:`study_day_title`."""
    ax.set_xscale("symlog", linthresh=linthresh, linscale=1.5)
    ax.set_xticks(list(ticks), [signed(str(t)) for t in ticks])   # "−30" (SAP 4)
    if title is None:
        title = study_day_title(linthresh=linthresh)
    if title:
        ax.set_xlabel(title)


def mark_simulated(fig: Figure) -> Figure:
    """Write SIMULATED DATA (bold, red) in the bottom right corner of ``fig``; returns it."""
    fig.text(0.995, 0.005, SIMULATED_MARK, ha="right", va="bottom", fontsize=7,
             fontweight="bold", color=SIMULATED_COLOR)
    return fig


def save(fig: Figure, path, fmt: str | None = None) -> None:
    """Save with metadata that carries no dates or versions."""
    fmt = fmt or str(path).rsplit(".", 1)[-1]
    fig.savefig(path, format=fmt, metadata=DETERMINISTIC_METADATA.get(fmt))


def plain_log_axis(ax, axis: str = "y") -> None:
    """Label a log axis with plain numbers on a 1-2-5 series (2, 5, 10, 20 ...) rather than
    powers of ten, as a reader of pg/mL or cells/uL expects."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
    target.set_minor_formatter(NullFormatter())


def participant_lines(ax, frame, x: str, y: str, *, color: str, lw: float = 0.5,
                      alpha: float = 0.45, by: str = "USUBJID") -> None:
    """One thin line per participant (points in ``x`` order), drawn as a single LineCollection: the same picture as one ``plot`` call per
    participant, in a fraction of the time when there are thousands of them."""
    import numpy as np
    from matplotlib.collections import LineCollection

    segments = [g[[x, y]].to_numpy(dtype=float, na_value=np.nan)
                for _, g in frame.sort_values([by, x]).groupby(by, sort=True)]
    if segments:
        ax.add_collection(LineCollection(segments, colors=color, linewidths=lw, alpha=alpha))
        ax.autoscale_view()


def legend_below(fig: Figure, ax, ncol: int | None = None) -> None:
    """The house legend: ``ax``'s entries in one frameless legend centred below the
    figure (outside the axes, so it never covers data); up to three columns."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center",
                   ncol=ncol or min(3, len(handles)), frameon=False)
