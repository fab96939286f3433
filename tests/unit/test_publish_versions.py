"""Publishing: tampered snapshots refused, versions immutable, failures publish nothing,
concurrent renders of one version end with one complete version."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import report_fixture as fx  # noqa: E402

from analysis.style.rtf import VERSION_TOKEN  # noqa: E402
from report import build, provenance, publish  # noqa: E402
from report.execute import NotebookExecutionError  # noqa: E402

QUIET = dict(progress=lambda m: None)


def render(root: Path, version: str, **kw) -> build.RenderResult:
    request = build.RenderRequest(snapshot_id=fx.SNAPSHOT, version=version,
                                  formats=("html", "pdf"), **kw)
    return build.render(root, request, **QUIET)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("CSR_FORK_KERNELS", "0")   # tiny notebooks: plain kernels are quicker
    fx.stub_engine(monkeypatch)
    return fx.make_project(tmp_path)


def test_render_publishes_documents_ard_listings_and_provenance(project):
    result = render(project, "v1")
    files = tree_bytes(result.path)
    assert sorted(files) == ["ard/L16.2.4.csv", "ard/T14.1.1.csv", "ard/T14.3.3.csv",
                             "csr.html", "csr.pdf", "listings/L16.2.4.csv", "placeholders.json",
                             "provenance.json"]
    assert b"3 participants" in files["csr.html"] and b"version v1" in files["csr.html"]
    record = provenance.read(result.path)
    assert record["snapshot"]["id"] == "fx-1" and record["version"] == "v1"
    # notebooks never see the version name (it is stamped at publish), so they stay cached
    assert record["parameters"]["report_version"] == VERSION_TOKEN
    assert record["files"]["ard/T14.3.3.csv"] == build.cache.sha256_file(
        result.path / "ard/T14.3.3.csv")
    assert record["fingerprint"] == provenance.fingerprint(record["inputs"])
    assert not list((project / "report").glob(".tmp-*"))


def test_tampered_snapshot_is_refused_naming_the_file(project):
    (project / "data/snapshots/fx-1/data.json").write_text('{"subjects": []}\n')
    with pytest.raises(build.BuildError, match=r"changed file data\.json"):
        render(project, "v1")
    assert not (project / "report" / "v1").exists()


def test_published_version_is_immutable(project):
    first = tree_bytes(render(project, "v1").path)
    again = render(project, "v1")
    assert again.status == "unchanged" and again.executed == []
    assert tree_bytes(again.path) == first

    nb = nbformat.read(project / "index.ipynb", as_version=4)
    nb.cells[-1].source = 'Markdown("a different synopsis")'
    nbformat.write(nb, project / "index.ipynb")
    with pytest.raises(publish.PublishError) as err:
        render(project, "v1")
    assert "index.ipynb" in str(err.value) and "--version v1.1" in str(err.value)
    assert tree_bytes(project / "report" / "v1") == first


def test_failing_notebook_publishes_nothing_and_leaves_earlier_version_intact(project):
    first = tree_bytes(render(project, "v1").path)
    nb = nbformat.read(project / "chapters/10-participants.ipynb", as_version=4)
    nb.cells[-1].source = "1 / 0"
    nbformat.write(nb, project / "chapters/10-participants.ipynb")
    with pytest.raises(NotebookExecutionError, match=r"chapters/10-participants\.ipynb failed "
                                                     r"in cell 4.*ZeroDivisionError"):
        render(project, "v2")
    assert not (project / "report" / "v2").exists()
    assert not list((project / "report").glob(".tmp-*"))
    assert not list((project / "_build" / "tmp").iterdir())     # no temporary work left
    assert tree_bytes(project / "report" / "v1") == first


def test_concurrent_renders_of_one_version_publish_it_once(project):
    results, errors = [], []

    def run():
        try:
            results.append(render(project, "v1"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.status for r in results) == ["published", "unchanged"]
    folder = project / "report" / "v1"
    record = provenance.read(folder)
    assert record["files"] == provenance.file_hashes(folder)
    assert not list((project / "report").glob(".tmp-*"))


def test_invalid_version_names_are_refused(project):
    for bad in ("../x", "assets", ".hidden", "a b"):
        with pytest.raises(publish.PublishError, match="invalid report version"):
            render(project, bad)


def test_rerender_of_a_removed_version_reuses_cached_notebooks_and_documents(project,
                                                                           monkeypatch):
    first = tree_bytes(render(project, "v1").path)
    import shutil

    shutil.rmtree(project / "report" / "v1")

    def no_typesetting(*args):
        raise AssertionError("typeset again although nothing changed")

    import report.engines

    monkeypatch.setattr(report.engines, "render_book", no_typesetting)
    again = render(project, "v1")
    assert again.status == "published" and again.executed == []
    rebuilt = tree_bytes(again.path)
    assert {k: v for k, v in rebuilt.items() if k != "provenance.json"} == {
        k: v for k, v in first.items() if k != "provenance.json"}


def test_temporary_folders_of_builds_that_no_longer_run_are_removed_others_kept(tmp_path):
    import subprocess

    from report import scratch

    mine = scratch.make(tmp_path, "publish-v1")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / scratch.SCRATCH_DIR / f"{gone.pid}-12345-0123abcd-publish-v1"
    pid, start = scratch.owner_tag().split("-")       # this pid, as if reused by a new process
    reused = tmp_path / scratch.SCRATCH_DIR / f"{pid}-{int(start) - 500}-0123abcd-entry"
    for d in (dead, reused, tmp_path / scratch.SCRATCH_DIR / "not-made-by-a-build"):
        d.mkdir()
    removed = scratch.clean_stale(tmp_path)
    assert sorted(removed) == sorted([dead.name, reused.name, "not-made-by-a-build"])
    assert [p.name for p in (tmp_path / scratch.SCRATCH_DIR).iterdir()] == [mine.name]


def test_a_render_reports_its_stages_as_timing_events(project):
    from report import timing

    tl = timing.Timeline()
    request = build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1", formats=("html",))
    result = build.render(project, request, timeline=tl, **QUIET)
    assert result.status == "published"
    stages = [e.stage for e in tl.events]
    for stage in ("verify", "plan", "execute", "notebooks", "engine", "assemble", "move"):
        assert stage in stages, stage
    notebooks = {e.detail["chapter"] for e in tl.of("notebook")}
    assert notebooks == set(result.executed) and notebooks
    assert tl.of("notebooks")[0].detail == {"notebooks": len(result.executed) + len(result.cached),
                                            "cached": len(result.cached)}
