"""T14.2.1, F14.2.1, F14.2.2 and L16.2.6 on a small literal StudyData (hand-worked values)."""

import math
from datetime import date

import pandas as pd
import pytest

from analysis.config import load_config
from analysis.data import StudyData
from analysis.displays import build, build_ard, f14_2_1, f14_2_2, l16_2_6
from analysis.style import figures

CFG = load_config()
DL1, DL2, DL3 = CFG.dose_labels[1], CFG.dose_labels[2], CFG.dose_labels[3]


def _dates(df, cols):
    for c in cols:
        df[c] = pd.to_datetime(df[c])
    return df


# A (DL1): 2 pre relapses, 1 post (Day 0) -> follow-up 366 d to 2024-12-31
# B (DL1): 1 pre relapse, died on Day 10 (follow-up 11 d), no post relapse
# C (DL2): 2 pre onsets 20 days apart (one relapse), post relapse on day 60 plus a febrile one
ADSL = _dates(pd.DataFrame({
    "USUBJID": ["A", "B", "C", "D"],
    "TRT01A": [DL1, DL1, DL2, DL2],
    "INFFL": ["Y", "Y", "Y", "N"],
    "ENRLDT": ["2023-12-01"] * 4,
    "INFDT": ["2024-01-01", "2024-01-01", "2024-01-01", None],
    "LSTALVDT": ["2024-12-31", "2024-01-11", "2024-12-31", "2023-12-10"],
    "DTHDT": [None, "2024-01-11", None, None],
    "EOSSTT": ["COMPLETED", "DISCONTINUED", "COMPLETED", "DISCONTINUED"],
}), ["ENRLDT", "INFDT", "LSTALVDT", "DTHDT"])
ADRELAP = _dates(pd.DataFrame([
    ("A", 1, "2022-06-01", "Y", "N"), ("A", 2, "2023-06-01", "Y", "N"),
    ("A", 3, "2024-01-01", "Y", "N"),
    ("B", 1, "2023-03-01", "Y", "N"),
    ("C", 1, "2023-02-01", "Y", "N"), ("C", 2, "2023-02-21", "Y", "N"),
    ("C", 3, "2024-03-01", "Y", "N"), ("C", 4, "2024-05-01", "Y", "Y"),
], columns=["USUBJID", "RLSEQ", "ASTDT", "RLGT24H", "RLFEVINF"]), ["ASTDT"])
ADAE = _dates(pd.DataFrame({"USUBJID": ["A"], "AESEQ": [1], "ASTDT": ["2024-01-02"],
                            "CRSFL": ["Y"]}), ["ASTDT"])
ADLB = pd.DataFrame({"USUBJID": ["A", "A", "A"], "PARAMCD": ["CD19ABS"] * 3,
                     "AVAL": [50.0, 2.0, 30.0], "ADY": [-5, 7, 91]})
DATA = StudyData({"ADSL": ADSL, "ADRELAP": ADRELAP, "ADAE": ADAE, "ADLB": ADLB},
                 cutoff=date(2025, 1, 1))


def pick(ard, **f):
    m = pd.Series(True, index=ard.index)
    for k, v in f.items():
        m &= ard[k] == v
    assert m.sum() == 1, f
    return ard[m].iloc[0]


def test_t14_2_1_counts_exposure_and_pooled_arr():
    a = build_ard("T14.2.1", DATA, CFG)
    assert pick(a, variable="BIGN", group1_level="Total")["stat"] == 3
    pre = dict(group2_level="Pre-treatment", group1_level="Total")
    post = dict(group2_level="Post-infusion", group1_level="Total")
    assert pick(a, variable="RELAPSES", **pre)["stat"] == 4          # A 2, B 1, C 1 (merged)
    assert pick(a, variable="PY", **pre)["stat"] == 6.0
    assert pick(a, variable="RELAPSES", **post)["stat"] == 2         # A day 0, C day 60
    py = (366 + 11 + 366) / 365.25
    assert pick(a, variable="PY", **post)["stat"] == pytest.approx(py)
    assert pick(a, variable="ARRPOOL", stat_name="rate", **post)["stat"] == pytest.approx(2 / py)
    assert pick(a, variable="NREL", stat_name="n", **post)["stat"] == 2
    # DL3 has nobody: ratio not estimable
    assert pick(a, variable="RATERATIO", stat_name="estimate", group1_level=DL3)["stat_fmt"] == "NE"


def test_t14_2_1_no_relapse_column_has_arr_0_and_ratio_ne():
    a = build_ard("T14.2.1", DATA, CFG)
    # DL1 post: A has 1 -> use B-only data instead: drop A's relapses
    d = StudyData({**DATA.datasets, "ADRELAP": ADRELAP[ADRELAP["USUBJID"] != "A"]},
                  cutoff=DATA.cutoff)
    a = build_ard("T14.2.1", d, CFG)
    keys = dict(variable="ARRPOOL", group2_level="Post-infusion", group1_level=DL1)
    assert pick(a, stat_name="rate", **keys)["stat"] == 0.0
    assert pick(a, stat_name="lcl", **keys)["stat"] == 0.0
    assert pick(a, variable="RATERATIO", stat_name="estimate", group1_level=DL1)["stat_fmt"] == "NE"


def test_f14_2_1_km_at_month_3_is_ne_when_the_longest_follow_up_is_shorter():
    a = build_ard("F14.2.1", DATA, CFG)
    # Total: A event at 0, B censored day 10, C event day 60: the longest follow-up (60
    # days) does not reach Month 3 (91.3 days), so the estimate is NE (SAP 3), not the
    # 0 of the KM step carried forward
    r = pick(a, variable="RELFREE", variable_level="Month 3", stat_name="estimate",
             group1_level="Total")
    assert math.isnan(r["stat"]) and r["stat_fmt"] == "NE"
    r = pick(a, variable="RELFREE", variable_level="Month 3", stat_name="n_risk",
             group1_level="Total")
    assert r["stat"] == 0
    f = f14_2_1.figure(*build("F14.2.1", DATA, CFG), CFG)
    assert f.axes[0].get_ylabel() == "Relapse-free proportion"
    assert f.axes[0].get_xlabel() == "Months since infusion"


def test_f14_2_1_dose_levels_differ_in_line_style_and_marker_not_colour_alone():
    ax = f14_2_1.figure(*build("F14.2.1", DATA, CFG), CFG).axes[0]
    legend = {t.get_text().split(" (N")[0]: h for t, h in
              zip(ax.get_legend().get_texts(), ax.get_legend().legend_handles, strict=True)}
    styles = {(h.get_linestyle(), h.get_marker()) for k, h in legend.items() if k.startswith("DL")}
    assert len(styles) == len([k for k in legend if k.startswith("DL")]) >= 2


def test_f14_2_1_gives_the_longest_follow_up_that_makes_a_month_ne():
    a = build_ard("F14.2.1", DATA, CFG)
    r = pick(a, variable="MAXFU", stat_name="max", group1_level="Total")
    assert r["stat"] == 60 and r["stat_fmt"] == "60"     # C's event on day 60
    notes = " ".join(f14_2_1.footnotes(DATA, CFG))
    assert "carried forward" not in notes and "otherwise it is NE" in notes


def test_f14_2_2_swimmer_rows():
    a = build_ard("F14.2.2", DATA, CFG)
    assert pick(a, variable="RELAPSES", variable_level="A")["stat"] == 1
    assert pick(a, variable="CRS", variable_level="A")["stat"] == 1
    assert pick(a, variable="APLSTDY", variable_level="A")["stat"] == 7
    assert pick(a, variable="APLENDY", variable_level="A")["stat"] == 91
    assert pick(a, variable="ENDREAS", variable_level="B")["stat_fmt"] == "DEATH"
    assert pick(a, variable="FUMONTHS", variable_level="B")["stat"] == pytest.approx(10 / 30.4375)
    assert f14_2_2.figure(*build("F14.2.2", DATA, CFG), CFG).axes[0].get_xlabel() == "Months since infusion"


def test_f14_2_2_draws_its_bars_from_the_ard_and_marks_relapses_in_no_dose_colour():
    a, plot = build("F14.2.2", DATA, CFG)
    a.loc[(a.variable == "FUMONTHS") & (a.variable_level == "B"), "stat"] = 5.0
    ax = f14_2_2.figure(a, plot, CFG).axes[0]
    widths = {round(p.get_width(), 6) for p in ax.patches}
    assert 5.0 in widths   # B's bar is as long as the ARD says
    legend = ax.figure.legends[0]
    relapse = next(h for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
                   if t.get_text() == "Relapse")
    assert relapse.get_color() not in figures.DOSE_COLORS.values()


def test_f14_2_2_selection_footnote_when_more_than_max_bars():
    notes = f14_2_2.footnotes(DATA, CFG, max_bars=2)
    assert notes[-1].startswith("2 of 3 infused participants shown")


def test_l16_2_6_reasons():
    lst = l16_2_6.listing(DATA, CFG)
    c = lst[lst["Participant"] == "C"]
    assert c["Counts as relapse"].tolist() == ["Y", "N", "Y", "N"]
    assert c["Reason not counted"].tolist() == [
        "", "Merged into the relapse of 2023-02-01", "", "Explained by fever or infection"]
    assert c["ARR period"].tolist() == ["Pre-treatment", "", "Post-infusion", ""]
    assert "D" not in set(lst["Participant"])  # not infused
