"""F14.2.6 CAR-T cells in blood over time by dose level (log scale) (Infused set;
SAP 3, CAR-T kinetics).

Two panels: CAR transgene copies/ug gDNA (qPCR, CARTCOPY) and % CAR+ of CD3+
cells (flow, CARTPCT). Thin lines: each participant's profile at its study
day (ADY); thick lines with markers: the median per dose level at each
nominal visit day (AVISITN, unscheduled samples excluded), from Day 0 on.
BLQ samples are plotted, and enter the medians, at LLOQ/2. Log y axis;
colours fixed per dose level (analysis.style.figures).

ARD: BIGN per column; per dose level (group1), assay (group2 = PARAM) and visit
(variable = AVISIT, variable_level = visit name): n and median of the plotted
value.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as ard_mod
from analysis import sets
from analysis.ard import TOTAL
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.kinetics import derive_var_aplot
from analysis.formats import raw_decimals
from analysis.stats.summaries import bign_rows
from analysis.style.figures import (
    DOSE_MARKERS,
    SERIES_COLORS,
    dose_color,
    legend_below,
    new_figure,
    participant_lines,
)
from data_contract.specs.adpc import ADPC_PARAMS

DISPLAY_ID = "F14.2.6"
PANELS = ("CARTCOPY", "CARTPCT")
X_TICKS = (0, 7, 14, 28, 61, 91, 183, 365)


def plot_data(data: StudyData, config: StudyConfig, group_var: str = "TRT01A"):
    """(columns, N per column, ADPC of the Infused set from Day 0 with APLOT and group_var)."""
    pop = sets.population(data, config, DISPLAY_ID, group_var)
    adsl, cols, bign = pop.adsl, pop.cols, pop.bign
    adpc = data["ADPC"]
    adpc = adpc[adpc["USUBJID"].isin(adsl["USUBJID"]) & (adpc["ADY"] >= 0)]
    pc = derive_var_aplot(adpc).merge(adsl[["USUBJID", group_var]], on="USUBJID", how="left")
    return cols, bign, pc


def medians(pc: pd.DataFrame, config: StudyConfig, group_var: str) -> pd.DataFrame:
    """n and median of APLOT per (group, PARAMCD, AVISIT) at scheduled visits, visit order."""
    order = config.visit_order
    sched = pc[pc["AVISIT"].isin(order)]
    out = (sched.groupby([group_var, "PARAMCD", "AVISIT"], observed=True)["APLOT"]
           .agg(n="count", median="median").reset_index())
    out["AVISITN"] = out["AVISIT"].map(order)
    return out.sort_values([group_var, "PARAMCD", "AVISITN"]).reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A", **options) -> pd.DataFrame:
    cols, bign, pc = plot_data(data, config, group_var)
    med = medians(pc, config, group_var)
    rows = bign_rows(DISPLAY_ID, bign, group_var)
    adpc = data["ADPC"]
    for param in PANELS:
        label = ADPC_PARAMS[param][0]
        dec = raw_decimals(adpc.loc[adpc["PARAMCD"] == param, "AVAL"])  # SAP 4
        for col in cols:
            if col == TOTAL:
                continue
            for r in med[(med["PARAMCD"] == param) & (med[group_var].astype(str) == col)].itertuples():
                keys = dict(display_id=DISPLAY_ID, variable="AVISIT", variable_level=r.AVISIT,
                            group1=group_var, group1_level=col, group2="PARAM",
                            group2_level=label)
                rows.append(ard_mod.row(stat_name="n", stat=r.n, stat_label="n", **keys))
                rows.append(ard_mod.row(stat_name="median", stat=r.median, stat_label="Median",
                                        raw_decimals=dec, **keys))
    return ard_mod.frame(rows)


def _color_marker(level: str, cols: list[str], config: StudyConfig) -> tuple[str, str]:
    codes = {lab: code for code, lab in config.dose_labels.items()}
    if level in codes:
        return dose_color(codes[level]), DOSE_MARKERS.get(codes[level], "o")
    i = cols.index(level) if level in cols else 0
    return SERIES_COLORS[i % len(SERIES_COLORS)], "o"


def figure(data: StudyData, config: StudyConfig, group_var: str = "TRT01A", **options):
    cols, bign, pc = plot_data(data, config, group_var)
    med = medians(pc, config, group_var)
    fig, axes = new_figure(len(PANELS), 1, height=6.4, sharex=True)
    levels = [c for c in cols if c != TOTAL]
    for ax, param in zip(axes, PANELS, strict=True):
        label, unit = ADPC_PARAMS[param]
        sub = pc[pc["PARAMCD"] == param]
        for lev in levels:
            color, marker = _color_marker(lev, cols, config)
            participant_lines(ax, sub[sub[group_var].astype(str) == lev], "ADY", "APLOT",
                              color=color)
            m = med[(med["PARAMCD"] == param) & (med[group_var].astype(str) == lev)]
            ax.plot(m["AVISITN"], m["median"], color=color, lw=2, marker=marker, ms=4,
                    label=f"{lev} (N = {bign[lev]})")
        lloq = sub["LLOQ"].dropna()
        if len(lloq):
            ax.axhline(float(lloq.median()), color="0.4", lw=0.8, ls=":")
        ax.set_yscale("log")
        ax.set_xscale("symlog", linthresh=30, linscale=1.5)
        ax.set_xticks(list(X_TICKS), [str(t) for t in X_TICKS])
        ax.set_ylabel(f"{'CAR transgene' if param == 'CARTCOPY' else 'CAR+ T cells'}\n({unit})")
        ax.set_title(label, loc="left")
    axes[-1].set_xlabel("Study day (Day 0 = CAR-T infusion)")
    legend_below(fig, axes[0])
    return fig


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "Thin lines: individual participants (study day); thick lines: median per dose level "
        "at each scheduled visit. Log scale.",
        "BLQ (below the lower limit of quantification) samples are plotted, and enter the "
        "medians, at half the LLOQ; the dotted line marks the LLOQ.",
        "CAR+ = chimeric antigen receptor positive; gDNA = genomic DNA; qPCR = quantitative "
        "polymerase chain reaction.",
    ]
