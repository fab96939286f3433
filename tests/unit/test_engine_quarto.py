"""The Quarto engine without Quarto: the version check (a fake ``quarto`` on PATH), the book
index of cross-reference targets, and the tables as each format is given them."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from report_fixture import make_project  # noqa: E402

from report import build, engine_quarto, quarto_stage  # noqa: E402
from report.engine_builtin import pandoc_path  # noqa: E402
from report.engine_error import EngineError  # noqa: E402

BOOK = Path(__file__).parent / "fixtures" / "engine_book"


def fake_quarto(folder: Path, script: str, monkeypatch) -> Path:
    """An executable ``quarto`` running ``script`` (sh), first on PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "quarto"
    exe.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return exe


def test_an_older_quarto_is_refused_naming_found_and_needed_versions_and_builtin(tmp_path, monkeypatch):
    fake_quarto(tmp_path / "bin", 'echo "1.4.550"', monkeypatch)
    with pytest.raises(EngineError) as err:
        engine_quarto.check_quarto()
    message = str(err.value)
    assert "Quarto 1.4.550 found" in message
    assert ">= 1.10.0" in message
    assert "--engine builtin" in message


def test_a_broken_quarto_is_refused_with_what_it_said(tmp_path, monkeypatch):
    fake_quarto(tmp_path / "bin", 'echo "deno: error: module not found" >&2; exit 1', monkeypatch)
    with pytest.raises(EngineError) as err:
        engine_quarto.check_quarto()
    message = str(err.value)
    assert "exited with status 1" in message and "module not found" in message
    assert ">= 1.10.0" in message and "--engine builtin" in message


def test_a_supported_quarto_passes_the_check(tmp_path, monkeypatch):
    exe = fake_quarto(tmp_path / "bin", 'echo "1.10.18"', monkeypatch)
    assert engine_quarto.check_quarto() == (str(exe), "1.10.18")


def test_a_render_with_an_old_quarto_on_path_stops_before_any_notebook_runs(tmp_path, monkeypatch):
    fake_quarto(tmp_path / "bin", 'echo "1.3.450"', monkeypatch)
    root = make_project(tmp_path / "project")
    with pytest.raises(build.BuildError, match=r"Quarto 1\.3\.450 found.*--engine builtin"):
        build.make_plan(root, build.RenderRequest(snapshot_id="fx-1", engine="auto"))


def test_cell_label_reads_the_quarto_cell_option():
    assert quarto_stage.cell_label('#| label: tbl-t14-3-1\n#| tbl-cap: "x"\nch.show("T14.3.1")') \
        == "tbl-t14-3-1"
    assert quarto_stage.cell_label('#| echo: false\nprint("#| label: no")') is None


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    """The fixture book's notebooks read for Quarto: tables per format and the book index.
    Read from a copy: staging writes figure files beside the chapters."""
    import shutil

    copy = shutil.copytree(BOOK, tmp_path_factory.mktemp("staged") / "book")
    return quarto_stage.read_notebooks(copy, pandoc_path(), ["html", "pdf", "docx"])


def test_book_index_places_every_float_and_section_on_its_chapter(staged):
    assert staged.index == {
        "tbl-t14-3-1": {"page": "chapters/12-01-dlt.ipynb"},
        "tbl-t14-3-3": {"page": "chapters/12-01-dlt.ipynb"},
        "fig-f14-2-1": {"page": "chapters/12-01-dlt.ipynb"},
        "tbl-l16-2-7-1": {"page": "chapters/16-listings.ipynb"},
        "sec-dlt": {"name": "Section 12.1", "page": "chapters/12-01-dlt.ipynb"},
        "sec-listings": {"name": "Section 16.2", "page": "chapters/16-listings.ipynb"},
        "sec-synopsis": {"name": "Synopsis", "page": "index.ipynb"},
    }


def test_displays_are_listed_in_book_order_with_page_and_caption(staged):
    sources = {quarto_stage.cell_label(src): src for nb in staged.notebooks.values()
               for src in ("".join(c.get("source", "")) for c in nb["cells"])}
    assert [d["id"] for d in staged.displays] == [
        "tbl-t14-3-1", "tbl-t14-3-3", "fig-f14-2-1", "tbl-l16-2-7-1"]
    for d in staged.displays:
        assert d["page"] == staged.index[d["id"]]["page"]
        kind = "fig" if d["id"].startswith("fig") else "tbl"
        assert d["caption"] and d["caption"] == quarto_stage.cell_option(sources[d["id"]], f"{kind}-cap")
        assert not d["caption"].startswith(('"', "'"))


def test_docx_tables_are_set_in_table_text_as_the_builtin_engine_sets_them(staged):
    written = [t["docx"] for t in staged.tables.values() if t["docx"].startswith("````````{=openxml}")]
    assert written
    for docx in written:
        assert 'w:pStyle w:val="TableText"' in docx and 'w:val="Compact"' not in docx


GT_WITH_DATE = ('<table class="gt_table"><thead><tr><th class="gt_col_heading">Start</th>'
                '<th class="gt_col_heading">n</th></tr></thead><tbody class="gt_table_body"><tr>'
                '<td class="gt_row">2025-01-02</td><td class="gt_row"><span title="ARD T14.1.1; 1 '
                'participant: S-1" data-trace="trace/T14.1.1.json#0">1</span></td></tr></tbody></table>')


def test_html_tables_keep_date_cells_on_one_line_and_trace_spans_as_the_builtin_engine():
    out = quarto_stage.run_stage_lua(pandoc_path(), {"formats": ["html"], "tables": {"k": GT_WITH_DATE}})
    html = out["tables"]["k"]["html"]
    assert '<td class="csr-nowrap">2025-01-02</td>' in html
    assert 'data-trace="trace/T14.1.1.json#0"' in html and 'title="ARD T14.1.1; 1' in html


def test_html_tables_keep_cells_styled_nowrap_on_one_line_as_the_builtin_engine():
    gt = GT_WITH_DATE.replace('<td class="gt_row">2025-01-02</td>',
                              '<td class="gt_row" style="white-space: nowrap">DL1 (0.5 × 10⁶/kg)</td>')
    out = quarto_stage.run_stage_lua(pandoc_path(), {"formats": ["html"], "tables": {"k": gt}})
    assert '<td class="csr-nowrap">DL1 (0.5 × 10⁶/kg)</td>' in out["tables"]["k"]["html"]


def test_html_tables_keep_a_cells_min_width_alone_of_its_styles():
    gt = GT_WITH_DATE.replace('<td class="gt_row">2025-01-02</td>',
                              '<td class="gt_row" style="color: red; min-width: 6.2em">Azathioprine;</td>')
    out = quarto_stage.run_stage_lua(pandoc_path(), {"formats": ["html"], "tables": {"k": gt}})
    assert '<td style="min-width: 6.2em">Azathioprine;</td>' in out["tables"]["k"]["html"]


def test_each_format_gets_the_table_as_pandoc_writes_it(staged):
    assert staged.tables
    for by_format in staged.tables.values():
        assert by_format["html"].startswith("````````{=html}\n") and "<table" in by_format["html"]
        assert by_format["pdf"].startswith("````````{=typst}\n") and "table(" in by_format["pdf"]
        docx = by_format["docx"]
        assert (docx.startswith("````````{=openxml}\n<w:tbl>") and docx.rstrip().endswith(
            "</w:tbl>\n````````")) or docx.lstrip().startswith("+")


def test_written_notebooks_carry_one_markdown_representation_per_table(staged, tmp_path):
    project = tmp_path / "book"
    for rel in ("_quarto.yml", *[c for c in staged.notebooks]):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_bytes((BOOK / rel).read_bytes())
    staged.write(project, "pdf")
    key = next(iter(staged.tables))
    chapter, i, j = key.rsplit("#", 2)
    nb = json.loads((project / chapter).read_text(encoding="utf-8"))
    data = nb["cells"][int(i)]["outputs"][int(j)]["data"]
    assert list(data) == ["text/markdown"]
    assert data["text/markdown"].startswith("````````{=typst}")
