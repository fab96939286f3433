"""The Chapter helper of the notebooks: ARDs, quoted statistics, missing data."""

import sys
import types
from datetime import date

import pandas as pd
import pytest

from analysis import ard
from analysis.data import StudyData
from analysis.notebook import Chapter

ADSL = pd.DataFrame({"USUBJID": ["S1", "S2"], "TRT01A": ["DL1", "DL1"], "SAFFL": ["Y", "Y"]})


@pytest.fixture()
def fake_display(monkeypatch):
    """A stand-in module for T14.1.2 whose ARD is literal."""
    mod = types.ModuleType("analysis.displays.t14_1_2")

    def fake_ard(data, config, group_var="TRT01A", **options):
        data["ADSL"]
        return ard.frame([
            ard.row("T14.1.2", "BIGN", "N", 2, group1=group_var, group1_level="DL1"),
            ard.row("T14.1.2", "SAF", "n", 2, group1=group_var, group1_level="DL1"),
            ard.row("T14.1.2", "SAF", "pct", 100.0, group1=group_var, group1_level="DL1"),
            ard.row("T14.1.2", "INF", "n", 1, group1=group_var, group1_level="DL1"),
            ard.row("T14.1.2", "INF", "n", 1, group1=group_var, group1_level="Total"),
        ])

    mod.ard = fake_ard
    mod.footnotes = lambda data, config: ["Own note."]
    monkeypatch.setitem(sys.modules, "analysis.displays.t14_1_2", mod)
    return mod


@pytest.fixture()
def shown(monkeypatch):
    """What the Chapter displays (IPython display objects), in order."""
    out = []
    monkeypatch.setattr("analysis.notebook.display", out.append)
    return out


def _chapter(tmp_path, datasets=None, simulated=True):
    data = StudyData(datasets={"ADSL": ADSL} if datasets is None else datasets,
                     cutoff=date(2026, 3, 1), snapshot_id="lit", simulated=simulated)
    return Chapter("lit", outputs_dir=tmp_path, data=data)


def test_stat_returns_the_formatted_value_of_exactly_one_row(tmp_path, fake_display):
    ch = _chapter(tmp_path)
    assert ch.stat("T14.1.2", "pct", variable="SAF", group1_level="DL1") == "100.0"
    assert ch.value("T14.1.2", "n", variable="SAF", group1_level="DL1") == 2.0


def test_stat_raises_naming_display_and_filters_on_no_or_several_matches(tmp_path, fake_display):
    ch = _chapter(tmp_path)
    with pytest.raises(ValueError, match=r"T14\.1\.2: 0 ARD rows match stat_name='n', variable='DLT'"):
        ch.stat("T14.1.2", "n", variable="DLT")
    with pytest.raises(ValueError, match=r"T14\.1\.2: 2 ARD rows match .*variable='INF'"):
        ch.stat("T14.1.2", "n", variable="INF")


def test_ard_is_written_as_deterministic_csv(tmp_path, fake_display):
    ch = _chapter(tmp_path)
    df = ch.ard("T14.1.2")
    text = (tmp_path / "ard" / "T14.1.2.csv").read_text()
    assert text == ard.to_csv_text(df)
    assert text.splitlines()[1].startswith("T14.1.2,TRT01A,DL1,,,BIGN,,N,,2.0,2")


def test_require_says_in_one_line_which_dataset_is_absent(tmp_path, shown):
    ch = _chapter(tmp_path)
    assert ch.require("ADSL") is True
    assert shown == []
    assert ch.require("ADSL", "ADPC") is False
    assert [m.data for m in shown] == [
        "This snapshot (lit) holds no ADPC: the results of this section are not available."]


def test_show_returns_none_quietly_when_the_display_data_are_absent(tmp_path, shown):
    ch = _chapter(tmp_path, datasets={"ADSL": ADSL})
    ch.require("ADEX")
    assert len(shown) == 1
    assert ch.show("T14.1.5") is None
    assert len(shown) == 1


def test_show_displays_the_table_html(tmp_path, fake_display, shown):
    assert _chapter(tmp_path).show("T14.1.2") is None
    assert len(shown) == 1 and 'id="t14-1-2"' in shown[0].data


def test_table_carries_set_line_own_and_standard_footnotes_and_source(tmp_path, fake_display):
    ch = _chapter(tmp_path)
    html = ch.gt("T14.1.2").as_raw_html()
    for text in ("Analysis set: Enrolled", "Own note.", "Data cut-off: 2026-03-01. Snapshot: lit.",
                 "SIMULATED DATA: not trial results.",
                 "Source: analysis/displays/t14_1_2.py; datasets: ADSL", "DL1<br>N = 2"):
        assert text in html
    assert html.index("Own note.") < html.index("Data cut-off") < html.index("Source:")


def test_real_data_tables_carry_no_simulated_note(tmp_path, fake_display):
    html = _chapter(tmp_path, simulated=False).gt("T14.1.2").as_raw_html()
    assert "SIMULATED" not in html


def test_esc_escapes_data_text():
    assert Chapter.esc("*a* <b>") == r"\*a\* \<b\>"


def test_prose_helpers_tell_what_can_be_quoted(tmp_path, fake_display):
    ch = _chapter(tmp_path)
    assert ch.computable("T14.1.2")
    assert ch.columns("T14.1.2") == ["DL1"]
    assert ch.has_stat("T14.1.2", "n", variable="INF", group1_level="Total")
    assert not ch.has_stat("T14.1.2", "n", variable="DLT", group1_level="Total")


def test_a_display_is_not_computable_without_its_data_or_variables(tmp_path, monkeypatch):
    mod = types.ModuleType("analysis.displays.t14_1_2")

    def needs_a_flag(data, config, group_var="TRT01A", **options):
        raise KeyError("ADSL has no INFFL")

    mod.ard = needs_a_flag
    monkeypatch.setitem(sys.modules, "analysis.displays.t14_1_2", mod)
    assert not _chapter(tmp_path).computable("T14.1.2")
    assert not _chapter(tmp_path, datasets={}).computable("T14.1.2")


@pytest.fixture()
def fake_figure(monkeypatch):
    """A stand-in module for F14.2.1: literal ARD, one own footnote, a small figure."""
    import matplotlib.pyplot as plt

    mod = types.ModuleType("analysis.displays.f14_2_1")
    mod.ard = lambda data, config, group_var="TRT01A", **o: ard.frame([
        ard.row("F14.2.1", "BIGN", "N", 2, group1=group_var, group1_level="DL1")])
    mod.footnotes = lambda data, config: ["Censored at *cut-off*."]

    def figure(data, config, **options):
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.plot([0, 1], [1, 0])
        return fig

    mod.figure = figure
    monkeypatch.setitem(sys.modules, "analysis.displays.f14_2_1", mod)
    return mod


def test_a_figure_is_one_output_holding_the_image_and_its_notes(tmp_path, fake_figure, shown):
    import base64

    datasets = {"ADSL": ADSL, "ADRELAP": pd.DataFrame({"USUBJID": ["S1"]})}
    assert _chapter(tmp_path, datasets=datasets).show("F14.2.1") is None
    assert len(shown) == 1  # one output: both engines make one float, one caption, of it
    text = shown[0].data
    image, notes = text.split("\n\n", 1)
    png = (tmp_path / "figures" / "F14.2.1.png").read_bytes()
    assert image == "![](data:image/png;base64," + base64.b64encode(png).decode() + ")"
    lines = ["Analysis set: Infused", "Censored at *cut-off*.",
             "Data cut-off: 2026-03-01. Snapshot: lit.", "SIMULATED DATA: not trial results.",
             "Source: analysis/displays/f14_2_1.py; datasets: ADSL, ADRELAP"]
    assert notes == "::: {.csr-figure-notes}\n" + "\n\n".join(map(Chapter.esc, lines)) + "\n:::\n"
