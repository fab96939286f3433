"""Each display cell of a chapter shows a display of its chapter, and its label and caption
are the catalogue's: the build writes them into the staged notebooks
(``report/display_cells.py``) before either engine reads them (Quarto's floats, the
built-in engine's ``report/assets/cells.lua``); a cell that still types one must agree."""

import json
import re
from pathlib import Path

import pytest

from analysis.catalogue import ALL_DISPLAYS as DISPLAYS
from report.display_cells import caption_cell

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
OPTION = re.compile(r'^#\| (label|tbl-cap|fig-cap): "?(.*?)"?$', re.M)


def _display_cells():
    for nb_path in NOTEBOOKS:
        for cell in json.loads(nb_path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            shown = re.search(r'ch\.show\("([^"]+)"\)', source)
            if cell["cell_type"] == "code" and shown:
                yield nb_path.stem, shown.group(1), dict(
                    (k, v) for k, v in OPTION.findall(source))


CELLS = list(_display_cells())


@pytest.mark.parametrize("chapter,display_id,options", CELLS,
                         ids=[c[1] for c in CELLS])
def test_a_display_cell_types_no_label_or_title_and_stands_in_its_catalogue_chapter(
        chapter, display_id, options):
    """The build writes each display's label and caption from the catalogue
    (report.display_cells): a notebook retyping them could only disagree with it."""
    entry = next(d for d in DISPLAYS if d.id == display_id)
    assert entry.chapter == chapter
    assert not {"label", "tbl-cap", "fig-cap"} & set(options), options


@pytest.mark.parametrize("source, expected", [
    ('ch.show("T14.3.1")',
     '#| label: tbl-t14-3-1\n#| tbl-cap: "Dose-limiting toxicities by dose level (primary)"\n'
     'ch.show("T14.3.1")'),
    ('#| label: fig-old\n#| fig-cap: "Retyped"\nch.show("F14.2.1")',
     '#| label: fig-f14-2-1\n#| fig-cap: "Relapse-free proportion after infusion '
     '(Kaplan-Meier)"\nch.show("F14.2.1")'),
    ('#| classes: landscape\nch.show("L16.2.1")',
     '#| label: tbl-l16-2-1\n#| tbl-cap: "Disposition and discontinuations"\n'
     '#| classes: landscape\nch.show("L16.2.1")'),
    ('ch.show("N14.3.3")', 'ch.show("N14.3.3")'),
    ('ch.text("12-01-dlt/dlt")', 'ch.text("12-01-dlt/dlt")'),
])
def test_the_staged_display_cell_gets_label_and_caption_from_the_catalogue(source, expected):
    assert caption_cell(source) == expected


def test_every_table_and_figure_of_the_catalogue_stands_in_its_chapter():
    shown = {d for _, d, _ in CELLS}
    assert [d.id for d in DISPLAYS if d.id not in shown] == []


def test_no_notebook_text_cross_references_a_display():
    """A display is not available for every snapshot (another study's ADaM may hold no
    ADDV), and a reference to a float that is not there fails the render. Only a prose
    template knows whether it is (``available(...)``, ``prose(...)``): references live there."""
    refs = [(nb.stem, ref) for nb in NOTEBOOKS
            for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]
            if cell["cell_type"] == "markdown"
            for ref in re.findall(r"@(?:tbl|fig)-[\w-]+", "".join(cell["source"]))]
    assert refs == []
