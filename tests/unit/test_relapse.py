"""Relapse, follow-up, ARR and rate ratio (SAP 3, Relapse and ARR): hand-worked tables."""

import math
from datetime import date

import pandas as pd
import pytest

from analysis.config import load_config
from analysis.derive.relapse import (
    derive_followup,
    derive_relapse_flags,
    derive_relapse_periods,
    derive_time_to_relapse,
)
from analysis.stats.rates import pooled_rate, rate_ratio

CFG = load_config()
D = pd.Timestamp


def relap(rows):
    return pd.DataFrame(rows, columns=["USUBJID", "RLSEQ", "ASTDT", "RLGT24H", "RLFEVINF"]).assign(
        ASTDT=lambda d: pd.to_datetime(d["ASTDT"]))


def adsl(rows):
    df = pd.DataFrame(rows, columns=["USUBJID", "ENRLDT", "INFDT", "LSTALVDT", "DTHDT"])
    for c in ("ENRLDT", "INFDT", "LSTALVDT", "DTHDT"):
        df[c] = pd.to_datetime(df[c])
    return df


def test_two_onsets_20_days_apart_are_one_relapse():
    r = relap([("A", 1, "2024-01-01", "Y", "N"), ("A", 2, "2024-01-21", "Y", "N")])
    out = derive_relapse_flags(r, CFG)
    assert list(out["RLCNTFL"]) == ["Y", "N"]
    assert list(out["RLREASON"]) == ["", "Merged into the relapse of 2024-01-01"]


def test_merging_is_chained_from_the_first_onset_of_the_cluster():
    # days 0, 20, 40: day 40 is 40 days after the cluster's first onset -> new relapse
    r = relap([("A", 1, "2024-01-01", "Y", "N"), ("A", 2, "2024-01-21", "Y", "N"),
               ("A", 3, "2024-02-10", "Y", "N"), ("A", 4, "2024-03-11", "Y", "N")])
    out = derive_relapse_flags(r, CFG)
    # 2024-03-11 is 30 days after 2024-02-10: merged (at most 30 days)
    assert list(out["RLCNTFL"]) == ["Y", "N", "Y", "N"]
    assert out["RLREASON"].iloc[3] == "Merged into the relapse of 2024-02-10"


def test_short_or_febrile_episodes_do_not_count_and_do_not_open_a_cluster():
    r = relap([("A", 1, "2024-01-01", "N", "N"), ("A", 2, "2024-01-05", "Y", "Y"),
               ("A", 3, "2024-01-10", "N", "Y"), ("A", 4, "2024-01-20", "Y", "N")])
    out = derive_relapse_flags(r, CFG)
    assert list(out["RLCNTFL"]) == ["N", "N", "N", "Y"]
    assert list(out["RLREASON"]) == [
        "Symptoms lasted 24 h or less", "Explained by fever or infection",
        "Symptoms lasted 24 h or less; Explained by fever or infection", ""]


def test_invalid_flag_names_the_participant_and_value():
    r = relap([("A", 1, "2024-01-01", "X", "N")])
    with pytest.raises(ValueError, match="USUBJID=A RLSEQ=1: RLGT24H='X'"):
        derive_relapse_flags(r, CFG)


def test_followup_ends_at_death_on_day_10():
    s = adsl([("A", "2023-12-01", "2024-01-01", "2024-01-11", "2024-01-11")])
    fu = derive_followup(s, date(2025, 1, 1), CFG)
    assert fu["FUENDDT"].iloc[0] == D("2024-01-11")
    assert fu["FUEND"].iloc[0] == "DEATH"
    assert fu["FUDAYS"].iloc[0] == 11  # Day 0 to Day 10 inclusive
    assert fu["FUYRS"].iloc[0] == pytest.approx(11 / 365.25)


def test_followup_ends_at_cutoff_before_last_contact():
    s = adsl([("A", "2023-12-01", "2024-01-01", "2024-12-31", None)])
    fu = derive_followup(s, date(2024, 6, 30), CFG)
    assert (fu["FUENDDT"].iloc[0], fu["FUEND"].iloc[0], fu["FUDAYS"].iloc[0]) == \
        (D("2024-06-30"), "CUT-OFF", 182)


def test_relapse_on_day_0_counts_post_infusion_and_pre_window_is_24_months():
    s = adsl([("A", "2023-12-01", "2024-01-01", "2024-12-31", None)])
    r = relap([
        ("A", 1, "2021-10-01", "Y", "N"),  # before the 24-month window: not counted
        ("A", 2, "2021-12-01", "Y", "N"),  # first day of the window: pre
        ("A", 3, "2023-06-01", "Y", "N"),  # pre
        ("A", 4, "2023-12-15", "Y", "N"),  # between enrolment and Day 0: neither period
        ("A", 5, "2024-01-01", "Y", "N"),  # Day 0 (17 days after 12-15 -> merged!)
        ("A", 6, "2024-03-01", "Y", "N"),  # post
    ])
    p = derive_relapse_periods(r, s, date(2025, 1, 1), CFG).set_index("PERIOD")
    assert p.loc["PRE", "RELAPSES"] == 2 and p.loc["PRE", "EXPOSURE"] == 2.0
    # the Day-0 onset is merged into the cluster of 2023-12-15 (17 days earlier)
    assert p.loc["POST", "RELAPSES"] == 1
    assert p.loc["POST", "EXPOSURE"] == pytest.approx(366 / 365.25)


def test_relapse_on_day_0_alone_counts_post_infusion():
    s = adsl([("A", "2023-12-01", "2024-01-01", "2024-12-31", None)])
    r = relap([("A", 1, "2024-01-01", "Y", "N")])
    p = derive_relapse_periods(r, s, None, CFG).set_index("PERIOD")
    assert p.loc["POST", "RELAPSES"] == 1
    t = derive_time_to_relapse(r, s, None, CFG)
    assert (t["AVAL"].iloc[0], t["CNSR"].iloc[0]) == (0.0, 0)


def test_time_to_relapse_censored_at_end_of_followup():
    s = adsl([("A", "2023-12-01", "2024-01-01", "2024-01-11", "2024-01-11")])
    t = derive_time_to_relapse(relap([]), s, None, CFG)
    assert (t["AVAL"].iloc[0], t["CNSR"].iloc[0]) == (10.0, 1)


def test_no_relapses_gives_arr_0_with_lower_limit_0_and_rate_ratio_ne():
    periods = pd.DataFrame({"USUBJID": ["A", "A", "B", "B"], "PERIOD": ["PRE", "POST"] * 2,
                            "RELAPSES": [0, 0, 0, 0], "EXPOSURE": [2.0, 1.0, 2.0, 0.5]})
    post = periods[periods["PERIOD"] == "POST"]
    p = pooled_rate(post["RELAPSES"], post["EXPOSURE"])
    assert (p["n_events"], p["rate"], p["lcl"]) == (0, 0.0, 0.0)
    # exact upper limit: chi2(0.975, 2)/2 / 1.5 = 3.6889 / 1.5
    assert p["ucl"] == pytest.approx(3.688879 / 1.5, rel=1e-5)
    rr = rate_ratio(periods)
    assert math.isnan(rr["estimate"]) and math.isnan(rr["lcl"])


def test_rate_ratio_is_ratio_of_pooled_rates():
    # post 1 relapse / 2.5 y = 0.4; pre 9 / 6 y = 1.5; ratio = 0.26667
    periods = pd.DataFrame({"USUBJID": list("AABBCC"), "PERIOD": ["PRE", "POST"] * 3,
                            "RELAPSES": [3, 0, 4, 1, 2, 0], "EXPOSURE": [2, 1, 2, 0.5, 2, 1.0]})
    rr = rate_ratio(periods)
    assert rr["estimate"] == pytest.approx(0.4 / 1.5)
    assert rr["lcl"] < rr["estimate"] < rr["ucl"]
    assert rr["n_subj"] == 3
