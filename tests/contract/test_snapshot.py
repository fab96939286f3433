"""Frozen snapshots: freeze, verify, load and cut, with their refusals."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data_contract import CONTRACT_VERSION
from data_contract.cutoff import apply_cutoff
from data_contract.snapshot import SnapshotError, cut, freeze, load_snapshot, verify

from . import factories as f
from .factories import S1

INTERIM = date(2025, 4, 9)


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "snapshots"


@pytest.fixture
def final(root: Path) -> Path:
    return freeze(f.study(), "final", f.FINAL_CUTOFF, source="literal test study", root=root)


def test_freeze_writes_parquet_files_and_manifest(final: Path):
    assert sorted(p.name for p in final.iterdir()) == sorted(
        [f"{n.lower()}.parquet" for n in f.study()] + ["manifest.json"])
    m = json.loads((final / "manifest.json").read_text())
    assert m["snapshot_id"] == "final"
    assert m["contract_version"] == CONTRACT_VERSION
    assert m["cutoff"] == "2025-09-30"
    assert m["simulated"] is False
    assert m["source"] == "literal test study"
    assert m["profile"] == "full"
    assert sorted(m["datasets"]) == sorted(f.study())
    assert m["datasets"]["ADEX"]["rows"] == 21
    assert m["datasets"]["ADSL"]["file"] == "adsl.parquet"
    assert len(m["datasets"]["ADSL"]["sha256"]) == 64
    assert m["datasets"]["ADSL"]["columns"][:3] == ["STUDYID", "USUBJID", "SUBJID"]
    assert "ADRELAP" in m["extensions"] and "ADSL.INFDT" in m["extensions"]
    assert m["validation"]["errors"] == 0 and m["validation"]["rows"] == 53  # ADVS 4, ADDV 1


def test_load_snapshot_returns_typed_datasets(final: Path, root: Path):
    snap = load_snapshot("final", root=root)
    assert snap.path == final
    assert list(snap.datasets) == list(f.study())  # contract order
    adsl = snap.datasets["ADSL"]
    assert str(adsl["AGE"].dtype) == "Int64"
    assert str(adsl["INFDT"].dtype) == "datetime64[ns]"
    assert adsl.loc[0, "INFDT"] == pd.Timestamp("2025-01-14")
    assert pd.isna(adsl.loc[0, "DTHDT"])


def test_refreeze_in_another_root_is_byte_identical(final: Path, tmp_path: Path):
    other = freeze(f.study(), "final", f.FINAL_CUTOFF, source="literal test study",
                   root=tmp_path / "elsewhere")
    assert _files(other) == _files(final)


def test_existing_id_is_never_overwritten(final: Path, root: Path):
    before = _files(final)
    study = f.study()
    study["ADSL"] = study["ADSL"].assign(AGE=[40, 41, 42])
    with pytest.raises(SnapshotError, match="already exists"):
        freeze(study, "final", f.FINAL_CUTOFF, source="other", root=root)
    assert _files(final) == before


def test_invalid_data_writes_nothing_and_reports_in_full(root: Path):
    study = f.study()
    study["ADSL"] = study["ADSL"].assign(SEX=["F", "X", "M"])
    study["ADVA"] = study["ADVA"].assign(VAORRES=["4.8", "4.8"])
    with pytest.raises(SnapshotError) as exc:
        freeze(study, "bad", f.FINAL_CUTOFF, source="x", root=root)
    text = str(exc.value)
    assert "[allowed]" in text and "[ADVA.result_matches_format]" in text
    assert not root.exists()  # not even the root folder was created
    root.mkdir()
    (root / "keep").mkdir()
    before = _listing(root)
    with pytest.raises(SnapshotError):
        freeze(study, "bad", f.FINAL_CUTOFF, source="x", root=root)
    assert _listing(root) == before


def test_invalid_snapshot_id_is_refused(root: Path):
    with pytest.raises(SnapshotError, match="invalid snapshot id"):
        freeze(f.study(), "../escape", f.FINAL_CUTOFF, source="x", root=root)


def test_verify_passes_on_an_untouched_snapshot(final: Path, root: Path):
    assert verify("final", root=root)["snapshot_id"] == "final"


@pytest.mark.parametrize("tamper, message", [
    (lambda d: (d / "adae.parquet").write_bytes((d / "adae.parquet").read_bytes() + b"x"),
     "changed file adae.parquet"),
    (lambda d: (d / "adlb.parquet").unlink(), "missing file adlb.parquet"),
    (lambda d: (d / "notes.txt").write_text("extra"), "extra file notes.txt"),
])
def test_verify_names_a_changed_missing_or_extra_file(final: Path, root: Path, tamper, message):
    tamper(final)
    with pytest.raises(SnapshotError, match=message):
        verify("final", root=root)
    with pytest.raises(SnapshotError, match=message):
        load_snapshot("final", root=root)


def test_cut_snapshot_equals_later_snapshot_restricted_to_cutoff(final: Path, root: Path):
    path = cut("final", "interim", INTERIM, root=root)
    m = json.loads((path / "manifest.json").read_text())
    assert m["source"] == "cut of final at 2025-04-09"
    assert m["cutoff"] == "2025-04-09" and m["simulated"] is False
    # the same data frozen directly at the interim date give the same files
    direct = freeze(apply_cutoff(f.study(), INTERIM), "interim", INTERIM, source="direct",
                    root=root.parent / "direct")
    for name, entry in m["datasets"].items():
        assert (direct / entry["file"]).read_bytes() == (path / entry["file"]).read_bytes(), name
    interim = load_snapshot("interim", root=root).datasets
    later = load_snapshot("final", root=root).datasets
    # every interim AE is a final AE that started on or before the cut-off
    keys = set(zip(interim["ADAE"]["USUBJID"], interim["ADAE"]["AESEQ"], strict=True))
    fin = later["ADAE"]
    assert keys == set(zip(fin.loc[fin["ASTDT"] <= "2025-04-09", "USUBJID"],
                           fin.loc[fin["ASTDT"] <= "2025-04-09", "AESEQ"], strict=True))
    assert interim["ADSL"].loc[interim["ADSL"]["USUBJID"] == S1, "LSTALVDT"].item() == \
        pd.Timestamp("2025-04-09")


def test_cut_of_a_cut_equals_a_cut_of_the_final(final: Path, root: Path):
    cut("final", "interim", INTERIM, root=root)
    a = cut("interim", "early-a", date(2025, 3, 15), root=root)
    b = cut("final", "early-b", date(2025, 3, 15), root=root)
    for p in a.iterdir():
        if p.suffix == ".parquet":
            assert p.read_bytes() == (b / p.name).read_bytes(), p.name


def test_cut_refuses_a_later_cutoff_and_an_existing_id(final: Path, root: Path):
    with pytest.raises(SnapshotError, match="after the cut-off"):
        cut("final", "later", date(2026, 1, 1), root=root)
    assert not (root / "later").exists()
    with pytest.raises(SnapshotError, match="already exists"):
        cut("final", "final", INTERIM, root=root)


def test_simulated_flag_is_inherited_by_a_cut(root: Path):
    freeze(f.study(), "sim", f.FINAL_CUTOFF, source="simulated", simulated=True, root=root)
    m = json.loads((cut("sim", "sim-interim", INTERIM, root=root) / "manifest.json").read_text())
    assert m["simulated"] is True


def test_standard_adam_of_another_study_freezes_against_the_core(root: Path):
    path = freeze(f.pilot(), "pilot", f.PILOT_CUTOFF, source="CDISC pilot", root=root)
    m = json.loads((path / "manifest.json").read_text())
    assert m["profile"] == "core"
    assert sorted(m["datasets"]) == ["ADAE", "ADSL"]
    assert m["extensions"] == []  # BMIBL, TRT01PN: standard variables, not this study's
    assert "ARM" in m["datasets"]["ADSL"]["columns"]  # standard extras are kept


def test_load_reads_frozen_frames_as_written_which_are_already_typed(final: Path, root: Path):
    """The fast path of load_snapshot (no re-coercion for the current contract version)
    returns exactly what coercion to the contract would give."""
    from data_contract.readers import coerce_dataset
    from data_contract.specs import DATASETS

    snap = load_snapshot("final", root)
    assert snap.manifest["contract_version"] == CONTRACT_VERSION
    for name, df in snap.datasets.items():
        coerced, failures = coerce_dataset(df, DATASETS[name])
        assert not failures
        pd.testing.assert_frame_equal(df, coerced)


def test_load_reads_no_dataset_until_one_is_used(final: Path, root: Path):
    snap = load_snapshot("final", root)
    assert list(snap.datasets) == list(f.study()) and "ADLB" in snap.datasets
    assert snap.datasets.loaded() == []
    adae = snap.datasets["ADAE"]
    assert snap.datasets.loaded() == ["ADAE"]
    assert snap.datasets["ADAE"] is adae  # read once


def test_a_file_changed_after_verification_is_refused_when_read(final: Path, root: Path):
    """What is analysed is what was verified: the hash is checked again on the bytes read."""
    snap = load_snapshot("final", root)
    adae = final / "adae.parquet"
    adae.write_bytes(adae.read_bytes() + b"x")
    with pytest.raises(SnapshotError, match="changed file adae.parquet"):
        snap.datasets["ADAE"]
    assert snap.datasets["ADSL"]["USUBJID"].iloc[0] == S1  # untouched files still read


def test_a_transient_pass_reads_each_dataset_without_keeping_it(final: Path, root: Path):
    snap = load_snapshot("final", root)
    held = snap.datasets["ADSL"]
    once = snap.datasets.transient()
    assert once["ADSL"] is held  # a dataset already in use is shared
    first = once["ADAE"]
    assert once["ADAE"] is not first  # read again, never kept
    pd.testing.assert_frame_equal(once["ADAE"], first)
    assert snap.datasets.loaded() == ["ADSL"]
