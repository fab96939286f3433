"""Each display cell of a chapter shows the display its label names, and its caption is
the catalogue's title (the Lua filter ``report/assets/cells.lua`` makes the caption from
the cell's ``tbl-cap``/``fig-cap``; the title is typed in the catalogue only, so a cell
that retypes it differently fails here)."""

import json
import re
from pathlib import Path

import pytest

from analysis.catalogue import ALL_DISPLAYS as DISPLAYS

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
def test_a_display_cell_is_labelled_and_captioned_as_the_catalogue_says(chapter, display_id,
                                                                         options):
    entry = next(d for d in DISPLAYS if d.id == display_id)
    assert entry.chapter == chapter
    if display_id.startswith(("L", "N")):
        return  # a listing's heading is drawn by the listing itself; narratives are a section
    assert options.get("label") == entry.label
    cap = options.get("fig-cap" if display_id.startswith("F") else "tbl-cap")
    assert cap == entry.title


def test_every_table_and_figure_of_the_catalogue_stands_in_its_chapter():
    shown = {d for _, d, _ in CELLS}
    assert [d.id for d in DISPLAYS if d.id not in shown] == []
