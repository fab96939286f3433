"""define.xml 2.1 of a CSR version (issue 18, :mod:`submission.define`): written from the
data contract and the snapshot of a published version, valid against the Define-XML 2.1 +
ARM 1.0 schema and in its structure, byte-identical when written again, and
:func:`submission.define.check` names what is broken.

The version is a fake published one: a temporary project root holding
``report/<v>/provenance.json`` whose snapshot is the committed ``sim-final`` (the
snapshot folder linked in, study.yml copied), or the pharmaverse ADaM frozen by the
contract tests' helper (real data with variables the contract does not list). The
expected values (labels, codelist terms, PARAMCDs) are read here independently: from the
specifications, study.yml and the Parquet files with pyarrow."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from analysis.catalogue import ALL_DISPLAYS, ANALYSIS_SETS
from data_contract.export import export_snapshot
from data_contract.specs import DATASETS
from submission import define
from submission.context import SubmissionContext

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "data" / "snapshots"
NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1",
      "xlink": "http://www.w3.org/1999/xlink", "arm": "http://www.cdisc.org/ns/arm/v1.0"}


def _ledger_entry(root: Path, snapshot_id: str) -> dict:
    lines = [json.loads(x) for x in (root / "LEDGER.jsonl").read_text().splitlines() if x]
    return [e for e in lines if e["snapshot_id"] == snapshot_id][-1]


def _fake_version(root: Path, snapshot_id: str, version: str, simulated: bool) -> SubmissionContext:
    """A published version ``version`` of ``snapshot_id`` (data/snapshots under ``root``)."""
    shutil.copy(ROOT / "study.yml", root / "study.yml")
    entry = _ledger_entry(root / "data" / "snapshots", snapshot_id)
    vdir = root / "report" / version
    vdir.mkdir(parents=True)
    (vdir / "provenance.json").write_text(json.dumps({
        "version": version, "git": {"commit": "0" * 40, "dirty": False},
        "snapshot": {"id": snapshot_id, "root": "data/snapshots", "simulated": simulated,
                     "ledger": {"frozen_at": entry["frozen_at"], "seq": entry["seq"]}}}))
    return SubmissionContext(root=root, version=version, out=root / "out")


def _written(ctx: SubmissionContext, xpt: bool = True) -> Path:
    """The datasets as XPT (the files define.xml's leaves name), then define.xml. Without
    ``xpt`` the files are empty stand-ins: the leaf check asks only that they exist, and
    :mod:`submission.datasets` writes the real ones."""
    if xpt:
        export_snapshot(ctx.snapshot_id, ctx.datasets_dir, "xpt", ctx.snapshot_dir.parent)
    else:
        ctx.datasets_dir.mkdir(parents=True)
        for name in json.loads((ctx.snapshot_dir / "manifest.json").read_text())["datasets"]:
            (ctx.datasets_dir / f"{name.lower()}.xpt").touch()
    assert define.write(ctx) == [ctx.datasets_dir / "define.xml"]
    return ctx.datasets_dir / "define.xml"


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    root = tmp_path_factory.mktemp("define-sim")
    (root / "data").mkdir()
    (root / "data" / "snapshots").symlink_to(SNAPSHOTS, target_is_directory=True)
    ctx = _fake_version(root, "sim-final", "1.0", simulated=True)
    path = _written(ctx)
    return ctx, path, ET.parse(path).getroot()


def _mdv(tree):
    return tree.find("odm:Study/odm:MetaDataVersion", NS)


def _description(el) -> str:
    return el.find("odm:Description/odm:TranslatedText", NS).text


def _item_defs(tree) -> dict[str, ET.Element]:
    return {e.get("OID"): e for e in _mdv(tree).findall("odm:ItemDef", NS)}


def test_define_xml_of_the_simulated_final_snapshot_is_valid(sim):
    ctx, path, _ = sim
    assert define.check(ctx) == []
    # the Define-XML 2.1 + ARM 1.0 schema is applied (a violation is named:
    # test_a_missing_dataset_file_and_a_schema_violation_are_named)
    assert define.schema_errors(path) == []


def test_a_second_write_is_byte_identical(sim):
    ctx, path, _ = sim
    first = path.read_bytes()
    define.write(ctx)
    assert path.read_bytes() == first


def test_a_build_in_another_process_is_byte_identical(sim):
    """Nothing depends on the process (hash seed, import order) or the clock."""
    ctx, path, _ = sim
    out = ctx.root / "out-again"
    code = ("import sys; from pathlib import Path; from submission import define; "
            "from submission.context import SubmissionContext as C; "
            "print(define.write(C(root=Path(sys.argv[1]), version=sys.argv[2], "
            "out=Path(sys.argv[3])))[0])")
    done = subprocess.run([sys.executable, "-c", code, str(ctx.root), ctx.version, str(out)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert Path(done.stdout.strip()).read_bytes() == path.read_bytes()


def test_creation_time_is_the_snapshot_freeze_and_simulated_data_is_said(sim):
    ctx, _, tree = sim
    assert tree.get("CreationDateTime") == _ledger_entry(SNAPSHOTS, "sim-final")["frozen_at"]
    assert tree.get(f"{{{NS['def']}}}Context") == "Submission"
    assert _mdv(tree).get("Description").startswith("SIMULATED DATA")
    assert tree.find("odm:Study/odm:GlobalVariables/odm:StudyDescription", NS).text.startswith(
        "SIMULATED DATA")


def test_every_contract_dataset_and_variable_is_described_with_its_label(sim):
    _, _, tree = sim
    groups = {g.get("Name"): g for g in _mdv(tree).findall("odm:ItemGroupDef", NS)}
    items = _item_defs(tree)
    assert set(groups) == set(DATASETS)
    for name, spec in DATASETS.items():
        group = groups[name]
        assert _description(group) == spec.label
        assert group.get(f"{{{NS['def']}}}ArchiveLocationID") == f"LF.{name}"
        columns = pq.read_schema(SNAPSHOTS / "sim-final" / f"{name.lower()}.parquet").names
        refs = [r.get("ItemOID") for r in group.findall("odm:ItemRef", NS)]
        assert refs == [f"IT.{name}.{c}" for c in columns]
        # every variable of the specification the snapshot holds (a permissible one may be
        # absent: ADAE.ASTDTF)
        assert {v.name for v in spec.variables if not v.permissible} <= set(columns)
        for var in (v for v in spec.variables if v.name in columns):
            item = items[f"IT.{name}.{var.name}"]
            assert item.get("Name") == var.name and _description(item) == var.label
        keys = {r.get("ItemOID").split(".")[-1]: int(r.get("KeySequence"))
                for r in group.findall("odm:ItemRef", NS) if r.get("KeySequence")}
        assert keys == {k: i for i, k in enumerate(spec.keys, start=1)}


def test_classes_follow_the_adam_structure_of_each_dataset(sim):
    _, _, tree = sim
    klass = {g.get("Name"): g.find("def:Class", NS).get("Name")
             for g in _mdv(tree).findall("odm:ItemGroupDef", NS)}
    assert klass["ADSL"] == "SUBJECT LEVEL ANALYSIS DATASET"
    assert {klass[n] for n in ("ADLB", "ADPC", "ADVS", "ADEDSS", "ADMRI")} == {
        "BASIC DATA STRUCTURE"}
    assert {klass[n] for n in ("ADAE", "ADCM", "ADEX", "ADDV", "ADRELAP")} == {
        "OCCURRENCE DATA STRUCTURE"}
    assert klass["ADVA"] == "ADAM OTHER"


def test_text_lengths_are_the_longest_value_of_the_snapshot(sim):
    _, _, tree = sim
    items = _item_defs(tree)
    adae = pq.read_table(SNAPSHOTS / "sim-final" / "adae.parquet").to_pandas()
    longest = max(len(str(v).encode()) for v in adae["AEDECOD"].dropna())
    assert items["IT.ADAE.AEDECOD"].get("DataType") == "text"
    assert int(items["IT.ADAE.AEDECOD"].get("Length")) == longest
    # dates are SAS dates in the XPT: integers shown with DATE9.
    assert items["IT.ADAE.ASTDT"].get("DataType") == "integer"
    assert items["IT.ADAE.ASTDT"].get(f"{{{NS['def']}}}DisplayFormat") == "DATE9."


def test_sponsor_codelist_terms_equal_the_contract(sim):
    _, _, tree = sim
    configured = yaml.safe_load((ROOT / "study.yml").read_text())["codelists"]
    lists = {c.get("OID"): c for c in _mdv(tree).findall("odm:CodeList", NS)}
    used = {v.codelist for n, spec in DATASETS.items() for v in spec.variables
            if v.codelist and v.name in pq.read_schema(
                SNAPSHOTS / "sim-final" / f"{n.lower()}.parquet").names}
    assert used == {"AREL", "AESEV", "AEOUT"}   # sim-final's ADAE records no AEACN
    assert {f"CL.{n}" for n in configured} & set(lists) == {f"CL.{n}" for n in used}
    for name, meanings in ((n, m) for n, m in configured.items() if n in used):
        expected = [v for values in meanings.values() for v in values]
        terms = [i.get("CodedValue") for i in lists[f"CL.{name}"]
                 if i.tag.endswith(("CodeListItem", "EnumeratedItem"))]
        assert terms == list(dict.fromkeys(expected)), name
    items = _item_defs(tree)
    for var in ("AREL", "ARELCAR", "ARELLD"):
        assert items[f"IT.ADAE.{var}"].find("odm:CodeListRef", NS).get("CodeListOID") == "CL.AREL"


def test_controlled_terms_of_the_contract_are_codelists_with_their_decodes(sim):
    _, _, tree = sim
    lists = {c.get("OID"): c for c in _mdv(tree).findall("odm:CodeList", NS)}
    sex = {i.get("CodedValue"): i.find("odm:Decode/odm:TranslatedText", NS).text
           for i in lists["CL.SEX"].findall("odm:CodeListItem", NS)}
    assert sex == {"M": "Male", "F": "Female", "U": "Unknown"}   # study.yml decode
    spec = DATASETS["ADLB"].variable("PARAMCD")
    oid = _item_defs(tree)["IT.ADLB.PARAMCD"].find("odm:CodeListRef", NS).get("CodeListOID")
    assert [i.get("CodedValue") for i in lists[oid]] == list(spec.allowed)


def test_value_level_paramcds_equal_those_in_the_snapshot_data(sim):
    _, _, tree = sim
    mdv = _mdv(tree)
    where = {w.get("OID"): w.find("odm:RangeCheck/odm:CheckValue", NS).text
             for w in mdv.findall("def:WhereClauseDef", NS)}
    for name in ("ADLB", "ADPC", "ADVS", "ADEDSS", "ADMRI"):
        table = pq.read_table(SNAPSHOTS / "sim-final" / f"{name.lower()}.parquet")
        in_data = set(table.column("PARAMCD").drop_null().unique().to_pylist())
        described = set()
        for var in ("AVAL", "AVALC"):
            vl = mdv.find(f"def:ValueListDef[@OID='VL.{name}.{var}']", NS)
            if vl is None:
                continue
            for ref in vl.findall("odm:ItemRef", NS):
                described.add(where[ref.find("def:WhereClauseRef", NS).get("WhereClauseOID")])
        assert described == in_data, name
    # each parameter's value is described by its PARAM
    adlb = pq.read_table(SNAPSHOTS / "sim-final" / "adlb.parquet").to_pandas()
    param = adlb.loc[adlb["PARAMCD"] == "ANC", "PARAM"].iloc[0]
    assert _description(_item_defs(tree)["IT.ADLB.AVAL.ANC"]) == param


def test_flag_derivations_of_the_specification_are_methods(sim):
    _, _, tree = sim
    mdv = _mdv(tree)
    adsl = mdv.find("odm:ItemGroupDef[@OID='IG.ADSL']", NS)
    methods = {r.get("ItemOID"): r.get("MethodOID") for r in adsl.findall("odm:ItemRef", NS)}
    assert methods["IT.ADSL.SAFFL"] == methods["IT.ADSL.INFFL"] == \
        "MT.ADSL.flags_consistent_with_dates"
    method = mdv.find("odm:MethodDef[@OID='MT.ADSL.flags_consistent_with_dates']", NS)
    assert "SAFFL=Y iff LDSTDT" in _description(method)
    assert _item_defs(tree)["IT.ADSL.SAFFL"].find("def:Origin", NS).get("Type") == "Derived"
    comment = mdv.find("def:CommentDef[@OID='COM.ADSL']", NS)
    assert _description(comment) == DATASETS["ADSL"].description


def test_each_display_names_its_datasets_and_analysis_set(sim):
    _, _, tree = sim
    mdv = _mdv(tree)
    where = {w.get("OID"): w.find("odm:RangeCheck", NS) for w in mdv.findall(
        "def:WhereClauseDef", NS)}
    shown = {r.get("OID"): r for r in mdv.iterfind(
        "arm:AnalysisResultDisplays/arm:ResultDisplay", NS)}
    assert list(shown) == [f"RD.{d.id}" for d in ALL_DISPLAYS]
    for d in ALL_DISPLAYS:
        result = shown[f"RD.{d.id}"].find("arm:AnalysisResult", NS)
        sets = result.findall("arm:AnalysisDatasets/arm:AnalysisDataset", NS)
        assert [s.get("ItemGroupOID") for s in sets] == [f"IG.{n}" for n in d.datasets]
        adsl = next(s for s in sets if s.get("ItemGroupOID") == "IG.ADSL")
        check = where[adsl.find("def:WhereClauseRef", NS).get("WhereClauseOID")]
        flag = ANALYSIS_SETS[d.analysis_set][1]
        assert check.get(f"{{{NS['def']}}}ItemOID") == f"IT.ADSL.{flag}"
        assert check.find("odm:CheckValue", NS).text == "Y"
    purposes = {r.get("OID"): r.find("arm:AnalysisResult", NS).get("AnalysisPurpose")
                for r in shown.values()}
    assert purposes["RD.T14.3.1"] == "PRIMARY OUTCOME MEASURE"        # DLTs (sec-dlt)
    assert purposes["RD.T14.2.1"] == "SECONDARY OUTCOME MEASURE"      # ARR (sec-arr)


def _broken(ctx, tmp_path, edit) -> SubmissionContext:
    """A copy of the written package folder whose define.xml ``edit`` changed."""
    out = tmp_path / "out"
    shutil.copytree(ctx.out, out)
    broken = SubmissionContext(root=ctx.root, version=ctx.version, out=out)
    path = broken.datasets_dir / "define.xml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return broken


def test_an_item_ref_without_its_item_def_is_named(sim, tmp_path):
    ctx, path, _ = sim
    text = path.read_text(encoding="utf-8")
    start = text.index('<ItemDef OID="IT.ADSL.AGE"')
    end = text.index("</ItemDef>", start) + len("</ItemDef>")
    broken = _broken(ctx, tmp_path, lambda t: t[:start] + t[end:])
    failures = define.check(broken)
    assert any("ItemRef ItemOID=IT.ADSL.AGE in ItemGroupDef IG.ADSL names no ItemDef" in f
               for f in failures), failures


def test_a_codelist_ref_to_no_codelist_and_a_duplicate_oid_are_named(sim, tmp_path):
    ctx, _, _ = sim

    def edit(t):
        t = t.replace('CodeListOID="CL.SEX"', 'CodeListOID="CL.NOSUCH"', 1)
        return t.replace('OID="MT.ADSL.death_consistent"', 'OID="MT.ADSL.flags_consistent_with_dates"')

    failures = define.check(_broken(ctx, tmp_path, edit))
    assert any("CodeListRef CodeListOID=CL.NOSUCH in ItemDef IT.ADSL.SEX names no CodeList" in f
               for f in failures), failures
    assert any("OID MT.ADSL.flags_consistent_with_dates is not unique (MethodDef)" in f
               for f in failures), failures


def test_a_missing_dataset_file_and_a_schema_violation_are_named(sim, tmp_path):
    ctx, _, _ = sim
    broken = _broken(ctx, tmp_path, lambda t: t.replace(
        'def:Structure="One record per subject" ', "", 1))
    (broken.datasets_dir / "adsl.xpt").unlink()
    failures = define.check(broken)
    assert any("def:leaf LF.ADSL points at adsl.xpt" in f for f in failures), failures
    assert any("schema" in f and "Structure" in f for f in failures), failures


def test_a_missing_define_xml_is_named(tmp_path):
    shutil.copy(ROOT / "study.yml", tmp_path / "study.yml")
    ctx = SubmissionContext(root=tmp_path, version="x", out=tmp_path / "out")
    failures = define.check(ctx)
    assert len(failures) == 1 and "define.xml: missing" in failures[0]


def test_number_digits_read_the_shortest_decimal_form():
    assert define.number_digits([0.1 + 0.2, 12.25, -3.0]) == (4, 2)
    assert define.number_digits([]) == (1, 0)
    assert define.number_digits([1e-7]) == (8, 7)


def test_flags_a_rule_derives_need_the_variable_they_are_read_from():
    text = "SAP 2 analysis sets: INFFL=Y iff INFDT, SAFFL=Y iff LDSTDT, DLTEVLFL=Y only if INFFL=Y."
    assert define.derived_flags(text, ["INFFL", "INFDT", "SAFFL", "DLTEVLFL"]) == (
        "INFFL", "DLTEVLFL")
    assert define.derived_flags("TRTEMFL=Y iff the onset cannot be placed", ["TRTEMFL"]) == (
        "TRTEMFL",)


# --------------------------------------------------------------------------- real ADaM


@pytest.fixture(scope="module")
def pharmaverse(tmp_path_factory):
    from tests.contract.real_adam import freeze_pharmaverse

    root = tmp_path_factory.mktemp("define-pharmaverse")
    # the datasets the test reads: standard ones (ADSL, ADAE, ADLB) and one outside the
    # contract (ADPP); ADVS, ADEX, ADCM and ADPC would add 80,000 rows and nothing to check
    sid = freeze_pharmaverse(root / "data" / "snapshots", names=("adsl", "adae", "adlb", "adpp"))
    ctx = _fake_version(root, sid, "pv-1", simulated=False)
    # data_contract.export cannot write this ADaM's date columns outside the contract
    # (datetime.date objects) to XPT: empty stand-ins for the files
    path = _written(ctx, xpt=False)
    return ctx, path, ET.parse(path).getroot()


def test_real_adam_with_variables_beyond_the_contract_gives_a_valid_define_xml(pharmaverse):
    ctx, path, tree = pharmaverse
    assert define.check(ctx) == []
    manifest = json.loads((ctx.snapshot_dir / "manifest.json").read_text())
    groups = {g.get("Name"): g for g in _mdv(tree).findall("odm:ItemGroupDef", NS)}
    assert set(groups) == set(manifest["datasets"])
    items = _item_defs(tree)
    for name, entry in manifest["datasets"].items():
        assert {f"IT.{name}.{c}" for c in entry["columns"]} <= set(items)
    # a variable the contract does not list is described by its name; one it lists by
    # its label
    assert _description(items["IT.ADSL.COUNTRY"]) == "COUNTRY"
    assert _description(items["IT.ADSL.AGE"]) == "Age"
    # ADPP is outside the contract: non-standard, its structure not claimed
    assert groups["ADPP"].get(f"{{{NS['def']}}}IsNonStandard") == "Yes"
    assert groups["ADPP"].get(f"{{{NS['def']}}}Structure").startswith("Not described")
    # a contract dataset checked in its core profile: keys where the core has them
    assert groups["ADAE"].get(f"{{{NS['def']}}}Structure") == (
        "One record per subject and sequence number")
    assert groups["ADLB"].get(f"{{{NS['def']}}}Structure") == (
        "Not specified: the data contract checks no keys of another study's ADLB")
    # not simulated: no SIMULATED DATA; another study's derivations are not described
    assert "SIMULATED DATA" not in _mdv(tree).get("Description")
    assert _mdv(tree).find("odm:MethodDef", NS) is None
    # value-level PARAMCDs of the real ADLB are those of its data
    table = pq.read_table(ctx.snapshot_dir / "adlb.parquet", columns=["PARAMCD"])
    in_data = set(table.column("PARAMCD").drop_null().unique().to_pylist())
    vl = _mdv(tree).find("def:ValueListDef[@OID='VL.ADLB.AVAL']", NS)
    where = {w.get("OID"): w.find("odm:RangeCheck/odm:CheckValue", NS).text
             for w in _mdv(tree).findall("def:WhereClauseDef", NS)}
    described = {where[r.find("def:WhereClauseRef", NS).get("WhereClauseOID")]
                 for r in vl.findall("odm:ItemRef", NS)}
    assert described <= in_data and len(described) > 0
