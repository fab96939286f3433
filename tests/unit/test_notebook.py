"""The Chapter helper of the notebooks: ARDs, quoted statistics, missing data."""

import sys
import types
from datetime import date

import pandas as pd
import pytest

from analysis import ard
from analysis.data import StudyData
from analysis.displays.registry import declare
from analysis.notebook import Chapter


def _declare(mod: types.ModuleType) -> None:
    """Declare a stand-in display module in the registry, as a real one does at its end."""
    did = mod.__name__.rsplit(".", 1)[1].upper().replace("_", ".")
    mod.DISPLAY = declare(did, ard=mod.ard, footnotes=getattr(mod, "footnotes", None),
                          figure=getattr(mod, "figure", None),
                          listing=getattr(mod, "listing", None),
                          plot_data=getattr(mod, "plot_data", None))


ADSL = pd.DataFrame({"USUBJID": ["S1", "S2"], "TRT01A": ["DL1", "DL1"], "SAFFL": ["Y", "Y"]})


@pytest.fixture()
def fake_display(monkeypatch):
    """A stand-in module for T14.1.2 whose ARD is literal."""
    mod = types.ModuleType("analysis.displays.t14_1_2")

    def fake_ard(data, config, group_var="TRT01A"):
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
    _declare(mod)
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


def test_ard_is_written_as_deterministic_csv(tmp_path, fake_display):
    ch = _chapter(tmp_path)
    df = ch.ard("T14.1.2")
    text = (tmp_path / "ard" / "T14.1.2.csv").read_bytes().decode("utf-8")   # CRLF line ends kept
    assert text == ard.to_csv_text(df)
    assert text.splitlines()[1].startswith("T14.1.2,TRT01A,DL1,,,BIGN,,N,,2.0,2")


def test_an_absent_display_says_once_which_dataset_it_lacks(tmp_path, shown):
    ch = _chapter(tmp_path, datasets={"ADSL": ADSL})
    assert ch.require("ADSL") is True and ch.require("ADSL", "ADEX") is False
    assert shown == []  # require is quiet: the display says it, where it would stand
    assert ch.show("T14.1.5") is None
    assert ch.show("T14.1.5") is None
    assert [m.data for m in shown] == [
        r"Table 14.1.5 *Extent of exposure\: lymphodepletion and CAR\-T dose* is not "
        r"available: this snapshot \(lit\) holds no ADEX."]


def test_a_display_lacking_a_variable_names_it(tmp_path, monkeypatch, shown):
    mod = types.ModuleType("analysis.displays.t14_1_2")

    def needs_a_flag(data, config, group_var="TRT01A"):
        raise KeyError("ADSL has no INFFL: analysis set INF cannot be formed")

    mod.ard = needs_a_flag
    _declare(mod)
    monkeypatch.setitem(sys.modules, "analysis.displays.t14_1_2", mod)
    _chapter(tmp_path).show("T14.1.2")
    assert len(shown) == 1 and "is not available: ADSL has no INFFL" in shown[0].data


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


# ---- lawful snapshots with nothing to quote (issue 11, part 5) ---------------------------

@pytest.fixture()
def nobody_infused(monkeypatch):
    """A stand-in T14.2.2 (Infused set) whose set is empty: every column N = 0."""
    mod = types.ModuleType("analysis.displays.t14_2_2")

    def fake_ard(data, config, group_var="TRT01A"):
        data["ADEDSS"]
        rows = []
        for level in ("DL1", "Total"):
            rows += [ard.row("T14.2.2", "BIGN", "N", 0, group1=group_var, group1_level=level),
                     ard.row("T14.2.2", "WORS", "n", 0, group1=group_var, group1_level=level),
                     ard.row("T14.2.2", "WORS", "pct", None, group1=group_var,
                             group1_level=level)]
        return ard.frame(rows)

    mod.ard = fake_ard
    _declare(mod)
    monkeypatch.setitem(sys.modules, "analysis.displays.t14_2_2", mod)
    return mod


EDSS = pd.DataFrame({"USUBJID": ["S1"], "AVAL": [2.0]})
NOT_INFUSED = ADSL.assign(INFFL="N")


def test_a_table_of_an_empty_set_keeps_its_columns_and_says_why_it_is_empty(
        tmp_path, nobody_infused):
    ch = _chapter(tmp_path, datasets={"ADSL": NOT_INFUSED, "ADEDSS": EDSS})
    html = ch.gt("T14.2.2").as_raw_html()
    assert "DL1<br>N = 0" in html and "Total<br>N = 0" in html
    assert "No participant was in the Infused set at the data cut-off (2026-03-01)." in html
    assert "Participants with EDSS worsening" not in html
    assert (tmp_path / "tlf" / "T14.2.2.rtf").is_file()


def test_a_figure_of_an_empty_set_is_a_message_in_place_of_the_plot(tmp_path, monkeypatch):
    mod = types.ModuleType("analysis.displays.f14_2_1")
    mod.plot_data = lambda data, config, group_var="TRT01A": None
    mod.ard = lambda data, config, group_var="TRT01A", plot=None: ard.frame(
        [ard.row("F14.2.1", "BIGN", "N", 0, group1=group_var, group1_level=level)
         for level in ("DL1", "Total")])
    mod.figure = lambda *args: pytest.fail("an empty set draws no plot")
    _declare(mod)
    monkeypatch.setitem(sys.modules, "analysis.displays.f14_2_1", mod)
    from analysis.style import figures

    drawn = []
    monkeypatch.setattr(figures, "message_figure",
                        lambda text: drawn.append(text) or figures.new_figure()[0])
    ch = _chapter(tmp_path, datasets={"ADSL": NOT_INFUSED, "ADRELAP": EDSS})
    png = ch.figure_png("F14.2.1")
    assert drawn == ["No participant was in the Infused set at the data cut-off (2026-03-01)."]
    assert png.startswith(b"\x89PNG")
    assert (tmp_path / "figures" / "F14.2.1.png").read_bytes() == png


@pytest.fixture()
def fake_figure(monkeypatch):
    """A stand-in module for F14.2.1: literal ARD, one own footnote, a small figure."""
    import matplotlib.pyplot as plt

    mod = types.ModuleType("analysis.displays.f14_2_1")
    mod.plot_data = lambda data, config, group_var="TRT01A": ("plot data of", group_var)
    mod.ard = lambda data, config, group_var="TRT01A", plot=None: ard.frame([
        ard.row("F14.2.1", "BIGN", "N", 2, group1=group_var, group1_level="DL1")])
    mod.footnotes = lambda data, config: ["Censored at *cut-off*."]

    def figure(ard_rows, plot, config):
        assert plot == ("plot data of", "TRT01A")  # the plot data the ARD was built from
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.plot([0, 1], [1, 0])
        return fig

    mod.figure = figure
    _declare(mod)
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
    # the literal ADSL has no INFFL: the set line says which set stands in (issue 11)
    lines = ["Analysis set: Safety (ADSL has no INFFL: the Infused set cannot be formed)",
             "Censored at *cut-off*.",
             "Data cut-off: 2026-03-01. Snapshot: lit.", "SIMULATED DATA: not trial results.",
             "Source: analysis/displays/f14_2_1.py; datasets: ADSL, ADRELAP"]
    assert notes == "::: {.csr-figure-notes}\n" + "\n\n".join(map(Chapter.esc, lines)) + "\n:::\n"


def test_a_display_needing_an_unmapped_codelist_value_says_which_and_others_render(
        tmp_path, fake_display, shown, monkeypatch):
    from data_contract.codelists import UnmappedTermError

    mod = types.ModuleType("analysis.displays.t14_3_2")

    def unmapped(data, config, group_var):
        raise UnmappedTermError("ADAE AREL value 'MAYBE' has no meaning: map it under "
                                "codelists in study.yml or the mapping file")

    mod.ard = unmapped
    _declare(mod)
    monkeypatch.setitem(sys.modules, "analysis.displays.t14_3_2", mod)
    ch = _chapter(tmp_path, datasets={"ADSL": ADSL,
                                      "ADAE": pd.DataFrame({"USUBJID": ["S1"], "AREL": ["MAYBE"]})})
    assert ch.show("T14.3.2") is None
    ch.show("T14.1.2")
    said = [m.data for m in shown if hasattr(m, "data") and "MAYBE" in m.data]
    assert len(said) == 1 and "is not available" in said[0]
    assert "t14_1_2.py" in "".join(getattr(m, "data", "") for m in shown)  # T14.1.2 renders


def test_text_marks_where_its_template_stands_without_reading_it(tmp_path, monkeypatch):
    from analysis import notebook

    marks = []
    monkeypatch.setattr(notebook, "display", lambda obj, **kw: marks.append((obj, kw)))
    _chapter(tmp_path).text("12-01-dlt/dlt")  # no such file under tmp_path: never read here
    (obj, kw), = marks
    assert kw == {"metadata": {notebook.TEXT_MARKER: "12-01-dlt/dlt"}}
    assert "text/prose/12-01-dlt/dlt.md" in obj.data
