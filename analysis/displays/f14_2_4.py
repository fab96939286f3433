"""F14.2.4 CD19+ B cells in blood over time (Infused set; SAP 3, B cells).

Blood CD19+ B cells (ADLB CD19ABS, cells/uL) against study day (ADY): thin
lines per participant, thick lines the median per dose level at Baseline and
each scheduled post-infusion visit (records of
:mod:`analysis.derive.analysis_visits`; baseline plotted at its study day
median, by convention at x = the visit day of the record). Symmetric-log y
axis (linear below 1 cell/uL so that 0 can be drawn), dashed line at the
aplasia threshold (study.yml). Colours fixed per dose level.

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
from analysis.displays.f14_2_6 import X_TICKS, _color_marker
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.summaries import bign_rows
from analysis.style.figures import legend_below, new_figure, participant_lines

ID = "F14.2.4"
PARAM = "CD19ABS"


def plot_data(data: StudyData, config: StudyConfig, group_var: str = "TRT01A"):
    """(columns, N per column, CD19ABS of the Infused set, medians per group and visit)."""
    pop = population(data, config, ID, group_var)
    adsl, cols, bign = pop.adsl, pop.cols, pop.bign
    pop.params_present(data["ADLB"], [PARAM], "ADLB")
    lb = pop.records(data["ADLB"], params=[PARAM])
    recs = pop.with_group(visit_records(lb, adsl, config))
    med = (recs.groupby([group_var, "AVISITR", "AVISITRN"])["AVAL"]
           .agg(n="count", median="median").reset_index()
           .sort_values([group_var, "AVISITRN"]).reset_index(drop=True))
    med["X"] = med["AVISITRN"].clip(lower=0)  # baseline drawn at day 0
    return cols, bign, pop.with_group(lb), med


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    cols, bign, _, med = plot_data(data, config, group_var)
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


def figure(ard: pd.DataFrame, data: StudyData, config: StudyConfig,
           group_var: str = "TRT01A"):
    cols, bign, lb, med = plot_data(data, config, group_var)
    fig, ax = new_figure(height=4.2)
    for lev in [c for c in cols if c != TOTAL]:
        color, marker = _color_marker(lev, cols, config)
        participant_lines(ax, lb[lb[group_var].astype(str) == lev], "ADY", "AVAL", color=color)
        m = med[med[group_var].astype(str) == lev]
        ax.plot(m["X"], m["median"], color=color, lw=2, marker=marker, ms=4,
                label=f"{lev} (N = {bign[lev]})")
    thr = aplasia_threshold(config)
    ax.axhline(thr, color="0.3", lw=0.9, ls="--", label=f"Aplasia threshold ({thr:g} cells/µL)")
    ax.set_yscale("symlog", linthresh=1.0)
    ax.set_ylim(bottom=0)
    ax.set_xscale("symlog", linthresh=30, linscale=1.5)
    ax.set_xticks(list(X_TICKS), [str(t) for t in X_TICKS])
    ax.set_xlabel("Study day (Day 0 = CAR-T infusion)")
    ax.set_ylabel("CD19+ B cells in blood (cells/µL)")
    legend_below(fig, ax, ncol=2)
    return fig


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Thin lines: individual participants; thick lines: median per dose level at baseline "
        "(drawn at Day 0) and at each scheduled post-infusion visit.",
        "Symmetric-log y axis: linear between 0 and 1 cell/µL, logarithmic above; the "
        "dashed line is the B-cell aplasia threshold (assumption).",
    ]


DISPLAY = declare(ID, ard=ard, figure=figure, footnotes=footnotes)
