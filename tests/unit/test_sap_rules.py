"""Each SAP rule the contract, the simulator and the analysis share has one definition
(:mod:`study.rules`, :mod:`study.onset`), and every caller uses it: when the definition
changes, every caller sees the change; and the rule's expression is written nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.config import load_config
from analysis.derive import adverse_events, dlt, teae
from data_contract import cutoff, row_rules
from data_contract.simulator import escalation
from study import onset, rules

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("study", "data_contract", "analysis", "report")
CFG = load_config()
RULE = CFG.assumptions["escalation_rule"]


def _sources():
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def _written_in(pattern: str) -> list[str]:
    return [name for name, text in _sources() if re.search(pattern, text)]


@pytest.mark.parametrize(("n_dlt", "n_eval", "expected"), [
    (0, 0, rules.NOT_EVALUATED), (0, 2, rules.INCOMPLETE), (2, 2, rules.STOP),
    (0, 3, rules.ESCALATE), (1, 3, rules.EXPAND), (2, 3, rules.STOP),
    (1, 6, rules.ESCALATE), (2, 6, rules.STOP), (1, 4, rules.EXPAND),
])
def test_three_plus_three_follows_the_sap_rule(n_dlt, n_eval, expected):
    assert rules.three_plus_three(n_dlt, n_eval, RULE) == expected


def test_three_plus_three_refuses_counts_that_cannot_be():
    with pytest.raises(ValueError, match="invalid DLT count 4/3"):
        rules.three_plus_three(4, 3, RULE)


def test_table_and_simulator_take_the_3plus3_decision_from_the_one_rule(monkeypatch):
    monkeypatch.setattr(rules, "three_plus_three", lambda n_dlt, n_eval, rule: rules.STOP)
    assert dlt.decide_3plus3(0, 3, CFG) == "Stop: ≥2 DLTs (0 of 3 in the escalation cohort with a DLT)"
    assert escalation.decide_3plus3(3, 0, RULE) == "STOP"


def test_first_lymphodepletion_day_is_the_earliest_drug_day():
    assert rules.first_lymphodepletion_day(CFG) == -4


def test_planned_day0_and_simulated_ldstdt_use_the_one_first_lymphodepletion_day(monkeypatch):
    adsl = pd.DataFrame({"USUBJID": ["S1"], "LDSTDT": pd.to_datetime(["2025-01-10"])})
    monkeypatch.setattr(rules, "first_lymphodepletion_day", lambda config: -7)
    assert teae.reference_dates(adsl, CFG).iloc[0] == pd.Timestamp("2025-01-17")
    # the simulator's ADSL calls it too (and writes the expression nowhere else)
    assert _written_in(r"min\(min\(d\[\"days\"\]\)") == ["study/rules.py"]
    assert "rules.first_lymphodepletion_day(config)" in (
        ROOT / "data_contract/simulator/assemble.py").read_text(encoding="utf-8")


def _adae():
    return pd.DataFrame({"USUBJID": ["S1", "S1", "S1"], "AESEQ": [1, 2, 3],
                         "AESDTH": ["Y", "N", "N"], "AEOUT": ["RECOVERED/RESOLVED", "FATAL",
                                                              "RECOVERED/RESOLVED"],
                         "AETOXGR": [5, 5, 3]})


def test_fatal_is_a_recorded_death_or_grade_5():
    assert rules.recorded_death(_adae(), ["FATAL"]).tolist() == [True, True, False]
    ae = _adae().assign(AETOXGR=[5, 5, 5], AESDTH="N", AEOUT="RECOVERED/RESOLVED")
    assert rules.is_fatal(ae, ["FATAL"]).tolist() == [True, True, True]


def test_analysis_and_contract_take_the_fatal_rule_from_the_one_definition(monkeypatch):
    ae = _adae().assign(AETOXGR=[3, 3, 3])
    assert len([e for e in row_rules.rules_adae(ae, None)
                if e.rule == "ADAE.fatal_is_grade_5"]) == 2
    monkeypatch.setattr(rules, "recorded_death",
                        lambda adae, outcomes: pd.Series(False, index=adae.index))
    assert not [e for e in row_rules.rules_adae(ae, None) if e.rule == "ADAE.fatal_is_grade_5"]
    assert not adverse_events.is_fatal(ae).any()
    assert _written_in(r"AESDTH\"\]\.eq\(\"Y\"\)") == ["study/rules.py"]


def test_validator_cutoff_and_derivation_take_teae_from_the_one_definition(monkeypatch):
    adsl = pd.DataFrame({"USUBJID": ["S1"], "LDSTDT": pd.to_datetime(["2025-01-10"]),
                         "INFDT": pd.to_datetime(["2025-01-14"])})
    adae = pd.DataFrame({"USUBJID": ["S1"], "ASTDT": pd.to_datetime(["2025-01-20"]),
                         "TRTEMFL": ["Y"]})

    def trtemfl_findings():
        return [e for e in row_rules.rules_adae(adae, adsl)
                if e.rule == "ADAE.trtemfl_consistent_with_dates"]

    ld = dict(zip(adsl["USUBJID"], adsl["LDSTDT"], strict=True))
    assert cutoff.derive_trtemfl(adae, ld)["TRTEMFL"].tolist() == ["Y"]
    assert teae.derive_var_teae(adae, adsl, CFG)["TEAEFL"].tolist() == ["Y"]
    assert not trtemfl_findings()
    monkeypatch.setattr(onset, "onset_not_before",
                        lambda astdt, flags, ref: pd.Series(np.zeros(len(astdt), bool),
                                                            index=astdt.index))
    assert cutoff.derive_trtemfl(adae, ld)["TRTEMFL"].tolist() == ["N"]
    assert teae.derive_var_teae(adae, adsl, CFG)["TEAEFL"].tolist() == ["N"]
    assert len(trtemfl_findings()) == 1


def test_analysis_contract_and_simulator_grade_low_counts_by_the_one_ctcae_table(monkeypatch):
    """CTCAE v5.0 low-value grading (study.ctcae): the cytopenia derivation, the contract's
    lab-AE check and the simulator's lab AEs all see a change of the one table."""
    from analysis.derive import cytopenia
    from data_contract import consistency
    from data_contract.simulator import safety
    from study import ctcae

    adlb = pd.DataFrame({"USUBJID": ["S1", "S1"], "PARAMCD": ["ANC", "ALT"],
                         "AVAL": [900.0, 10.0], "ANRLO": [1800.0, 5.0]})
    assert cytopenia.ctcae_grades(adlb["PARAMCD"][:1], adlb["AVAL"][:1], adlb["ANRLO"][:1])[0] == 3
    assert consistency.lab_grades(adlb).iloc[0] == 3 and pd.isna(consistency.lab_grades(adlb).iloc[1])
    assert safety.lab_grades("ANC", [900.0], 1800.0).tolist() == [3]
    table = {**ctcae.CTCAE_V5_LOW, "ANC": {1: None, 2: 1500.0, 3: 800.0, 4: 500.0}}
    monkeypatch.setattr(ctcae, "CTCAE_V5_LOW", table)
    assert ctcae.ctcae_grades(["ANC"], [900.0], [1800.0])[0] == 2
    assert consistency.lab_grades(adlb).iloc[0] == 2
    assert safety.lab_grades("ANC", [900.0], 1800.0).tolist() == [2]
    assert _written_in(r"2: 1500\.0, 3: 1000\.0") == ["study/ctcae.py"]
