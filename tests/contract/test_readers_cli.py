"""Reading source folders (CSV, Parquet, SAS .xpt) and the command line."""

from __future__ import annotations

import datetime as dt
import json
import sys
import types
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from data_contract.cli import main
from data_contract.readers import ReaderError, read_source
from data_contract.validate import validate

from . import factories as f
from .factories import S2


def _write_csv(folder: Path, datasets: dict[str, pd.DataFrame]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in datasets.items():
        df.to_csv(folder / f"{name.lower()}.csv", index=False)
    return folder


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def test_csv_folder_reads_with_contract_types(tmp_path: Path):
    data = read_source(_write_csv(tmp_path / "src", f.study()))
    assert sorted(data) == sorted(f.study())
    adsl = data["ADSL"]
    assert str(adsl["AGE"].dtype) == "Int64"
    assert str(adsl["LDSTDT"].dtype) == "datetime64[ns]"
    assert adsl["DOSEKG"].dtype == "float64"
    assert adsl.loc[1, "SUBJID"] == "002"  # text stays text, leading zeros kept
    assert pd.isna(adsl.loc[0, "DTHDT"]) and adsl.loc[0, "DCSREAS"] is None  # "" -> missing
    assert validate(data, cutoff=f.FINAL_CUTOFF).ok


def test_uncoercible_value_becomes_a_contract_error_with_the_raw_value(tmp_path: Path):
    study = f.study()
    study["ADSL"] = study["ADSL"].assign(AGE=["34", "forty-five", "29"])
    data = read_source(_write_csv(tmp_path / "src", study))
    report = validate(data)
    assert [(e.dataset, e.row, e.usubjid, e.variable, e.rule, e.value) for e in report.errors] \
        == [("ADSL", 2, S2, "AGE", "type", "forty-five")]


def test_two_files_for_one_dataset_is_a_clear_error(tmp_path: Path):
    src = _write_csv(tmp_path / "src", {"ADSL": f.adsl()})
    f.adsl().to_parquet(src / "ADSL.parquet")
    with pytest.raises(ReaderError, match="ADSL is given by several files: ADSL.parquet, adsl.csv"):
        read_source(src)


def test_parquet_source_reads(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    for name, df in f.pilot().items():
        df.to_parquet(src / f"{name.lower()}.parquet")
    data = read_source(src)
    assert validate(data, cutoff=f.PILOT_CUTOFF).ok
    assert data["ADSL"]["TRTSDT"].tolist()[0] == pd.Timestamp("2014-01-02")


def test_sas_transport_files_with_sas_dates_read(tmp_path: Path):
    """SAS dates: DATE-formatted (read as dates) and bare numbers (days since 1960-01-01)."""
    src = tmp_path / "src"
    src.mkdir()
    adsl = f.pilot()["ADSL"].drop(columns=["AGEGR1"])
    adsl["TRTSDT"] = [dt.date(2014, 1, 2), dt.date(2012, 8, 5)]
    adsl["TRTEDT"] = [19906.0, 19237.0]  # 2014-07-02, 2012-09-01 as SAS day numbers
    adae = f.pilot()["ADAE"].assign(AENDT=[None, "2012-08-30"])
    adae["ASTDT"] = [dt.date(2014, 1, 3), dt.date(2012, 8, 7)]
    adae["AENDT"] = [float("nan"), 19235.0]
    pyreadstat.write_xport(adsl, str(src / "adsl.xpt"), table_name="ADSL")
    pyreadstat.write_xport(adae, str(src / "adae.xpt"), table_name="ADAE")
    data = read_source(src)
    assert data["ADSL"]["TRTEDT"].tolist() == [pd.Timestamp("2014-07-02"),
                                               pd.Timestamp("2012-09-01")]
    assert data["ADSL"]["TRTSDT"].tolist()[0] == pd.Timestamp("2014-01-02")
    assert str(data["ADSL"]["AGE"].dtype) == "Int64"
    assert data["ADSL"].loc[0, "SUBJID"] == "1015"
    report = validate(data, cutoff=f.PILOT_CUTOFF)
    assert report.ok, report.format()
    assert report.profile == "core"


def test_missing_or_empty_folder_is_a_reader_error(tmp_path: Path):
    with pytest.raises(ReaderError, match="does not exist"):
        read_source(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReaderError, match="holds no dataset files"):
        read_source(tmp_path / "empty")


# --------------------------------------------------------------------------- command line


def test_cli_freeze_verify_cut(tmp_path: Path, capsys):
    src = _write_csv(tmp_path / "src", f.study())
    root = tmp_path / "snaps"
    assert main(["freeze", str(src), "--id", "final", "--cutoff", "2025-09-30",
                 "--root", str(root), "--description", "literal study"]) == 0
    assert main(["verify", "final", "--root", str(root)]) == 0
    assert main(["cut", "final", "--cutoff", "2025-04-09", "--id", "interim",
                 "--root", str(root)]) == 0
    m = json.loads((root / "interim" / "manifest.json").read_text())
    assert m["source"] == "cut of final at 2025-04-09"
    assert "verified" in capsys.readouterr().out
    # an existing id is refused with exit 1
    assert main(["freeze", str(src), "--id", "final", "--cutoff", "2025-09-30",
                 "--root", str(root)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_cli_freeze_invalid_prints_the_full_report_and_writes_nothing(tmp_path: Path, capsys):
    study = f.study()
    study["ADSL"] = study["ADSL"].assign(SEX=["F", "X", "M"], BRTHDT="1990-01-01")
    src = _write_csv(tmp_path / "src", study)
    root = tmp_path / "snaps"
    root.mkdir()
    before = _listing(tmp_path)
    code = main(["freeze", str(src), "--id", "bad", "--cutoff", "2025-09-30", "--root", str(root)])
    err = capsys.readouterr().err
    assert code == 1
    assert "[allowed]" in err and "[direct_identifier]" in err and "USUBJID=NCT06561009-002" in err
    assert _listing(tmp_path) == before


def test_cli_validate_prints_report_and_writes_nothing(tmp_path: Path, capsys):
    src = _write_csv(tmp_path / "src", f.study())
    before = _listing(tmp_path)
    assert main(["validate", str(src), "--cutoff", "2025-09-30"]) == 0
    assert "valid (12 datasets" in capsys.readouterr().out
    assert main(["validate", str(src), "--cutoff", "2025-05-15"]) == 1
    assert "[after_cutoff]" in capsys.readouterr().err
    assert _listing(tmp_path) == before


def test_cli_verify_names_the_tampered_file(tmp_path: Path, capsys):
    root = tmp_path / "snaps"
    assert main(["freeze", str(_write_csv(tmp_path / "src", f.study())), "--id", "s",
                 "--cutoff", "2025-09-30", "--root", str(root)]) == 0
    (root / "s" / "admri.parquet").unlink()
    assert main(["verify", "s", "--root", str(root)]) == 1
    assert "missing file admri.parquet" in capsys.readouterr().err


def test_cli_usage_errors_exit_2(tmp_path: Path):
    with pytest.raises(SystemExit) as exc:
        main(["freeze", str(tmp_path), "--id", "x", "--cutoff", "30/09/2025"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["explode"])
    assert exc.value.code == 2


def test_cli_simulate_freezes_the_simulator_output(tmp_path: Path, monkeypatch, capsys):
    calls = {}

    def simulate_trial(n=20, seed=0):
        calls.update(n=n, seed=seed)
        return types.SimpleNamespace(datasets=f.study(), final_cutoff=f.FINAL_CUTOFF,
                                     interim_cutoff=dt.date(2025, 4, 9))

    monkeypatch.setitem(sys.modules, "data_contract.simulator",
                        types.SimpleNamespace(simulate_trial=simulate_trial))
    root = tmp_path / "snaps"
    assert main(["simulate", "--id", "sim", "--seed", "7", "--n", "3", "--root", str(root)]) == 0
    assert calls == {"n": 3, "seed": 7}
    m = json.loads((root / "sim" / "manifest.json").read_text())
    assert m["simulated"] is True and m["cutoff"] == "2025-09-30"
    assert m["source"] == "simulated by data_contract.simulator (seed 7, n 3)"
