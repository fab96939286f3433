"""What the CSR shows, as the RTF takes it: a wide text table and its column headers,
from an ARD (:func:`table_inputs`) or from a display module's own great-tables table
(:func:`gt_inputs`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.style.tables import GROUP_COL, KIND_COL, LABEL_COL


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def table_column_headers(columns: Sequence[str], bign: Mapping[str, str],
                         stub: str = "") -> list[str]:
    """Column headers of a table: the stub header, then ``<level>\\nN = x`` per column
    (``N`` from the ARD's ``BIGN`` rows, as in the CSR's column labels)."""
    heads = [stub]
    for c in columns:
        name = c or "All"
        heads.append(f"{name}\nN = {bign[c]}" if c in bign else name)
    return heads


def table_inputs(ard: pd.DataFrame, layout_hints: Mapping | None = None
                 ) -> tuple[pd.DataFrame, list[str]]:
    """The wide table and column headers the CSR shows for ``ard``: the same
    :func:`analysis.style.tables.layout` (with the display's ``LAYOUT`` hints)
    and the same ``N`` from the ``BIGN`` rows as :func:`~analysis.style.tables.gt_table`."""
    from analysis.style import tables

    hints = dict(layout_hints or {})
    wide = tables.layout(ard, variable_labels=hints.get("variable_labels"),
                         level_labels=hints.get("level_labels"))
    cols = [c for c in wide.columns if c not in (GROUP_COL, LABEL_COL, KIND_COL)]
    return wide, table_column_headers(cols, tables.big_n_of(ard))


def _label_text(label: object) -> str:
    """Plain text of a great-tables column label (``<br>`` as a line break)."""
    import html as html_mod
    import re

    text = getattr(label, "text", label)
    text = re.sub(r"<br\s*/?>", "\n", str(text), flags=re.I)
    return html_mod.unescape(re.sub(r"<[^>]+>", "", text))


def gt_inputs(gt) -> tuple[pd.DataFrame, list[str]]:
    """The wide table and column headers of a display module's own great-tables
    table (its data as given to ``GT``: stub, row groups, visible columns). Cells
    formatted by great-tables ``fmt_*`` calls are taken as the data hold them."""
    data = gt._tbl_data
    stub = next((c for c in gt._boxhead if c.type.name == "stub"), None)
    group = next((c for c in gt._boxhead if c.type.name == "row_group"), None)
    cols = [c for c in gt._boxhead if c.type.name == "default" and c.visible]
    wide = pd.DataFrame({
        GROUP_COL: data[group.var].astype(str) if group else "",
        LABEL_COL: data[stub.var].astype(str) if stub else "",
        KIND_COL: "data",
    }, index=data.index)
    for c in cols:
        wide[c.var] = ["" if _isna(v) else str(v) for v in data[c.var]]
    heads = [_label_text(stub.column_label) if stub and stub.column_label != stub.var else ""]
    heads += [_label_text(c.column_label) for c in cols]
    return wide.reset_index(drop=True), heads
