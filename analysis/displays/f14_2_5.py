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
from analysis.displays.f14_2_6 import X_TICKS, _color_marker
from analysis.displays.registry import declare
from analysis.formats import raw_decimals
from analysis.sets import population
from analysis.stats.summaries import bign_rows
from analysis.style.figures import legend_below, new_figure, plain_log_axis
from data_contract.specs.adlb import ADLB_PARAMS

ID = "F14.2.5"
SHORT = {"IL6": "IL-6", "IFNG": "IFN-γ", "TNFA": "TNF-α", "BAFF": "Serum BAFF"}


def medians(data: StudyData, config: StudyConfig, group_var: str = "TRT01A"):
    """(columns, N per column, n and median per group, PARAMCD and visit)."""
    pop = population(data, config, ID, group_var)
    adsl, cols, bign = pop.adsl, pop.cols, pop.bign
    pop.params_present(data["ADLB"], CYTOKINES, "ADLB")
    lb = pop.records(data["ADLB"], params=CYTOKINES, columns=VISIT_COLUMNS)
    recs = pop.with_group(visit_records(lb, adsl, config))
    med = (recs.groupby([group_var, "PARAMCD", "AVISITR", "AVISITRN"])["AVAL"]
           .agg(n="count", median="median").reset_index()
           .sort_values([group_var, "PARAMCD", "AVISITRN"]).reset_index(drop=True))
    med["X"] = med["AVISITRN"].clip(lower=0)
    return cols, bign, med


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    cols, bign, med = medians(data, config, group_var)
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


def figure(ard: pd.DataFrame, data: StudyData, config: StudyConfig,
           group_var: str = "TRT01A"):
    cols, bign, med = medians(data, config, group_var)
    fig, axes = new_figure(2, 2, height=5.6, sharex=True)
    for ax, param in zip(axes.ravel(), CYTOKINES, strict=True):
        for lev in [c for c in cols if c != TOTAL]:
            color, marker = _color_marker(lev, cols, config)
            m = med[(med["PARAMCD"] == param) & (med[group_var].astype(str) == lev)
                    & (med["median"] > 0)]
            ax.plot(m["X"], m["median"], color=color, lw=1.5, marker=marker, ms=3.5,
                    label=f"{lev} (N = {bign[lev]})")
        ax.set_yscale("log")
        plain_log_axis(ax)
        ax.set_xscale("symlog", linthresh=30, linscale=1.5)
        ax.set_xticks(list(X_TICKS), [str(t) for t in X_TICKS], fontsize=7)
        ax.set_title(SHORT[param], loc="left")
        ax.set_ylabel("Median (pg/mL)")
    for ax in axes[-1]:
        ax.set_xlabel("Study day (Day 0 = CAR-T infusion)")
    legend_below(fig, axes[0, 0])
    return fig


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Median per dose level at baseline (drawn at Day 0 = CAR-T infusion) and at each "
        "scheduled post-infusion visit; log scale (medians of 0 are not drawn).",
        "BAFF = B-cell activating factor; IFN = interferon; IL = interleukin; TNF = tumour "
        "necrosis factor.",
    ]


DISPLAY = declare(ID, ard=ard, figure=figure, footnotes=footnotes)
