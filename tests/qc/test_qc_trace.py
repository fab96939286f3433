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
    for display_id in ("T14.1.1", "T14.1.2", "T14.1.3", "T14.2.7", "T14.3.2", "T14.3.4",
                       "T14.3.5", "T14.3.10"):
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


def test_demographics_counts_made_by_tableone_publish_the_recomputed_participants(qc_snapshots, tmp_path):
    """T14.1.3's categorical counts come from tableone, not count_rows: each SEX cell's
    participants are the Safety-set participants of that column and sex."""
    snap = qc_snapshots("sim-final")
    config = load_config()
    ch = Chapter("sim-final", snapshot_root=snap.root, outputs_dir=tmp_path, data=snap.data,
                 config=config)
    html = ch.gt("T14.1.3").as_raw_html()
    published = json.loads((tmp_path / "trace" / "T14.1.3.json").read_text(encoding="utf-8"))
    sl = connect(snap.folder).execute("SELECT * FROM ADSL WHERE SAFFL = 'Y'").df()
    members = column_members(sl, column_labels(config, sl[GROUP].unique()))
    sex = [(i, c) for i, c in enumerate(published["cells"]) if c["variable"] == "SEX"]
    assert {c["variable_level"] for _, c in sex} == set(sl["SEX"])
    soup = BeautifulSoup(html, "html.parser")
    for index, cell in sex:
        expected = members[cell["group1_level"]] & set(sl.loc[sl["SEX"] == cell["variable_level"], "USUBJID"])
        assert cell["usubjid"] == sorted(expected) and cell["n"] == len(expected)
        shown = soup.find_all(attrs={"data-trace": f"trace/T14.1.3.json#{index}"})
        assert len(shown) == 1 and shown[0].get_text().split(" ")[0] == str(len(expected))


def test_the_n_of_a_continuous_summary_publishes_the_participants_with_a_value(qc_snapshots, tmp_path):
    """T14.1.3's age n (tableone): the Safety-set participants of the column with an age."""
    snap = qc_snapshots("sim-final")
    config = load_config()
    ch = Chapter("sim-final", snapshot_root=snap.root, outputs_dir=tmp_path, data=snap.data,
                 config=config)
    ch.gt("T14.1.3")
    sl = connect(snap.folder).execute("SELECT * FROM ADSL WHERE SAFFL = 'Y'").df()
    members = column_members(sl, column_labels(config, sl[GROUP].unique()))
    age = [c for c in json.loads((tmp_path / "trace" / "T14.1.3.json").read_text())["cells"]
           if c["variable"] == "AGE"]
    assert {c["group1_level"] for c in age} == set(members)
    with_age = set(sl.loc[sl["AGE"].notna(), "USUBJID"])
    for c in age:
        assert c["stat_names"] == ["n"] and c["usubjid"] == sorted(members[c["group1_level"]] & with_age)
