"""The bench (``nox -s bench``): growth-exponent fit, summary ratios and a smoke run.

No timing assertions: the smoke run (the render measures and the baseline on the
three-notebook fixture book, in a temporary folder) proves that the bench runs and lands
its measures in the results JSON with their ratios, not how fast anything is.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from report import bench

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import report_fixture as fx  # noqa: E402


def run(name: str, seconds: float, pss: int = 100, stages: dict | None = None) -> bench.Run:
    return bench.Run(name, seconds, pss, pss * 2, stages or {})


def test_fit_exponent_recovers_the_power_of_n():
    # time = 3 * n^0.5  ->  exponent 0.5; linear time -> 1.0
    assert bench.fit_exponent([20, 2000, 20000], [3 * 20**0.5, 3 * 2000**0.5, 3 * 20000**0.5]) \
        == pytest.approx(0.5)
    assert bench.fit_exponent([10, 100, 1000], [1.0, 10.0, 100.0]) == pytest.approx(1.0)


def test_fit_exponent_needs_two_distinct_sizes():
    assert bench.fit_exponent([20], [5.0]) is None
    assert bench.fit_exponent([20, 20], [5.0, 6.0]) is None


def test_summary_takes_medians_and_ratios_against_the_baseline():
    runs = {
        "cold": [run("cold", 30.0), run("cold", 20.0), run("cold", 40.0)],     # median 30
        "baseline": [run("baseline", 60.0, stages={"engine": 15.0})],
        "warm": [run("warm", 3.0)],
        "one_changed": [run("one_changed", 12.0)],
    }
    s = bench.summarise(runs, sizes=[])
    assert s["medians"]["cold"]["median_seconds"] == 30.0
    assert s["ratios"]["baseline_over_cold"] == 2.0
    assert s["ratios"]["warm_over_cold"] == 0.1
    assert s["ratios"]["engine_share_of_baseline"] == 0.25
    assert s["targets"]["cold_speedup_vs_baseline"]["met"] is True
    assert s["targets"]["warm_seconds"]["met"] is True
    assert s["targets"]["pipeline_20000_seconds"]["met"] is False   # not measured


def test_summary_fits_pipeline_growth_over_the_sizes():
    runs = {f"pipeline_{n}": [run("p", t)] for n, t in ((20, 10.0), (2000, 100.0))}
    s = bench.summarise(runs, sizes=[20, 2000])
    assert s["growth_exponent"] == pytest.approx(0.5)
    assert s["ratios"]["pipeline_2000_over_pipeline_20"] == 10.0


def test_workspace_copy_leaves_out_build_outputs(tmp_path):
    src = tmp_path / "src"
    for rel in ("_quarto.yml", "report/bench.py", "report/assets/csr.css",
                "report/v1/csr.html", "_build/cache/k/notebook.ipynb"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("x")
    (src / ".gitignore").write_text("_build/\n/report/*/\n!/report/assets/\n")
    ws = bench.make_workspace(src, tmp_path / "ws")
    copied = sorted(p.relative_to(ws).as_posix() for p in ws.rglob("*") if p.is_file())
    assert "report/v1/csr.html" not in copied
    assert "_build/cache/k/notebook.ipynb" not in copied
    assert {"_quarto.yml", "report/bench.py", "report/assets/csr.css"} <= set(copied)


@pytest.mark.e2e
def test_bench_runs_its_render_measures_and_the_baseline_on_a_small_book(tmp_path, capsys,
                                                                         monkeypatch):
    """The bench end to end on the three-notebook fixture book: a workspace copy, the render
    and the baseline as child processes sampled for memory (PSS of the process tree), the
    stages read from the render's timing events, the results JSON with the ratios, and the
    table. ``nox -s bench -- --quick`` runs every measure on the CSR itself (about 7 min:
    too long for CI), the pipeline's simulator included."""
    import shutil

    root = fx.make_project(tmp_path)
    shutil.rmtree(root / "analysis")     # the fixture's stand-in would hide the real package
    # the children run in the workspace, whose report/ (published versions) is not the
    # project's package: they import it from the checkout
    monkeypatch.setenv("PYTHONPATH", str(bench.PROJECT_ROOT))
    out = tmp_path / "results.json"
    code = bench.main(["--project", str(root), "--snapshot", fx.SNAPSHOT,
                       "--snapshot-root", "data/snapshots", "--only", "cold,warm,rebuild,baseline",
                       "--reps", "1", "--to", "html", "--workdir", str(tmp_path), "--out", str(out)])
    assert code == 0
    results = json.loads(out.read_text())
    assert results["complete"] is True
    assert set(results["medians"]) == {"cold", "warm", "rebuild", "baseline"}
    cold = results["medians"]["cold"]["stages_of_median_run"]
    assert {"verify", "execute", "engine", "publish", "startup"} <= set(cold)
    assert cold["status"] == "published" and cold["cached"] == 0 and cold["notebooks"] == 3
    assert set(cold["execute_per_notebook"]) == {
        "index.ipynb", "chapters/10-participants.ipynb", "chapters/12-adverse-events.ipynb"}
    assert cold["engine_steps"]["write_html"] > 0
    warm = results["medians"]["warm"]["stages_of_median_run"]
    assert warm["status"] != "published" and warm["execute"] == 0   # nothing changed
    rebuild = results["medians"]["rebuild"]["stages_of_median_run"]
    assert rebuild["status"] == "published" and rebuild["cached"] == 3   # from the cache
    baseline = results["medians"]["baseline"]["stages_of_median_run"]
    assert set(baseline["execute_per_notebook"]) == set(cold["execute_per_notebook"])
    assert baseline["execute"] >= sum(baseline["execute_per_notebook"].values()) - 0.01
    assert all(r["median_peak_pss_bytes"] > 0 for r in results["medians"].values())
    assert results["ratios"]["baseline_over_cold"] is not None
    assert results["machine"]["logical_cores"] >= 1
    assert "x baseline" in capsys.readouterr().out
    assert not any(p.name.startswith("csr-bench-") for p in tmp_path.iterdir())


def test_table_says_not_measured_rather_than_not_met_for_a_target_without_a_value():
    s = bench.summarise({"cold": [run("cold", 30.0)], "warm": [run("warm", 3.0)]}, sizes=[])
    table = bench.format_table(s, bench.machine_info())
    assert "pipeline_20000_seconds" in table
    line = next(ln for ln in table.splitlines() if "pipeline_20000_seconds" in ln)
    assert line.rstrip().endswith("not measured")


def test_bench_reads_the_stages_of_a_render_from_the_builds_timing_events():
    from report import timing

    tl = timing.Timeline()
    for stage, seconds in (("verify", 1.0), ("plan", 1.5), ("execute", 10.0), ("engine", 4.0),
                           ("assemble", 15.0), ("move", 0.25)):
        tl.add(stage, seconds)
    tl.add("notebook", 6.0, chapter="chapters/a.ipynb")
    tl.add("notebook", 4.0, chapter="chapters/b.ipynb")
    tl.add("notebooks", notebooks=3, cached=1)
    for step, seconds in (("pandoc_notebooks", 1.0), ("write_html", 0.5), ("typst_compile", 1.5),
                          ("write_pdf", 2.5), ("write_html", 0.25)):
        tl.add("engine_step", seconds, step=step)
    stages = bench.render_stages(tl, "published")
    assert stages == {
        "status": "published", "verify": 1.0, "plan_hashes": 0.5, "execute": 10.0,
        "engine": 4.0, "publish": 1.25, "notebooks": 3, "cached": 1,
        "engine_steps": {"pandoc_notebooks": 1.0, "typst_compile": 1.5, "write_html": 0.75,
                         "write_pdf": 2.5},
        "execute_per_notebook": {"chapters/a.ipynb": 6.0, "chapters/b.ipynb": 4.0}}


def test_a_timeline_times_a_failing_stage_too_and_off_records_nothing():
    from report import timing

    tl = timing.Timeline()
    with pytest.raises(RuntimeError), tl.stage("execute", chapter="x"):
        raise RuntimeError("a failing stage is still timed")
    assert [(e.stage, e.detail) for e in tl.events] == [("execute", {"chapter": "x"})]
    assert tl.events[0].seconds >= 0 and tl.total("engine") == 0
    timing.OFF.add("execute", 1.0)
    assert timing.OFF.events == []
