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
from analysis.displays.registry import declare
from analysis.formats import raw_decimals
from analysis.sets import population
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

ID = "F14.2.6"
PANELS = ("CARTCOPY", "CARTPCT")
X_TICKS = (0, 7, 14, 28, 61, 91, 183, 365)
Y_LABELS = {"CARTCOPY": "CAR transgene", "CARTPCT": "CAR+ T cells"}


def plot_data(data: StudyData, config: StudyConfig, group_var: str = "TRT01A"):
    """(columns, N per column, the set's samples from time 0 (:func:`kinetic_records`)
    with APLOT and ``group_var``, the time basis: ``ADY`` or ``AFRLT``)."""
    pop = population(data, config, ID, group_var)
    cols, bign = pop.cols, pop.bign
    adpc = pop.records(data["ADPC"])
    rec = kinetic_records(adpc)
    rec = rec[rec["TIME"] >= 0]
    pc = pop.with_group(derive_var_aplot(rec))
    return cols, bign, pc, time_basis(adpc)


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


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    cols, bign, pc, basis = plot_data(data, config, group_var)
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


def _color_marker(level: str, cols: list[str], config: StudyConfig) -> tuple[str, str]:
    codes = {lab: code for code, lab in config.dose_labels.items()}
    if level in codes:
        return dose_color(codes[level]), DOSE_MARKERS.get(codes[level], "o")
    i = cols.index(level) if level in cols else 0
    return SERIES_COLORS[i % len(SERIES_COLORS)], "o"


def ard_medians(ard: pd.DataFrame, pc: pd.DataFrame, config: StudyConfig, basis: str
                ) -> pd.DataFrame:
    """The medians the figure draws, read from its ARD: (group, panel label, nominal time,
    median) in ARD order; the nominal time of a visit from the study's visit schedule
    (``ADY`` basis) or from the samples' nominal times."""
    med = ard[ard["stat_name"] == "median"]
    if basis == "ADY":
        when = {str(k): v for k, v in config.visit_order.items()}
    else:
        times = pc[["NOMLABEL", "NOMTIME"]].dropna().drop_duplicates("NOMLABEL")
        when = dict(zip(times["NOMLABEL"].astype(str), times["NOMTIME"], strict=True))
    return pd.DataFrame({"group": med["group1_level"], "label": med["group2_level"],
                         "NOMTIME": med["variable_level"].map(when), "median": med["stat"]})


def figure(ard: pd.DataFrame, data: StudyData, config: StudyConfig,
           group_var: str = "TRT01A"):
    """Each participant's profile (thin lines) and the medians of the figure's ARD."""
    cols, bign, pc, basis = plot_data(data, config, group_var)
    med = ard_medians(ard, pc, config, basis)
    shown = panels(pc)
    fig, axes = new_figure(len(shown), 1, height=3.2 * len(shown), sharex=True, squeeze=False)
    axes = list(axes[:, 0])
    levels = [c for c in cols if c != TOTAL]
    for ax, (analyte, label, unit) in zip(axes, shown, strict=True):
        sub = pc[pc["ANALYTE"] == analyte]
        for lev in levels:
            color, marker = _color_marker(lev, cols, config)
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
            ax.set_xscale("symlog", linthresh=30, linscale=1.5)
            ax.set_xticks(list(X_TICKS), [str(t) for t in X_TICKS])
        short = Y_LABELS.get(analyte, "Value")
        ax.set_ylabel(f"{short}\n({unit})" if unit else short)
        ax.set_title(label, loc="left")
    axes[-1].set_xlabel("Study day (Day 0 = CAR-T infusion)" if basis == "ADY" else
                        "Time from first dose (days)")
    legend_below(fig, axes[0])
    return fig


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    basis = time_basis(data["ADPC"]) if data.has("ADPC") else "ADY"
    if basis == "ADY":
        lines = ("Thin lines: individual participants (study day); thick lines: median per "
                 "dose level at each scheduled visit. Log scale.")
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


DISPLAY = declare(ID, ard=ard, figure=figure, footnotes=footnotes)
