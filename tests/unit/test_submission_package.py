"""The submission package (issue 18): ``nox -s submission -- VERSION [--check]``.

A published version is faked cheaply: a clone of the project at its last commit holds the
committed snapshot sim-final, and ``report/<version>/provenance.json`` names it the way a
render does (:func:`report.build.check_snapshot`), without rendering the CSR.
"""

from __future__ import annotations

import json
import subprocess
import types
from pathlib import Path

import pandas as pd
import pytest

from data_contract.snapshot import load_snapshot
from data_contract.specs import DATASETS
from report import build as report_build
from report.provenance import tool_versions
from submission import __main__ as cli
from submission import adrg, datasets, package, programs
from submission.context import SubmissionContext

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = "sim-final"
META = {"protocol_id": "NCT06561009", "phase": "Phase 1", "simulated": True,
        "sponsor": "Tianjin Medical University General Hospital", "title": "Clinical Study Report",
        "full_title": "Safety and Efficacy of BAFFR CART for Relapsed/Refractory NMOSD"}


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


# displays whose ARDs a fake version publishes (the ARS part reads the version's ARDs)
FAKE_ARDS = ("T14.1.1", "T14.3.1")


def _write_ards(project: Path, folder: Path, snapshot: str) -> None:
    from analysis import ard as ardlib
    from analysis.config import load_config
    from analysis.data import from_snapshot
    from analysis.displays.registry import spec

    ard_dir = folder / "ard"
    ard_dir.mkdir(parents=True, exist_ok=True)
    data = from_snapshot(snapshot, root=project / "data" / "snapshots")
    for display_id in FAKE_ARDS:
        ard, _ = spec(display_id).build(data, load_config(), "TRT01A")
        (ard_dir / f"{display_id}.csv").write_bytes(ardlib.to_csv_text(ard).encode("utf-8"))


def fake_publish(project: Path, version: str, formats=("html",), snapshot=SNAPSHOT,
                 **snapshot_changes) -> Path:
    """``report/<version>/provenance.json`` as a render of ``snapshot`` at HEAD writes it,
    and the ARDs of :data:`FAKE_ARDS`."""
    snap = report_build.check_snapshot(project, "data/snapshots", snapshot).record(
        "data/snapshots")
    snap["ledger"] = {**snap["ledger"], **snapshot_changes}
    record = {"schema": "report-provenance-1", "version": version, "formats": list(formats),
              "engine": {"requested": "builtin", "used": "builtin"},
              "git": {"commit": _git(project, "rev-parse", "HEAD"), "dirty": False},
              "inputs": {"meta": {**META, "version": version, "snapshot_id": snapshot}},
              "snapshot": snap, "tools": tool_versions(), "lock_sha256": "0" * 64, "files": {}}
    folder = project / "report" / version
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "provenance.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    _write_ards(project, folder, snapshot)
    return folder


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A clone of the project's last commit (the package reads the commit from git)."""
    dest = tmp_path_factory.mktemp("submission") / "project"
    subprocess.run(["git", "clone", "--quiet", "--shared", str(ROOT), str(dest)], check=True)
    return dest


@pytest.fixture(scope="module")
def published(project) -> Path:
    """The package of a fake published version ``sub-1``, built once."""
    fake_publish(project, "sub-1")
    result = package.build(project, "sub-1")
    assert result.status == "published"
    return result.path


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_unpublished_version_is_refused_with_the_command_to_render_it(project):
    with pytest.raises(package.SubmissionError, match=r"not published.*nox -s render -- "
                                                      r"--version nowhere"):
        package.build(project, "nowhere")
    assert not (project / "report" / "nowhere").exists()


def test_the_package_has_the_ectd_m5_layout_and_an_index_of_every_file(published):
    adam = published / "m5" / "datasets" / "nct06561009" / "analysis" / "adam"
    for name in DATASETS:
        assert (adam / "datasets" / f"{name.lower()}.json").is_file()
        assert (adam / "datasets" / f"{name.lower()}.xpt").is_file()
    assert (adam / "datasets" / "adrg.html").is_file()
    assert (adam / "programs" / "analysis" / "derive" / "dlt.py.txt").is_file()
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"] for f in manifest["files"]}
    on_disk = set(_tree(published)) - {"manifest.json", "index.html"}
    assert listed == on_disk
    index = (published / "index.html").read_text(encoding="utf-8")
    for f in manifest["files"]:
        assert f"<td><a href=\"{f['path']}\">" in index and f["sha256"] in index
    assert index.count("SIMULATED DATA") == 2


def test_a_fresh_package_passes_every_check(published, project, capsys):
    assert package.check(project, "sub-1") == []
    assert cli.main(["sub-1", "--check", "--root", str(project)]) == 0


def test_a_second_build_is_byte_identical_and_publishes_nothing_new(published, project):
    before = _tree(published)
    again = project / "_build" / "second-build"
    again.mkdir(parents=True)
    assert package.assemble(project, "sub-1", again) == []
    assert _tree(again) == before
    assert package.build(project, "sub-1").status == "unchanged"
    assert _tree(published) == before


def test_a_rebuild_that_differs_is_refused_and_the_package_is_left_as_it_was(published, project):
    before = _tree(published)
    record_path = project / "report" / "sub-1" / "provenance.json"
    original = record_path.read_text(encoding="utf-8")
    record = json.loads(original)
    record["snapshot"]["ledger"]["frozen_at"] = "2031-01-01T00:00:00Z"
    record_path.write_text(json.dumps(record), encoding="utf-8")
    try:
        with pytest.raises(package.SubmissionError, match=r"already exists with other content.*"
                                                          r"adae\.json.*immutable.*sub-1\.1"):
            package.build(project, "sub-1")
    finally:
        record_path.write_text(original, encoding="utf-8")
    assert _tree(published) == before


def test_a_failing_part_publishes_nothing(project, monkeypatch):
    fake_publish(project, "sub-fail")

    def write(ctx):
        (ctx.out / "half-written.txt").write_text("x")
        raise ValueError("column AVAL of ADLB cannot be written")

    broken = types.ModuleType("submission.broken")
    broken.write, broken.check = write, lambda ctx: []
    monkeypatch.setattr(package, "PARTS", [adrg, broken])
    with pytest.raises(package.SubmissionError, match="part broken failed.*AVAL of ADLB"):
        package.build(project, "sub-fail")
    assert not (project / "report" / "sub-fail" / "submission").exists()
    scratch = project / "_build" / "tmp"
    assert not any(p.name.endswith("submission-sub-fail") for p in scratch.iterdir())


CORRUPTED = {
    "m5/datasets/nct06561009/analysis/adam/datasets/adsl.xpt": "adsl.xpt",
    "m5/datasets/nct06561009/analysis/adam/datasets/adae.json": "adae.json",
    "m5/datasets/nct06561009/analysis/adam/programs/analysis/derive/dlt.py.txt": "dlt.py.txt",
    "m5/datasets/nct06561009/analysis/adam/datasets/adrg.md": "adrg.md",
}
INDEX_RULE = "index.html: is not the index of manifest.json"


def test_corrupted_files_make_check_fail_naming_each_one(published, project, capsys):
    originals = {rel: (published / rel).read_bytes() for rel in [*CORRUPTED, "index.html"]}
    for rel, data in originals.items():
        data = bytearray(data)
        at = len(data) // 2
        data[at:at + 4] = b"9999" if data[at:at + 4] != b"9999" else b"1111"
        (published / rel).write_bytes(bytes(data))
    try:
        assert cli.main(["sub-1", "--check", "--root", str(project)]) == 1
    finally:
        for rel, data in originals.items():
            (published / rel).write_bytes(data)
    failures = [ln.removeprefix("FAIL ") for ln in capsys.readouterr().err.splitlines()
                if ln.startswith("FAIL ")]
    assert failures and all(f.startswith("report/sub-1/submission/") for f in failures)
    for name in CORRUPTED.values():
        # the manifest's hash names the file, and so does the rule of its own part
        assert any(name in f and "manifest.json" in f for f in failures), (name, failures)
        assert any(name in f and "manifest.json" not in f for f in failures), (name, failures)
    assert f"report/sub-1/submission/{INDEX_RULE} (edited or damaged)" in failures


def test_a_version_rendered_to_pdf_is_checked_for_its_pdf(project, monkeypatch):
    monkeypatch.setattr(package, "PARTS", [programs])   # the PDF check is what is tested
    fake_publish(project, "sub-pdf", formats=("html", "pdf"))
    package.build(project, "sub-pdf")
    failures = package.check(project, "sub-pdf")
    assert failures == ["report/sub-pdf/csr.pdf: missing (the version was rendered to PDF)"]


def test_dataset_json_and_xpt_read_back_with_dsjframe_and_pyreadstat_equal_the_snapshot(
        published, project):
    import dsjframe
    import pyreadstat

    ctx = SubmissionContext(project, "sub-1", published)
    snap = load_snapshot(SNAPSHOT, project / "data" / "snapshots")
    frozen_at = json.loads((project / "report" / "sub-1" / "provenance.json").read_text(
        encoding="utf-8"))["snapshot"]["ledger"]["frozen_at"]
    for name in snap.datasets:
        want = snap.datasets.transient()[name].reset_index(drop=True)
        paths = datasets.files(ctx.datasets_dir, name)
        doc = json.loads(paths["dataset-json"].read_text(encoding="utf-8"))
        assert doc["datasetJSONCreationDateTime"] == frozen_at
        assert doc["records"] == len(want)
        keys = [c["name"] for c in sorted(doc["columns"], key=lambda c: c.get("keySequence", 99))
                if "keySequence" in c]
        assert keys == [k for k in DATASETS[name].keys if k in want.columns]
        for col in doc["columns"]:
            if col["dataType"] == "string":
                longest = want[col["name"]].dropna().astype(str).str.len().max()
                assert col["length"] == max(1, 0 if pd.isna(longest) else int(longest))
        got = dsjframe.read_dataset(paths["dataset-json"]).to_pandas()
        assert list(got.columns) == list(want.columns)
        for col in want.columns:
            a, b = want[col], got[col]
            if pd.api.types.is_datetime64_any_dtype(a.dtype):
                a, b = pd.to_datetime(a).dt.date, pd.to_datetime(b).dt.date
            assert a.astype(object).where(a.notna(), None).tolist() == \
                b.astype(object).where(b.notna(), None).tolist(), (name, col)
        xpt, meta = pyreadstat.read_xport(str(paths["xpt"]))
        assert list(xpt.columns) == list(want.columns) and len(xpt) == len(want)
        assert meta.file_label == DATASETS[name].label[:40]
        assert meta.creation_time.isoformat() + "Z" == frozen_at == \
            meta.modification_time.isoformat() + "Z"
        for col in want.columns:
            a = want[col]
            if a.dtype == object or pd.api.types.is_string_dtype(a.dtype):
                assert a.fillna("").astype(str).tolist() == xpt[col].astype(str).tolist()
            elif pd.api.types.is_datetime64_any_dtype(a.dtype):
                assert pd.to_datetime(a).dt.date.tolist() == \
                    pd.to_datetime(xpt[col]).dt.date.where(xpt[col].notna(), pd.NaT).tolist() \
                    or a.isna().all()
            else:
                x = pd.to_numeric(a.astype("Float64")).astype(float)
                assert ((x - xpt[col]).abs().fillna(0) < 1e-9).all(), (name, col)
                assert (x.isna() == xpt[col].isna()).all(), (name, col)


def test_programs_are_the_commits_files_as_txt_with_their_hashes(published, project):
    ctx = SubmissionContext(project, "sub-1", published)
    manifest = json.loads((ctx.programs_dir / programs.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["commit"] == _git(project, "rev-parse", "HEAD")
    by_path = {f["path"]: f for f in manifest["files"]}
    committed = _git(project, "show", "HEAD:analysis/derive/dlt.py").encode() + b"\n"
    assert by_path["analysis/derive/dlt.py"]["bytes"] == len(committed)
    assert (ctx.programs_dir / "analysis/derive/dlt.py.txt").read_bytes() == committed
    assert {"index.ipynb", "noxfile.py", "requirements.lock", "study.yml"} <= set(by_path)
    assert [f["path"] for f in manifest["not_included"]] == ["report/assets/reference.docx"]
    assert all(f["file"].endswith(".txt") for f in manifest["files"])


def test_a_version_rendered_from_uncommitted_changes_has_no_programs(project, monkeypatch):
    monkeypatch.setattr(package, "PARTS", [programs])
    folder = fake_publish(project, "sub-dirty")
    record = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    record["git"]["dirty"] = True
    (folder / "provenance.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(package.SubmissionError, match="part programs failed.*uncommitted"):
        package.build(project, "sub-dirty")
    assert not (folder / "submission").exists()


def test_the_reviewers_guide_is_generated_from_the_sources_with_writer_placeholders(
        published, project):
    ctx = SubmissionContext(project, "sub-1", published)
    text = (ctx.datasets_dir / adrg.MARKDOWN).read_text(encoding="utf-8")
    manifest = json.loads((project / "data/snapshots/sim-final/manifest.json").read_text())
    for name, entry in manifest["datasets"].items():
        assert f"| {name} | {DATASETS[name].label} | {entry['rows']} |" in text
    assert "| `analysis/derive/dlt.py` | Dose-limiting toxicities and the 3+3 decision " \
           "(SAP 3, DLT; SAP 1, design). |" in text
    assert "nox -s render -- --snapshot sim-final --version sub-1 --to html --engine builtin" \
        in text
    assert "python -m pip install nox" in text
    assert len(adrg.open_placeholders(ctx)) >= 5
    page = (ctx.datasets_dir / adrg.HTML).read_text(encoding="utf-8")
    assert page.count("SIMULATED DATA") >= 2 and "[Writer:" in page


def test_verify_compares_a_version_without_its_submission_package(tmp_path):
    from report.verify import compare_versions

    published, rebuilt = tmp_path / "published", tmp_path / "rebuilt"
    for folder in (published, rebuilt):
        (folder / "ard").mkdir(parents=True)
        (folder / "ard" / "T14.1.1.csv").write_text("a\n1\n")
    (published / "submission" / "m5").mkdir(parents=True)
    (published / "submission" / "m5" / "adsl.xpt").write_bytes(b"x")
    assert compare_versions(published, rebuilt) == []
    (rebuilt / "ard" / "T14.1.1.csv").write_text("a\n2\n")
    assert [d.path for d in compare_versions(published, rebuilt)] == ["ard/T14.1.1.csv"]


def test_the_interim_snapshots_datasets_are_written_and_pass_their_checks(project, tmp_path):
    fake_publish(project, "sub-interim", snapshot="sim-interim")
    ctx = SubmissionContext(project, "sub-interim", tmp_path / "out")
    written = datasets.write(ctx)
    assert len(written) == 2 * len(load_snapshot("sim-interim", project / "data/snapshots")
                                   .datasets)
    assert datasets.check(ctx) == []
