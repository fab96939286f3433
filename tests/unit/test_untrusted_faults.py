"""Faults leave no debris and nothing on disk can lie (issue 13, findings 4, 7, 8, 9):
a killed worker, a killed render, truncated and edited cache entries."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import report_fixture as fx  # noqa: E402

from report import build, cache, scratch, verify  # noqa: E402
from report.execute import NotebookExecutionError, execute_all  # noqa: E402

AE = "chapters/12-adverse-events.ipynb"
REPO = Path(__file__).resolve().parents[2]


def edit_cell(root: Path, chapter: str, cell_id: str, source: str) -> None:
    nb = nbformat.read(root / chapter, as_version=4)
    next(c for c in nb.cells if c.get("id") == cell_id).source = source
    nbformat.write(nb, root / chapter)


def plan(root: Path, version: str = "v1") -> build.Plan:
    return build.make_plan(root, build.RenderRequest(snapshot_id=fx.SNAPSHOT, version=version))


def processes_in(folder: Path) -> list[psutil.Process]:
    """Live processes working in ``folder`` (kernels and workers run with it as cwd)."""
    out = []
    for p in psutil.process_iter(["cwd", "status"]):
        try:
            if p.info["cwd"] == str(folder) and p.pid != os.getpid() and \
                    p.info["status"] != psutil.STATUS_ZOMBIE:
                out.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return out


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("CSR_FORK_KERNELS", "0")   # plain kernels: the kernel's parent is the worker
    fx.stub_engine(monkeypatch)
    return fx.make_project(tmp_path)


KILL_WORKER = '''import os, pathlib, signal, time
marker = pathlib.Path("_build/killed-{n}")
if {always} or not marker.exists():
    marker.write_text("x")
    os.kill(os.getppid(), signal.SIGKILL)   # the kernel's parent: the worker
    time.sleep(60)
Markdown("after the kill")'''


def test_a_killed_worker_is_named_retried_once_and_leaves_nothing(project):
    edit_cell(project, AE, "body", KILL_WORKER.format(n="once", always=False))
    said: list[str] = []
    p = plan(project)
    result = execute_all(project, p.jobs, workers=2, progress=said.append)
    assert AE in result.executed
    assert any(f"the worker executing {AE} was stopped by signal SIGKILL; executing it once "
               "more" in m for m in said), said
    job = next(j for j in p.jobs if j.chapter == AE)
    assert cache.lookup(project, job.key) is not None
    assert not list((project / scratch.SCRATCH_DIR).iterdir())
    assert wait_until(lambda: not processes_in(project)), processes_in(project)


def test_a_worker_killed_twice_fails_its_chapter_by_name_and_caches_nothing(project):
    edit_cell(project, AE, "body", KILL_WORKER.format(n="always", always=True))
    p = plan(project)
    with pytest.raises(NotebookExecutionError) as err:
        execute_all(project, p.jobs, workers=2, progress=lambda m: None)
    (failure,) = err.value.failures
    assert failure.chapter == AE and failure.ename == "WorkerKilled"
    assert "SIGKILL" in failure.evalue and "twice" in failure.evalue
    job = next(j for j in p.jobs if j.chapter == AE)
    assert cache.lookup(project, job.key) is None
    assert not list((project / scratch.SCRATCH_DIR).iterdir())
    assert wait_until(lambda: not processes_in(project)), processes_in(project)


def entry_of(root: Path, chapter: str) -> Path:
    job = next(j for j in plan(root).jobs if j.chapter == chapter)
    return cache.entry_dir(root, job.key)


def test_a_truncated_cache_entry_is_discarded_with_a_message_and_executed_again(project):
    render = build.render(project, build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1",
                                                       formats=("html",)),
                          progress=lambda m: None)
    entry = entry_of(project, AE)
    nb = entry / cache.NOTEBOOK_FILE
    nb.write_bytes(nb.read_bytes()[:100])
    said: list[str] = []
    result = execute_all(project, plan(project).jobs, workers=1, progress=said.append)
    assert result.executed == [AE]
    message = next(m for m in said if "damaged or edited" in m)
    assert f"_build/cache/{entry.name}" in message and "notebook.ipynb: sha256" in message
    assert "discarded, executing again" in message
    assert cache.lookup(project, entry.name) == entry           # intact again
    assert render.status == "published"


def test_an_edited_cache_entry_is_never_published_nor_certified_by_verify(project):
    request = build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1", formats=("html",))
    build.render(project, request, progress=lambda m: None)
    entry = entry_of(project, "chapters/10-participants.ipynb")
    nb = entry / cache.NOTEBOOK_FILE
    text = nb.read_text(encoding="utf-8")
    assert "3 participants" in text
    nb.write_text(text.replace("3 participants", "99 participants"), encoding="utf-8")
    said: list[str] = []
    v2 = build.render(project, build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v2",
                                                   formats=("html",)), progress=said.append)
    html = (v2.path / "csr.html").read_text(encoding="utf-8")
    assert "99 participants" not in html and "3 participants" in html
    assert "chapters/10-participants.ipynb" in v2.executed
    assert any("damaged or edited" in m for m in said)

    nb.write_text(nb.read_text(encoding="utf-8").replace("3 participants", "99 participants"),
                  encoding="utf-8")
    result = verify.verify(project, "v2", use_cache=True, progress=lambda m: None)
    assert result.identical                           # rebuilt from a fresh execution
    assert "99 participants" not in (entry / cache.NOTEBOOK_FILE).read_text(encoding="utf-8")


def test_edited_cached_documents_are_typeset_again(project):
    import shutil

    request = build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1", formats=("html",))
    first = build.render(project, request, progress=lambda m: None)
    original = (first.path / "csr.html").read_bytes()
    (cached,) = (project / cache.CACHE_DIR / cache.RENDER_DIR).iterdir()
    (cached / "csr.html").write_text("edited", encoding="utf-8")
    shutil.rmtree(first.path)
    said: list[str] = []
    again = build.render(project, request, progress=said.append)
    assert (again.path / "csr.html").read_bytes() == original
    assert any("cached documents" in m and "damaged or edited" in m for m in said)


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def test_a_killed_render_leaves_no_process_no_version_and_no_stale_folder(tmp_path):
    root = fx.make_project(tmp_path)
    edit_cell(root, AE, "body", "import time\ntime.sleep(30)\nMarkdown('slow')")
    env = {**os.environ, "PYTHONPATH": str(REPO), "CSR_FORK_KERNELS": "1"}
    cmd = [sys.executable, "-m", "report", "--root", str(root), "render", "--snapshot",
           fx.SNAPSHOT, "--version", "v1", "--to", "html", "--engine", "builtin"]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        # wait until the slow chapter's kernel runs (a forked kernel: a child of the fork
        # server), then kill the render outright
        def kernels_running() -> bool:
            return any("kernel_fork" in " ".join(p.cmdline()) and "connect" in p.cmdline()
                       for p in _descendants(proc.pid) if p.is_running())
        assert wait_until(kernels_running, timeout=120), "no kernel started"
        time.sleep(2)
        family = _descendants(proc.pid)
        cache_before = sorted(p.name for p in (root / cache.CACHE_DIR).glob("*"))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    _, alive = psutil.wait_procs(family, timeout=5)
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE], alive
    assert sorted(p.name for p in (root / cache.CACHE_DIR).glob("*")) == cache_before
    assert not (root / "report" / "v1").exists()                  # no partial version
    assert list((root / scratch.SCRATCH_DIR).iterdir())           # debris of the kill ...
    edit_cell(root, AE, "body", "Markdown('quick')")
    subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True, timeout=600)
    assert (root / "report" / "v1" / "csr.html").is_file()
    assert not list((root / scratch.SCRATCH_DIR).iterdir())       # ... gone after the next
    assert not list((root / "report").glob(".tmp-*"))
