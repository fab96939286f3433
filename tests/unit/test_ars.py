"""The ARS v1.0 ReportingEvent of a version (submission/ars.py, issue 18 item 3).

A fake version holds ARDs that the display registry builds in-process from the committed
sim-final snapshot (a sample of displays covering every statistic group), written as the
render writes them (:func:`analysis.ard.to_csv_text`). The results are re-read from those CSV
files with the csv module, independently of :mod:`analysis.ard` and of submission/ars.py.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from analysis import ard as ardlib
from analysis.catalogue import ALL_DISPLAYS, ANALYSIS_SETS
from analysis.config import PROJECT_ROOT, load_config
from analysis.data import from_snapshot
from analysis.displays.registry import spec
from submission import ars
from submission.context import SubmissionContext

VERSION = "t-ars"
# counts, descriptive, rates and rate ratio, Kaplan-Meier, Clopper-Pearson and text,
# geometric, TEAE windows (primary, overall, grouping), a listing
SAMPLE = ("T14.1.1", "T14.1.3", "T14.2.1", "F14.2.1", "T14.3.1", "T14.2.7", "T14.3.3",
          "T14.3.9", "T14.3.2", "T14.3.6", "L16.2.7.3")
SAMPLE_IN_CATALOGUE_ORDER = tuple(d.id for d in ALL_DISPLAYS if d.id in SAMPLE)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory) -> SubmissionContext:
    root = tmp_path_factory.mktemp("ars-project")
    shutil.copy(PROJECT_ROOT / "study.yml", root / "study.yml")
    (root / "data").mkdir()
    (root / "data" / "snapshots").symlink_to(PROJECT_ROOT / "data" / "snapshots")
    ard_dir = root / "report" / VERSION / "ard"
    ard_dir.mkdir(parents=True)
    config = load_config()
    data = from_snapshot("sim-final")
    for display_id in SAMPLE:
        ard, _ = spec(display_id).build(data, config, "TRT01A")
        (ard_dir / f"{display_id}.csv").write_bytes(ardlib.to_csv_text(ard).encode("utf-8"))
    provenance = {"version": VERSION, "snapshot": {"id": "sim-final", "root": "data/snapshots"}}
    (root / "report" / VERSION / "provenance.json").write_text(json.dumps(provenance))
    out = root / "out"
    written = ars.write(out_ctx := SubmissionContext(root=root, version=VERSION, out=out))
    assert written == [out / "ars" / "reporting-event.json"]
    return out_ctx


@pytest.fixture()
def event(ctx) -> dict:
    return json.loads((ctx.out / ars.OUTPUT).read_text(encoding="utf-8"))


@pytest.fixture()
def tampered(ctx, tmp_path):
    """A copy of the written package whose JSON the test may change (the module's stays)."""
    out = tmp_path / "out"
    shutil.copytree(ctx.out, out)
    return SubmissionContext(root=ctx.root, version=ctx.version, out=out)


def test_the_reporting_event_validates_against_the_bundled_ars_v1_schema(event):
    schema = json.loads(ars.SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"] == "https://www.cdisc.org/ars/1-0"
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(event)


def test_the_schema_is_bundled_with_its_licence():
    licence = (ars.SCHEMA.parent / "ars_ldm.LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")


def test_an_event_of_simulated_data_says_so(event):
    assert event["name"] == f"SIMULATED DATA: Clinical study report {VERSION}"
    assert event["description"].startswith("SIMULATED DATA: ")
    assert "(snapshot sim-final)" in event["description"]


def test_check_passes_on_the_written_event(ctx):
    assert ars.check(ctx) == []


def test_every_display_with_an_ard_has_an_output_and_an_analysis(ctx, event):
    with_ard = [d.id for d in ALL_DISPLAYS if (ctx.version_dir / "ard" / f"{d.id}.csv").exists()]
    assert with_ard == list(SAMPLE_IN_CATALOGUE_ORDER)
    outputs = {o["id"]: o for o in event["outputs"]}
    analysed = {a["id"].rsplit("_", 1)[0].removeprefix("AN_") for a in event["analyses"]}
    for display_id in with_ard:
        assert f"OUT_{display_id}" in outputs
        assert outputs[f"OUT_{display_id}"]["displays"][0]["display"]["displayTitle"].endswith(
            next(d.title for d in ALL_DISPLAYS if d.id == display_id))
        assert display_id in analysed
    listed = [i["outputId"] for i in event["mainListOfContents"]["contentsList"]["listItems"]]
    assert listed == [f"OUT_{d}" for d in with_ard]


def test_each_analysis_names_its_displays_analysis_set_by_its_adsl_flag(event):
    sets = {s["id"]: s for s in event["analysisSets"]}
    for code, (name, flag) in ANALYSIS_SETS.items():
        if f"AS_{code}" in sets:
            assert sets[f"AS_{code}"]["name"] == name
            assert sets[f"AS_{code}"]["condition"] == {
                "dataset": "ADSL", "variable": flag, "comparator": "EQ", "value": ["Y"]}
    by_id = {d.id: d for d in ALL_DISPLAYS}
    for a in event["analyses"]:
        display_id = a["id"].rsplit("_", 1)[0].removeprefix("AN_")
        assert a["analysisSetId"] == f"AS_{by_id[display_id].analysis_set}"


def test_a_snapshot_without_the_infused_flag_names_the_enclosing_set_it_used(ctx):
    """Another study's ADSL without INFFL/DLTEVLFL: the displays used the Safety set
    (analysis.sets.display_set), and so do their analyses; ENR without ENRLFL has no
    condition but a description."""
    ards = ars.read_ards(ctx.version_dir / "ard")
    columns = {"USUBJID", "TRT01A", "SAFFL"}
    event = ars.reporting_event(VERSION, ards, ars.subsets(load_config()), columns,
                                snapshot_id="other", simulated=False)
    assert not event["name"].startswith("SIMULATED")
    jsonschema.Draft7Validator(ars.schema()).validate(event)
    dlt = [a for a in event["analyses"] if a["id"].startswith("AN_T14.3.1_")]
    assert {a["analysisSetId"] for a in dlt} == {"AS_SAF"}
    assert "ADSL has no DLTEVLFL or INFFL" in dlt[0]["description"]
    sets = {s["id"]: s for s in event["analysisSets"]}
    assert set(sets) == {"AS_ENR", "AS_SAF"}
    assert "condition" not in sets["AS_ENR"] and "no ENRLFL" in sets["AS_ENR"]["description"]


def test_teae_tables_use_the_window_their_program_selects(event):
    """T14.3.3 selects the primary window, T14.3.9 and T14.3.6 the overall one (their programs
    call teae_in_window), except T14.3.6's deaths; T14.3.2 groups by window, no subset."""
    subset_of = {}
    for a in event["analyses"]:
        if a["variable"] != "BIGN":
            subset_of.setdefault(a["id"].rsplit("_", 1)[0].removeprefix("AN_"), set()).add(
                a.get("dataSubsetId"))
    assert subset_of["T14.3.3"] == {"DS_TEAE_PRIMARY"}
    assert subset_of["T14.3.9"] == {"DS_TEAE_OVERALL"}
    assert subset_of["T14.3.2"] == {None}
    t1436 = {a["variable"]: a.get("dataSubsetId") for a in event["analyses"]
             if a["id"].startswith("AN_T14.3.6_")}
    assert t1436["FATAL"] == t1436["ANY"] == "DS_TEAE_OVERALL"
    assert t1436["DEATH"] is t1436["DEATH28"] is None      # deaths of any cause, from ADSL
    conditions = {s["id"]: s["condition"]["variable"] for s in event["dataSubsets"]}
    assert conditions == {"DS_TEAE_PRIMARY": "PRIMWFL", "DS_TEAE_OVERALL": "OVERWFL"}


def test_the_subset_map_agrees_with_the_display_programs():
    """Every display program that selects one TEAE window by a fixed argument is in
    DISPLAY_SUBSET with that window, and no other display is."""
    window_of = {"window_label(config)": ars.PRIMARY, "WINDOW_OVERALL": ars.OVERALL}
    found = {}
    for path in sorted((PROJECT_ROOT / "analysis" / "displays").glob("[tfl]*.py")):
        for arg in re.findall(r"teae_in_window\(s\.adae, ([\w()]+)\)", path.read_text()):
            if arg in window_of:
                found[path.stem.upper().replace("_", ".")] = window_of[arg]
    assert found == ars.DISPLAY_SUBSET


def test_methods_name_the_statistics_of_the_stats_modules(event):
    methods = {m["id"]: [o["name"] for o in m["operations"]] for m in event["methods"]}
    assert methods["MTH_KM"] == ["estimate", "lcl", "ucl", "n_risk"]
    assert methods["MTH_EXACT_CI"] == ["estimate", "lcl", "ucl"]
    assert methods["MTH_COUNT_PCT"] == ["n", "N", "pct"]
    uses = {a["variable"]: a["methodId"] for a in event["analyses"]
            if a["id"].startswith(("AN_T14.3.1_", "AN_F14.2.1_", "AN_T14.2.1_"))}
    assert uses["DLT_CI"] == "MTH_EXACT_CI"
    assert uses["RELFREE"] == "MTH_KM"
    assert uses["RATERATIO"] == "MTH_RATE_RATIO"
    assert uses["BIGN"] == "MTH_BIGN"


def _csv_results(path: Path) -> dict[tuple, tuple[str, str]]:
    """Second reading of an ARD CSV: (variable, stat_name, groups) -> (stat, stat_fmt) text,
    with the file's own rule for text cells (one leading ' added to formula-like text)."""
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            r = {k: (v[1:] if k != "stat" and v.startswith("'") else v) for k, v in r.items()}
            groups = frozenset((r[g], r[f"{g}_level"]) for g in ("group1", "group2") if r[g])
            if r["variable_level"]:
                groups |= {("", r["variable_level"])}
            out[(r["variable"], r["stat_name"], groups)] = (r["stat"], r["stat_fmt"])
    return out


def _json_results(event: dict, display_id: str) -> dict[tuple, tuple[str, str]]:
    op_name = {o["id"]: o["name"] for m in event["methods"] for o in m["operations"]}
    grouping = {g["id"]: g.get("groupingVariable", "") for g in event["analysisGroupings"]}
    out = {}
    for a in event["analyses"]:
        if not a["id"].startswith(f"AN_{display_id}_"):
            continue
        for r in a["results"]:
            groups = frozenset((grouping[g["groupingId"]], g["groupValue"]) for g in r["resultGroups"])
            out[(a["variable"], op_name[r["operationId"]], groups)] = (
                r.get("rawValue", ""), r["formattedValue"])
    return out


@pytest.mark.parametrize("display_id", ["T14.1.3", "T14.3.1", "F14.2.1", "T14.3.3",
                                        "L16.2.7.3"])
def test_results_are_the_ard_rows_reread_independently(ctx, event, display_id):
    expected = _csv_results(ctx.version_dir / "ard" / f"{display_id}.csv")
    assert expected
    assert _json_results(event, display_id) == expected


def test_a_second_write_is_byte_identical(ctx, tmp_path):
    first = (ctx.out / ars.OUTPUT).read_bytes()
    again = SubmissionContext(root=ctx.root, version=ctx.version, out=tmp_path / "again")
    ars.write(again)
    assert (again.out / ars.OUTPUT).read_bytes() == first


def test_a_tampered_result_is_named_by_check(tampered):
    path = tampered.out / ars.OUTPUT
    event = json.loads(path.read_text(encoding="utf-8"))
    k = next(i for i, a in enumerate(event["analyses"]) if a["variable"] == "DLT_CI")
    event["analyses"][k]["results"][0]["rawValue"] = "0.99"
    path.write_text(ars.to_json(event), encoding="utf-8")
    failures = ars.check(tampered)
    assert len(failures) == 1
    assert f"$.analyses[{k}].results[0].rawValue: '0.99'" in failures[0]


def test_a_schema_violation_is_named_by_check(tampered):
    path = tampered.out / ars.OUTPUT
    event = json.loads(path.read_text(encoding="utf-8"))
    del event["outputs"][0]["displays"]
    path.write_text(ars.to_json(event), encoding="utf-8")
    failures = ars.check(tampered)
    assert any("schema: at $.outputs[0]: 'displays' is a required property" in f
               for f in failures), failures


def test_a_missing_or_unreadable_file_is_named_by_check(tampered):
    path = tampered.out / ars.OUTPUT
    path.write_text("{not json", encoding="utf-8")
    assert ars.check(tampered)[0].startswith("ars/reporting-event.json: not JSON")
    path.unlink()
    assert ars.check(tampered) == ["ars/reporting-event.json: missing"]


def test_a_broken_ard_is_named_by_check_with_its_file_and_row(ctx, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ctx.root, root, symlinks=True)
    broken = SubmissionContext(root=root, version=VERSION, out=root / "out")
    ard_file = broken.version_dir / "ard" / "T14.3.1.csv"
    lines = ard_file.read_text(encoding="utf-8").splitlines(keepends=True)
    ard_file.write_text("".join([*lines, lines[1]]), encoding="utf-8")   # a row twice
    (failure,) = ars.check(broken)
    assert "T14.3.1.csv: ARD has duplicated statistic rows" in failure
    ard_file.write_text("display_id,stat\nT14.3.1,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"T14.3.1.csv: not an ARD file, it lacks the columns"):
        ars.write(broken)


def test_a_version_without_ards_is_a_clear_error(tmp_path):
    ctx = SubmissionContext(root=PROJECT_ROOT, version="no-such-version", out=tmp_path)
    with pytest.raises(FileNotFoundError, match="no-such-version: no such report version"):
        ars.write(ctx)
    (tmp_path / "report" / "empty").mkdir(parents=True)
    empty = SubmissionContext(root=tmp_path, version="empty", out=tmp_path / "out")
    with pytest.raises(FileNotFoundError, match="empty/ard: the version has no ARD folder"):
        ars.write(empty)
    assert not (tmp_path / "out").exists()
