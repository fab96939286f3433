"""F14.2.1 Relapse-free proportion after infusion (Kaplan-Meier). Set: Infused.

Definition (SAP 3, ARR): relapse-free proportion over time, Kaplan-Meier from
Day 0 (lifelines ``KaplanMeierFitter``); event = first post-infusion relapse
(SAP 3 Relapse: > 24 h, not fever/infection, onsets within 30 days of a
cluster's first onset merged; :func:`analysis.derive.relapse.derive_time_to_relapse`),
time = study day of its onset (a Day-0 relapse is an event at time 0);
censored at the end of follow-up (min of last contact, death, cut-off).

ARD rows (columns: dose levels then Total, N = infused participants):
- ``BIGN``/``N`` per column;
- ``NEVENT``: participants with a post-infusion relapse (n, N, pct);
- ``RELFREE`` with variable_level ``Month m`` for m in 3, 6, 9, 12
  (time = m x ``visits.days_per_month`` days): ``estimate`` (KM relapse-free
  proportion), ``lcl``/``ucl`` (95% CI, lifelines' exponential Greenwood),
  ``n_risk`` (participants with time >= t). When the longest follow-up of the column
  does not reach t, estimate and CI are NE (SAP 3; :func:`analysis.stats.survival.km_at`);
- ``MAXFU``: ``max`` the longest follow-up of the column (days from Day 0, the KM time
  of its longest-followed participant), which the footnote and the text give for NE.

Figure: KM step functions per dose level with >= 1 participant (house dose
colour, line style and marker) and Total (black, with its 95% CI band), censor ticks,
x axis months since infusion, numbers at risk below.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import ard as A
from analysis.ard import TOTAL
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.relapse import derive_time_to_relapse
from analysis.displays.registry import PlotData, declare
from analysis.formats import NE
from analysis.sets import population
from analysis.stats.summaries import count_rows, in_column
from analysis.stats.survival import km_at, km_fit
from analysis.style import figures

ID = "F14.2.1"
MONTHS = (3, 6, 9, 12)


def plot_data(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> PlotData:
    """The Infused set; ``records``: one row per participant, the time to the first
    post-infusion relapse or censoring (``AVAL`` days, ``CNSR``) and ``group_var``."""
    s = population(data, config, ID, group_var)
    t = derive_time_to_relapse(data["ADRELAP"], s.adsl, data.cutoff, config)
    return PlotData(s, {"records": s.attach_group(t)})


def _days_per_month(config: StudyConfig) -> float:
    return float(config.assumptions["visits"]["days_per_month"])


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
        plot: PlotData | None = None, months: tuple[int, ...] = MONTHS) -> pd.DataFrame:
    plot = plot if plot is not None else plot_data(data, config, group_var)
    s, t = plot.pop, plot["records"]
    level = float(config.constants["confidence_level"])
    dpm = _days_per_month(config)
    rows = s.bign_rows()
    rows += count_rows(t[t["CNSR"] == 0], s.bign, display_id=ID, variable="NEVENT",
                       group_var=group_var, stat_label="Participants with a relapse")
    for col in s.cols:
        sub = in_column(t, col, group_var)
        est = km_at(sub["AVAL"], 1 - sub["CNSR"], [m * dpm for m in months], level)
        for m, r in zip(months, est.itertuples(index=False), strict=False):
            keys = dict(display_id=ID, variable="RELFREE", variable_level=f"Month {m}",
                        group1=group_var, group1_level=col)
            for name in ("estimate", "lcl", "ucl"):
                v = getattr(r, name)
                rows.append(A.row(stat_name=name, stat=v, stat_label="KM estimate (95% CI)",
                                  stat_fmt=NE if math.isnan(v) else None, **keys))
            rows.append(A.row(stat_name="n_risk", stat=r.n_risk, stat_label="Number at risk",
                              **keys))
        longest = float(sub["AVAL"].max()) if len(sub) else math.nan
        rows.append(A.row(ID, "MAXFU", "max", longest, group1=group_var, group1_level=col,
                          stat_label="Longest follow-up (days)",
                          stat_fmt=NE if math.isnan(longest) else None))
    return A.frame(rows)


LAYOUT = {"variable_labels": {"NEVENT": "Participants with a post-infusion relapse",
                              "RELFREE": "Relapse-free proportion (95% CI)",
                              "MAXFU": "Longest follow-up (days)"}}


def figure(ard: pd.DataFrame, plot: PlotData, config: StudyConfig) -> Figure:
    """Kaplan-Meier curves of the records the ARD was built from (``plot``; the ARD holds
    the estimates at Months 3-12 only) with the ARD's N per column in the legend, censor
    ticks, numbers at risk every 3 months below. Dose levels differ in colour, line style
    and marker (markers every 3 months, staggered per curve, so that curves that coincide,
    e.g. two at 1.0, each stay visible); Total is black with its 95% CI band."""
    s, t = plot.pop, plot["records"]
    dpm = _days_per_month(config)
    level = float(config.constants["confidence_level"])
    bign = A.column_n(ard)
    curves = [c for c in s.cols if bign[c] > 0]
    fig, (ax, axr) = figures.new_figure(2, 1, height=4.6,
                                        gridspec_kw={"height_ratios": [4, 0.35 * len(curves) + 0.4]})
    horizon = max([*MONTHS, float(np.ceil(t["AVAL"].max() / dpm)) if len(t) else 0])
    ticks = list(range(0, int(horizon) + 1, 3))
    handles = []
    for i, col in enumerate(curves):
        sub = in_column(t, col, s.group_var)
        kmf = km_fit(sub["AVAL"] / dpm, 1 - sub["CNSR"], level, label=col)
        style = figures.series_style(col, s.cols, config.dose_labels)
        total = col == TOTAL
        kmf.plot_survival_function(ax=ax, ci_show=total, show_censors=True, color=style.color,
                                   linestyle=style.linestyle, lw=1.0 if total else 1.6,
                                   censor_styles={"marker": "|", "ms": 6, "mew": 1},
                                   ci_alpha=0.12, legend=False)
        last = float(sub["AVAL"].max()) / dpm
        if style.marker and np.isfinite(last):
            at = np.arange(3 * (i + 1) / (len(curves) + 1), last, 3.0)
            ax.plot(at, kmf.survival_function_at_times(at).to_numpy(), ls="none",
                    marker=style.marker, ms=4.5, color=style.color, mec="white", mew=0.5)
        handles.append(Line2D([], [], color=style.color, ls=style.linestyle,
                              lw=1.0 if total else 1.6, marker=style.marker or None, ms=4.5,
                              mec="white", mew=0.5, label=f"{col} (N = {bign[col]})"))
        d = sub["AVAL"].to_numpy() / dpm
        for x in ticks:
            axr.text(x, len(curves) - 1 - i, str(int((d >= x).sum())), ha="center", va="center",
                     fontsize=7, color=style.color)
    if TOTAL in curves:
        handles.append(Patch(color="black", alpha=0.12, label="Total: 95% CI"))
    ax.set_ylim(0, 1.05)
    ax.set_xlim(-0.3, horizon + 0.3)
    ax.set_xticks(ticks)
    ax.set_xlabel("Months since infusion")
    ax.set_ylabel("Relapse-free proportion")
    ax.legend(handles=handles, loc="lower left", frameon=False, fontsize=7, handlelength=3)
    axr.set_xlim(ax.get_xlim())
    axr.set_ylim(-0.6, len(curves) - 0.4)
    axr.set_yticks(range(len(curves)))
    axr.set_yticklabels([c for c in reversed(curves)], fontsize=7)
    axr.set_xticks([])
    axr.grid(False)
    for side in ("left", "bottom", "top", "right"):
        axr.spines[side].set_visible(False)
    axr.set_title("Number at risk", fontsize=8, loc="left")
    return fig


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    c = config.constants
    return [
        "Kaplan-Meier estimate from Day 0 (infusion); event: first post-infusion relapse "
        "(symptoms > 24 h, not explained by fever or infection; onsets within "
        f"{c['relapse_merge_days']} days of a cluster's first onset count as one relapse); "
        "censored at end of follow-up (earliest of last contact, death, data cut-off).",
        "95% CI: exponential Greenwood (log-log). Month m = m x "
        f"{config.assumptions['visits']['days_per_month']} days. Vertical ticks: censored "
        "participants; dose levels differ in colour, line style and marker (markers every "
        "3 months, offset per dose level, so that coinciding curves stay visible). An estimate at Month m is reported only when the longest follow-up of "
        "the column reaches m months; otherwise it is NE (not estimable; SAP 3). The longest "
        "follow-up (days from infusion) is shown per column.",
    ]


DISPLAY = declare(ID, ard=ard, plot_data=plot_data, figure=figure, layout=LAYOUT,
                  footnotes=footnotes)
