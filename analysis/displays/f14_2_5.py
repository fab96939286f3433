"""F14.2.5 Cytokines and BAFF over time (log scale) (Infused set; SAP 3, Cytokines).

Four panels (IL-6, IFN-gamma, TNF-alpha, serum BAFF; pg/mL): median per dose
level at Baseline (drawn at Day 0) and each scheduled post-infusion visit
(records of :mod:`analysis.derive.analysis_visits`), log y axis, colours fixed
per dose level. Values of 0 cannot be drawn on a log axis and are left out of
the plot (they do enter the medians).

ARD: BIGN per column; per dose level (group1), cytokine (group2 = PARAM) and
visit (variable = AVISIT, variable_level = visit): n and median (pg/mL).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.ard import TOTAL
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.analysis_visits import VISIT_COLUMNS, visit_records
from analysis.derive.cytokines import CYTOKINES
from analysis.displays.registry import PlotData, declare
from analysis.formats import raw_decimals
from analysis.sets import population
from analysis.stats.summaries import bign_rows
from analysis.style.figures import (
    STUDY_DAY_PANEL,
    STUDY_DAY_TICKS,
    legend_below,
    new_figure,
    plain_log_axis,
    series_style,
    study_day_axis,
    visit_days,
)
from data_contract.specs.adlb import ADLB_PARAMS

ID = "F14.2.5"
SHORT = {"IL6": "IL-6", "IFNG": "IFN-γ", "TNFA": "TNF-α", "BAFF": "Serum BAFF"}


def plot_data(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> PlotData:
    """The Infused set; ``records``: its cytokine analysis-visit records (summarised into
    the ARD; the figure draws the ARD's medians)."""
    pop = population(data, config, ID, group_var)
    pop.params_present(data["ADLB"], CYTOKINES, "ADLB")
    lb = pop.records(data["ADLB"], params=CYTOKINES, columns=VISIT_COLUMNS)
    return PlotData(pop, {"records": pop.with_group(visit_records(lb, pop.adsl, config))})


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
        plot: PlotData | None = None) -> pd.DataFrame:
    plot = plot if plot is not None else plot_data(data, config, group_var)
    cols, bign = plot.pop.cols, plot.pop.bign
    med = (plot["records"].groupby([group_var, "PARAMCD", "AVISITR", "AVISITRN"])["AVAL"]
           .agg(n="count", median="median").reset_index()
           .sort_values([group_var, "PARAMCD", "AVISITRN"]).reset_index(drop=True))
    rows = bign_rows(ID, bign, group_var)
    adlb = data["ADLB"]
    for param in CYTOKINES:
        dec = raw_decimals(adlb.loc[adlb["PARAMCD"] == param, "AVAL"])
        for col in cols:
            if col == TOTAL:
                continue
            sel = med[(med["PARAMCD"] == param) & (med[group_var].astype(str) == col)]
            for r in sel.itertuples():
                keys = dict(display_id=ID, variable="AVISIT", variable_level=r.AVISITR,
                            group1=group_var, group1_level=col, group2="PARAM",
                            group2_level=ADLB_PARAMS[param][0])
                rows.append(A.row(stat_name="n", stat=r.n, stat_label="n", **keys))
                rows.append(A.row(stat_name="median", stat=r.median,
                                  stat_label="Median", raw_decimals=dec, **keys))
    return A.frame(rows)


def figure(ard: pd.DataFrame, plot: PlotData, config: StudyConfig):
    """The ARD's medians (those > 0: a log axis draws no 0) at the day of their visit
    (Baseline at Day 0), one panel per cytokine."""
    cols = plot.pop.cols
    bign = A.column_n(ard)
    day = visit_days(plot["records"])
    med = A.statistic(ard, "median", variable="AVISIT")
    fig, axes = new_figure(2, 2, height=5.8, sharex=True)
    for ax, param in zip(axes.ravel(), CYTOKINES, strict=True):
        for lev in [c for c in cols if c != TOTAL]:
            style = series_style(lev, cols, config.dose_labels)
            m = med[(med["group2_level"] == ADLB_PARAMS[param][0]) & (med["group1_level"] == lev)
                    & (med["stat"] > 0)]
            ax.plot(m["variable_level"].map(day), m["stat"], color=style.color, lw=1.5,
                    marker=style.marker, ms=3.5, label=f"{lev} (N = {bign[lev]})")
        ax.set_yscale("log")
        plain_log_axis(ax)
        study_day_axis(ax, STUDY_DAY_TICKS, title=STUDY_DAY_PANEL if ax in list(axes[-1]) else "")
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(SHORT[param], loc="left")
        ax.set_ylabel("Median (pg/mL)")
    legend_below(fig, axes[0, 0], ncol=2)  # two columns: the SIMULATED DATA mark keeps its corner
    return fig


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Median per dose level at baseline (drawn at Day 0 = CAR-T infusion) and at each "
        "scheduled post-infusion visit; log scale (medians of 0 are not drawn). Study day: "
        "Day 0 = CAR-T infusion; the time axis is on a symmetric log scale, linear within "
        "30 days of Day 0 and logarithmic beyond, so that the first weeks after infusion "
        "are not compressed.",
        "BAFF = B-cell activating factor; IFN = interferon; IL = interleukin; TNF = tumour "
        "necrosis factor.",
    ]


DISPLAY = declare(ID, ard=ard, plot_data=plot_data, figure=figure, footnotes=footnotes)
