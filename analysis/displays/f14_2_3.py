"""F14.2.3 AQP4-IgG titre over time per participant (Infused set; SAP 3, AQP4-IgG titre).

Spaghetti plot: one line per participant of log2(N) of the titre 1:N against
study day (ADY), coloured by dose level; y ticks at whole doublings labelled
``1:N``; seronegative results drawn at log2(LLOQ/2) with open markers and the
tick label ``Neg``.

ARD: BIGN per column; one row per plotted point: group1 = dose level,
group2 = ``ADY`` (group2_level = study day), variable ``LOG2TIT``,
variable_level = USUBJID, stat_name ``value`` (log2 titre, 2 decimals).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis import ard as A
from analysis.ard import TOTAL
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.titre import PARAMCD as TITRE
from analysis.derive.titre import derive_var_log2titre
from analysis.displays.registry import PlotData, declare
from analysis.formats import titre
from analysis.sets import population
from analysis.stats.summaries import bign_rows
from analysis.style.figures import legend_below, new_figure, participant_lines, series_style

ID = "F14.2.3"


def plot_data(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> PlotData:
    """The Infused set; ``records``: its titre results with a study day, log2 titre and the
    seronegative flag (one ARD row each), by participant and day."""
    pop = population(data, config, ID, group_var)
    pop.params_present(data["ADLB"], [TITRE], "ADLB")
    tit = derive_var_log2titre(pop.records(data["ADLB"], params=[TITRE]))
    tit = pop.with_group(tit[tit["ADY"].notna()])
    return PlotData(pop, {"records": tit.sort_values(["USUBJID", "ADY"]).reset_index(drop=True)})


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
        plot: PlotData | None = None) -> pd.DataFrame:
    plot = plot if plot is not None else plot_data(data, config, group_var)
    tit = plot["records"]
    rows = bign_rows(ID, plot.pop.bign, group_var)
    for r in tit.itertuples():
        rows.append(A.row(ID, "LOG2TIT", "value", r.LOG2TIT, group1=group_var,
                          group1_level=str(getattr(r, group_var)), group2="ADY",
                                group2_level=str(int(r.ADY)), variable_level=r.USUBJID,
                                stat_label="log2 titre", raw_decimals=2))
    return A.frame(rows)


def figure(ard: pd.DataFrame, plot: PlotData, config: StudyConfig):
    """Titre per participant against months since infusion (linear x axis:
    screening to Month 12), log2 y axis labelled as 1:N dilutions. The points are the
    records the ARD lists one by one (``plot``: with their seronegative flag and LLOQ,
    which the ARD does not hold); N from the ARD."""
    cols, group_var, tit = plot.pop.cols, plot.pop.group_var, plot["records"]
    bign = A.column_n(ard)
    per_month = float(config.assumptions["visits"]["days_per_month"])
    fig, ax = new_figure(height=4.2)
    for lev in [c for c in cols if c != TOTAL]:
        style = series_style(lev, cols, config.dose_labels)
        color, marker = style.color, style.marker
        sub = tit[tit[group_var].astype(str) == lev].assign(MONTHS=lambda t: t["ADY"] / per_month)
        if sub.empty:
            continue
        participant_lines(ax, sub, "MONTHS", "LOG2TIT", color=color, lw=0.8, alpha=0.8)
        seroneg = (sub["SERONEG"] == "Y").to_numpy()
        ax.plot(sub["MONTHS"][~seroneg].astype(float), sub["LOG2TIT"][~seroneg], ls="none",
                marker=marker, ms=3, color=color, label=f"{lev} (N = {bign[lev]})")
        ax.plot(sub["MONTHS"][seroneg].astype(float), sub["LOG2TIT"][seroneg], ls="none",
                marker=marker, ms=4, mfc="white", color=color)
    if len(tit):
        _titre_ticks(ax, tit)
    months = [0, 1, 2, 3, 6, 9, 12]
    ax.set_xticks(months, [str(m) for m in months])
    ax.set_xlim(left=min(-1.0, float(tit["ADY"].min()) / per_month - 0.2 if len(tit) else -1.0),
                right=12.5)
    ax.set_xlabel("Months since CAR-T infusion (negative: screening)")
    ax.set_ylabel("AQP4-IgG titre (1:N, log2 scale)")
    legend_below(fig, ax)
    return fig


def _titre_ticks(ax, tit) -> None:
    """Ticks on the assay's doubling-dilution series (LLOQ x 2^k, e.g. 1:10,
    1:20, 1:40 ...) and a 'Neg' tick at the seronegative plotting level."""
    neg_levels = sorted(set(tit.loc[tit["SERONEG"] == "Y", "LOG2TIT"].round(6)))
    lloq = tit["LLOQ"].dropna()
    start = math.log2(float(lloq.min())) if len(lloq) else math.floor(tit["LOG2TIT"].min())
    hi = tit["LOG2TIT"].max()
    ticks, t = [], start
    while t <= hi + 1e-9:
        ticks.append(t)
        t += 1.0
    labels = [titre(2 ** t) for t in ticks]
    ax.set_yticks(ticks + neg_levels, labels + ["Neg"] * len(neg_levels))


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "One line per participant; log2 scale with ticks at doubling dilutions (1:N).",
        "Open markers (Neg): seronegative, below the assay's lowest dilution (LLOQ), drawn at "
        "log2(LLOQ/2).",
        "AQP4-IgG = aquaporin-4 immunoglobulin G antibody.",
    ]


DISPLAY = declare(ID, ard=ard, plot_data=plot_data, figure=figure, footnotes=footnotes)
