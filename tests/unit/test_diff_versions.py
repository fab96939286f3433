"""diff compares two versions ARD row by ARD row; verify rebuilds a version and compares it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import report_fixture as fx  # noqa: E402

from analysis import catalogue  # noqa: E402
from analysis.ard import frame, row, to_csv_text  # noqa: E402
from report import build, diff, verify  # noqa: E402


def publish_ards(root: Path, version: str, ards: dict[str, list[dict]]) -> None:
    """A published version holding only ARD files (enough for diff)."""
    folder = root / "report" / version / "ard"
    folder.mkdir(parents=True)
    for did, rows in ards.items():
        (folder / f"{did}.csv").write_text(to_csv_text(frame(rows)), encoding="utf-8")


def bign(did, n):
    return row(did, "BIGN", "N", n, group1="TRT01A", group1_level="Total")


INTERIM = {
    "L16.2.4": [row("L16.2.4", "USUBJID", "text", None, variable_level=s, stat_fmt=s)
                for s in ("S-001", "S-002")],
    "T14.3.3": [bign("T14.3.3", 2),
                row("T14.3.3", "AEDECOD", "n", 2, group1="TRT01A", group1_level="Total",
                    variable_level="Headache")],
    "T14.2.1": [row("T14.2.1", "ARR", "mean", 1.5, group1="TRT01A", group1_level="Total")],
}
FINAL = {
    "L16.2.4": [row("L16.2.4", "USUBJID", "text", None, variable_level=s, stat_fmt=s)
                for s in ("S-001", "S-002", "S-003")],
    "T14.3.3": [bign("T14.3.3", 3),
                row("T14.3.3", "AEDECOD", "n", 2, group1="TRT01A", group1_level="Total",
                    variable_level="Headache"),
                row("T14.3.3", "AEDECOD", "n", 1, group1="TRT01A", group1_level="Total",
                    variable_level="Cytokine release syndrome")],
    "T14.2.1": [row("T14.2.1", "ARR", "mean", 1.5, group1="TRT01A", group1_level="Total")],
}


def test_diff_lists_added_participants_changed_stats_and_new_ae_terms(tmp_path):
    publish_ards(tmp_path, "interim", INTERIM)
    publish_ards(tmp_path, "final", FINAL)
    d, out = diff.write_diff(tmp_path, "interim", "final")

    assert d.participants_added == ["S-003"] and d.participant_source == "ard/L16.2.4.csv"
    ae = next(x for x in d.displays if x.display_id == "T14.3.3")
    assert ae.changed[["variable", "old_stat_fmt", "new_stat_fmt"]].values.tolist() == [
        ["BIGN", "2", "3"]]
    assert ae.added["variable_level"].tolist() == ["Cytokine release syndrome"]
    assert next(x for x in d.displays if x.display_id == "T14.2.1").empty
    assert d.new_ae_terms.values.tolist() == [
        ["T14.3.3", "AEDECOD", "Cytokine release syndrome"]]
    assert d.bign.values.tolist() == [["T14.3.3", "Total", "2", "3"]]

    assert out == tmp_path / "report" / "diff-interim-vs-final.html"
    page = out.read_text()
    assert "S-003" in page and "Cytokine release syndrome" in page and "<script" not in page
    assert "participants added: 1 (S-003)" in d.summary()
    assert "new adverse event terms: 1 (Cytokine release syndrome)" in d.summary()


def test_compare_ard_keys_rows_without_stat_and_label():
    old = frame([row("T1", "AGE", "mean", 40.0, stat_label="Mean (SD)", raw_decimals=0)])
    new = frame([row("T1", "AGE", "mean", 41.0, stat_label="Mean", raw_decimals=0)])
    ch = diff.compare_ard(old, new, "T1")
    assert len(ch.added) == 0 and len(ch.removed) == 0
    assert ch.changed[["old_stat", "new_stat"]].values.tolist() == [[40.0, 41.0]]


def test_verify_says_identical_then_lists_a_tampered_ard_row(tmp_path, monkeypatch):
    monkeypatch.setenv("CSR_FORK_KERNELS", "0")
    fx.stub_engine(monkeypatch)
    root = fx.make_project(tmp_path)
    quiet = lambda m: None  # noqa: E731
    build.render(root, build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1",
                                           formats=("html",)), progress=quiet)
    result = verify.verify(root, "v1", progress=quiet)
    assert result.identical, result.describe()

    ard = root / "report/v1/ard/T14.3.3.csv"
    ard.write_text(ard.read_text().replace("Headache,n,,1,1", "Headache,n,,1,7"))
    (root / "report/v1/csr.html").write_text("tampered\n")
    result = verify.verify(root, "v1", progress=quiet, use_cache=True)
    assert [d.path for d in result.differences] == ["ard/T14.3.3.csv", "csr.html"]
    assert result.differences[0].details == ["changed row Total / AEDECOD / Headache / n: "
                                             "'7' -> '1'"]
    assert "differs from its rebuild in 2 file(s)" in result.describe()


def test_diff_of_unknown_version_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a published version"):
        diff.diff_versions(tmp_path, "a", "b")


def test_diff_command_prints_the_summary_and_writes_the_report(tmp_path, capsys):
    from report.__main__ import main

    publish_ards(tmp_path, "interim", INTERIM)
    publish_ards(tmp_path, "final", FINAL)
    out = tmp_path / "d.html"
    assert main(["--root", str(tmp_path), "diff", "interim", "final", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("interim -> final: 2 display(s) with ARD changes")
    heading = catalogue.get("T14.3.3").heading      # "Table 14.3.3 <title>"
    assert f"{heading} (changed): 1 row(s) added, 0 removed, 1 changed" in printed
    assert out.is_file()
