"""Execute the chapter notebooks with papermill, in parallel and cached.

Each notebook runs in its own kernel (papermill + nbclient), with the project
root as working directory and a fixed environment (:data:`KERNEL_ENV`), in its
own worker process (:func:`run_jobs`: at most one per CPU at a time; workers
die with the build, a killed worker's chapter is named and run once more, and
only the build process commits cache entries). A notebook whose cache key (:func:`report.cache.notebook_key`)
already has an entry is not executed again.

Executed notebooks are normalised before they are cached (:func:`normalise`):
papermill's and nbclient's timing metadata, absolute paths and random cell ids
are removed, so the same inputs give the same bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from report import cache, kernel_fork, lifeline, scratch

KERNEL_NAME = "python3"
KERNEL_LOG = Path("_build") / "logs" / "kernels.log"
DURATIONS = Path("_build") / "logs" / "durations.json"   # scheduling hint only
# How long a kernel may take to answer at start-up. papermill's 60 s was too short on a
# 2-core machine running the test suite beside a render ("Kernel didn't respond in 60
# seconds"); a kernel that never starts still fails, after this long.
KERNEL_START_SECONDS = 300
# The environment of every kernel: no hash randomisation, no display, UTC, a
# fixed "build date" for tools that honour SOURCE_DATE_EPOCH (2000-01-01).
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "Agg",
    "SOURCE_DATE_EPOCH": "946684800",
    "TZ": "UTC",
    "LC_ALL": "C.UTF-8",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "JUPYTER_PLATFORM_DIRS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
_worker_kernel = KERNEL_NAME
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Job:
    """One notebook to execute: its path relative to the root, cache key, parameters."""

    chapter: str
    key: str
    parameters: Mapping[str, object]


@dataclass(frozen=True)
class CellFailure:
    """Where and how a notebook failed (picklable, for the worker -> parent hop)."""

    chapter: str
    cell_number: int          # 1-based, in the notebook file as stored (injected cell not counted)
    cell_id: str
    exec_count: int | None
    source: str
    ename: str
    evalue: str
    traceback: str

    def describe(self) -> str:
        first = next((ln for ln in self.source.splitlines() if ln.strip()), "")
        return (
            f"notebook {self.chapter} failed in cell {self.cell_number}"
            f" (id {self.cell_id!r}, In [{self.exec_count}]): {self.ename}: {self.evalue}\n"
            f"  cell starts: {first[:100]}\n"
            f"--- traceback ---\n{self.traceback}"
        )


class NotebookExecutionError(RuntimeError):
    """One or more notebooks failed; ``failures`` says which chapter and cell."""

    def __init__(self, failures: Sequence[CellFailure]):
        self.failures = list(failures)
        super().__init__("\n\n".join(f.describe() for f in self.failures))


@dataclass
class Outcome:
    chapter: str
    key: str
    entry: Path | None = None
    executed: bool = False
    seconds: float = 0.0
    failure: CellFailure | None = None
    log: list[str] = field(default_factory=list)


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def normalise(nb: nbformat.NotebookNode, original: nbformat.NotebookNode,
              replace: Mapping[str, str] | None = None) -> nbformat.NotebookNode:
    """The executed notebook without run-specific content.

    Removes ``metadata.papermill`` (timings, absolute input/output paths,
    parameters), every cell's ``papermill`` and ``execution`` metadata
    (timestamps), and gives the cells stable ids: the original notebook's
    ids, ``injected-parameters`` for papermill's cell, ``cell-<n>`` otherwise.
    ``replace`` maps strings (e.g. a temporary folder) to their stable value.
    """
    nb.metadata.pop("papermill", None)
    if "kernelspec" in original.metadata:
        nb.metadata["kernelspec"] = original.metadata["kernelspec"]
    orig_ids = [c.get("id") for c in original.cells]
    shift = 0
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
            shift = 1
            continue
        j = i - shift
        cell["id"] = orig_ids[j] if j < len(orig_ids) and orig_ids[j] else f"cell-{j}"
    if replace:
        text = json.dumps(nb)
        for old, new in replace.items():
            text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
        nb = nbformat.from_dict(json.loads(text))
    return nb


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook deterministically (nbformat's sorted, indented JSON)."""
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def _failure(chapter: str, original: nbformat.NotebookNode, err) -> CellFailure:
    """A :class:`CellFailure` from a papermill execution error."""
    params_idx = next((i for i, c in enumerate(original.cells)
                       if "parameters" in c.metadata.get("tags", [])), None)
    idx = err.cell_index
    injected = (params_idx + 1) if params_idx is not None else 0
    if idx > injected or (idx == injected and params_idx is None and idx > 0):
        idx -= 1
    cell_id = original.cells[idx].get("id", "") if idx < len(original.cells) else ""
    return CellFailure(
        chapter=chapter,
        cell_number=idx + 1,
        cell_id=cell_id or "",
        exec_count=err.exec_count,
        source=err.source or "",
        ename=err.ename or "",
        evalue=strip_ansi(str(err.evalue or "")),
        traceback=strip_ansi("\n".join(err.traceback or [])),
    )


def _init_worker(env: Mapping[str, str], kernel_name: str, log_path: str) -> None:
    """Worker set-up: the kernel environment and kernel name; kernel chatter to the log."""
    global _worker_kernel
    os.environ.update(env)
    _worker_kernel = kernel_name
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)
    import logging

    logging.getLogger("papermill").setLevel(logging.ERROR)


def execute_job(root: str, job: Job, commit: bool = True, tmp: Path | None = None) -> Outcome:
    """Execute one notebook into a cache entry folder.

    The notebook runs with the project root as working directory; its
    ``outputs_dir`` parameter is the entry's temporary folder (``tmp``, else a
    new one) while it runs and reads as the final entry folder in the cached
    notebook. With ``commit`` the entry is committed to the cache here (a
    direct call); a worker process runs with ``commit=False`` and the build
    process commits what it returns (:func:`execute_all`).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    rootp = Path(root)
    start = time.perf_counter()
    original = nbformat.read(rootp / job.chapter, as_version=4)
    tmp = Path(tmp) if tmp is not None else cache.new_temp_entry(rootp, job.key)
    tmp_outputs = (tmp / cache.OUTPUTS_DIR).relative_to(rootp).as_posix()
    params = dict(job.parameters, outputs_dir=tmp_outputs)
    def run(kernel_name: str):
        return papermill.execute_notebook(
            str(rootp / job.chapter), None, parameters=params, cwd=str(rootp),
            kernel_name=kernel_name, progress_bar=False, log_output=False,
            request_save_on_cell_execute=False, record_timing=False,
            start_timeout=KERNEL_START_SECONDS,
        )

    try:
        try:
            nb = run(_worker_kernel)
        except PapermillExecutionError:
            raise
        except RuntimeError as err:
            # A forked kernel that dies before it starts (seen on a heavily loaded
            # machine) has run no cell: retry once with a plain kernel.
            if _worker_kernel == KERNEL_NAME or "Kernel died" not in str(err):
                raise
            print(f"{job.chapter}: forked kernel died at start-up ({err}); "
                  "retrying with a plain kernel", file=sys.stderr, flush=True)
            nb = run(KERNEL_NAME)
    except PapermillExecutionError as err:
        shutil.rmtree(tmp, ignore_errors=True)
        return Outcome(job.chapter, job.key, failure=_failure(job.chapter, original, err),
                       seconds=time.perf_counter() - start)
    except Exception as err:  # kernel died, bad notebook JSON...
        shutil.rmtree(tmp, ignore_errors=True)
        return Outcome(job.chapter, job.key, seconds=time.perf_counter() - start,
                       failure=CellFailure(job.chapter, 0, "", None, "", type(err).__name__,
                                           strip_ansi(str(err)), ""))
    nb = normalise(nb, original, {tmp_outputs: cache.outputs_dir_param(job.key),
                                  str(tmp.resolve()): str(cache.entry_dir(rootp, job.key))})
    write_notebook(nb, tmp / cache.NOTEBOOK_FILE)
    entry = cache.commit_entry(rootp, job.key, tmp) if commit else tmp
    return Outcome(job.chapter, job.key, entry=entry, executed=True,
                   seconds=time.perf_counter() - start)


def longest_first(root: Path, jobs: Sequence[Job]) -> list[Job]:
    """``jobs`` ordered by their last recorded execution time, longest first (book order
    for ties and unknown chapters, which count as average): fewer idle workers at the end.

    With no recorded time at all (a fresh clone, a first render), the number of displays a
    notebook shows (:func:`display_cells`) stands in for its time, so that the listings
    chapter, which shows the most, starts first instead of running alone at the end.
    """
    try:
        known = json.loads((root / DURATIONS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    times = [float(known[j.chapter]) for j in jobs if j.chapter in known]
    if not times:
        return sorted(jobs, key=lambda j: -display_cells(Path(root) / j.chapter))
    mean = sum(times) / len(times)
    return sorted(jobs, key=lambda j: -float(known.get(j.chapter, mean)))


def display_cells(notebook: Path) -> int:
    """How many code cells of ``notebook`` show a display (``ch.show(...)``); 0 for a
    notebook that cannot be read (its execution reports the problem)."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # noqa: BLE001 - a scheduling hint only
        return 0
    return sum(1 for c in nb.cells if c.cell_type == "code" and ".show(" in c.source)


def record_durations(root: Path, seconds: Mapping[str, float]) -> None:
    """Merge execution times into the scheduling hint file (temp file + rename)."""
    path = root / DURATIONS
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    known.update({k: round(v, 2) for k, v in seconds.items()})
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def print_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class ExecutionResult:
    """Executed notebooks: ``entries`` maps chapter -> entry folder (notebook + outputs)."""

    entries: dict[str, Path]
    executed: list[str]
    temporary: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # executed chapter -> seconds

    def discard_uncached(self) -> None:
        """Remove the entries of a ``use_cache=False`` run (they never joined the cache)."""
        for tmp in self.temporary:
            shutil.rmtree(tmp, ignore_errors=True)
        self.temporary.clear()


def _worker(conn, root: str, job: Job, tmp: str, parent: int, env: Mapping[str, str],
            kernel_name: str, log_path: str) -> None:
    """A worker process (forked from the build): execute one job, send the outcome."""
    lifeline.die_with_parent(parent)
    _init_worker(env, kernel_name, log_path)
    try:
        outcome = execute_job(root, job, commit=False, tmp=Path(tmp))
    except BaseException as err:  # reported as the chapter's failure, never lost
        outcome = Outcome(job.chapter, job.key, failure=CellFailure(
            job.chapter, 0, "", None, "", type(err).__name__, strip_ansi(str(err)), ""))
    conn.send(outcome)
    conn.close()


@dataclass
class _Running:
    job: Job
    process: object            # multiprocessing.Process
    conn: object               # the parent's end of the pipe
    tmp: Path
    attempt: int
    outcome: Outcome | None = None


def _signal_name(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def _killed_failure(job: Job, how: str) -> CellFailure:
    return CellFailure(job.chapter, 0, "", None, "", "WorkerKilled",
                       f"the worker process executing {job.chapter} was stopped by {how}, "
                       f"twice (retried once); nothing of it was cached", "")


def run_jobs(root: Path, jobs: Sequence[Job], workers: int, env: Mapping[str, str],
             kernel_name: str, log_path: Path, progress: Callable[[str], None],
             use_cache: bool) -> list[Outcome]:
    """Execute ``jobs`` in at most ``workers`` worker processes at a time.

    Each job runs in its own process, forked from this one, which dies with it
    (:func:`report.lifeline.die_with_parent`) and sends back its outcome; its
    entry folder is made here (``_build/tmp``) and, with ``use_cache``,
    committed here, by this process, so a worker can never commit after the
    build died. A worker that stops without an outcome (killed) is reported by
    chapter, its folder removed and the job run once more; killed again, the
    job fails. On any exception (Ctrl-C) every worker is killed and its folder
    removed.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    import papermill  # noqa: F401  imported once here; every forked worker inherits it

    ctx = multiprocessing.get_context("fork")
    queue: list[tuple[Job, int]] = [(job, 1) for job in jobs]     # (job, attempt)
    running: list[_Running] = []
    outcomes: list[Outcome] = []
    done = 0

    def start(job: Job, attempt: int) -> None:
        tmp = cache.new_temp_entry(root, job.key)
        parent_end, child_end = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_worker, name=f"csr-worker {job.chapter}", args=(
            child_end, str(root), job, str(tmp), os.getpid(), dict(env), kernel_name,
            str(log_path)))
        proc.start()
        child_end.close()
        running.append(_Running(job, proc, parent_end, tmp, attempt))

    try:
        while queue or running:
            while queue and len(running) < workers:
                start(*queue.pop(0))
            ready = wait([r.conn for r in running] + [r.process.sentinel for r in running])
            for r in list(running):
                if r.conn in ready and r.outcome is None:
                    try:
                        r.outcome = r.conn.recv()
                    except (EOFError, OSError):
                        pass
                if r.process.sentinel not in ready and r.outcome is None:
                    continue
                r.process.join(timeout=30 if r.outcome is not None else None)
                if r.process.is_alive():       # answered but stuck on exit: not needed
                    r.process.kill()
                    r.process.join()
                running.remove(r)
                r.conn.close()
                outcome = r.outcome
                if outcome is None:                 # the worker died without an answer
                    scratch.remove(r.tmp)
                    how = _signal_name(r.process.exitcode)
                    if r.attempt == 1:
                        progress(f"  the worker executing {r.job.chapter} was stopped by "
                                 f"{how}; executing it once more")
                        queue.insert(0, (r.job, 2))
                        continue
                    outcome = Outcome(r.job.chapter, r.job.key,
                                      failure=_killed_failure(r.job, how))
                elif outcome.failure is None and use_cache:
                    outcome.entry = cache.commit_entry(root, r.job.key, r.tmp)
                elif outcome.failure is not None:
                    scratch.remove(r.tmp)
                done += 1
                outcomes.append(outcome)
                left = len(jobs) - done
                if outcome.failure is not None:
                    progress(f"  [{done}/{len(jobs)}] FAILED {outcome.chapter} "
                             f"(cell {outcome.failure.cell_number}), {left} left")
                else:
                    progress(f"  [{done}/{len(jobs)}] executed {outcome.chapter} "
                             f"in {outcome.seconds:.1f} s, {left} left")
    except BaseException:
        for r in running:
            if r.process.is_alive():
                r.process.kill()
            r.process.join()
            scratch.remove(r.tmp)
        raise
    return outcomes


def execute_all(
    root: Path,
    jobs: Sequence[Job],
    workers: int | None = None,
    progress: Callable[[str], None] = print_progress,
    use_cache: bool = True,
    fork_kernels: bool = True,
) -> ExecutionResult:
    """Cache entries of every job (chapter -> entry folder), executing the missing ones.

    Cached chapters are reported and skipped (an entry that fails its hash check
    is discarded, said, and executed again); the rest run in ``workers``
    processes (default: one per CPU; :func:`run_jobs`). If any notebook fails,
    the others still finish (their entries stay cached) and
    :class:`NotebookExecutionError` names every failing chapter and cell.
    ``use_cache=False`` executes every notebook into temporary entries, leaving
    the cache untouched. ``fork_kernels`` starts kernels from a preloaded fork
    server (:mod:`report.kernel_fork`); without it (or if it fails to start)
    every kernel is a fresh ``python3`` kernel. Kernel messages go to
    ``_build/logs/kernels.log``.
    """
    root = Path(root).resolve()
    entries: dict[str, Path] = {}
    todo: list[Job] = []
    for job in jobs:
        hit = (cache.lookup(root, job.key, lambda m, c=job.chapter: progress(f"  {c}: {m}"))
               if use_cache else None)
        if hit is not None:
            entries[job.chapter] = hit
        else:
            todo.append(job)
    progress(f"notebooks: {len(jobs)} in the book, {len(entries)} cached, "
             f"{len(todo)} to execute")
    result = ExecutionResult(entries, [])
    if not todo:
        return result
    (root / cache.CACHE_DIR).mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or default_workers(), len(todo)))
    failures: list[CellFailure] = []
    durations: dict[str, float] = {}
    log_path = root / KERNEL_LOG
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env, kernel_name = dict(KERNEL_ENV), KERNEL_NAME
    with contextlib.ExitStack() as stack:
        if fork_kernels and os.environ.get("CSR_FORK_KERNELS", "1") != "0":
            try:
                server = stack.enter_context(kernel_fork.ForkServer(root, KERNEL_ENV, log_path))
                env["JUPYTER_PATH"], kernel_name = server.jupyter_path, kernel_fork.KERNEL_NAME
            except (OSError, RuntimeError) as exc:
                progress(f"  ({exc}; starting plain kernels)")
        progress(f"  executing {len(todo)} notebook(s) in {workers} process(es)")
        outcomes = run_jobs(root, longest_first(root, todo), workers, env, kernel_name,
                            log_path, progress, use_cache)
    for outcome in outcomes:
        if outcome.failure is not None:
            failures.append(outcome.failure)
        else:
            entries[outcome.chapter] = outcome.entry
            result.executed.append(outcome.chapter)
            durations[outcome.chapter] = outcome.seconds
            result.seconds[outcome.chapter] = outcome.seconds
            if not use_cache:
                result.temporary.append(outcome.entry)
    if durations:
        record_durations(root, durations)
    if failures:
        result.discard_uncached()
        order = {j.chapter: i for i, j in enumerate(jobs)}
        raise NotebookExecutionError(sorted(failures, key=lambda f: order[f.chapter]))
    order = {j.chapter: i for i, j in enumerate(jobs)}
    result.executed.sort(key=order.__getitem__)
    return result
