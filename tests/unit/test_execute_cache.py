"""Notebook execution cache: what re-executes when an input changes, and how failures read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import report_fixture as fx  # noqa: E402

from report import build, cache  # noqa: E402
from report.execute import NotebookExecutionError, execute_all, normalise  # noqa: E402

CHAPTERS = ["index.ipynb", "chapters/10-participants.ipynb", "chapters/12-adverse-events.ipynb"]


def executed(root: Path) -> list[str]:
    """Chapters executed by one build of version v1 of the fixture project."""
    plan = build.make_plan(root, build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1"))
    return execute_all(root, plan.jobs, workers=2, progress=lambda m: None).executed


def edit_cell(root: Path, chapter: str, cell_id: str, source: str) -> None:
    nb = nbformat.read(root / chapter, as_version=4)
    next(c for c in nb.cells if c.get("id") == cell_id).source = source
    nbformat.write(nb, root / chapter)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("CSR_FORK_KERNELS", "0")   # tiny notebooks: plain kernels are quicker
    fx.stub_engine(monkeypatch)
    return fx.make_project(tmp_path)


def test_cache_reexecutes_only_what_changed(project):
    assert executed(project) == CHAPTERS                      # cold: everything
    assert executed(project) == []                            # nothing changed: nothing runs

    edit_cell(project, "index.ipynb", "body", 'Markdown("Synopsis, edited")')
    assert executed(project) == ["index.ipynb"]               # one notebook: only it

    (project / "analysis" / "stats.py").write_text("ALPHA = 0.10\n")
    assert executed(project) == CHAPTERS                      # analysis code: all dependents


def keys(root: Path, snapshot: str = fx.SNAPSHOT) -> dict[str, str]:
    plan = build.make_plan(root, build.RenderRequest(snapshot_id=snapshot, version="v1"))
    return {j.chapter: j.key for j in plan.jobs}


def test_snapshot_and_lock_file_are_in_every_notebook_key(project):
    before = keys(project)
    data = json.loads((project / "data/snapshots/fx-1/data.json").read_text())
    data["subjects"].append("S-004")
    fx.write_snapshot(project, "fx-2", data)
    other_snapshot = keys(project, "fx-2")
    (project / "requirements.lock").write_text("papermill==2.7.1\n")
    other_lock = keys(project)
    for chapter in CHAPTERS:
        assert len({before[chapter], other_snapshot[chapter], other_lock[chapter]}) == 3
    (project / "chapters" / "notes.md").write_text("not code\n")
    assert keys(project) == other_lock    # a file outside the code paths changes no key


def test_cached_notebook_has_no_timing_paths_or_random_ids(project):
    executed(project)
    plan = build.make_plan(project, build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1"))
    job = next(j for j in plan.jobs if j.chapter == "chapters/10-participants.ipynb")
    text = (cache.lookup(project, job.key) / cache.NOTEBOOK_FILE).read_text()
    nb = nbformat.reads(text, as_version=4)
    assert "papermill" not in nb.metadata
    assert all("execution" not in c.metadata and "papermill" not in c.metadata for c in nb.cells)
    assert [c["id"] for c in nb.cells] == ["title", "params", "injected-parameters", "helpers",
                                           "body"]
    assert str(project) not in text and ".tmp-" not in text
    assert f'outputs_dir = \\"_build/cache/{job.key}/outputs\\"' in text


def test_failing_notebook_names_chapter_and_cell_and_caches_nothing_for_it(project):
    edit_cell(project, "chapters/12-adverse-events.ipynb", "body",
              'terms = data["ae"]\nraise ValueError("no such display T99")')
    plan = build.make_plan(project, build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1"))
    with pytest.raises(NotebookExecutionError) as err:
        execute_all(project, plan.jobs, workers=2, progress=lambda m: None)
    (failure,) = err.value.failures
    assert failure.chapter == "chapters/12-adverse-events.ipynb"
    assert failure.cell_number == 4 and failure.cell_id == "body"
    assert "ValueError" in str(err.value) and "no such display T99" in str(err.value)
    assert "raise ValueError" in failure.traceback
    ae_job = next(j for j in plan.jobs if j.chapter == failure.chapter)
    assert cache.lookup(project, ae_job.key) is None
    assert not list((project / cache.CACHE_DIR).glob(".tmp-*"))


def test_normalise_keeps_original_ids_and_replaces_temporary_paths():
    original = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", id="a")])
    run = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", id="zz1"),
        nbformat.v4.new_code_cell('out = "tmp/XYZ"', id="zz2"),
    ])
    run.cells[1].metadata["tags"] = ["injected-parameters"]
    run.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    run.metadata["papermill"] = {"duration": 1.2, "input_path": "/abs/path.ipynb"}
    nb = normalise(run, original, {"tmp/XYZ": "_build/cache/k/outputs"})
    assert [c["id"] for c in nb.cells] == ["a", "injected-parameters"]
    assert nb.cells[1].source == 'out = "_build/cache/k/outputs"'
    assert "papermill" not in nb.metadata and "execution" not in nb.cells[0].metadata


def test_forked_kernels_give_the_same_notebooks_and_outputs_as_plain_kernels(project,
                                                                            monkeypatch):
    plan = build.make_plan(project, build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1"))

    def run(fork: bool) -> dict[str, bytes]:
        monkeypatch.setenv("CSR_FORK_KERNELS", "1" if fork else "0")
        result = execute_all(project, plan.jobs, workers=2, progress=lambda m: None,
                             use_cache=False)
        files = {f"{chapter}:{p.relative_to(entry).as_posix()}": p.read_bytes()
                 for chapter, entry in result.entries.items()
                 for p in sorted(entry.rglob("*")) if p.is_file()}
        result.discard_uncached()
        return files

    forked, plain = run(True), run(False)
    assert len(forked) == 7 and forked == plain
    assert not list((project / cache.CACHE_DIR).iterdir())    # use_cache=False: cache untouched


def test_notebooks_are_scheduled_longest_first_by_their_last_execution_time(tmp_path):
    from report.execute import Job, longest_first, record_durations

    jobs = [Job(c, c, {}) for c in ("a.ipynb", "b.ipynb", "c.ipynb", "d.ipynb")]
    assert longest_first(tmp_path, jobs) == jobs                  # no history, no notebooks
    (tmp_path / "_build" / "logs").mkdir(parents=True)
    record_durations(tmp_path, {"a.ipynb": 1.0, "b.ipynb": 9.0, "c.ipynb": 3.0})
    order = [j.chapter for j in longest_first(tmp_path, jobs)]
    assert order == ["b.ipynb", "d.ipynb", "c.ipynb", "a.ipynb"]  # d unknown: the mean, 4.3


def test_with_no_recorded_time_the_notebook_showing_most_displays_starts_first(tmp_path):
    """A first render (no durations yet) starts the listings-like chapter first, not last."""
    import nbformat

    from report.execute import Job, longest_first

    shows = {"a.ipynb": 1, "b.ipynb": 0, "c.ipynb": 16, "d.ipynb": 3}
    for name, n in shows.items():
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("ch.show('x')")] + [
            nbformat.v4.new_code_cell(f'ch.show("L16.2.{i}")') for i in range(n)])
        nbformat.write(nb, tmp_path / name)
    jobs = [Job(c, c, {}) for c in shows]
    assert [j.chapter for j in longest_first(tmp_path, jobs)] == [
        "c.ipynb", "d.ipynb", "a.ipynb", "b.ipynb"]


def test_a_forked_kernel_that_dies_at_start_up_is_retried_with_a_plain_kernel(project, tmp_path,
                                                                              monkeypatch):
    from report import execute

    # a kernelspec whose process exits at once stands in for a forked kernel that died
    spec = tmp_path / "jupyter" / "kernels" / "dies-at-start"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", "import sys; sys.exit(3)"],
        "display_name": "dies", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setattr(execute, "_worker_kernel", "dies-at-start")
    plan = build.make_plan(project, build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1"))
    outcome = execute.execute_job(str(project), plan.jobs[0])
    assert outcome.failure is None and outcome.executed


def test_a_change_in_any_package_the_notebooks_import_changes_the_code_hash(tmp_path):
    """The study package (study.yml's typed access and the shared SAP rules) is imported by
    every notebook through analysis: editing it must execute the notebooks again."""
    from report.cache import code_hash

    for rel in ("analysis/a.py", "data_contract/b.py", "study/rules.py", "study.yml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n")
    before = code_hash(tmp_path)
    for rel in ("analysis/a.py", "data_contract/b.py", "study/rules.py", "study.yml"):
        (tmp_path / rel).write_text("x = 2\n")
        after = code_hash(tmp_path)
        assert after != before, rel
        before = after
