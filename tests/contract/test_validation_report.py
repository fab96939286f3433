"""The validation report (Pinnacle 21 style): a console summary of at most 60 lines per
dataset x variable x rule with count, severity and the first three examples, however
many findings; every finding in CSV and one self-contained HTML page under
_build/validation/<hash of the source>/, never in data/snapshots.

The issue's size -- 2 million AE rows with 100,000 bad values, validated in under 60 s --
was measured by hand (README, "Bringing your own ADaM"); here a tenth of it proves the
bounds and the counts without timing anything."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data_contract.cli import main
from data_contract.validate import validate
from data_contract.validation_report import (
    MAX_LINES,
    VALIDATION_ROOT,
    console_summary,
    groups,
    source_hash,
    write_full_report,
)

from . import factories as f

SOCS = ("Nervous system disorders", "GASTROINTESTINAL DISORDERS", "Investigations")


def large_adam(n_subjects: int, per_subject: int, bad_every: int) -> dict[str, pd.DataFrame]:
    """Another study's ADSL and an ADAE of ``n_subjects * per_subject`` rows in which
    every ``bad_every``-th row has an AEBODSYS that is no MedDRA SOC (an error) and
    every ``bad_every``-th row, shifted by one, a causality without a meaning (a warning)."""
    ids = np.array([f"X-{i:06d}" for i in range(n_subjects)], dtype=object)
    adsl = pd.DataFrame({"STUDYID": "OTHER", "USUBJID": ids, "SUBJID": ids, "AGE": 50,
                         "SEX": "F", "TRT01A": "Drug", "SAFFL": "Y"})
    n = n_subjects * per_subject
    rows = np.arange(n)
    soc = np.array(SOCS, dtype=object)[rows % 3]
    soc[rows % bad_every == 0] = "NOT A SOC"
    arel = np.where(rows % bad_every == 1, "PROBABLE", "RELATED").astype(object)
    adae = pd.DataFrame({
        "STUDYID": "OTHER", "USUBJID": np.repeat(ids, per_subject),
        "AESEQ": np.tile(np.arange(1, per_subject + 1), n_subjects),
        "AEDECOD": "Headache", "AEBODSYS": soc, "AESEV": "MILD", "AESER": "N", "AREL": arel,
        "ASTDT": pd.Timestamp("2020-01-01") + pd.to_timedelta(rows % 300, unit="D"),
    })
    return {"ADSL": adsl, "ADAE": adae}


def test_a_large_delivery_gives_a_short_summary_and_a_complete_report(tmp_path: Path):
    data = large_adam(2_000, 100, 20)  # 200,000 AE rows, 10,000 bad SOCs, 10,000 warnings
    report = validate(data)
    assert len(report.errors) == 10_000 and len(report.warnings) == 1  # one distinct value
    (err,) = [g for g in groups(report.findings) if g.severity == "error"]
    assert (err.dataset, err.variable, err.rule, err.count) == ("ADAE", "AEBODSYS", "allowed",
                                                                10_000)
    assert err.examples == [(1, "X-000000", "NOT A SOC"), (21, "X-000000", "NOT A SOC"),
                            (41, "X-000000", "NOT A SOC")]
    text = console_summary(report, full_report="_build/validation/x/index.html")
    lines = text.splitlines()
    assert len(lines) <= MAX_LINES
    assert "ERROR   ADAE  AEBODSYS  [allowed]  10,000x" in text
    assert "row 1  USUBJID=X-000000  value='NOT A SOC'" in text
    assert lines[-1] == "Full report (every finding): _build/validation/x/index.html"
    folder = write_full_report(report, tmp_path / "report", title="large")
    csv = pd.read_csv(folder / "findings.csv")
    assert len(csv) == len(report.findings)
    assert (csv["rule"] == "allowed").sum() == 10_000
    html = (folder / "index.html").read_text()
    assert html.count("<tr>") > 10_000 and "<link" not in html and "<script" not in html


def test_the_summary_holds_to_60_lines_however_many_groups():
    """A '?' in every variable of every dataset: over a hundred groups of errors, still at
    most 60 lines, errors first, and a last line that says how many are not shown."""
    study = {n: df.astype(object).where(df.columns.to_series().isin(["USUBJID"]).to_numpy()
                                        [None, :].repeat(len(df), 0), "?")
             for n, df in f.study().items()}
    report = validate(study)
    assert len(groups(report.errors)) > 100
    text = console_summary(report, full_report="somewhere")
    lines = text.splitlines()
    assert len(lines) <= MAX_LINES
    assert lines[2].startswith("ERROR   ADSL")
    assert lines[-2].startswith("... ") and "not shown here: see the full report" in lines[-2]
    shown = sum(ln.startswith("ERROR") for ln in lines)
    hidden = int(lines[-2].split()[1].replace(",", ""))
    assert shown + hidden == len(groups(report.findings))
    # notes collapse to one line per rule, however many variables
    pilot = f.pilot()
    extra = pd.DataFrame({f"X{i:03d}": ["a", "b"] for i in range(300)})
    pilot["ADSL"] = pd.concat([pilot["ADSL"], extra], axis=1)
    text = console_summary(validate(pilot))
    assert "[unknown_variable]  302x  variable(s) not in the contract, kept: ADSL 302" in text
    assert len(text.splitlines()) < 10


def test_cli_writes_the_full_report_under_build_validation_by_source_hash(
        tmp_path: Path, monkeypatch, capsys):
    import data_contract.validation_report as vr
    from data_contract.readers import source_files

    assert VALIDATION_ROOT == Path(__file__).resolve().parents[2] / "_build" / "validation"
    monkeypatch.setattr(vr, "VALIDATION_ROOT", tmp_path / "_build" / "validation")
    src = tmp_path / "src"
    src.mkdir()
    study = f.study()
    study["ADSL"] = study["ADSL"].assign(SEX=["F", "X", "M"])
    for name, df in study.items():
        df.to_csv(src / f"{name.lower()}.csv", index=False)
    snapshots = tmp_path / "snaps"
    assert main(["freeze", str(src), "--id", "bad", "--cutoff", "2025-09-30",
                 "--root", str(snapshots)]) == 1
    err = capsys.readouterr().err
    folder = tmp_path / "_build" / "validation" / source_hash(source_files(src))
    assert sorted(p.name for p in folder.iterdir()) == ["findings.csv", "index.html"]
    assert "Full report (every finding):" in err and folder.name in err
    assert pd.read_csv(folder / "findings.csv")["rule"].tolist() == ["allowed"]
    assert not snapshots.exists()
