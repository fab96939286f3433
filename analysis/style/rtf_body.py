"""The body rows of an RTF table or listing: plain text cells, with each row's bold
first cell and indentation (the CSR's row groups and variable headings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.style.decode import shown_cells
from analysis.style.listings import as_text
from analysis.style.tables import GROUP_COL, INDENT, KIND_COL, LABEL_COL


def _indent_level(label: str) -> tuple[int, str]:
    """Leading :data:`INDENT` units of a layout label and the label without them."""
    level = 0
    while label.startswith(INDENT):
        label = label[len(INDENT):]
        level += 1
    return level, label.lstrip("\u00a0")


@dataclass(frozen=True)
class Body:
    frame: pd.DataFrame          # plain text cells, columns in display order
    bold: list[bool]             # per row: bold first cell (row group, variable heading)
    indent: list[int]            # per row: indentation level of the first cell


def table_body(wide: pd.DataFrame) -> Body:
    """The wide layout (``group``, ``label``, ``row_kind``, one column per level) as
    table rows: a bold row per row group, bold variable headings, and the label's
    indentation (leading :data:`~analysis.style.tables.INDENT` units) kept."""
    cols = [c for c in wide.columns if c not in (GROUP_COL, LABEL_COL, KIND_COL)]
    has_groups = GROUP_COL in wide and bool((wide[GROUP_COL].astype(str) != "").any())
    rows: list[list[str]] = []
    bold: list[bool] = []
    indent: list[int] = []
    current = None
    for r in wide.to_dict("records"):
        if has_groups and r[GROUP_COL] != current:
            current = r[GROUP_COL]
            rows.append([str(current)] + [""] * len(cols))
            bold.append(True)
            indent.append(0)
        level, label = _indent_level(str(r[LABEL_COL]))
        rows.append([label] + ["" if _isna(r[c]) else str(r[c]) for c in cols])
        bold.append(r.get(KIND_COL) == "heading")
        indent.append(level + (1 if has_groups else 0))
    frame = pd.DataFrame(rows, columns=["label", *[f"c{i}" for i in range(len(cols))]])
    return Body(frame, bold, indent)


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def listing_body(listing: pd.DataFrame, variables: Mapping[str, str] | None = None) -> Body:
    """A listing's rows as text (:func:`analysis.style.listings.as_text`: ISO dates,
    missing values empty; controlled terms decoded, :func:`analysis.style.decode.shown_cells`,
    a column of ``variables`` as a value of its variable); one "No records." row when it
    is empty."""
    text = shown_cells(as_text(listing), variables)
    frame = text.copy()
    frame.columns = [f"c{i}" for i in range(text.shape[1])]
    if frame.empty:
        frame = pd.DataFrame([["No records."] + [""] * (text.shape[1] - 1)],
                             columns=frame.columns)
    return Body(frame, [False] * len(frame), [0] * len(frame))
