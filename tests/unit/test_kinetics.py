"""CAR-T kinetics NCA (SAP 3) and geometric summaries, on hand-worked literal tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.config import load_config
from analysis.data import StudyData
from analysis.derive.kinetics import compute_nca, derive_var_aplot, nca_parameters
from analysis.displays import build_ard
from analysis.stats.geometric import geometric_stats

NAN = math.nan


def adpc(rows):
    """rows: (USUBJID, PARAMCD, ADY, AVAL or None for BLQ)."""
    return pd.DataFrame(
        [{"USUBJID": u, "PARAMCD": p, "ADY": d, "AVAL": v, "BLQFL": "Y" if v is None else "N",
          "AVALC": "BLQ" if v is None else str(v), "LLOQ": 10.0} for u, p, d, v in rows]
    ).astype({"AVAL": float, "ADY": "Int64"})


def test_nca_hand_worked_profile():
    # days 0(BLQ=0), 7 -> 100, 14 -> 50, 28 -> BLQ, 61 -> 20
    # AUC0-28 = (0+100)/2*7 + (100+50)/2*7 + (50+0)/2*14 = 350 + 525 + 350 = 1225
    p = nca_parameters(np.array([0, 7, 14, 28, 61]), np.array([0, 100, 50, 0, 20.0]),
                       np.array([False, True, True, False, True]))
    assert p == {"NSAMP": 5, "NQUANT": 3, "CMAX": 100.0, "TMAX": 7.0, "AUC": 1225.0,
                 "TLAST": 61.0}


def test_auc_0_28_interpolates_day_28_between_the_bracketing_samples():
    # Day-28 visit fell on Day 30: days 0 (BLQ), 7 -> 100, 14 -> 50, 21 -> 30, 30 -> 12.
    # Level at Day 28 = 30 + (12 - 30) * (28 - 21) / (30 - 21) = 30 - 14 = 16.
    # AUC0-28 = (0+100)/2*7 + (100+50)/2*7 + (50+30)/2*7 + (30+16)/2*7
    #         = 350 + 525 + 280 + 161 = 1316 (the sample at Day 30 adds nothing past Day 28)
    p = nca_parameters(np.array([0, 7, 14, 21, 30]), np.array([0, 100, 50, 30, 12.0]),
                       np.array([False, True, True, True, True]))
    assert p["AUC"] == pytest.approx(1316.0)


def test_auc_0_28_starts_from_level_0_at_infusion_without_a_day_0_sample():
    # days 1 -> 10, 28 -> 4: (0+10)/2*1 + (10+4)/2*27 = 5 + 189 = 194
    p = nca_parameters(np.array([1, 28]), np.array([10, 4.0]), np.array([True, True]))
    assert p["AUC"] == pytest.approx(194.0)


def test_auc_0_28_not_estimable_without_a_sample_on_or_after_day_28():
    p = nca_parameters(np.array([0, 7, 21]), np.array([0, 100, 30.0]),
                       np.array([False, True, True]))
    assert math.isnan(p["AUC"]) and p["CMAX"] == 100.0


def test_every_value_blq_gives_cmax_0_auc_0_and_undefined_tmax_tlast():
    nca = compute_nca(adpc([("A", "CARTCOPY", 0, None), ("A", "CARTCOPY", 7, None),
                            ("A", "CARTCOPY", 28, None)]))
    r = nca.iloc[0]
    assert (r["CMAX"], r["AUC"], r["NQUANT"]) == (0.0, 0.0, 0)
    assert math.isnan(r["TMAX"]) and math.isnan(r["TLAST"])


def test_pre_dose_samples_ignored_and_single_sample_auc_not_estimable():
    nca = compute_nca(adpc([("B", "CARTPCT", -4, 3.0), ("B", "CARTPCT", 7, 2.5)]))
    r = nca.iloc[0]
    assert (r["NSAMP"], r["CMAX"], r["TMAX"], r["TLAST"]) == (1, 2.5, 7.0, 7.0)
    assert math.isnan(r["AUC"])


def test_no_post_infusion_sample_gives_all_parameters_missing():
    r = compute_nca(adpc([("C", "CARTPCT", -1, None)])).iloc[0]
    assert r["NSAMP"] == 0 and all(math.isnan(r[k]) for k in ("CMAX", "TMAX", "AUC", "TLAST"))


def test_tmax_is_first_day_of_the_maximum():
    r = nca_parameters(np.array([0, 4, 7]), np.array([0, 9, 9.0]), np.array([0, 1, 1], bool))
    assert r["TMAX"] == 4.0


def test_aval_missing_without_blq_flag_names_the_record():
    df = adpc([("D", "CARTPCT", 7, 1.0)])
    df.loc[0, "AVAL"] = NAN
    with pytest.raises(ValueError, match="USUBJID=D PARAMCD=CARTPCT ADY=7"):
        compute_nca(df)


def test_blq_plotted_at_half_lloq():
    assert derive_var_aplot(adpc([("A", "CARTPCT", 0, None), ("A", "CARTPCT", 1, 4.0)]))[
        "APLOT"].tolist() == [5.0, 4.0]


def test_geometric_stats_excludes_zeros_and_counts_them():
    # values 0, 10, 1000: gmean(10, 1000) = 100; s = sd(ln10, ln1000) = ln(100)/sqrt(2)
    s = geometric_stats([0.0, 10.0, 1000.0, None])
    sd = math.log(100) / math.sqrt(2)
    assert s["n"] == 3 and s["n_zero"] == 1
    assert s["geomean"] == pytest.approx(100.0)
    assert s["geocv"] == pytest.approx(100 * math.sqrt(math.exp(sd * sd) - 1))
    assert (s["median"], s["min"], s["max"]) == (10.0, 0.0, 1000.0)


def test_geometric_stats_all_zero_is_not_estimable():
    s = geometric_stats([0.0, 0.0])
    assert s["n_zero"] == 2 and math.isnan(s["geomean"]) and math.isnan(s["geocv"])


def test_geometric_stats_rejects_negative_values():
    with pytest.raises(ValueError, match="negative"):
        geometric_stats([-1.0, 2.0])


def _adsl():
    return pd.DataFrame({
        "USUBJID": ["A", "B", "C"], "TRT01A": ["DL1 (0.5 × 10⁶/kg)"] * 2 + ["DL2 (1.0 × 10⁶/kg)"],
        "TRT01AN": [1, 1, 2], "INFFL": ["Y", "Y", "Y"], "SAFFL": ["Y"] * 3,
    })


def test_t14_2_8_ard_rows_with_an_empty_dose_level():
    cfg = load_config()
    data = StudyData({"ADSL": _adsl(), "ADPC": adpc([
        ("A", "CARTCOPY", 0, None), ("A", "CARTCOPY", 7, 100.0), ("A", "CARTCOPY", 14, 50.0),
        ("A", "CARTCOPY", 28, None),
        ("B", "CARTCOPY", 0, None), ("B", "CARTCOPY", 7, None), ("B", "CARTCOPY", 28, None),
        ("C", "CARTCOPY", 0, None), ("C", "CARTCOPY", 7, 400.0),
    ])})
    a = build_ard("T14.2.8", data, cfg)
    dl1, dl3 = "DL1 (0.5 × 10⁶/kg)", "DL3 (2.0 × 10⁶/kg)"
    copy = "CAR Transgene (copies/ug gDNA), qPCR"

    def val(var, col, stat, g2=copy):
        r = a[(a.variable == var) & (a.group1_level == col) & (a.stat_name == stat)
              & (a.group2_level == g2)]
        assert len(r) == 1, (var, col, stat)
        return r.iloc[0]

    assert val("BIGN", dl3, "N", "").stat == 0
    assert val("CMAX", dl1, "n").stat == 2 and val("CMAX", dl1, "n_zero").stat == 1
    assert val("CMAX", dl1, "geomean").stat == pytest.approx(100.0)
    assert val("CMAX", "Total", "geomean").stat == pytest.approx(200.0)  # sqrt(100*400)
    assert val("ALLBLQ", dl1, "n").stat == 1 and val("ALLBLQ", dl1, "pct").stat == 50.0
    # AUC0-28 of A: (0+100)/2*7 + (100+50)/2*7 + (50+0)/2*14 = 1225; B: 0 (each has a Day 28
    # sample: without one the AUC0-28 is not estimable, SAP 3)
    assert val("AUC", dl1, "max").stat == 1225.0 and val("AUC", dl1, "min").stat == 0.0
    assert val("CMAX", dl3, "n").stat == 0 and val("CMAX", dl3, "geomean").stat_fmt == "-"
    assert val("TMAX", "Total", "median").stat == 7.0


def test_f14_2_6_medians_per_visit_use_half_lloq_for_blq():
    cfg = load_config()
    df = adpc([("A", "CARTPCT", 7, 4.0), ("B", "CARTPCT", 7, None), ("C", "CARTPCT", 7, 8.0),
               ("A", "CARTPCT", -4, 1.0)])
    df["AVISIT"] = ["Day 7", "Day 7", "Day 7", "Day -4"]
    data = StudyData({"ADSL": _adsl(), "ADPC": df})
    a = build_ard("F14.2.6", data, cfg)
    dl1 = "DL1 (0.5 × 10⁶/kg)"
    m = a[(a.group1_level == dl1) & (a.stat_name == "median")]
    assert m[["variable_level", "stat"]].values.tolist() == [["Day 7", 4.5]]  # median(4, 10/2)
    assert "Day -4" not in set(a.variable_level)
    from analysis.displays import build
    from analysis.displays.f14_2_6 import figure
    fig = figure(*build("F14.2.6", data, cfg), cfg)
    assert [ax.get_yscale() for ax in fig.axes[:2]] == ["log", "log"]
    assert "symmetric log scale" in fig.axes[1].get_xlabel()
