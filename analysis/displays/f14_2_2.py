"""F14.2.2 Swimmer plot: follow-up, relapses, CRS, B-cell aplasia per participant. Set: Infused.

One horizontal bar per infused participant from Day 0 to the end of
follow-up (min of last contact, death, cut-off; SAP 3 ARR), coloured by dose
level, with markers for:
- post-infusion relapses (SAP 3 Relapse: > 24 h, not fever/infection, onsets
  within 30 days of a cluster's first onset merged), at the relapse onset day;
- CRS episodes (ADAE CRSFL = "Y"), at the onset day;
- B-cell aplasia (ADLB CD19ABS < ``assumptions.b_cell_aplasia`` threshold;
  :func:`analysis.derive.bcells.compute_aplasia`): a dark band from the first
  post-infusion aplasia value to reconstitution (first value >= threshold
  after aplasia) or, if not reconstituted, the end of follow-up;
- death (DTHDT) or discontinuation (EOSSTT = "DISCONTINUED", at EOSDT) at the
  end of the bar.
Bars are sorted by dose level, then follow-up (longest first), then USUBJID.
At most ``max_bars`` (default 60) participants are drawn: when there are
more, the ``max_bars`` with the earliest infusion dates (ties by USUBJID) are
drawn, and a footnote says so.

ARD (group1 = dose column of the participant, variable_level = USUBJID; one
block per participant in plot order): ``FUMONTHS`` (follow-up, months =
days / days_per_month, ``estimate``), ``RELAPSES`` (``n``), ``CRS`` (``n``
episodes), ``APLSTDY``/``APLENDY`` (study days of the aplasia band, NaN if
none), ``ENDREAS`` (text: DEATH, DISCONTINUED or "").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.bcells import aplasia_threshold, compute_aplasia
from analysis.derive.relapse import derive_followup, relapses
from analysis.derive.studyday import derive_var_ady
from analysis.displays.registry import PlotData, declare
from analysis.sets import population
from analysis.style import figures

ID = "F14.2.2"
MAX_BARS = 60


def plot_data(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
              max_bars: int = MAX_BARS) -> PlotData:
    """The Infused set; ``records``: one row per drawn participant in plot order (the ARD
    block of each); ``relapses`` and ``crs``: the days (``DAY``, from infusion) of the
    markers; ``facts["n_in_set"]``: the participants of the set (drawn or not)."""
    s = population(data, config, ID, group_var)
    adsl = s.adsl
    fu = derive_followup(adsl, data.cutoff, config)
    fu["LASTDY"] = fu["FUDAYS"] - 1
    fu = s.attach_group(fu)
    dose_order = {c: i for i, c in enumerate(s.cols)}
    fu["_ord"] = fu[group_var].map(dose_order)
    n_all = len(fu)
    if n_all > max_bars:
        fu = fu.sort_values(["INFDT", "USUBJID"]).head(max_bars)
    # relapses in the post-infusion period
    rel = relapses(data["ADRELAP"], config).merge(fu[["USUBJID", "INFDT", "FUENDDT"]],
                                                    on="USUBJID")
    rel = rel[(rel["ASTDT"] >= rel["INFDT"]) & (rel["ASTDT"] <= rel["FUENDDT"])]
    rel = rel.assign(DAY=(rel["ASTDT"] - rel["INFDT"]).dt.days)
    adae = data["ADAE"]
    crs = adae[adae.get("CRSFL", pd.Series("N", index=adae.index)) == "Y"]
    crs = crs.merge(fu[["USUBJID", "INFDT", "FUENDDT"]], on="USUBJID")
    crs = crs.assign(DAY=(pd.to_datetime(crs["ASTDT"]) - crs["INFDT"]).dt.days)
    adlb = data["ADLB"]
    cd19 = adlb[adlb["PARAMCD"] == "CD19ABS"]
    if "ADY" not in cd19.columns:
        cd19 = derive_var_ady(cd19, adsl)
    apl = compute_aplasia(cd19, config).set_index("USUBJID")
    fu["RELAPSES"] = fu["USUBJID"].map(rel.groupby("USUBJID").size()).fillna(0).astype(int)
    fu["CRS"] = fu["USUBJID"].map(crs.groupby("USUBJID").size()).fillna(0).astype(int)
    fu["APLSTDY"] = fu["USUBJID"].map(apl["APLDY"]) if len(apl) else np.nan
    rec = apl["RECDY"] if len(apl) else pd.Series(dtype=float)
    fu["APLENDY"] = np.where(fu["APLSTDY"].notna(),
                             fu["USUBJID"].map(rec).fillna(fu["LASTDY"]), np.nan)
    fu["APLENDY"] = np.minimum(fu["APLENDY"].astype(float), fu["LASTDY"].astype(float))
    a = adsl.set_index("USUBJID")
    dth = fu["USUBJID"].map(a["DTHDT"]) if "DTHDT" in a else pd.Series(pd.NaT, index=fu.index)
    disc = (fu["USUBJID"].map(a["EOSSTT"]) == "DISCONTINUED") if "EOSSTT" in a else False
    fu["ENDREAS"] = np.where(pd.to_datetime(dth).notna() & (pd.to_datetime(dth) <= fu["FUENDDT"]),
                             "DEATH", np.where(disc, "DISCONTINUED", ""))
    fu = fu.sort_values(["_ord", "LASTDY", "USUBJID"], ascending=[True, False, True])
    return PlotData(s, {"records": fu.reset_index(drop=True), "relapses": rel, "crs": crs},
                    {"n_in_set": n_all})


def _months(days, config: StudyConfig):
    return np.asarray(days, dtype=float) / float(config.assumptions["visits"]["days_per_month"])


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
        plot: PlotData | None = None, max_bars: int = MAX_BARS) -> pd.DataFrame:
    plot = plot if plot is not None else plot_data(data, config, group_var, max_bars)
    fu = plot["records"]
    rows = plot.pop.bign_rows()
    for r in fu.itertuples(index=False):
        keys = dict(display_id=ID, group1=group_var, group1_level=getattr(r, group_var),
                    variable_level=r.USUBJID)
        rows.append(A.row(variable="FUMONTHS", stat_name="estimate",
                          stat=float(_months([r.LASTDY], config)[0]),
                          stat_label="Follow-up (months)", **keys))
        rows.append(A.row(variable="RELAPSES", stat_name="n", stat=r.RELAPSES,
                          stat_label="Post-infusion relapses", **keys))
        rows.append(A.row(variable="CRS", stat_name="n", stat=r.CRS, stat_label="CRS episodes",
                          **keys))
        rows.append(A.row(variable="APLSTDY", stat_name="day", stat=r.APLSTDY,
                          stat_label="B-cell aplasia from (study day)", **keys))
        rows.append(A.row(variable="APLENDY", stat_name="day", stat=r.APLENDY,
                          stat_label="B-cell aplasia to (study day)", **keys))
        rows.append(A.row(variable="ENDREAS", stat_name="text", stat=None, stat_fmt=r.ENDREAS,
                          stat_label="End of bar", **keys))
    return A.frame(rows)


def bars(ard: pd.DataFrame) -> pd.DataFrame:
    """The swimmer bars as the ARD gives them: one row per participant (USUBJID, in ARD
    order: the plot's, top first), its column (``group``), FUMONTHS, APLSTDY, APLENDY and
    ENDREAS."""
    rows = ard[ard["variable"] != "BIGN"]
    order = list(dict.fromkeys(rows["variable_level"]))
    wide = rows.pivot(index="variable_level", columns="variable", values="stat").reindex(
        index=order, columns=["FUMONTHS", "APLSTDY", "APLENDY"])
    text = rows[rows["stat_name"] == "text"].set_index("variable_level")
    group = rows.drop_duplicates("variable_level").set_index("variable_level")["group1_level"]
    return pd.DataFrame({"USUBJID": order, "group": group.reindex(order).to_numpy(),
                         "FUMONTHS": wide["FUMONTHS"].to_numpy(),
                         "APLSTDY": wide["APLSTDY"].to_numpy(),
                         "APLENDY": wide["APLENDY"].to_numpy(),
                         "ENDREAS": text["stat_fmt"].reindex(order).to_numpy()})


def figure(ard: pd.DataFrame, plot: PlotData, config: StudyConfig) -> Figure:
    """The bars, aplasia bands and ends of the ARD; the relapse and CRS markers at their
    days (``plot``: the ARD counts them, the figure places them)."""
    fu = bars(ard)
    cols = plot.pop.cols
    n = len(fu)
    fig, ax = figures.new_figure(height=max(2.8, 1.2 + 0.16 * n))
    ypos = {u: n - 1 - i for i, u in enumerate(fu["USUBJID"])}
    for r in fu.itertuples(index=False):
        color = figures.series_style(r.group, cols, config.dose_labels).color
        y = ypos[r.USUBJID]
        ax.barh(y, r.FUMONTHS, left=0, height=0.6, color=color, edgecolor="none")
        if not np.isnan(r.APLSTDY):
            x0, x1 = _months([r.APLSTDY, r.APLENDY], config)
            ax.barh(y, x1 - x0, left=x0, height=0.18, color=figures.OKABE_ITO["black"],
                    alpha=0.55, edgecolor="none")
        if r.ENDREAS == "DEATH":
            ax.plot(r.FUMONTHS, y, marker="X", color="black", ms=6, ls="none")
        elif r.ENDREAS == "DISCONTINUED":
            ax.plot(r.FUMONTHS, y, marker="|", color="black", ms=9, mew=2, ls="none")
    rel = plot["relapses"][plot["relapses"]["USUBJID"].isin(ypos)]
    crs = plot["crs"][plot["crs"]["USUBJID"].isin(ypos)]
    ax.plot(_months(rel["DAY"], config), rel["USUBJID"].map(ypos), ls="none", marker="v",
            color=figures.EVENT_COLORS["relapse"], mec="black", mew=0.5, ms=6)
    ax.plot(_months(crs["DAY"], config), crs["USUBJID"].map(ypos) + 0.3, ls="none", marker="*",
            color=figures.EVENT_COLORS["crs"], mec="black", mew=0.5, ms=7)
    ax.set_yticks(list(ypos.values()))
    ax.set_yticklabels(list(ypos.keys()), fontsize=6 if n > 30 else 7)
    ax.set_ylim(-0.8, n - 0.2)
    ax.set_xlim(left=0)
    ax.set_xlabel("Months since infusion")
    ax.set_ylabel("Participant")
    ax.grid(axis="y", visible=False)
    levels = [c for c in cols if c in set(fu["group"])]
    handles = [Patch(color=figures.series_style(c, cols, config.dose_labels).color, label=c)
               for c in levels]
    handles += [
        Patch(color="black", alpha=0.55, label=f"B-cell aplasia (CD19+ < "
              f"{aplasia_threshold(config):g} cells/µL)"),
        Line2D([], [], ls="none", marker="v", color=figures.EVENT_COLORS["relapse"], mec="black",
               mew=0.5, label="Relapse"),
        Line2D([], [], ls="none", marker="*", color=figures.EVENT_COLORS["crs"], mec="black",
               mew=0.5, ms=8, label="CRS onset"),
        Line2D([], [], ls="none", marker="X", color="black", label="Death"),
        Line2D([], [], ls="none", marker="|", color="black", mew=2, ms=9, label="Discontinued"),
    ]
    fig.legend(handles=handles, loc="outside right upper", frameon=False, fontsize=7)
    return fig


def footnotes(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
              max_bars: int = MAX_BARS) -> list[str]:
    plot = plot_data(data, config, group_var, max_bars)
    fu, n_all = plot["records"], plot.facts["n_in_set"]
    notes = [
        "Bars: Day 0 (infusion) to end of follow-up (earliest of last contact, death, data "
        "cut-off), by dose level, then longest follow-up first. Relapse: symptoms > 24 h, not "
        "explained by fever or infection; onsets within "
        f"{config.constants['relapse_merge_days']} days count as one relapse. CRS: cytokine "
        "release syndrome (as flagged by the investigator), onset day. B-cell aplasia: CD19+ B cells in blood "
        f"< {aplasia_threshold(config):g} cells/µL, from the first post-infusion aplasia value "
        "to reconstitution (first value at or above the threshold) or end of follow-up.",
    ]
    if n_all > len(fu):
        notes.append(f"{len(fu)} of {n_all} infused participants shown: those with the "
                     f"{len(fu)} earliest infusion dates (ties by participant identifier).")
    return notes


DISPLAY = declare(ID, ard=ard, plot_data=plot_data, figure=figure, footnotes=footnotes)
