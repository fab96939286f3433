"""Source folders and snapshots that try to lie (issue 13, findings 5, 6 and 12): symlinks
out of a source folder, files that are not read, a snapshot whose data file and manifest
were both edited (the ledger), and one limit for snapshot ids."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from data_contract import ledger
from data_contract.cli import main as cli
from data_contract.names import MAX_LENGTH
from data_contract.readers import ReaderError, SourceFolderWarning, read_source
from data_contract.snapshot import (
    MANIFEST,
    SnapshotError,
    freeze,
    sha256_file,
    verify,
    write_parquet,
)

from . import factories as f

REPO_SNAPSHOTS = Path(__file__).resolve().parents[2] / "data" / "snapshots"


def source(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    for name, df in f.study().items():
        df.to_csv(folder / f"{name.lower()}.csv", index=False)
    return folder


# --- finding 5: source folders --------------------------------------------------------

def test_a_symlink_out_of_the_source_folder_is_refused_naming_it(tmp_path, capsys):
    folder = source(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (folder / "adae.csv").rename(elsewhere / "adae.csv")
    (folder / "adae.csv").symlink_to(elsewhere / "adae.csv")
    with pytest.raises(ReaderError, match=r"adae\.csv -> .*elsewhere/adae\.csv"):
        read_source(folder)
    code = cli(["freeze", str(folder), "--id", "s1", "--cutoff", "2025-09-30",
                "--root", str(tmp_path / "snaps")])
    assert code == 1 and "pointing outside the folder" in capsys.readouterr().err
    assert not (tmp_path / "snaps" / "s1").exists()


def test_a_symlink_inside_the_source_folder_is_read(tmp_path):
    folder = source(tmp_path)
    (folder / "raw").mkdir()
    (folder / "adae.csv").rename(folder / "raw" / "adae.csv")
    (folder / "adae.csv").symlink_to(folder / "raw" / "adae.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceFolderWarning)
        assert len(read_source(folder)["ADAE"]) == len(f.adae())


def test_files_that_are_not_read_are_listed(tmp_path, capsys):
    folder = source(tmp_path)
    (folder / "adae.xlsx").write_bytes(b"not read")
    (folder / "notes.txt").write_text("site notes")
    (folder / "old").mkdir()
    with pytest.warns(SourceFolderWarning, match=r"not read .*adae\.xlsx, notes\.txt, old/"):
        read_source(folder)
    code = cli(["validate", str(folder), "--cutoff", "2025-09-30"])
    err = capsys.readouterr().err
    assert code == 0
    assert "note: source folder" in err and "adae.xlsx, notes.txt, old/" in err


# --- finding 6: the ledger ------------------------------------------------------------

def test_the_committed_snapshots_are_in_the_committed_ledger():
    entries = ledger.read(REPO_SNAPSHOTS)
    assert [e.snapshot_id for e in entries][:2] == ["sim-final", "sim-interim"]
    for sid in ("sim-final", "sim-interim"):
        verify(sid, root=REPO_SNAPSHOTS)


def test_freeze_appends_a_chained_ledger_entry(tmp_path):
    freeze(f.study(), "a", f.FINAL_CUTOFF, source="first test source", root=tmp_path)
    freeze(f.study(), "b", f.FINAL_CUTOFF, source="second", root=tmp_path)
    first, second = ledger.read(tmp_path)
    assert (first.seq, first.snapshot_id, first.source) == (1, "a", "first test source")
    assert first.manifest_sha256 == sha256_file(tmp_path / "a" / MANIFEST)
    assert first.prev_sha256 == ledger.GENESIS and second.prev_sha256 == first.line_sha256
    assert first.frozen_at.endswith("Z")


def edit_data_and_manifest(folder: Path) -> None:
    """Change ADAE and rewrite the manifest so that the two agree again."""
    from data_contract.snapshot import load_snapshot

    snap = load_snapshot(folder.name, root=folder.parent)
    adae = snap.datasets["ADAE"].copy()
    adae.loc[0, "AEDECOD"] = "Something else"
    write_parquet(adae, folder / "adae.parquet")
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["datasets"]["ADAE"]["sha256"] = sha256_file(folder / "adae.parquet")
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def test_a_snapshot_whose_data_and_manifest_were_both_edited_is_refused_with_both_hashes(
        tmp_path, capsys):
    folder = freeze(f.study(), "s", f.FINAL_CUTOFF, source="test", root=tmp_path)
    recorded = sha256_file(folder / MANIFEST)
    edit_data_and_manifest(folder)
    now = sha256_file(folder / MANIFEST)
    with pytest.raises(SnapshotError) as err:
        verify("s", root=tmp_path)
    assert recorded in str(err.value) and now in str(err.value)
    assert "ledger entry 1" in str(err.value)
    assert cli(["verify", "s", "--root", str(tmp_path)]) == 1
    assert recorded in capsys.readouterr().err


def test_render_refuses_a_snapshot_that_does_not_match_the_ledger(tmp_path):
    from report.build import BuildError, check_snapshot

    snaps = tmp_path / "data" / "snapshots"
    folder = freeze(f.study(), "s", f.FINAL_CUTOFF, source="test", root=snaps)
    assert check_snapshot(tmp_path, "data/snapshots", "s").ledger["seq"] == 1
    edit_data_and_manifest(folder)
    with pytest.raises(BuildError, match="does not match the ledger"):
        check_snapshot(tmp_path, "data/snapshots", "s")


def test_a_snapshot_that_is_not_in_the_ledger_is_refused(tmp_path):
    import shutil

    freeze(f.study(), "s", f.FINAL_CUTOFF, source="test", root=tmp_path / "a")
    shutil.copytree(tmp_path / "a" / "s", tmp_path / "b" / "s")     # copied in, not frozen
    with pytest.raises(SnapshotError, match="not in the ledger"):
        verify("s", root=tmp_path / "b")


def test_a_changed_ledger_line_breaks_the_chain(tmp_path):
    for sid in ("a", "b", "c"):
        freeze(f.study(), sid, f.FINAL_CUTOFF, source="test", root=tmp_path)
    path = ledger.path_of(tmp_path)
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace('"source": "test"', '"source": "other"')
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SnapshotError, match=r"line 3: the chain is broken"):
        verify("c", root=tmp_path)
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")             # a line removed
    with pytest.raises(SnapshotError, match=r"line 2: the chain is broken"):
        verify("a", root=tmp_path)


def test_a_snapshot_id_is_frozen_once_even_after_its_folder_is_gone(tmp_path):
    import shutil

    freeze(f.study(), "s", f.FINAL_CUTOFF, source="test", root=tmp_path)
    shutil.rmtree(tmp_path / "s")
    with pytest.raises(SnapshotError, match="already in the ledger"):
        freeze(f.study(), "s", f.FINAL_CUTOFF, source="test", root=tmp_path)
    assert not (tmp_path / "s").exists()
    assert [e.snapshot_id for e in ledger.read(tmp_path)] == ["s"]


# --- finding 12: one limit for snapshot ids and versions -------------------------------

def test_a_snapshot_id_longer_than_a_version_name_is_refused_at_freeze(tmp_path):
    from report.build import default_version
    from report.publish import check_version_name

    with pytest.raises(SnapshotError, match=f"1 to {MAX_LENGTH} characters"):
        freeze(f.study(), "s" * (MAX_LENGTH + 1), f.FINAL_CUTOFF, source="t", root=tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name != ledger.LEDGER]
    longest = "s" * MAX_LENGTH
    freeze(f.study(), longest, f.FINAL_CUTOFF, source="t", root=tmp_path)
    assert check_version_name(default_version(longest)) == longest


def test_source_folder_reader_still_reads_every_dataset(tmp_path):
    folder = source(tmp_path)
    data = read_source(folder)
    assert sorted(data) == sorted(f.study())
    assert isinstance(data["ADSL"], pd.DataFrame)
