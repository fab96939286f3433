"""``python -m report.bench`` (``nox -s bench``): render speed and memory against a baseline.

Measures, in one run and in a temporary copy of the project (the user's
``report/``, ``_build/cache/`` and snapshots are never touched), the median of
``--reps`` runs of:

1. ``cold``: ``python -m report render`` with an empty cache;
2. ``warm``: the same command again, nothing changed (a no-op: the version is
   published from the same inputs), and ``rebuild``: the published folder
   removed, every notebook from the cache, the engine runs again;
3. ``one_changed``: one chapter notebook edited (a markdown cell appended),
   the draft version removed and rendered again;
4. ``pipeline``: simulate + freeze a snapshot of each of ``--sizes``
   participants, then a cold render of it (peak memory of each of the two
   steps is reported too);
5. ``quarto`` (only with ``quarto`` on PATH): after each cold render, the same
   version rendered with ``--engine quarto`` from the cached notebooks; its
   engine step is split into preparing the book and one ``quarto render`` per
   format (``quarto_html``, ``quarto_pdf``, ``quarto_docx``; two run at a time);

and the ``baseline``: what one would do by hand, a loop of
``papermill.execute_notebook`` over the same notebooks with the same
parameters, sequentially, no cache, plain ``python3`` kernels, then the
built-in engine on those outputs.

Every measured command runs as a child process. Wall time is measured around
it; peak memory is the largest sum over the process tree (the child and all
its descendants, recursively: notebook workers, kernels, pandoc, typst),
sampled with psutil every :data:`SAMPLE_SECONDS`. Two sums are kept: PSS
(proportional set size: shared pages, e.g. of forked kernels, counted once
across the tree; the headline figure) and RSS (shared pages counted in every
process: an upper bound). The stage breakdown comes from the child itself,
which reads the build's timing events (:mod:`report.timing`, :func:`render_stages`),
the engines' steps included (:func:`engine_breakdown`): no build function is wrapped.

Results: a table on stdout and ``_build/bench/results.json`` (medians, every
repetition, ratios, the fitted growth exponent, targets, the machine).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path("_build") / "bench" / "results.json"
SAMPLE_SECONDS = 0.2
VERSION = "bench"
SNAPSHOT_ROOT = "_bench/snapshots"
BASELINE_DIR = Path("_build") / "bench-baseline"
EDITED_CHAPTER = "chapters/11-02-arr.ipynb"
DEFAULT_SIZES = (20, 2000, 20000)
SIM_SEED = 20240601
# Targets of issue 6 on a 2-core, 24 GB machine (seconds, bytes, ratio).
TARGETS = {
    "cold_seconds": 60.0,
    "cold_speedup_vs_baseline": 1.8,
    "warm_seconds": 5.0,
    "one_changed_seconds": 15.0,
    "pipeline_20000_seconds": 600.0,
    "pipeline_20000_peak_bytes": 4 * 1024**3,
    "growth_exponent": 1.0,
    "quarto_engine_seconds": 60.0,   # issue 12: the Quarto engine step, all three formats
}


# --- machine and workspace ------------------------------------------------------------

def machine_info() -> dict[str, object]:
    """Cores, memory, CPU model, OS and Python of this machine (no host name)."""
    import psutil

    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "cpu_model": model or platform.processor(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "quarto_on_path": bool(shutil.which("quarto")),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def project_files(src: Path) -> list[str]:
    """The project's files as a fresh clone plus working-tree edits would hold them.

    ``git ls-files`` of tracked and untracked, not ignored files; outside a git
    checkout, every file except build outputs and caches.
    """
    try:
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=src,
                             capture_output=True, check=True).stdout.decode()
        return sorted(f for f in out.split("\0") if f and (src / f).is_file())
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", "_build", ".nox", "__pycache__", ".pytest_cache", ".ruff_cache"}
        files = []
        for dirpath, dirnames, filenames in os.walk(src):
            rel = Path(dirpath).relative_to(src)
            dirnames[:] = [d for d in dirnames if d not in skip and not d.endswith(".egg-info")
                           and not (rel == Path("report") and d not in {"assets"})]
            files += [(rel / f).as_posix() for f in filenames if not f.endswith(".pyc")]
        return sorted(files)


def make_workspace(src: Path, dest: Path) -> Path:
    """Copy the project into ``dest`` (empty cache, no published versions)."""
    for rel in project_files(src):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / rel, target)
    return dest


# --- measuring a child process ----------------------------------------------------------

class TreeSampler:
    """Peak memory of a process and all its descendants, sampled in a background thread."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS):
        self.pid, self.interval = pid, interval
        self.peak_pss = self.peak_rss = 0
        self.peak_procs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        pss = rss = 0
        for p in procs:
            try:
                info = p.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            except psutil.Error:
                with contextlib.suppress(psutil.Error):
                    r = p.memory_info().rss
                    rss, pss = rss + r, pss + r
        self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
        self.peak_procs = max(self.peak_procs, len(procs))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


@dataclass
class Run:
    """One measured command: wall time, peak tree memory, the child's own stage timings."""

    name: str
    seconds: float
    peak_pss: int
    peak_rss: int
    stages: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"seconds": round(self.seconds, 3), "peak_pss_bytes": self.peak_pss,
                "peak_rss_bytes": self.peak_rss, "stages": self.stages}


class BenchError(RuntimeError):
    """A measured command failed; the message carries its output."""


def measure(name: str, argv: Sequence[str], cwd: Path, log: Path) -> Run:
    """Run ``argv`` in ``cwd``, sampling its process tree; the child's timings file
    (``--timings``, if it takes one) becomes the run's stages."""
    timings = log.with_suffix(".timings.json")
    timings.unlink(missing_ok=True)
    argv = [str(a) for a in argv]
    if "--timings" in argv:
        argv[argv.index("--timings") + 1] = str(timings)
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        with TreeSampler(proc.pid) as sampler:
            code = proc.wait()
        seconds = time.perf_counter() - start
    if code != 0:
        tail = "".join(log.read_text(errors="replace").splitlines(True)[-40:])
        raise BenchError(f"{name}: {' '.join(argv)} exited {code}; last output:\n{tail}")
    stages = json.loads(timings.read_text()) if timings.is_file() else {}
    if "in_process_seconds" in stages:
        stages["startup"] = round(seconds - stages.pop("in_process_seconds"), 3)
    return Run(name, seconds, sampler.peak_pss, sampler.peak_rss, stages)


# --- the child drivers: timed render and baseline ----------------------------------------

def engine_breakdown(timeline) -> dict[str, float]:
    """Seconds per engine step (the build's ``engine_step`` events, :mod:`report.timing`):
    ``pandoc_notebooks`` (the notebooks' pandoc runs, in parallel, one event), ``write_<fmt>``
    (the writers run at once, each its own event), ``typst_compile``; ``quarto_prepare``,
    ``quarto_<fmt>``. A step that ran more than once adds up."""
    out: dict[str, float] = {}
    for event in timeline.of("engine_step"):
        step = str(event.detail["step"])
        out[step] = out.get(step, 0.0) + event.seconds
    return {k: round(out[k], 3) for k in sorted(out)}


def timed_render(root: Path, request, t_start: float) -> dict[str, object]:
    """Run :func:`report.build.render` and read its stages from the build's timing
    events (:class:`report.timing.Timeline`), the engines' steps included. Runs in the
    child."""
    from report import build, timing

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    timeline = timing.Timeline()
    result = build.render(root, request, progress=progress, timeline=timeline)
    return _rounded(render_stages(timeline, result.status)) | {
        "in_process_seconds": time.perf_counter() - t_start}


def render_stages(timeline, status: str) -> dict[str, object]:
    """The bench's stages of one render from its timing events: ``verify``,
    ``plan_hashes`` (plan less verify), ``execute``, ``engine``, ``publish`` (assembling
    and moving the folder, less execute and engine), the seconds per executed notebook,
    the notebook counts and the engines' steps (:func:`engine_breakdown`)."""
    verify = timeline.total("verify")
    execute, engine = timeline.total("execute"), timeline.total("engine")
    counts = next((dict(e.detail) for e in reversed(timeline.of("notebooks"))), {})
    return {
        "status": status,
        "verify": verify,
        "plan_hashes": timeline.total("plan") - verify,
        "execute": execute,
        "engine": engine,
        "publish": timeline.total("assemble") - execute - engine + timeline.total("move"),
        "execute_per_notebook": {str(e.detail["chapter"]): e.seconds
                                 for e in timeline.of("notebook")},
        "engine_steps": engine_breakdown(timeline),
        **counts,
    }


def baseline_run(root: Path, request, t_start: float) -> dict[str, object]:
    """Sequential papermill of every notebook (no cache, plain kernels) + built-in engine."""
    import papermill

    from report import build, cache, engines, timing
    from report.execute import KERNEL_ENV

    os.environ.update(KERNEL_ENV)
    work = root / BASELINE_DIR
    shutil.rmtree(work, ignore_errors=True)
    timeline = timing.Timeline()
    plan = build.make_plan(root, request, timeline)
    entries, per_notebook = {}, {}
    t0 = time.perf_counter()
    for i, job in enumerate(plan.jobs):
        entry = work / "entries" / f"{i:02d}"
        (entry / cache.OUTPUTS_DIR).mkdir(parents=True)
        params = dict(job.parameters,
                      outputs_dir=(entry / cache.OUTPUTS_DIR).relative_to(root).as_posix())
        t1 = time.perf_counter()
        papermill.execute_notebook(str(root / job.chapter), str(entry / cache.NOTEBOOK_FILE),
                                   parameters=params, cwd=str(root), kernel_name="python3",
                                   progress_bar=False, log_output=False)
        per_notebook[job.chapter] = time.perf_counter() - t1
        entries[job.chapter] = entry
    t_exec = time.perf_counter() - t0
    t0 = time.perf_counter()
    staging = work / "stage"
    staging.mkdir()
    build.collect_outputs(plan, entries, staging)
    build.stage(root, plan, entries, staging)
    t_stage = time.perf_counter() - t0
    with timeline.stage("engine"):
        engines.render_book(staging, work / "out", list(request.formats), "builtin", plan.meta,
                            timeline)
    verify = timeline.total("verify")
    stages = {"verify": verify, "plan_hashes": timeline.total("plan") - verify, "execute": t_exec,
              "engine": timeline.total("engine"), "publish": t_stage,
              "execute_per_notebook": per_notebook, "engine_steps": engine_breakdown(timeline),
              "notebooks": len(plan.jobs), "cached": 0}
    shutil.rmtree(work, ignore_errors=True)
    return _rounded(stages) | {"in_process_seconds": time.perf_counter() - t_start}


def _rounded(obj):
    if isinstance(obj, float):
        return round(obj, 3)
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    return obj


def child_main(argv: Sequence[str]) -> int:
    """``python -m report.bench _render|_baseline --root R --timings F [render options]``."""
    t_start = time.perf_counter()
    p = argparse.ArgumentParser(prog="python -m report.bench (child)")
    p.add_argument("mode", choices=["_render", "_baseline"])
    p.add_argument("--root", required=True, type=Path)
    p.add_argument("--timings", required=True, type=Path)
    p.add_argument("--snapshot", required=True)
    p.add_argument("--snapshot-root", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--to", required=True)
    p.add_argument("--engine", default="builtin", choices=["builtin", "quarto"])
    a = p.parse_args(argv)
    from report import build

    request = build.RenderRequest(snapshot_id=a.snapshot, version=a.version,
                                  formats=tuple(a.to.split(",")), engine=a.engine,
                                  snapshot_root=a.snapshot_root)
    fn = timed_render if a.mode == "_render" else baseline_run
    stages = fn(a.root.resolve(), request, t_start)
    a.timings.write_text(json.dumps(stages, indent=1, sort_keys=True), encoding="utf-8")
    return 0


# --- scenarios ---------------------------------------------------------------------------

@dataclass
class Bench:
    """A workspace (temporary project copy) and the options of one bench run."""

    ws: Path
    logs: Path
    formats: str
    snapshot: str
    snapshot_root: str
    python: str = sys.executable
    runs: dict[str, list[Run]] = field(default_factory=dict)
    on_record: Callable[[], None] | None = None

    def _child(self, mode: str, snapshot: str, snapshot_root: str, version: str,
               engine: str = "builtin") -> list[str]:
        return [self.python, "-m", "report.bench", mode, "--root", self.ws, "--timings", "-",
                "--snapshot", snapshot, "--snapshot-root", snapshot_root,
                "--version", version, "--to", self.formats, "--engine", engine]

    def record(self, key: str, run: Run) -> Run:
        self.runs.setdefault(key, []).append(run)
        print(f"  {key:<22} {run.seconds:8.1f} s  peak {run.peak_pss / 1024**2:7.0f} MiB",
              file=sys.stderr, flush=True)
        if self.on_record is not None:
            self.on_record()
        return run

    def render(self, key: str, snapshot: str | None = None, snapshot_root: str | None = None,
               version: str = VERSION) -> Run:
        n = len(self.runs.get(key, []))
        return self.record(key, measure(key, self._child(
            "_render", snapshot or self.snapshot, snapshot_root or self.snapshot_root, version),
            self.ws, self.logs / f"{key}-{n}.log"))

    def clear_cache(self) -> None:
        shutil.rmtree(self.ws / "_build" / "cache", ignore_errors=True)

    def unpublish(self, version: str = VERSION) -> None:
        shutil.rmtree(self.ws / "report" / version, ignore_errors=True)

    def cold(self) -> Run:
        self.clear_cache()
        self.unpublish()
        return self.render("cold")

    def quarto(self) -> Run:
        """The Quarto engine on the cached notebooks (run after a cold render): its stages
        split the engine step into preparing the book and one ``quarto render`` per format."""
        version = VERSION + "-quarto"
        self.unpublish(version)
        n = len(self.runs.get("quarto", []))
        return self.record("quarto", measure("quarto", self._child(
            "_render", self.snapshot, self.snapshot_root, version, engine="quarto"),
            self.ws, self.logs / f"quarto-{n}.log"))

    def baseline(self) -> Run:
        n = len(self.runs.get("baseline", []))
        return self.record("baseline", measure("baseline", self._child(
            "_baseline", self.snapshot, self.snapshot_root, VERSION + "-baseline"),
            self.ws, self.logs / f"baseline-{n}.log"))

    def one_changed(self, rep: int, chapter: str = EDITED_CHAPTER) -> Run:
        """Append a markdown cell to ``chapter`` (new text each repetition), re-render."""
        import nbformat

        path = self.ws / chapter
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(f"Benchmark edit {rep}.", id=f"bench{rep}"))
        nbformat.write(nb, path)
        self.unpublish()
        return self.render("one_changed")

    def pipeline(self, n: int) -> Run:
        """Simulate + freeze ``n`` participants, then a cold render of that snapshot."""
        key = f"pipeline_{n}"
        rep = len(self.runs.get(key, []))
        # a new id per repetition: the snapshot ledger freezes an id once
        snap = f"bench-n{n}-{rep}"
        shutil.rmtree(self.ws / SNAPSHOT_ROOT / snap, ignore_errors=True)
        self.clear_cache()
        self.unpublish(snap)
        sim = measure(f"simulate_{n}", [self.python, "-m", "data_contract", "simulate",
                                        "--id", snap, "--n", n, "--seed", SIM_SEED,
                                        "--root", self.ws / SNAPSHOT_ROOT],
                      self.ws, self.logs / f"simulate-{n}-{rep}.log")
        ren = measure(key, self._child("_render", snap, SNAPSHOT_ROOT, snap), self.ws,
                      self.logs / f"{key}-{rep}.log")
        stages = {"simulate_freeze": round(sim.seconds, 3), **ren.stages,
                  "peak_pss_bytes": {"simulate_freeze": sim.peak_pss, "render": ren.peak_pss},
                  "csr_html_bytes": _size(self.ws / "report" / snap / "csr.html"),
                  "csr_pdf_bytes": _size(self.ws / "report" / snap / "csr.pdf"),
                  "listings_bytes": _tree_size(self.ws / "report" / snap / "listings")}
        return self.record(key, Run(key, sim.seconds + ren.seconds, max(sim.peak_pss, ren.peak_pss),
                                    max(sim.peak_rss, ren.peak_rss), stages))


def _quarto_on_path() -> str | None:
    """``quarto --version`` when Quarto is on PATH and answers, else None."""
    found = shutil.which("quarto")
    if not found:
        return None
    try:
        out = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _size(path: Path) -> int | None:
    return path.stat().st_size if path.is_file() else None


def _tree_size(path: Path) -> int | None:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else None


def ensure_snapshot(bench: Bench) -> str:
    """The render scenarios' snapshot: the committed one, else simulated with the defaults."""
    if (bench.ws / bench.snapshot_root / bench.snapshot / "manifest.json").is_file():
        return "committed"
    measure("simulate_default", [bench.python, "-m", "data_contract", "simulate",
                                 "--id", bench.snapshot, "--root", bench.ws / bench.snapshot_root],
            bench.ws, bench.logs / "simulate-default.log")
    return "simulated by the bench (defaults): the committed snapshot is missing"


# --- summary -----------------------------------------------------------------------------

def fit_exponent(ns: Sequence[float], seconds: Sequence[float]) -> float | None:
    """Least-squares slope of log(seconds) on log(n): time ~ n^slope."""
    if len(ns) < 2 or len(set(ns)) < 2:
        return None
    xs, ys = [math.log(n) for n in ns], [math.log(s) for s in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs)


def median_run(runs: Sequence[Run]) -> dict[str, object]:
    """Median seconds and peak memory, the median run's stages, every repetition."""
    secs = [r.seconds for r in runs]
    mid = sorted(runs, key=lambda r: r.seconds)[(len(runs) - 1) // 2]
    return {"reps": len(runs), "median_seconds": round(statistics.median(secs), 3),
            "min_seconds": round(min(secs), 3), "max_seconds": round(max(secs), 3),
            "median_peak_pss_bytes": int(statistics.median(r.peak_pss for r in runs)),
            "median_peak_rss_bytes": int(statistics.median(r.peak_rss for r in runs)),
            "stages_of_median_run": mid.stages, "runs": [r.as_dict() for r in runs]}


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def summarise(runs: Mapping[str, Sequence[Run]], sizes: Sequence[int]) -> dict[str, object]:
    """Medians, ratios against the baseline and the cold render, growth exponent, targets."""
    med = {k: median_run(v) for k, v in runs.items() if v}
    sec = {k: v["median_seconds"] for k, v in med.items()}
    base, cold = sec.get("baseline"), sec.get("cold")
    base_engine = (med.get("baseline", {}).get("stages_of_median_run") or {}).get("engine")
    cold_engine = (med.get("cold", {}).get("stages_of_median_run") or {}).get("engine")
    ratios = {
        "baseline_over_cold": _ratio(base, cold),
        "cold_over_baseline": _ratio(cold, base),
        "warm_over_cold": _ratio(sec.get("warm"), cold),
        "rebuild_over_cold": _ratio(sec.get("rebuild"), cold),
        "one_changed_over_cold": _ratio(sec.get("one_changed"), cold),
        "one_changed_over_baseline": _ratio(sec.get("one_changed"), base),
        "engine_share_of_baseline": _ratio(base_engine, base),
        "engine_share_of_cold": _ratio(cold_engine, cold),
    }
    done = [n for n in sizes if f"pipeline_{n}" in sec]
    for n in done[1:]:
        ratios[f"pipeline_{n}_over_pipeline_{done[0]}"] = _ratio(sec[f"pipeline_{n}"],
                                                                 sec[f"pipeline_{done[0]}"])
    exponent = fit_exponent(done, [sec[f"pipeline_{n}"] for n in done])
    big = med.get("pipeline_20000", {})
    quarto_engine = (med.get("quarto", {}).get("stages_of_median_run") or {}).get("engine")
    checks = {
        "cold_seconds": (cold, cold is not None and cold <= TARGETS["cold_seconds"]),
        "cold_speedup_vs_baseline": (ratios["baseline_over_cold"],
                                     (ratios["baseline_over_cold"] or 0)
                                     >= TARGETS["cold_speedup_vs_baseline"]),
        "warm_seconds": (sec.get("warm"),
                         sec.get("warm") is not None and sec["warm"] <= TARGETS["warm_seconds"]),
        "one_changed_seconds": (sec.get("one_changed"), sec.get("one_changed") is not None
                                and sec["one_changed"] <= TARGETS["one_changed_seconds"]),
        "pipeline_20000_seconds": (big.get("median_seconds"), bool(big) and
                                   big["median_seconds"] <= TARGETS["pipeline_20000_seconds"]),
        "pipeline_20000_peak_bytes": (big.get("median_peak_pss_bytes"), bool(big) and
                                      big["median_peak_pss_bytes"]
                                      <= TARGETS["pipeline_20000_peak_bytes"]),
        # the exponent counts only when fitted up to 20,000 (small n is all fixed cost)
        "growth_exponent": (None if exponent is None else round(exponent, 3),
                            exponent is not None and 20000 in done
                            and exponent <= TARGETS["growth_exponent"]),
        "quarto_engine_seconds": (quarto_engine, quarto_engine is not None
                                  and quarto_engine <= TARGETS["quarto_engine_seconds"]),
    }
    return {"medians": med, "ratios": ratios,
            "growth_exponent": None if exponent is None else round(exponent, 3),
            "growth_exponent_sizes": done,
            "targets": {k: {"target": TARGETS[k], "value": v, "met": ok}
                        for k, (v, ok) in checks.items()}}


def _mib(b: object) -> str:
    return f"{b / 1024**2:,.0f} MiB" if isinstance(b, int | float) else "-"


def format_table(summary: Mapping[str, object], machine: Mapping[str, object]) -> str:
    """The printed report: machine, medians with ratios, stages, targets."""
    med, ratios = summary["medians"], summary["ratios"]
    base = med.get("baseline", {}).get("median_seconds")
    lines = [f"Machine: {machine['logical_cores']} logical cores "
             f"({machine['physical_cores']} physical), {machine['memory_gb']} GB, "
             f"{machine['cpu_model']}, {machine['os']}, Python {machine['python']}; "
             f"load average at start {machine.get('load_average_at_start')}, "
             f"at end {machine.get('load_average_1_5_15')}", "",
             f"{'measure':<22}{'median s':>10}{'reps':>6}{'x baseline':>12}{'peak PSS':>12}"
             f"{'peak RSS':>12}", "-" * 74]
    for key, m in med.items():
        s = m["median_seconds"]
        ratio = f"{s / base:.2f}" if base else "-"
        lines.append(f"{key:<22}{s:>10.1f}{m['reps']:>6}{ratio:>12}"
                     f"{_mib(m['median_peak_pss_bytes']):>12}{_mib(m['median_peak_rss_bytes']):>12}")
    lines += ["", "Ratios:"]
    lines += [f"  {k:<36} {v if v is not None else '-'}" for k, v in ratios.items()]
    lines += [f"  {'growth exponent (time ~ n^k)':<36} {summary['growth_exponent']} "
              f"(fitted on n = {summary.get('growth_exponent_sizes')})", "",
              "Stages of the median run (s):"]
    for key, m in med.items():
        st = m["stages_of_median_run"]
        parts = [f"{k} {st[k]}" for k in ("simulate_freeze", "startup", "verify", "plan_hashes",
                                          "execute", "engine", "publish") if k in st]
        lines.append(f"  {key:<20} " + ", ".join(parts))
        if st.get("peak_pss_bytes"):
            lines.append(f"  {'':<20} peak PSS: " + ", ".join(
                f"{k} {_mib(v).strip()}" for k, v in st["peak_pss_bytes"].items()))
        if st.get("engine_steps"):
            lines.append(f"  {'':<20} engine: " + ", ".join(
                f"{k} {v}" for k, v in st["engine_steps"].items()))
        nbs = st.get("execute_per_notebook") or {}
        if nbs:
            lines.append(f"  {'':<20} notebooks: " + ", ".join(
                f"{Path(k).stem} {v}" for k, v in sorted(nbs.items(), key=lambda kv: -kv[1])))
    lines += ["", "Targets (2-core, 24 GB machine):"]
    for k, t in summary["targets"].items():
        verdict = "not measured" if t["value"] is None else ("met" if t["met"] else "NOT MET")
        lines.append(f"  {k:<28} target {t['target']:<12} value {t['value']!s:<14} {verdict}")
    return "\n".join(lines)


def write_results(out: Path, results: Mapping[str, object]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


# --- main --------------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m report.bench", description=__doc__.split("\n")[0])
    p.add_argument("--reps", type=int, default=3, help="repetitions of each render measure")
    p.add_argument("--pipeline-reps", type=int, default=None,
                   help="repetitions of each pipeline size (default: --reps)")
    p.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                   help="participants of the simulated pipeline snapshots (comma-separated)")
    p.add_argument("--to", default="html,pdf,docx", help="formats rendered")
    p.add_argument("--snapshot", default="sim-final", help="snapshot of the render measures")
    p.add_argument("--snapshot-root", default="data/snapshots")
    p.add_argument("--only", default="cold,baseline,warm,rebuild,one_changed,quarto,pipeline",
                   help="which measures to run (comma-separated); quarto runs only with "
                        "quarto on PATH")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: one repetition, n=20 only, HTML only, no Quarto")
    p.add_argument("--project", type=Path, default=PROJECT_ROOT,
                   help="project to copy and measure (default: this checkout)")
    p.add_argument("--out", type=Path, default=None,
                   help=f"results JSON (default <project>/{RESULTS.as_posix()})")
    p.add_argument("--workdir", type=Path, default=None,
                   help="where the temporary project copy goes (default: the system temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the temporary project copy")
    return p


def run_bench(a: argparse.Namespace, out: Path | None = None) -> dict[str, object]:
    """Every measure of issue 6 in a temporary copy of ``a.project``; returns the results.

    With ``out``, the results so far are written there after every measure
    (``"complete": false``), so a long run can be followed and a stopped one read.
    """
    if a.quick:
        a.reps, a.pipeline_reps, a.sizes, a.to = 1, 1, "20", "html"
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    only = set(a.only.split(","))
    quarto = _quarto_on_path() if "quarto" in only and not a.quick else None
    preps = a.pipeline_reps or a.reps
    tmp = Path(tempfile.mkdtemp(prefix="csr-bench-", dir=a.workdir))
    t_all = time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    try:
        ws = make_workspace(Path(a.project).resolve(), tmp / "project")
        bench = Bench(ws, tmp / "logs", a.to, a.snapshot, a.snapshot_root)
        bench.logs.mkdir()
        source = "committed"

        def results(complete: bool) -> dict[str, object]:
            runs = {k: v for k, v in bench.runs.items() if k != "cold" or "cold" in only}
            machine = machine_info()
            machine["load_average_at_start"] = load_at_start
            return {"schema": "csr-bench-1", "complete": complete, "machine": machine,
                    "options": {"reps": a.reps, "pipeline_reps": preps, "sizes": sizes,
                                "formats": a.to.split(","), "snapshot": a.snapshot,
                                "snapshot_source": source, "edited_chapter": EDITED_CHAPTER,
                                "engine": "builtin",
                                "quarto": quarto or "not measured (no quarto on PATH, or --quick)",
                                "simulation_seed": SIM_SEED,
                                "memory": "peak over the process tree, psutil every "
                                          f"{SAMPLE_SECONDS} s: PSS sum (headline) and RSS sum"},
                    "bench_seconds": round(time.perf_counter() - t_all, 1),
                    **summarise(runs, sizes)}

        if out is not None:
            bench.on_record = lambda: write_results(out, results(False))
        say = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
        say(f"bench: project copied to {ws}; logs in {bench.logs}")
        source = ensure_snapshot(bench)
        render_measures = only & {"cold", "warm", "rebuild", "one_changed", "baseline", "quarto"}
        for rep in range(a.reps if render_measures else 0):
            say(f"repetition {rep + 1}/{a.reps}")
            if only & {"cold", "warm", "rebuild", "quarto"}:
                bench.cold()
            if quarto:
                bench.quarto()
            if "warm" in only:
                bench.render("warm")
            if "rebuild" in only:
                bench.unpublish()
                bench.render("rebuild")
            if "one_changed" in only:
                bench.one_changed(rep)
            if "baseline" in only:
                bench.baseline()
        if "pipeline" in only:
            for n in sizes:
                for rep in range(preps):
                    say(f"pipeline n={n}, repetition {rep + 1}/{preps}")
                    bench.pipeline(n)
        return results(True)
    finally:
        if a.keep:
            print(f"bench: kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from analysis import runtime

    runtime.configure()
    if argv and argv[0] in ("_render", "_baseline"):
        return child_main(argv)
    a = parser().parse_args(argv)
    out = a.out or Path(a.project) / RESULTS
    try:
        results = run_bench(a, out)
    except BenchError as exc:
        print(f"bench failed:\n{exc}", file=sys.stderr)
        return 1
    write_results(out, results)
    print(format_table(results, results["machine"]))
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
