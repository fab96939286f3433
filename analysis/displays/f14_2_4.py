"""F14.2.4 CD19+ B cells in blood over time (Infused set; SAP 3, B cells).

Blood CD19+ B cells (ADLB CD19ABS, cells/uL) against study day (ADY): thin
lines per participant, thick lines the median per dose level at Baseline and
each scheduled post-infusion visit (records of
:mod:`analysis.derive.analysis_visits`; baseline plotted at its study day
median, by convention at x = the visit day of the record). Symmetric-log y
axis (linear below 1 cell/uL so that 0 can be drawn), dashed line at the
aplasia threshold (study.yml). Study-day x axis on the house symmetric log scale
(linear within 30 days of Day 0), said in its title, with ticks at Day -90/-30 where
samples reach back that far. Colours and markers fixed per dose level.

ARD: BIGN per column; per dose level (group1) and visit (variable = AVISIT,
variable_level = visit, Baseline first): n and median of CD19ABS.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.ard import TOTAL
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.analysis_visits import visit_records
from analysis.derive.bcells import aplasia_threshold
from analysis.displays.registry import PlotData, declare
from analysis.sets import population
from analysis.stats.summaries import bign_rows
from analysis.style import figures

ID = "F14.2.4"
PARAM = "CD19ABS"
SCREENING_TICKS = (-90, -30)   # before infusion: screening and lymphodepletion samples


def plot_data(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> PlotData:
    """The Infused set; ``records``: its CD19ABS analysis-visit records (summarised into
    the ARD); ``samples``: every CD19ABS sample (each participant's line)."""
    pop = population(data, config, ID, group_var)
    pop.params_present(data["ADLB"], [PARAM], "ADLB")
    lb = pop.records(data["ADLB"], params=[PARAM])
    recs = pop.with_group(visit_records(lb, pop.adsl, config))
    return PlotData(pop, {"records": recs, "samples": pop.with_group(lb)})


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
        plot: PlotData | None = None) -> pd.DataFrame:
    plot = plot if plot is not None else plot_data(data, config, group_var)
    cols, bign, recs = plot.pop.cols, plot.pop.bign, plot["records"]
    med = (recs.groupby([group_var, "AVISITR", "AVISITRN"])["AVAL"]
           .agg(n="count", median="median").reset_index()
           .sort_values([group_var, "AVISITRN"]).reset_index(drop=True))
    rows = bign_rows(ID, bign, group_var)
    for col in cols:
        if col == TOTAL:
            continue
        for r in med[med[group_var].astype(str) == col].itertuples():
            keys = dict(display_id=ID, variable="AVISIT", variable_level=r.AVISITR,
                        group1=group_var, group1_level=col)
            rows.append(A.row(stat_name="n", stat=r.n, stat_label="n", **keys))
            rows.append(A.row(stat_name="median", stat=r.median, stat_label="Median",
                              raw_decimals=1, **keys))
    return A.frame(rows)


def figure(ard: pd.DataFrame, plot: PlotData, config: StudyConfig):
    """Each participant's samples (thin lines, from ``plot``) and the ARD's medians at the
    day of their visit (Baseline at Day 0)."""
    cols, group_var, lb = plot.pop.cols, plot.pop.group_var, plot["samples"]
    bign = A.column_n(ard)
    day = figures.visit_days(plot["records"])
    med = A.statistic(ard, "median", variable="AVISIT")
    fig, ax = figures.new_figure(height=4.4)
    for lev in [c for c in cols if c != TOTAL]:
        style = figures.series_style(lev, cols, config.dose_labels)
        figures.participant_lines(ax, lb[lb[group_var].astype(str) == lev], "ADY", "AVAL",
                                  color=style.color)
        m = med[med["group1_level"] == lev]
        ax.plot(m["variable_level"].map(day), m["stat"], color=style.color, lw=2,
                marker=style.marker, ms=4, label=f"{lev} (N = {bign[lev]})")
    thr = aplasia_threshold(config)
    ax.axhline(thr, color="0.3", lw=0.9, ls="--", label=f"Aplasia threshold ({thr:g} cells/µL)")
    ax.set_yscale("symlog", linthresh=1.0)
    ax.set_ylim(bottom=0)
    first = float(lb["ADY"].min()) if len(lb) else 0.0
    figures.study_day_axis(ax, [t for t in SCREENING_TICKS if t >= first]
                           + list(figures.STUDY_DAY_TICKS))
    ax.set_ylabel("CD19+ B cells in blood (cells/µL)")
    figures.legend_below(fig, ax, ncol=2)
    return fig


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Thin lines: individual participants; thick lines: median per dose level at baseline "
        "(drawn at Day 0) and at each scheduled post-infusion visit.",
        "Symmetric-log y axis: linear between 0 and 1 cell/µL, logarithmic above; the "
        "dashed line is the B-cell aplasia threshold (assumption). Symmetric-log time axis: "
        "linear within 30 days of Day 0, logarithmic beyond (screening before, a year of "
        "follow-up after), so that the depletion of the first week is not compressed.",
    ]


DISPLAY = declare(ID, ard=ard, plot_data=plot_data, figure=figure, footnotes=footnotes)
