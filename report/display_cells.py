"""Each display cell's label and caption, from the catalogue, in the staged notebooks.

A chapter notebook shows a display with one call, ``ch.show("T14.3.1")``, and types no
title: the display's number and title are in ``analysis/catalogue.py`` only. Before
either engine runs, :func:`caption_cells` writes the cell options both read at the top
of every such cell of a staged (executed) notebook: ``#| label: tbl-t14-3-1`` and
``#| tbl-cap: "<catalogue title>"`` (``fig-cap`` for a figure). Quarto makes its
cross-reference floats from them; the built-in engine's ``report/assets/cells.lua``
reads the same lines. A listing gets them as a table does (``tbl-l16-2-1``); the
narratives (N14.3.3) are a section, not a float, and get none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from analysis.catalogue import get

SHOW = re.compile(r'^\s*ch\.show\("([^"]+)"\)\s*$', re.M)
_OPTION = re.compile(r"^#\|\s*(label|tbl-cap|fig-cap)\s*:")


def options(display_id: str) -> list[str]:
    """The cell option lines of a display (none for the narratives, a section)."""
    disp = get(display_id)
    if disp.id.startswith("N"):
        return []
    if '"' in disp.title:
        raise ValueError(f"{disp.id}: a catalogue title cannot hold a double quote "
                         "(it is a quoted cell option)")
    key = "fig-cap" if disp.id.startswith("F") else "tbl-cap"
    return [f"#| label: {disp.label}", f'#| {key}: "{disp.title}"']


def caption_cell(source: str) -> str:
    """``source`` of one code cell with the catalogue's label and caption at its top when it
    shows a table, figure or listing (any label or caption it typed itself is replaced)."""
    shown = SHOW.findall(source)
    if len(shown) != 1 or not options(shown[0]):  # the narratives keep their cell as it is
        return source
    lines = [ln for ln in source.splitlines() if not _OPTION.match(ln)]
    return "\n".join(options(shown[0]) + lines)


def caption_cells(paths: Iterable[Path]) -> None:
    """Write the catalogue's label and caption into the display cells of each notebook."""
    for path in paths:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        changed = False
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            old = "".join(cell.get("source", []))
            new = caption_cell(old)
            if new != old:
                cell["source"] = new.splitlines(keepends=True)
                changed = True
        if changed:
            Path(path).write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n",
                                  encoding="utf-8")
