"""Every contract rule: a failing example and the error it gives (dataset, row, USUBJID,
variable, rule), plus the report, profiles and the valid literal study."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Mapping
from datetime import date

import pandas as pd
import pytest

from data_contract.validate import validate

from . import factories as f
from .factories import S1, S2, S3


def _set(ds: dict, name: str, row: int, col: str, value) -> dict:
    """Set ``col`` of 1-based ``row`` of dataset ``name``."""
    df = ds[name].copy()
    df[col] = df[col].astype(object)
    df.loc[row - 1, col] = value
    ds[name] = df
    return ds


def _keys(report) -> set[tuple]:
    return {(e.dataset, e.row, e.usubjid, e.variable, e.rule) for e in report.errors}


def _finding_keys(report) -> set[tuple]:
    """Every finding (errors, warnings, notes) with its severity."""
    return {(e.dataset, e.row, e.usubjid, e.variable, e.rule, e.severity)
            for e in report.findings}


def _one(report, dataset, row, variable, rule):
    hits = [e for e in report.errors if (e.dataset, e.row, e.variable, e.rule)
            == (dataset, row, variable, rule)]
    assert len(hits) == 1, report.format()
    return hits[0]


def test_literal_study_is_valid_in_the_full_profile():
    report = validate(f.study(), cutoff=f.FINAL_CUTOFF)
    assert report.ok, report.format()
    assert report.profile == "full"
    assert report.datasets["ADEX"] == 21


def test_pilot_adam_is_valid_in_the_core_profile_with_extra_columns():
    report = validate(f.pilot(), cutoff=f.PILOT_CUTOFF)
    assert report.ok, report.format()
    assert report.profile == "core"
    # BMIBL and TRT01PN are standard ADaM variables: this study's ranges (TRT01PN 1-3)
    # apply to this study's ADSL only, and the pilot holds no extension of this study.
    assert report.extensions == []
    assert report.profiles == {"ADSL": "core", "ADAE": "core"}


def test_pilot_adam_fails_the_full_profile():
    report = validate(f.pilot(), profile="full")
    rules = {e.rule for e in report.errors}
    assert {"missing_dataset", "missing_variable"} <= rules
    # variables the contract does not list are kept and noted, in any profile
    assert ("ADSL", None, None, "ARM", "unknown_variable", "note") in _finding_keys(report)


# (mutation, cutoff, expected (dataset, row, usubjid, variable, rule), bad value)
CASES = {
    "type": (lambda d: _set(d, "ADSL", 1, "AGE", "thirty"),
             ("ADSL", 1, S1, "AGE", "type"), "thirty"),
    "type_date": (lambda d: _set(d, "ADAE", 2, "ASTDT", "15/01/2025"),
                  ("ADAE", 2, S1, "ASTDT", "type"), "15/01/2025"),
    "required": (lambda d: _set(d, "ADAE", 2, "AEDECOD", None),
                 ("ADAE", 2, S1, "AEDECOD", "required"), ""),
    "allowed": (lambda d: _set(d, "ADSL", 3, "SEX", "X"), ("ADSL", 3, S3, "SEX", "allowed"), "X"),
    "range": (lambda d: _set(d, "ADSL", 2, "AGE", 130), ("ADSL", 2, S2, "AGE", "range"), "130"),
    "pattern": (lambda d: _set(d, "ADMRI", 1, "USUBJID", "bad id"),
                ("ADMRI", 1, "bad id", "USUBJID", "pattern"), "bad id"),
    "step": (lambda d: _set(d, "ADEDSS", 1, "AVAL", 3.3), ("ADEDSS", 1, S1, "AVAL", "step"), "3.3"),
    "unique_key": (lambda d: _set(d, "ADAE", 2, "AESEQ", 1),
                   ("ADAE", 2, S1, "USUBJID, AESEQ", "unique_key"), f"{S1} / 1"),
    "subject_in_adsl": (lambda d: _set(d, "ADLB", 1, "USUBJID", "NCT06561009-009"),
                        ("ADLB", 1, "NCT06561009-009", "USUBJID", "subject_in_adsl"),
                        "NCT06561009-009"),
    "lymphodepletion_before_infusion": (
        lambda d: _set(d, "ADSL", 1, "LDSTDT", "2025-01-15"),
        ("ADSL", 1, S1, "LDSTDT", "ADSL.lymphodepletion_before_infusion"), "2025-01-15"),
    "inffl_without_infusion_date": (
        lambda d: _set(d, "ADSL", 3, "INFFL", "N"),
        ("ADSL", 3, S3, "INFFL", "ADSL.flags_consistent_with_dates"), "N"),
    "saffl_without_lymphodepletion": (
        lambda d: _set(d, "ADSL", 1, "SAFFL", "N"),
        ("ADSL", 1, S1, "SAFFL", "ADSL.flags_consistent_with_dates"), "N"),
    "dltevlfl_not_infused": (
        lambda d: _set(_set(_set(d, "ADSL", 3, "INFDT", None), "ADSL", 3, "INFFL", "N"),
                       "ADSL", 3, "DLTEVLFL", "Y"),
        ("ADSL", 3, S3, "DLTEVLFL", "ADSL.flags_consistent_with_dates"), "Y"),
    "death_flag_without_date": (lambda d: _set(d, "ADSL", 2, "DTHFL", "N"),
                                ("ADSL", 2, S2, "DTHFL", "ADSL.death_consistent"), "N"),
    "dates_ordered": (lambda d: _set(d, "ADSL", 1, "RFICDT", "2025-01-08"),
                      ("ADSL", 1, S1, "ENRLDT", "ADSL.dates_ordered"), "2025-01-06"),
    "end_of_study": (lambda d: _set(d, "ADSL", 1, "EOSSTT", "COMPLETED"),
                     ("ADSL", 1, S1, "EOSDT", "ADSL.end_of_study_consistent"), ""),
    "study_day": (lambda d: _set(d, "ADLB", 2, "ADY", 8), ("ADLB", 2, S1, "ADY", "study_day"), "8"),
    "ae_end_before_start": (
        lambda d: _set(_set(d, "ADAE", 1, "AENDT", "2025-01-07"), "ADAE", 1, "AENDY", -7),
        ("ADAE", 1, S1, "AENDT", "ADAE.end_not_before_start"), "2025-01-07"),
    "trtemfl": (lambda d: _set(d, "ADAE", 1, "TRTEMFL", "Y"),
                ("ADAE", 1, S1, "TRTEMFL", "ADAE.trtemfl_consistent_with_dates"), "Y"),
    "grade_or_severity": (
        lambda d: _set(_set(d, "ADAE", 6, "AESEV", None), "ADAE", 6, "AETOXGR", None),
        ("ADAE", 6, S3, "AETOXGR", "ADAE.grade_or_severity_present"), ""),
    "fatal_is_grade_5": (lambda d: _set(d, "ADAE", 5, "AETOXGR", 4),
                         ("ADAE", 5, S2, "AETOXGR", "ADAE.fatal_is_grade_5"), "4"),
    "lab_param_consistent": (lambda d: _set(d, "ADLB", 1, "PARCAT1", "CYTOKINE"),
                             ("ADLB", 1, S1, "PARCAT1", "ADLB.param_consistent"), "CYTOKINE"),
    "lab_aval_or_avalc": (lambda d: _set(d, "ADLB", 3, "AVALC", None),
                          ("ADLB", 3, S1, "AVAL", "ADLB.aval_or_avalc"), ""),
    "blq_consistent": (lambda d: _set(d, "ADPC", 2, "BLQFL", "N"),
                       ("ADPC", 2, S1, "BLQFL", "ADPC.blq_consistent"), "N"),
    "va_format": (lambda d: _set(d, "ADVA", 1, "VAORRES", "4.8"),
                  ("ADVA", 1, S1, "VAORRES", "ADVA.result_matches_format"), "4.8"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_reports_dataset_row_subject_variable_and_value(case):
    mutate, expected, value = CASES[case]
    report = validate(mutate(f.study()), cutoff=f.FINAL_CUTOFF)
    assert not report.ok
    assert expected in _keys(report), report.format()
    err = _one(report, expected[0], expected[1], expected[3], expected[4])
    assert err.value == value
    assert err.message
    line = [ln for ln in report.format().splitlines() if f"[{expected[4]}]" in ln]
    assert any(f"row {expected[1]}  USUBJID={expected[2]}" in ln for ln in line)


def test_unique_key_names_both_duplicate_rows():
    report = validate(_set(f.study(), "ADAE", 2, "AESEQ", 1), cutoff=f.FINAL_CUTOFF)
    rows = [e.row for e in report.errors if e.rule == "unique_key"]
    assert rows == [1, 2]


def test_type_error_is_not_also_reported_as_required():
    report = validate(_set(f.study(), "ADSL", 1, "AGE", "thirty"))
    assert [e.rule for e in report.errors if e.variable == "AGE"] == ["type"]


def test_record_after_cutoff_names_each_late_date():
    report = validate(f.study(), cutoff=date(2025, 5, 15))
    keys = _keys(report)
    assert ("ADAE", 5, S2, "ASTDT", "after_cutoff") in keys
    assert ("ADSL", 2, S2, "DTHDT", "after_cutoff") in keys
    assert ("ADSL", 1, S1, "LSTALVDT", "after_cutoff") in keys
    assert {e.rule for e in report.errors} == {"after_cutoff"}


def test_direct_identifier_columns_are_refused_in_any_profile():
    study = f.study()
    study["ADSL"] = study["ADSL"].assign(BRTHDT="1990-01-01")
    pilot = f.pilot()
    pilot["ADAE"] = pilot["ADAE"].assign(PATIENT_NAME="Jane Doe", SUBJINIT="JD")
    full = validate(study)
    core = validate(pilot)
    assert ("ADSL", None, None, "BRTHDT", "direct_identifier") in _keys(full)
    assert {("ADAE", None, None, "PATIENT_NAME", "direct_identifier"),
            ("ADAE", None, None, "SUBJINIT", "direct_identifier")} <= _keys(core)
    # an identifier is reported as such, not also as an unknown variable
    assert not [e for e in full.errors if e.rule == "unknown_variable"]


def test_structure_rules_missing_unknown_dataset_and_variable():
    study = f.study()
    del study["ADMRI"]
    study["ADXX"] = pd.DataFrame({"USUBJID": [S1]})
    study["ADSL"] = study["ADSL"].drop(columns=["INFFL"])
    study["ADLB"] = study["ADLB"].assign(FOO=1)
    report = validate(study)
    assert {("ADMRI", None, None, None, "absent_dataset", "note"),
            ("ADXX", None, None, None, "unknown_dataset", "note"),
            ("ADSL", None, None, "INFFL", "missing_variable", "error"),
            ("ADLB", None, None, "FOO", "unknown_variable", "note")} <= _finding_keys(report)
    # ADSL is the one dataset no analysis can do without; --profile full requires all
    del study["ADSL"]
    assert ("ADSL", None, None, None, "missing_dataset") in _keys(validate(study))
    assert ("ADMRI", None, None, None, "missing_dataset") in _keys(validate(study,
                                                                            profile="full"))


def test_core_profile_checks_core_rules_and_grade_or_severity():
    pilot = f.pilot()
    pilot["ADAE"] = pilot["ADAE"].drop(columns=["AESEV"])
    pilot = _set(pilot, "ADSL", 2, "SEX", "MALE")
    report = validate(pilot)
    assert report.profile == "core"
    assert _keys(report) == {
        ("ADSL", 2, "01-701-1023", "SEX", "allowed"),
        ("ADAE", None, None, "AETOXGR", "ADAE.grade_or_severity_present"),
    }


def test_every_error_is_collected_in_one_run_and_sorted():
    study = _set(_set(f.study(), "ADSL", 2, "AGE", 130), "ADVA", 1, "VAORRES", "4.8")
    study = _set(study, "ADSL", 1, "SEX", "X")
    report = validate(study)
    assert [(e.dataset, e.row) for e in report.errors] == [("ADSL", 1), ("ADSL", 2), ("ADVA", 1)]
    frame = report.to_frame()
    assert list(frame.columns) == ["dataset", "row", "usubjid", "variable", "rule", "value",
                                   "message"]
    assert len(frame) == 3
    text = report.format()
    assert text.startswith("Data contract")
    assert "ADVA (2 rows): 1 error(s)" in text


def test_profile_auto_is_core_without_extension_datasets():
    assert validate(f.pilot()).profile == "core"
    assert validate(f.study()).profile == "full"
    assert validate(f.pilot(), profile="core").profile == "core"


class _FreshFrames(Mapping):
    """Datasets handed out as new copies on each read, like a snapshot's transient pass;
    records how many of the other datasets are still alive at each read."""

    def __init__(self, datasets: dict):
        self._data = datasets
        self._alive: list[weakref.ref] = []
        self.alive_at_read: list[int] = []

    def __getitem__(self, name):
        gc.collect()
        self.alive_at_read.append(sum(r() is not None for r in self._alive))
        frame = self._data[name].copy()
        if name != "ADSL":  # ADSL is kept on purpose: the other datasets' rules use it
            self._alive.append(weakref.ref(frame))
        return frame

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


def test_validation_holds_one_dataset_at_a_time():
    frames = _FreshFrames(f.study())
    report = validate(frames, cutoff=f.FINAL_CUTOFF)
    assert report.ok, report.format()
    assert len(frames.alive_at_read) == len(f.study())  # each dataset read once
    assert max(frames.alive_at_read) == 0, frames.alive_at_read


def test_validation_does_not_change_or_copy_typed_columns():
    study = f.study()
    before = {n: df.copy() for n, df in study.items()}
    report = validate(study, cutoff=f.FINAL_CUTOFF)
    assert report.ok
    assert report.variables["ADSL"] == len(study["ADSL"].columns)
    for name, df in study.items():
        pd.testing.assert_frame_equal(df, before[name])
