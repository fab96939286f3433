"""The seeded trial simulator: determinism, inclusion criteria, the 3+3 rule, contract validity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.config import load_config
from data_contract.simulator import decide_3plus3, load_params, simulate_trial
from data_contract.simulator.parameters import read_raw, undocumented_numbers

CFG = load_config()
RULE = {**CFG.assumptions["escalation_rule"],
        "escalate_if_dlt_at_most": {int(k): v for k, v in
                                    CFG.assumptions["escalation_rule"]["escalate_if_dlt_at_most"].items()}}


@pytest.fixture(scope="module")
def default_trial():
    return simulate_trial()


def test_same_seed_and_n_give_identical_datasets():
    a, b = simulate_trial(n=12, seed=7), simulate_trial(n=12, seed=7)
    assert a.final_cutoff == b.final_cutoff and a.interim_cutoff == b.interim_cutoff
    for name in a.datasets:
        pd.testing.assert_frame_equal(a.datasets[name], b.datasets[name])


def test_different_seeds_give_different_data():
    a, b = simulate_trial(n=12, seed=7), simulate_trial(n=12, seed=8)
    assert not a.datasets["ADLB"]["AVAL"].equals(b.datasets["ADLB"]["AVAL"])


def test_every_parameter_number_has_a_reason():
    assert undocumented_numbers(read_raw()) == []
    assert undocumented_numbers({"a": {"value": 1, "reason": "r"}, "b": 2}) == ["b"]


def test_decide_3plus3_follows_the_rule():
    assert decide_3plus3(3, 0, RULE) == "ESCALATE"
    assert decide_3plus3(3, 1, RULE) == "EXPAND"
    assert decide_3plus3(3, 2, RULE) == "STOP"
    assert decide_3plus3(6, 1, RULE) == "ESCALATE"
    assert decide_3plus3(6, 2, RULE) == "STOP"


def _relapses_before_screening(trial, days_lo, days_hi):
    rl, adsl = trial.datasets["ADRELAP"], trial.datasets["ADSL"]
    lb = trial.datasets["ADLB"]
    scr = lb.loc[lb["AVISIT"] == "Screening"].groupby("USUBJID")["ADT"].first()
    pre = rl.loc[rl["RLPHASE"] == "PRE-TREATMENT"].assign(SCR=lambda d: d["USUBJID"].map(scr))
    ago = (pre["SCR"] - pre["ASTDT"]).dt.days
    return pre.loc[(ago > days_lo) & (ago <= days_hi)].groupby("USUBJID").size() \
        .reindex(adsl["USUBJID"], fill_value=0)


@pytest.mark.parametrize("n,seed", [(20, None), (200, 3)])
def test_every_participant_meets_the_inclusion_criteria(n, seed):
    trial = simulate_trial(n=n, seed=seed)
    adsl = trial.datasets["ADSL"]
    lo, hi = CFG.study["age_range"]
    assert adsl["AGE"].between(lo, hi).all()
    assert (adsl["AQP4BL"] >= load_params()["labs"]["aqp4"]["dilution_start"]).all()
    assert (adsl["NPRIMSUP"] >= 1).all()
    r12 = _relapses_before_screening(trial, 0, 365)
    r24 = _relapses_before_screening(trial, 0, 730)
    assert ((r12 >= 2) | ((r24 >= 3) & (r12 >= 1))).all()
    assert (adsl.set_index("USUBJID")["RELP12"] == r12).all()
    assert (adsl.set_index("USUBJID")["RELP24"] == r24).all()


def recompute_3plus3(adsl: pd.DataFrame, adae: pd.DataFrame):
    """Independent replay of the 3+3 rule from ADSL cohorts and ADAE DLT flags."""
    dlt_ids = set(adae.loc[adae["DLTFL"] == "Y", "USUBJID"])
    esc = adsl.loc[adsl["COHORT"] == "ESCALATION"].sort_values("INFDT")
    levels = [lv.code for lv in CFG.dose_levels]
    size = RULE["cohort_size"]
    seq = list(zip(esc["TRT01AN"], esc["USUBJID"].isin(dlt_ids), strict=True))
    n_at = dict.fromkeys(levels, 0)
    d_at = dict.fromkeys(levels, 0)
    stopped, cur, i, mtd, decisions = set(), 0, 0, None, []
    while i < len(seq):
        cohort = seq[i: i + size]
        assert all(lv == levels[cur] for lv, _ in cohort), f"cohort at {i} not at level {levels[cur]}"
        i += len(cohort)
        n_at[levels[cur]] += len(cohort)
        d_at[levels[cur]] += sum(d for _, d in cohort)
        if len(cohort) < size:
            assert i == len(seq)
            break
        lv = levels[cur]
        if d_at[lv] >= 2:
            decisions.append((lv, "STOP"))
            stopped.add(lv)
            if cur == 0:
                break
            if n_at[levels[cur - 1]] >= 6:
                mtd = levels[cur - 1]
                break
            cur -= 1
        elif (n_at[lv] == 3 and d_at[lv] == 0) or (n_at[lv] == 6 and d_at[lv] <= 1):
            if cur + 1 == len(levels) or levels[cur + 1] in stopped:
                decisions.append((lv, "MTD"))
                mtd = lv
                break
            decisions.append((lv, "ESCALATE"))
            cur += 1
        else:
            decisions.append((lv, "EXPAND"))
    assert i == len(seq), "participants enrolled in escalation after the rule ended it"
    return mtd, decisions


@pytest.mark.parametrize("n,seed", [(20, None), (20, 1), (20, 5), (7, 2), (6, 11), (40, 9)])
def test_escalation_obeys_the_3plus3_rule(n, seed):
    trial = simulate_trial(n=n, seed=seed)
    adsl, adae = trial.datasets["ADSL"], trial.datasets["ADAE"]
    mtd, decisions = recompute_3plus3(adsl, adae)
    assert mtd == trial.recommended_level
    simulated = [(d.level, d.decision) for d in trial.decisions if d.decision != "INCOMPLETE"]
    assert simulated == decisions
    exp = adsl.loc[adsl["COHORT"] == "EXPANSION"]
    if mtd is None:
        assert exp.empty
    else:
        assert (exp["TRT01AN"] == mtd).all()
        assert len(adsl) == n
    # Escalation cohorts open only after the previous cohort's DLT windows have closed.
    esc = adsl.loc[adsl["COHORT"] == "ESCALATION"].sort_values("INFDT")
    assert (esc["INFDT"].diff().dropna().dt.days > 0).all()


def test_default_run_has_one_discontinuation_and_dl2_interim(default_trial):
    adsl = default_trial.datasets["ADSL"]
    assert (adsl["EOSSTT"] == "DISCONTINUED").sum() == 1
    dl2 = adsl.loc[(adsl["TRT01AN"] == 2) & (adsl["COHORT"] == "ESCALATION"), "INFDT"].max()
    window = CFG.registry["dlt_window_days"]
    assert default_trial.interim_cutoff == (dl2 + pd.Timedelta(days=window)).date()
    assert default_trial.final_cutoff == (adsl["INFDT"].max() + pd.DateOffset(months=12)).date()


def test_relapse_rules_are_exercised(default_trial):
    rl = default_trial.datasets["ADRELAP"]
    on = rl.loc[rl["RLPHASE"] == "ON-STUDY"].sort_values(["USUBJID", "ASTDT"])
    assert (on["RLFEVINF"] == "Y").any() and (on["RLGT24H"] == "N").any()
    gaps = on.groupby("USUBJID")["ASTDT"].diff().dt.days
    assert (gaps < load_params()["relapses"]["min_gap_days"]).any()


@pytest.mark.parametrize("n", [20, 7, 200])
def test_simulated_datasets_satisfy_the_contract(n):
    from data_contract.validate import validate

    trial = simulate_trial(n=n)
    report = validate(trial.datasets, trial.final_cutoff)
    assert report.ok, report.format()


def test_more_participants_than_four_digit_subject_numbers_hold_stay_unique():
    """Past 9,999 participants the subject numbers outgrow their 4 digits and stay unique
    (the enrolment step of :func:`simulate_trial`, as it runs there). A whole trial of
    20,000 participants is the bench's: ``nox -s bench`` simulates, freezes and validates
    it, and took 2.5 min of CI's 15 here."""

    from analysis.config import load_config
    from data_contract.simulator.assemble import STREAMS, load_params, run_escalation
    from data_contract.simulator.enrolment import enrol

    params, config = load_params(), load_config()
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(1).spawn(len(STREAMS))]
    streams = dict(zip(STREAMS, rngs, strict=True))
    pt = enrol(run_escalation(10_050, streams["escalation"], params, config),
               streams["enrolment"], params, config)
    usubjid = pd.Series(pt.usubjid)
    assert len(usubjid) == 10_050 and usubjid.is_unique
    lengths = pd.Series(pt.subjid).str.len()
    assert lengths.max() == lengths.min() + 1          # 4 digits, then 5


def test_same_seed_freezes_byte_identical_snapshots(tmp_path):
    from data_contract.snapshot import freeze

    paths = []
    for root in ("a", "b"):
        trial = simulate_trial(n=8, seed=4)
        paths.append(freeze(trial.datasets, "sim", trial.final_cutoff, source="simulated",
                            simulated=True, root=tmp_path / root))
    files = sorted(p.relative_to(paths[0]) for p in paths[0].rglob("*") if p.is_file())
    assert files
    for f in files:
        assert (paths[0] / f).read_bytes() == (paths[1] / f).read_bytes(), f


def test_simulated_text_holds_one_object_per_distinct_value(default_trial):
    """Repeated text shares one object (as read from Parquet), not one per row: at 20,000
    participants one object per ADLB row and column is about 1 GB."""
    for name, df in default_trial.datasets.items():
        for col in df.select_dtypes(include="object").columns:
            values = df[col].to_numpy()
            present = values[pd.notna(values)]
            assert len({id(v) for v in present}) == len(set(present.tolist())), (name, col)


def test_committed_snapshots_are_what_the_simulator_makes_from_their_seed(tmp_path):
    """sim-final and sim-interim are reproducible byte for byte from their manifests'
    recipe (seed 20240812, n 20; the interim is a cut of the final)."""
    from data_contract.cli import main
    from data_contract.snapshot import SNAPSHOT_ROOT

    assert main(["simulate", "--id", "sim-final", "--seed", "20240812", "--n", "20",
                 "--root", str(tmp_path)]) == 0
    assert main(["cut", "sim-final", "--cutoff", "2026-02-26", "--id", "sim-interim",
                 "--root", str(tmp_path)]) == 0
    for snap in ("sim-final", "sim-interim"):
        committed = sorted(p.name for p in (SNAPSHOT_ROOT / snap).iterdir())
        assert sorted(p.name for p in (tmp_path / snap).iterdir()) == committed
        for name in committed:
            assert (tmp_path / snap / name).read_bytes() == \
                (SNAPSHOT_ROOT / snap / name).read_bytes(), (snap, name)
