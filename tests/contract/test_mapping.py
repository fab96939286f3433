"""Mapping files (data_contract.mapping): dataset aliases, PARAMCD maps, unit conversions
and codelist meanings translate a delivery into the contract's terms; a file that cannot
be used is refused with the entry named."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from data_contract.mapping import MappingError, apply_mapping, load_mapping
from data_contract.snapshot import freeze, load_snapshot
from data_contract.validate import validate

from . import factories as f
from .factories import S1, S3

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _mapping(tmp_path: Path, text: str):
    path = tmp_path / "delivery.yml"
    path.write_text(text)
    return load_mapping(path)


def _neut_adlb(unit: str | None = "10^9/L") -> pd.DataFrame:
    """A sponsor's ADLB: neutrophils as NEUT in 10^9/L, with its own PARAM text."""
    df = f.adlb().iloc[[0, 1, 3, 4]].reset_index(drop=True)
    return df.assign(PARAMCD="NEUT", PARAM="Neutrophils (10^9/L)", AVAL=[3.2, 0.4, 4.1, 2.5],
                     AVALC=["3.2", None, None, None], AVALU=unit, ANRLO=1.8, ANRHI=7.7)


NEUT = "parameters:\n  ADLB:\n    NEUT: {paramcd: ANC, unit: \"10^9/L\", factor: 1000}\n"


def test_a_parameter_is_renamed_and_converted_into_the_contract_unit(tmp_path: Path):
    study = f.study()
    study["ADLB"] = pd.concat([_neut_adlb(), f.adlb().iloc[[2]]], ignore_index=True)
    mapping = _mapping(tmp_path, NEUT)
    mapped, findings, applied = apply_mapping(study, mapping)
    assert findings == [] and applied == {"parameters.ADLB.NEUT": 4}
    lb = mapped["ADLB"]
    assert lb["PARAMCD"].tolist() == ["ANC"] * 4 + ["AQP4TIT"]
    assert set(lb.loc[:3, "PARAM"]) == {"Absolute Neutrophil Count (cells/uL)"}
    assert set(lb.loc[:3, "AVALU"]) == {"cells/uL"} and lb.loc[4, "AVALU"] == "1:N"
    assert lb.loc[:3, "AVAL"].tolist() == pytest.approx([3200.0, 400.0, 4100.0, 2500.0])
    assert lb.loc[:3, "ANRLO"].tolist() == pytest.approx([1800.0] * 4)
    assert lb.loc[0, "AVALC"] == "3200"
    assert study["ADLB"].loc[0, "AVAL"] == 3.2  # the delivery itself is not changed
    report = validate(mapped, cutoff=f.FINAL_CUTOFF)
    assert report.ok, report.format()


def test_a_delivered_unit_that_is_not_the_one_converted_from_is_an_error(tmp_path: Path):
    study = f.study()
    study["ADLB"] = _neut_adlb(unit="10^3/uL")
    mapped, findings, _ = apply_mapping(study, _mapping(tmp_path, NEUT))
    assert {(e.dataset, e.row, e.usubjid, e.variable, e.rule, e.severity) for e in findings} \
        == {("ADLB", i, u, "AVALU", "mapping_unit", "error")
            for i, u in ((1, S1), (2, S1), (3, S3), (4, S3))}
    assert "'10^3/uL' of PARAMCD NEUT is not '10^9/L'" in findings[0].message
    with pytest.raises(Exception, match=r"\[mapping_unit\]"):
        freeze(study, "x", f.FINAL_CUTOFF, source="x", root=tmp_path / "s",
               mapping=tmp_path / "delivery.yml")
    assert not (tmp_path / "s").exists()


def test_dataset_aliases_stack_files_and_select_parameters(tmp_path: Path):
    study = f.study()
    lab = study.pop("ADLB")
    study["ADLBH"], study["ADLBC"] = lab.iloc[:2], lab.iloc[2:]
    qs = study.pop("ADEDSS")
    other = qs.iloc[[0]].assign(PARAMCD="PHQ9", AVAL=4.0)
    study["ADQS"] = pd.concat([qs, other], ignore_index=True)
    mapping = _mapping(tmp_path, "datasets:\n  ADLB: [ADLBH, ADLBC]\n"
                                 "  ADEDSS: {from: ADQS, paramcd: [EDSS]}\n")
    mapped, findings, applied = apply_mapping(study, mapping)
    assert "ADLBH" not in mapped and "ADLBC" not in mapped
    pd.testing.assert_frame_equal(mapped["ADLB"], lab.reset_index(drop=True))
    pd.testing.assert_frame_equal(mapped["ADEDSS"], qs.reset_index(drop=True))
    assert len(mapped["ADQS"]) == 3  # the selected rows' source is kept as delivered
    assert applied == {"datasets.ADLB": 5, "datasets.ADEDSS": 2}
    report = validate(mapped, cutoff=f.FINAL_CUTOFF)
    assert report.ok, report.format()


def test_an_entry_that_matches_nothing_is_a_note(tmp_path: Path):
    mapping = _mapping(tmp_path, NEUT + "datasets:\n  ADVA: ADBCVA\n")
    _, findings, applied = apply_mapping(f.study(), mapping)
    assert applied == {}
    assert {(e.dataset, e.rule, e.severity) for e in findings} == {
        ("ADLB", "mapping_unused", "note"), ("ADVA", "mapping_unused", "note")}


def test_the_manifest_records_the_mapping_and_its_hash(tmp_path: Path):
    import hashlib

    study = f.study()
    study["ADLB"] = pd.concat([_neut_adlb(), f.adlb().iloc[[2]]], ignore_index=True)
    _mapping(tmp_path, NEUT)
    path = freeze(study, "m", f.FINAL_CUTOFF, source="x", root=tmp_path / "s",
                  mapping=tmp_path / "delivery.yml")
    m = json.loads((path / "manifest.json").read_text())
    assert m["mapping"] == {
        "file": "delivery.yml",
        "sha256": hashlib.sha256((tmp_path / "delivery.yml").read_bytes()).hexdigest(),
        "content": {"parameters": {"ADLB": {"NEUT": {"paramcd": "ANC", "unit": "10^9/L",
                                                     "factor": 1000}}}},
        "applied": {"parameters.ADLB.NEUT": 4}}
    assert load_snapshot("m", tmp_path / "s").datasets["ADLB"]["AVAL"].iloc[0] == 3200.0


@pytest.mark.parametrize("text, message", [
    ("paramters: {}\n", "unknown key\\(s\\) paramters"),
    ("parameters:\n  ADLB:\n    NEUT: {paramcd: ANC2}\n", "ANC2 is not a parameter of ADLB"),
    ("parameters:\n  ADLB:\n    NEUT: {paramcd: ANC, factor: 1000}\n",
     "a factor needs the unit it converts from"),
    ("parameters:\n  ADLB:\n    NEUT: {paramcd: ANC, unit: x, factor: -2}\n",
     "factor must be a positive number"),
    ("parameters:\n  ADSL:\n    X: {}\n", "no parameter table for ADSL"),
    ("datasets:\n  ADXX: ADLBC\n", "ADXX is not a dataset of the contract"),
    ("codelists:\n  AREL:\n    relatd: [PROBABLE]\n", "relatd is not a meaning of AREL"),
    ("parameters: [\n", "is not valid YAML"),
])
def test_a_mapping_file_that_cannot_be_used_is_refused_naming_the_entry(tmp_path, text,
                                                                        message):
    with pytest.raises(MappingError, match=message):
        _mapping(tmp_path, text)


def test_the_shipped_pharmaverse_mapping_is_a_valid_mapping_file():
    mapping = load_mapping(PROJECT_ROOT / "mappings" / "pharmaverse.yml")
    assert mapping.name == "mappings/pharmaverse.yml"
    assert {(p.source, p.target, p.unit, p.factor) for p in mapping.parameters} == {
        ("LYMPH", "LYMPH", "10^9/L", 1000.0), ("PLAT", "PLAT", "10^9/L", 1.0),
        ("HGB", "HGB", "mmol/L", 1.61134)}
    assert mapping.codelists.values("AREL", "related") == ("PROBABLE", "POSSIBLE")


def test_cli_applies_the_mapping_given_and_none_when_told(tmp_path: Path, capsys):
    from data_contract.cli import main

    study = f.study()
    study["ADLB"] = pd.concat([_neut_adlb(), f.adlb().iloc[[2]]], ignore_index=True)
    src = tmp_path / "src"
    src.mkdir()
    for name, df in study.items():
        df.to_csv(src / f"{name.lower()}.csv", index=False)
    _mapping(tmp_path, NEUT)
    report = tmp_path / "report"
    assert main(["validate", str(src), "--mapping", "none", "--report-dir", str(report)]) == 1
    assert "[allowed]" in capsys.readouterr().err  # NEUT is not this study's parameter
    assert main(["validate", str(src), "--mapping", str(tmp_path / "delivery.yml"),
                 "--report-dir", str(report)]) == 0
    assert "valid (12 datasets" in capsys.readouterr().out
    assert main(["validate", str(src), "--mapping", str(tmp_path / "nope.yml")]) == 1
    assert "cannot be read" in capsys.readouterr().err
