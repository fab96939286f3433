"""Names from a command line or a file are checked by one rule before any path is built
(issue 13, findings 2 and 12)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import report_fixture as fx  # noqa: E402

from data_contract.names import MAX_LENGTH, InvalidName, check_name  # noqa: E402
from report import build, publish  # noqa: E402
from report.__main__ import main as report_main  # noqa: E402


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("CSR_FORK_KERNELS", "0")
    fx.stub_engine(monkeypatch)
    return fx.make_project(tmp_path / "a" / "b")


@pytest.mark.parametrize("name", ["../../evil", "/tmp/evil", "nl\n", "a/b", "..", ".hidden",
                                  "-rf", "", "x" * (MAX_LENGTH + 1), "caf\u00e9", "a b"])
def test_one_rule_refuses_names_that_could_leave_their_folder(name):
    with pytest.raises(InvalidName, match="invalid snapshot id"):
        check_name(name, "snapshot id")


def test_one_rule_accepts_ordinary_names_up_to_the_limit():
    for name in ("sim-final", "1.1", "v2+build.3", "x" * MAX_LENGTH):
        assert check_name(name, "report version") == name


def test_a_version_with_a_trailing_newline_is_refused():
    with pytest.raises(publish.PublishError, match=r"'nl\\n'"):
        publish.check_version_name("nl\n")


def test_diff_with_a_traversing_name_writes_nothing_anywhere(project, tmp_path, capsys):
    before = files_under(tmp_path)
    code = report_main(["--root", str(project), "diff", "v", "../../../evil"])
    assert code == 1
    assert "invalid report version '../../../evil'" in capsys.readouterr().err
    assert files_under(tmp_path) == before       # no diff-v-vs-.. folder, no evil.html


def test_verify_with_an_absolute_name_creates_no_lock_file(project, tmp_path, capsys):
    evil = tmp_path / "evil"
    code = report_main(["--root", str(project), "verify", str(evil)])
    assert code == 2
    assert "invalid report version" in capsys.readouterr().err
    assert not evil.with_suffix(".lock").exists()
    assert not (project / "_build" / "locks").exists()


def test_a_bad_snapshot_id_is_reported_as_a_snapshot_id(project):
    with pytest.raises(build.BuildError, match=r"invalid snapshot id '\.\./fx-1'"):
        build.render(project, build.RenderRequest(snapshot_id="../fx-1"),
                     progress=lambda m: None)
    assert not (project / "report").exists()


def test_a_provenance_record_cannot_point_verify_outside_the_project(project):
    import json

    from report import verify

    result = build.render(project, build.RenderRequest(snapshot_id=fx.SNAPSHOT, version="v1",
                                                       formats=("html",)),
                          progress=lambda m: None)
    record = json.loads((result.path / "provenance.json").read_text())
    record["snapshot"]["root"] = "../../elsewhere"
    (result.path / "provenance.json").write_text(json.dumps(record))
    with pytest.raises(build.BuildError, match="only a relative folder inside the project"):
        verify.verify(project, "v1", progress=lambda m: None)
