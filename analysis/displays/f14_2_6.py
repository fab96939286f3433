"""F14.2.6 CAR-T cells in blood over time by dose level (log scale) (Infused set;
SAP 3, CAR-T kinetics).

Two panels: CAR transgene copies/ug gDNA (qPCR, CARTCOPY) and % CAR+ of CD3+
cells (flow, CARTPCT). Thin lines: each participant's profile at its study
day (ADY); thick lines with markers: the median per dose level at each
nominal visit day (AVISITN, unscheduled samples excluded), from Day 0 on.
BLQ samples are plotted, and enter the medians, at LLOQ/2. Log y axis; study-day x axis
on the house symmetric log scale, said in its title (:func:`analysis.style.figures.study_day_axis`);
colours and markers fixed per dose level (analysis.style.figures).

ARD: BIGN per column; per dose level (group1), assay (group2 = PARAM) and visit
(variable = AVISIT, variable_level = visit name): n and median of the plotted
value.

Another study's ADPC (:func:`analysis.derive.kinetics.kinetic_records`): one
panel per analyte it holds, time from the first dose (AFRLT, days, linear
axis), medians at each nominal time (variable = NFRLT, e.g. "0.5 h").
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.ard import TOTAL
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.kinetics import analytes, derive_var_aplot, kinetic_records, time_basis
from analysis.displays.registry import PlotData, declare
from analysis.formats import raw_decimals
from analysis.sets import population
from analysis.stats.summaries import bign_rows
from analysis.style.figures import (
    STUDY_DAY_TICKS,
    legend_below,
    new_figure,
    participant_lines,
    series_style,
    study_day_axis,
)
from data_contract.specs.adpc import ADPC_PARAMS

ID = "F14.2.6"
PANELS = ("CARTCOPY", "CARTPCT")
Y_LABELS = {"CARTCOPY": "CAR transgene", "CARTPCT": "CAR+ T cells"}


def plot_data(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> PlotData:
    """The Infused set and ``records``: its samples from time 0 (:func:`kinetic_records`)
    with APLOT and ``group_var``; ``facts["basis"]``: the time basis, ``ADY`` or ``AFRLT``."""
    pop = population(data, config, ID, group_var)
    adpc = pop.records(data["ADPC"])
    rec = kinetic_records(adpc)
    rec = rec[rec["TIME"] >= 0]
    pc = pop.with_group(derive_var_aplot(rec))
    return PlotData(pop, {"records": pc}, {"basis": time_basis(adpc)})


def panels(pc: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(analyte, label, unit) per panel: this study's two assays (CARTCOPY first), or the
    analytes of another study's ADPC."""
    found = analytes(pc, PANELS)
    if not found or any(a in ADPC_PARAMS for a, _, _ in found):
        return [(a, ADPC_PARAMS[a][0], ADPC_PARAMS[a][1]) for a in PANELS]
    return found


def medians(pc: pd.DataFrame, config: StudyConfig, group_var: str, basis: str = "ADY"
            ) -> pd.DataFrame:
    """n and median of APLOT per (group, analyte, nominal time) in time order: this
    study's scheduled visits (unscheduled samples excluded), else the nominal times."""
    if basis == "ADY":
        order = config.visit_order
        sched = pc[pc["NOMLABEL"].isin(order)].assign(NOMTIME=lambda d: d["NOMLABEL"].map(order))
    else:
        sched = pc[pc["NOMTIME"].notna()]
    out = (sched.groupby([group_var, "ANALYTE", "NOMTIME", "NOMLABEL"], observed=True)["APLOT"]
           .agg(n="count", median="median").reset_index())
    return out.sort_values([group_var, "ANALYTE", "NOMTIME"]).reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
        plot: PlotData | None = None) -> pd.DataFrame:
    plot = plot if plot is not None else plot_data(data, config, group_var)
    cols, bign, pc, basis = plot.pop.cols, plot.pop.bign, plot["records"], plot.facts["basis"]
    med = medians(pc, config, group_var, basis)
    rows = bign_rows(ID, bign, group_var)
    every = kinetic_records(data["ADPC"])
    for analyte, label, _unit in panels(pc):
        dec = raw_decimals(every.loc[every["ANALYTE"] == analyte, "AVAL"])  # SAP 4
        for col in cols:
            if col == TOTAL:
                continue
            sel = med[(med["ANALYTE"] == analyte) & (med[group_var].astype(str) == col)]
            for r in sel.itertuples():
                keys = dict(display_id=ID, group1=group_var, group1_level=col,
                            variable="AVISIT" if basis == "ADY" else "NFRLT",
                            variable_level=r.NOMLABEL, group2="PARAM", group2_level=label)
                rows.append(A.row(stat_name="n", stat=r.n, stat_label="n", **keys))
                rows.append(A.row(stat_name="median", stat=r.median, stat_label="Median",
                                  raw_decimals=dec, **keys))
    return A.frame(rows)


def ard_medians(ard: pd.DataFrame, pc: pd.DataFrame, config: StudyConfig, basis: str
                ) -> pd.DataFrame:
    """The medians the figure draws, read from its ARD: (group, panel label, nominal time,
    median) in ARD order; the nominal time of a visit from the study's visit schedule
    (``ADY`` basis) or from the samples' nominal times."""
    med = A.statistic(ard, "median")
    if basis == "ADY":
        when = {str(k): v for k, v in config.visit_order.items()}
    else:
        times = pc[["NOMLABEL", "NOMTIME"]].dropna().drop_duplicates("NOMLABEL")
        when = dict(zip(times["NOMLABEL"].astype(str), times["NOMTIME"], strict=True))
    return pd.DataFrame({"group": med["group1_level"], "label": med["group2_level"],
                         "NOMTIME": med["variable_level"].map(when), "median": med["stat"]})


def figure(ard: pd.DataFrame, plot: PlotData, config: StudyConfig):
    """Each participant's profile (thin lines, from ``plot``) and the medians and N of the
    figure's ARD."""
    cols, group_var, pc, basis = plot.pop.cols, plot.pop.group_var, plot["records"], \
        plot.facts["basis"]
    bign = A.column_n(ard)
    med = ard_medians(ard, pc, config, basis)
    shown = panels(pc)
    fig, axes = new_figure(len(shown), 1, height=3.2 * len(shown), sharex=True, squeeze=False)
    axes = list(axes[:, 0])
    levels = [c for c in cols if c != TOTAL]
    for ax, (analyte, label, unit) in zip(axes, shown, strict=True):
        sub = pc[pc["ANALYTE"] == analyte]
        for lev in levels:
            style = series_style(lev, cols, config.dose_labels)
            color, marker = style.color, style.marker
            participant_lines(ax, sub[sub[group_var].astype(str) == lev], "TIME", "APLOT",
                              color=color)
            m = med[(med["label"] == label) & (med["group"] == lev)]
            ax.plot(m["NOMTIME"], m["median"], color=color, lw=2, marker=marker, ms=4,
                    label=f"{lev} (N = {bign[lev]})")
        lloq = sub["LLOQ"].dropna()
        if len(lloq):
            ax.axhline(float(lloq.median()), color="0.4", lw=0.8, ls=":")
        ax.set_yscale("log")
        if basis == "ADY":
            study_day_axis(ax, STUDY_DAY_TICKS, title=None if ax is axes[-1] else "")
        short = Y_LABELS.get(analyte, "Value")
        ax.set_ylabel(f"{short}\n({unit})" if unit else short)
        ax.set_title(label, loc="left")
    if basis != "ADY":
        axes[-1].set_xlabel("Time from first dose (days)")
    legend_below(fig, axes[0], ncol=2)  # two columns: the SIMULATED DATA mark keeps its corner
    return fig


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    basis = time_basis(data["ADPC"]) if data.has("ADPC") else "ADY"
    if basis == "ADY":
        lines = ("Thin lines: individual participants (study day); thick lines: median per "
                 "dose level at each scheduled visit. Log y axis; the time axis is on a "
                 "symmetric log scale, linear within 30 days of Day 0 and logarithmic beyond, "
                 "so that the expansion of the first weeks is not compressed.")
    else:
        lines = ("Thin lines: individual participants (actual time from the first dose, ADPC "
                 "AFRLT); thick lines: median per group at each nominal time (NFRLT). Log scale.")
    return [
        lines,
        "BLQ (below the lower limit of quantification) samples are plotted, and enter the "
        "medians, at half the LLOQ; the dotted line marks the LLOQ.",
        "CAR+ = chimeric antigen receptor positive; gDNA = genomic DNA; qPCR = quantitative "
        "polymerase chain reaction.",
    ]


DISPLAY = declare(ID, ard=ard, plot_data=plot_data, figure=figure, footnotes=footnotes)
