"""The generated E3 sections (report.sections): abbreviations collected from the text used,
objectives quoted from the registry, where each display is, study information linked."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.config import load_config
from analysis.style.escape import escape_markdown
from report.meta import RenderMeta
from report.sections import is_generated, unknown_generated, write_generated
from report.sections.abbreviations import used
from report.sections.book_text import read_book_text

ROOT = Path(__file__).resolve().parents[2]
META = RenderMeta(protocol_id="NCT06561009", title="Clinical Study Report", subtitle="",
                  sponsor="Sponsor", phase="Phase 1", full_title="A CAR-T study", version="1.0",
                  cutoff="2026-01-31", snapshot_id="sim-x", simulated=True,
                  first_enrolment="2025-01-06")


def test_abbreviations_are_those_used_as_whole_words_plural_allowed_sorted():
    defs = {"AE": "Adverse event", "TEAE": "Treatment-emergent adverse event",
            "CRS": "Cytokine release syndrome", "IL-6": "Interleukin 6", "SD": "Standard deviation",
            "CI": "Confidence interval"}
    text = "TEAEs were seen; CRS of grade 2; IL-6 rose. SDs: none. CIRCLE."
    assert used(defs, text) == [("CRS", "Cytokine release syndrome"), ("IL-6", "Interleukin 6"),
                                ("SD", "Standard deviation"),
                                ("TEAE", "Treatment-emergent adverse event")]


def _notebook(cells) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _book(tmp_path: Path) -> list[str]:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "12-01-dlt.ipynb").write_text(_notebook([
        {"cell_type": "markdown", "metadata": {}, "source": "# 12.1 Dose-limiting toxicities {#sec-dlt}"},
        {"cell_type": "code", "metadata": {}, "execution_count": 1,
         "source": "#| label: tbl-t14-3-1\nch.display('T14.3.1')",
         "outputs": [{"output_type": "display_data", "metadata": {},
                      "data": {"text/html": "<style>.x{}</style><table><tr><td>DLT in 1 of 3 (MTD)"
                                            "</td></tr></table>"}}]},
    ]), encoding="utf-8")
    (tmp_path / "text" / "writer").mkdir(parents=True)
    (tmp_path / "text" / "writer" / "13-discussion.md").write_text(
        "# 13 Discussion and overall conclusions\n\n[Writer: discuss.] The SAP.\n", encoding="utf-8")
    (tmp_path / "text" / "abbreviations.yml").write_text(
        "DLT: Dose-limiting toxicity\nMTD: Maximum tolerated dose\nSAP: Statistical analysis plan\n"
        "HBV: Hepatitis B virus\n", encoding="utf-8")
    return ["generated/04-abbreviations.md", "generated/08-objectives.md",
            "chapters/12-01-dlt.ipynb", "text/writer/13-discussion.md", "generated/14-displays.md",
            "generated/16-01-study-information.md"]


def test_generated_sections_are_written_into_the_staged_book_from_what_it_says(tmp_path):
    chapters = _book(tmp_path)
    config = load_config(ROOT / "study.yml")
    written = write_generated(tmp_path, chapters, config, META)
    assert written == [c for c in chapters if is_generated(c)]
    abbreviations = (tmp_path / "generated" / "04-abbreviations.md").read_text(encoding="utf-8")
    assert abbreviations.startswith("# 4 List of abbreviations")
    rows = [line.split("|")[1].strip() for line in abbreviations.splitlines()[4:] if "|" in line]
    assert rows == ["DLT", "MTD", "SAP"]          # HBV is defined but not used
    objectives = (tmp_path / "generated" / "08-objectives.md").read_text(encoding="utf-8")
    measures = config.registry["outcome_measures"]
    for m in measures["primary"] + measures["secondary"]:   # quoted as registered
        assert escape_markdown(m["name"]) in objectives
        assert escape_markdown(m["description"]) in objectives
    assert objectives.index("8.1 Primary") < objectives.index(escape_markdown(
        measures["primary"][0]["name"])) < objectives.index("8.2 Secondary")
    # only the section the book has is linked
    assert "@sec-dlt" in objectives and "@sec-arr" not in objectives
    displays = (tmp_path / "generated" / "14-displays.md").read_text(encoding="utf-8")
    assert "| @tbl-t14-3-1 |" in displays and "@sec-dlt" in displays
    assert "Table 14.3.2 | Overview" in displays.replace("\\", "") and "Not in this report" in displays
    info = (tmp_path / "generated" / "16-01-study-information.md").read_text(encoding="utf-8")
    assert "2025-01-06 (first enrolment) to 2026-01-31 (data cut-off)" in info.replace("\\", "")
    assert "not in this report" in info     # no section 9 in this book: nothing to link


def test_the_abbreviations_read_generated_sections_too(tmp_path):
    chapters = _book(tmp_path)
    (tmp_path / "text" / "abbreviations.yml").write_text("ARR: Annualised relapse rate\n",
                                                         encoding="utf-8")
    write_generated(tmp_path, chapters, load_config(ROOT / "study.yml"), META)
    # ARR appears only in section 8 (the registry's outcome measure "Annualized relapse rate (ARR)")
    assert "| ARR |" in (tmp_path / "generated" / "04-abbreviations.md").read_text(encoding="utf-8")


def test_a_generated_chapter_without_a_generator_is_named():
    assert unknown_generated(["generated/04-abbreviations.md", "generated/99-x.md", "index.ipynb"]) \
        == ["generated/99-x.md"]


def test_book_text_finds_where_each_display_is(tmp_path):
    chapters = _book(tmp_path)
    book = read_book_text(tmp_path, chapters)
    where = book.display_sections()
    assert where["tbl-t14-3-1"][0] == "chapters/12-01-dlt.ipynb"
    assert where["tbl-t14-3-1"][1].ident == "sec-dlt"
    assert "<style>" not in book.words() and "MTD" in book.words()


def test_escaped_markdown_counts_as_its_text(tmp_path):
    (tmp_path / "a.md").write_text("# 7 Introduction\n\nCAR\\-T cells and IL\\-6\\.\n", encoding="utf-8")
    words = read_book_text(tmp_path, ["a.md"]).words()
    assert used({"CAR-T": "x", "IL-6": "y"}, words) == [("CAR-T", "x"), ("IL-6", "y")]


def test_a_display_that_is_not_available_is_not_listed_as_shown(tmp_path):
    """Another study's ADaM may lack what T14.1.4 needs: its cell says so in Markdown, and
    section 14 must not link a table that is not there (a dead @tbl- fails the render)."""
    (tmp_path / "c.ipynb").write_text(_notebook([
        {"cell_type": "markdown", "metadata": {}, "source": "# 10 Study participants {#sec-p}"},
        {"cell_type": "code", "metadata": {}, "execution_count": 1,
         "source": "#| label: tbl-t14-1-4\nch.show('T14.1.4')",
         "outputs": [{"output_type": "display_data", "metadata": {}, "data": {
             "text/markdown": "Table 14.1.4 *NMOSD history* is not available: no ADSL DISDUR."}}]},
        {"cell_type": "code", "metadata": {}, "execution_count": 2,
         "source": "#| label: fig-f14-2-1\nch.show('F14.2.1')",
         "outputs": [{"output_type": "display_data", "metadata": {}, "data": {
             "text/markdown": "![](data:image/png;base64,iVBORw0KGgo=)\n\nAnalysis set: Infused"}}]},
    ]), encoding="utf-8")
    where = read_book_text(tmp_path, ["c.ipynb"]).display_sections()
    assert "tbl-t14-1-4" not in where and where["fig-f14-2-1"][1].ident == "sec-p"
