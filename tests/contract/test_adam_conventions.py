"""ADaM conventions the contract accepts (issue 11), each on a small literal delivery:
upper-case SOC names, sponsor codelists, missing and imputed onset dates, study days
of any size, standard variables the contract does not list, CQ01NAM, a foreign
dataset next to this study's, and the severity of each finding."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data_contract.codelists import CodelistError, Codelists
from data_contract.rules import RULES
from data_contract.snapshot import SnapshotError, freeze, load_snapshot
from data_contract.validate import validate

from . import factories as f
from .factories import S1, S3
from .test_validate import _set  # noqa: E402  (one way to set a cell of a literal dataset)


def _found(report) -> set[tuple]:
    return {(e.dataset, e.row, e.variable, e.rule, e.severity) for e in report.findings}


def test_every_rule_in_the_table_has_a_severity_and_every_finding_a_known_rule():
    assert {r.severity for r in RULES.values()} == {"error", "warning", "note"}
    bad = _set(_set(f.study(), "ADSL", 1, "AGE", "x"), "ADAE", 1, "AREL", "PROBABLE")
    assert {e.rule for e in validate(bad).findings} <= set(RULES)


def test_meddra_soc_names_match_ignoring_case_and_are_kept_as_delivered(tmp_path: Path):
    study = f.study()
    study["ADAE"] = study["ADAE"].assign(AEBODSYS=study["ADAE"]["AEBODSYS"].str.upper())
    report = validate(study, cutoff=f.FINAL_CUTOFF)
    assert report.ok and not report.findings, report.format()
    path = freeze(study, "upper", f.FINAL_CUTOFF, source="x", root=tmp_path)
    ae = load_snapshot("upper", tmp_path).datasets["ADAE"]
    assert ae.loc[0, "AEBODSYS"] == "NERVOUS SYSTEM DISORDERS"
    assert path.is_dir()
    # a term that is no SOC in any case is still refused
    report = validate(_set(f.study(), "ADAE", 1, "AEBODSYS", "NERVOUS DISORDERS"))
    assert ("ADAE", 1, "AEBODSYS", "allowed", "error") in _found(report)


def test_a_sponsor_causality_value_without_a_meaning_is_a_warning_naming_it():
    study = _set(_set(f.study(), "ADAE", 2, "AREL", "PROBABLE"), "ADAE", 4, "AREL", "PROBABLE")
    report = validate(study, cutoff=f.FINAL_CUTOFF)
    assert report.ok  # frozen, with the warning recorded
    (w,) = report.warnings
    assert (w.dataset, w.row, w.usubjid, w.variable, w.rule, w.value) == \
        ("ADAE", 2, S1, "AREL", "codelist_unmapped", "PROBABLE")
    assert "(2 record(s)" in w.message and "codelists.AREL.<meaning> of study.yml" in w.message


def test_a_mapping_file_gives_the_sponsor_values_their_meaning(tmp_path: Path):
    mapping = tmp_path / "m.yml"
    mapping.write_text("codelists:\n  AREL:\n    related: [PROBABLE]\n")
    study = _set(f.study(), "ADAE", 2, "AREL", "PROBABLE")
    path = freeze(study, "m", f.FINAL_CUTOFF, source="x", root=tmp_path / "s", mapping=mapping)
    m = json.loads((path / "manifest.json").read_text())
    assert m["validation"]["warnings"] == 0
    assert m["codelists"]["AREL"] == {"meanings": {"not_related": ["NOT RELATED"],
                                                   "related": ["RELATED", "PROBABLE"]},
                                      "source": "m.yml"}
    # the analysis reads the meanings the snapshot was frozen with
    from analysis.data import from_snapshot
    from analysis.derive.adverse_events import is_related

    data = from_snapshot("m", tmp_path / "s")
    assert is_related(data["ADAE"], data.codelists).tolist() == [False, True, True, True, True,
                                                                 True]


def test_a_value_given_two_meanings_is_refused():
    with pytest.raises(CodelistError, match="m.yml: codelists.AREL: 'RELATED' is not_related there but related in study.yml"):
        Codelists.from_config({"AREL": {"related": ["RELATED"]}}, "study.yml").extended_by(
            Codelists.from_config({"AREL": {"not_related": ["RELATED"]}}, "m.yml"))
    with pytest.raises(CodelistError, match="relatd is not a meaning of AREL"):
        Codelists.from_config({"AREL": {"relatd": ["X"]}}, "m.yml")


def test_a_missing_onset_date_is_a_warning_and_counts_as_treatment_emergent():
    study = _set(_set(f.study(), "ADAE", 1, "ASTDT", None), "ADAE", 1, "ASTDY", None)
    report = validate(study, cutoff=f.FINAL_CUTOFF)
    # the AE of row 1 had TRTEMFL=N (onset before lymphodepletion); without a date it
    # cannot be placed before it, so N is now inconsistent (SAP 3)
    assert ("ADAE", 1, "ASTDT", "ADAE.onset_date_missing", "warning") in _found(report)
    assert ("ADAE", 1, "TRTEMFL", "ADAE.trtemfl_consistent_with_dates", "error") in \
        _found(report)
    assert validate(_set(study, "ADAE", 1, "TRTEMFL", "Y"), cutoff=f.FINAL_CUTOFF).ok


def test_an_imputed_onset_date_respects_its_imputation_flag():
    """S3's lymphodepletion starts 2025-04-07. An onset imputed to 2025-04-01 from a known
    month (ASTDTF=D) may be on 2025-04-30: not before lymphodepletion, so TEAE. Imputed
    to 2025-03-01 from a known month (D) it is at the latest 2025-03-31: not a TEAE."""
    base = f.study()
    base["ADAE"] = base["ADAE"].assign(ASTDTF=None)
    april = _set(_set(_set(_set(base, "ADAE", 6, "ASTDT", "2025-04-01"), "ADAE", 6, "ASTDY",
                           -10), "ADAE", 6, "ASTDTF", "D"), "ADAE", 6, "AENDT", "2025-04-09")
    report = validate(april, cutoff=f.FINAL_CUTOFF)
    assert report.ok, report.format()  # TRTEMFL=Y is right
    (w,) = report.warnings
    assert (w.row, w.rule, w.value) == (6, "ADAE.onset_date_imputed", "D")
    assert "at the latest 2025-04-30" in w.message
    march = _set(_set(april, "ADAE", 6, "ASTDT", "2025-03-01"), "ADAE", 6, "ASTDY", -41)
    assert ("ADAE", 6, "TRTEMFL", "ADAE.trtemfl_consistent_with_dates", "error") in \
        _found(validate(march, cutoff=f.FINAL_CUTOFF))


def test_study_days_have_no_fixed_range():
    """A participant's history many years before infusion (the pharmaverse ADAE has
    ASTDY -13469): lawful when the day agrees with the date."""
    study = _set(_set(f.study(), "ADRELAP", 1, "ASTDT", "2010-01-01"), "ADRELAP", 1, "ASTDY",
                 (pd.Timestamp("2010-01-01") - pd.Timestamp("2025-01-14")).days)
    report = validate(study, cutoff=f.FINAL_CUTOFF)
    assert report.ok, report.format()


def test_customised_query_names_are_no_direct_identifier_and_are_kept():
    pilot = f.pilot()
    pilot["ADAE"] = pilot["ADAE"].assign(CQ01NAM="ADMINISTRATION SITE REACTIONS",
                                         SMQ01NAM=None, PCNAM=None)
    report = validate(pilot, cutoff=f.PILOT_CUTOFF)
    assert report.ok, report.format()
    notes = {(e.variable, e.rule) for e in report.notes if e.dataset == "ADAE"}
    assert {("CQ01NAM", "unknown_variable"), ("SMQ01NAM", "unknown_variable")} <= notes


def test_a_direct_identifier_is_refused_naming_the_drop_option_and_dropping_is_recorded(
        tmp_path: Path):
    pilot = f.pilot()
    pilot["ADSL"] = pilot["ADSL"].assign(BRTHDTC=["1950-12-26", "1948-07-22"])
    root = tmp_path / "s"
    with pytest.raises(SnapshotError, match=r"drop it at freeze with --drop BRTHDTC") as exc:
        freeze(pilot, "p", f.PILOT_CUTOFF, source="x", root=root)
    assert [(e.dataset, e.variable) for e in exc.value.report.errors] == [("ADSL", "BRTHDTC")]
    assert not root.exists()
    path = freeze(pilot, "p", f.PILOT_CUTOFF, source="x", root=root, drop=["BRTHDTC"])
    m = json.loads((path / "manifest.json").read_text())
    assert m["dropped"] == {"ADSL": ["BRTHDTC"]}
    assert "BRTHDTC" not in m["datasets"]["ADSL"]["columns"]
    with pytest.raises(SnapshotError, match="--drop ADAE.FOO: no delivered dataset has a column"):
        freeze(pilot, "q", f.PILOT_CUTOFF, source="x", root=root, drop=["ADAE.FOO"])


def _foreign_adlb() -> pd.DataFrame:
    """Another study's ADLB (no LLOQ, STUDYID of its own, visits by week, a parameter the
    contract does not know, a non-integer AVISITN, no AVALU)."""
    return pd.DataFrame({
        "STUDYID": ["OTHER01"] * 3, "USUBJID": [S1, S1, S3],
        "PARAMCD": ["ALT", "ALT", "ALT"], "PARAM": ["Alanine Aminotransferase (U/L)"] * 3,
        "PARCAT1": ["CHEMISTRY"] * 3, "AVAL": [20.0, 25.0, 31.0],
        "ADT": ["2025-01-10", "2025-01-10", "2025-04-07"], "ADY": [-4, -4, -4],
        "AVISIT": ["Week 2", "Unscheduled 1.1", "Week 2"], "AVISITN": [2.0, 1.1, 2.0],
    })


def test_a_foreign_dataset_is_checked_against_its_own_core_and_forces_nothing_on_others():
    study = f.study()
    study["ADLB"] = _foreign_adlb()
    report = validate(study, cutoff=f.FINAL_CUTOFF)
    assert report.ok, report.format()
    assert report.profiles["ADLB"] == "core"
    assert {n: p for n, p in report.profiles.items() if n != "ADLB"} == \
        {n: "full" for n in f.study() if n != "ADLB"}
    (note,) = [e for e in report.notes if e.rule == "unknown_parameter"]
    assert note.value == "ALT"
    # this study's own ADLB still gets this study's rules
    assert ("ADLB", 2, "AVISIT", "allowed", "error") in _found(
        validate(_set(f.study(), "ADLB", 2, "AVISIT", "Week 2")))


def test_unknown_variables_and_datasets_are_kept_in_the_snapshot(tmp_path: Path):
    study = f.study()
    study["ADSL"] = study["ADSL"].assign(ARM="DL1", COUNTRY="CHN")
    # ADQS: a dataset the contract does not list (ADVS, used here before, now is one)
    study["ADQS"] = pd.DataFrame({"USUBJID": [S1], "PARAMCD": ["TEMP"], "AVAL": [38.2]})
    path = freeze(study, "k", f.FINAL_CUTOFF, source="x", root=tmp_path)
    m = json.loads((path / "manifest.json").read_text())
    assert m["datasets"]["ADSL"]["columns"][-2:] == ["ARM", "COUNTRY"]
    assert m["datasets"]["ADQS"]["rows"] == 1 and "ADQS" not in m["profiles"]
    assert m["validation"]["notes_by_rule"] == {"unknown_dataset": 1, "unknown_variable": 2}
    assert load_snapshot("k", tmp_path).datasets["ADQS"].loc[0, "AVAL"] == 38.2


def test_warnings_are_recorded_in_the_manifest_with_examples(tmp_path: Path):
    study = _set(f.study(), "ADAE", 3, "AREL", "POSSIBLE")
    path = freeze(study, "w", f.FINAL_CUTOFF, source="x", root=tmp_path)
    m = json.loads((path / "manifest.json").read_text())
    assert m["validation"]["warnings_by_rule"] == {"codelist_unmapped": 1}
    (g,) = m["validation"]["findings"]
    assert (g["dataset"], g["variable"], g["rule"], g["severity"], g["count"]) == \
        ("ADAE", "AREL", "codelist_unmapped", "warning", 1)
    assert g["examples"] == [{"row": 3, "usubjid": S1, "value": "POSSIBLE"}]


def test_a_cut_keeps_the_mapping_record_and_the_codelists(tmp_path: Path):
    from data_contract.snapshot import cut

    mapping = tmp_path / "m.yml"
    mapping.write_text("codelists:\n  AREL:\n    related: [PROBABLE]\n")
    study = _set(f.study(), "ADAE", 2, "AREL", "PROBABLE")
    freeze(study, "final", f.FINAL_CUTOFF, source="x", root=tmp_path / "s", mapping=mapping)
    path = cut("final", "interim", date(2025, 4, 9), root=tmp_path / "s")
    m = json.loads((path / "manifest.json").read_text())
    assert m["mapping"]["file"] == "m.yml" and m["validation"]["warnings"] == 0
    assert "PROBABLE" in m["codelists"]["AREL"]["meanings"]["related"]
