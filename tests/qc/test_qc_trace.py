"""Traceability (issue 16, HTML): the participants published beside the report for a count
cell (``trace/<display>.json``) are exactly those an independent recomputation on the
snapshot finds, and the cell of the HTML table (also after pandoc) carries its reference."""

from __future__ import annotations

import json

import pypandoc
import pytest
from bs4 import BeautifulSoup
from qc_common import GROUP, column_labels, column_members
from qc_db import connect

from analysis.config import load_config
from analysis.notebook import Chapter

pytestmark = pytest.mark.qc


def _discontinued_by_column(snapshot_dir, config) -> dict[str, set]:
    """QC: enrolled participants with EOSSTT = DISCONTINUED, per dose level and Total."""
    sl = connect(snapshot_dir).execute("SELECT * FROM ADSL WHERE ENRLFL = 'Y'").df()
    members = column_members(sl, column_labels(config, sl[GROUP].unique()))
    disc = set(sl.loc[sl["EOSSTT"].eq("DISCONTINUED"), "USUBJID"])
    return {col: ids & disc for col, ids in members.items()}


def test_published_participants_of_a_count_cell_are_the_recomputed_ones_and_the_html_cell_names_them(
        qc_snapshots, tmp_path):
    snap = qc_snapshots("sim-final")
    config = load_config()
    ch = Chapter("sim-final", snapshot_root=snap.root, outputs_dir=tmp_path, data=snap.data,
                 config=config)
    html = ch.gt("T14.1.1").as_raw_html()
    published = json.loads((tmp_path / "trace" / "T14.1.1.json").read_text(encoding="utf-8"))
    cells = [(i, c) for i, c in enumerate(published["cells"]) if c["variable"] == "DISCONTINUED"]
    expected = _discontinued_by_column(snap.folder, config)
    assert {c["group1_level"] for _, c in cells} == set(expected)
    assert any(expected.values()), "sim-final should have a discontinued participant"
    html_after_pandoc = pypandoc.convert_text(html, "html5", format="html")
    for page in (html, html_after_pandoc):
        soup = BeautifulSoup(page, "html.parser")
        for index, cell in cells:
            assert cell["usubjid"] == sorted(expected[cell["group1_level"]])
            assert cell["n"] == len(expected[cell["group1_level"]])
            shown = soup.find_all(attrs={"data-trace": f"trace/T14.1.1.json#{index}"})
            assert len(shown) == 1, f"cell {cell['group1_level']} not traced once in the HTML"
            title = shown[0]["title"]
            assert "ARD T14.1.1" in title and "variable DISCONTINUED" in title
            assert f"TRT01A = {cell['group1_level']}" in title
            assert all(u in title for u in cell["usubjid"])
            assert shown[0].get_text().split(" ")[0] == str(cell["n"])  # "n (x.x%)" or "0"


def test_every_published_trace_record_stands_for_an_n_row_of_the_ard_with_its_count(
        qc_snapshots, tmp_path):
    snap = qc_snapshots("sim-final")
    ch = Chapter("sim-final", snapshot_root=snap.root, outputs_dir=tmp_path, data=snap.data)
    for display_id in ("T14.1.1", "T14.1.2", "T14.3.2", "T14.3.4", "T14.3.5"):
        ard = ch.ard(display_id)
        records = json.loads((tmp_path / "trace" / f"{display_id}.json").read_text())["cells"]
        assert records, display_id
        n_rows = ard[ard["stat_name"] == "n"]
        for rec in records:
            hit = n_rows[(n_rows["variable"] == rec["variable"])
                         & (n_rows["variable_level"] == rec["variable_level"])
                         & (n_rows["group1_level"] == rec["group1_level"])
                         & (n_rows["group2_level"] == rec["group2_level"])]
            assert len(hit) == 1 and hit["stat"].iloc[0] == rec["n"] == len(rec["usubjid"])
