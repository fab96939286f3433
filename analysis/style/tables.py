"""great-tables house style of the CSR tables (SAP 4, SAP 5).

Two steps, kept apart:

- :func:`layout` turns any display's ARD into a wide table of text cells: one
  row per table row, one column per ``group1_level`` (dose levels + Total, in
  ARD order). Rows follow the first appearance of (``group2_level``,
  ``variable``, ``variable_level``) in the ARD; each cell is composed from the
  statistics of that row and column with :func:`analysis.formats.compose`:

  ============================================ ==================================
  statistics of the row                        table rows
  ============================================ ==================================
  n + pct (+ N, the denominator)               one row ``n (x.x%)``
  n, mean, sd, median, q1, q3, min, max        ``n``, ``Mean (SD)``,
                                               ``Median (Q1, Q3)``, ``Min, Max``
  rate + lcl + ucl / estimate + lcl + ucl      one row ``r (l, u)``
  geomean + geocv                              one row ``g (cv%)``
  text                                         the text as is
  any other statistic                          its own row, its ``stat_fmt``
  ============================================ ==================================

  ``group2_level`` becomes a row group; a variable with several rows gets a
  heading row (its label) and its rows indented below it. Row groups and
  levels show controlled terms decoded (:mod:`analysis.style.decode`; a level as a value
  of its ARD ``variable``: SEX "M" -> "Male", a Y/N flag "Y" -> "Yes").
- :func:`gt_table` renders that wide table with great-tables: column labels
  ``<level><br>N = x`` from the ``BIGN`` rows, the analysis-set line on top,
  footnotes then the source line as source notes. The table id is derived
  from the display id (great-tables would otherwise draw a random one), so the
  HTML is byte-for-byte reproducible. Data text is always escaped (no
  markdown, no HTML is interpreted in cells), control characters are shown
  by their code (:func:`analysis.style.escape.display_text`) and line feeds
  are line breaks. With the display's trace records (:mod:`analysis.trace`), each
  count cell they match (``n (%)``, and the ``n`` of a continuous summary) is wrapped in ``<span title=... data-trace=...>``: its ARD
  row and the participants it counts, on hover (:func:`layout_with_keys` says which
  ARD row each table row's count cells come from).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd
from great_tables import GT
from great_tables import html as gt_html

from analysis import trace as trace_mod
from analysis.formats import MISSING, compose
from analysis.style.decode import term_label
from analysis.style.escape import display_frame, display_text, html_text

INDENT = "\u00a0" * 4  # non-breaking spaces survive HTML -> pandoc -> typst/docx
GROUP_COL = "group"
LABEL_COL = "label"
KIND_COL = "row_kind"  # "heading" (label only) or "data"
FONT_SIZE = "9pt"

# Composite cells: kind -> (statistics consumed, row label). Order matters.
COMPOSITES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("rate_ci", ("rate", "lcl", "ucl"), "Rate (95% CI)"),
    ("estimate_ci", ("estimate", "lcl", "ucl"), "Estimate (95% CI)"),
    ("geomean_geocv", ("geomean", "geocv"), "Geometric mean (CV%)"),
    ("mean_sd", ("mean", "sd"), "Mean (SD)"),
    ("median_q1_q3", ("median", "q1", "q3"), "Median (Q1, Q3)"),
    ("min_max", ("min", "max"), "Min, Max"),
)
CONTINUOUS = {"mean", "sd", "median", "q1", "q3", "min", "max", "geomean", "geocv"}


def table_id(display_id: str) -> str:
    """Deterministic HTML id of a display's table, e.g. ``T14.1.1`` -> ``t14-1-1``."""
    return display_id.lower().replace(".", "-").replace("_", "-")


def variable_label(variable: str, labels: Mapping[str, str] | None = None,
                   datasets: Sequence[str] = ()) -> str:
    """Readable label of an ARD ``variable``: ``labels`` first, then the data contract's
    label (with its unit) in the first of the display's ``datasets`` that holds the
    variable (AVAL is labelled differently in ADLB, ADEDSS, ADVA and ADPC); a variable
    none of them holds takes the contract's label only when every dataset that holds it
    labels it alike; else the name itself."""
    if labels and variable in labels:
        return labels[variable]
    from data_contract.specs import DATASETS

    def text(spec) -> str:
        v = spec.variable(variable)
        return f"{v.label} ({v.unit})" if v.unit else v.label

    for name in datasets:
        spec = DATASETS.get(name)
        if spec is not None and variable in spec.names:
            return text(spec)
    found = {text(spec) for spec in DATASETS.values() if variable in spec.names}
    return found.pop() if len(found) == 1 else variable


def _datasets_of(ard: pd.DataFrame) -> tuple[str, ...]:
    """The source datasets of the ARD's display (catalogue), () for an id it lacks."""
    from analysis.catalogue import BY_ID

    ids = list(dict.fromkeys(ard["display_id"].astype(str)))
    entry = BY_ID.get(ids[0]) if len(ids) == 1 else None
    return entry.datasets if entry is not None else ()


def _cell_rows(stats: Mapping[str, Mapping[str, str]], order: Sequence[str],
               labels: Mapping[str, str]) -> list[tuple[str, dict[str, str], bool]]:
    """Table rows of one ARD row key: [(row label, {column: cell text}, is the row of its
    participant count: ``n (%)``, or the ``n`` of a continuous summary)].

    ``stats`` maps column -> {stat_name: stat_fmt}; ``order`` the stat names in
    order of first appearance; ``labels`` stat_name -> stat_label.
    """
    present = list(dict.fromkeys(order))
    left = list(present)
    out: list[tuple[str, dict[str, str], bool]] = []
    cols = list(stats)

    def take(names: Sequence[str]) -> None:
        for n in names:
            if n in left:
                left.remove(n)

    is_continuous = any(s in CONTINUOUS for s in present)
    if "text" in present:
        out.append((_specific(labels.get("text", "")),
                    {c: stats[c].get("text", "") for c in cols}, False))
        take(["text"])
    if "n" in present and "pct" in present and not is_continuous:
        out.append((_specific(labels.get("n", "")),
                    {c: compose("n_pct", _with_missing(stats[c], ("n", "pct")))
                         for c in cols}, True))
        take(["n", "pct", "N"])
    elif "n" in present and is_continuous:
        out.append(("n", {c: stats[c].get("n", "") for c in cols}, True))
        take(["n"])
    nobody = {c for c in cols if is_continuous and stats[c].get("n") == "0"}
    for kind, names, label in COMPOSITES:
        if all(n in left for n in names):
            out.append((label, {c: compose(kind, _with_missing(stats[c], names))
                                if c not in nobody and any(n in stats[c] for n in names)
                                else "" for c in cols}, False))
            take(names)
    for name in left:
        out.append((labels.get(name) or name, {c: stats[c].get(name, "") for c in cols},
                    False))
    return out


GENERIC_LABELS = {"", "n", "N", "%", "pct", "n (%)", "text", "Value"}


def _specific(label: str) -> str:
    """A stat_label that names the row (e.g. "Any TEAE"), or "" for a generic one."""
    return "" if label in GENERIC_LABELS else label


def _with_missing(s: Mapping[str, str], names: Sequence[str]) -> dict[str, str]:
    d = dict(s)
    for n in names:
        d.setdefault(n, MISSING)
    return d


def columns_of(ard: pd.DataFrame) -> list[str]:
    """The table's columns: ``group1_level`` values in ARD order."""
    return list(dict.fromkeys(ard["group1_level"].astype(str)))


def layout(ard: pd.DataFrame, *, variable_labels: Mapping[str, str] | None = None,
           level_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The generic wide layout of an ARD (see the module docstring).

    Returns a DataFrame with columns ``group`` (the ``group2_level``, "" when
    none), ``label`` (the stub text, indented with non-breaking spaces),
    ``row_kind`` (``heading`` or ``data``) and one column per ``group1_level``
    in ARD order. ``BIGN`` rows are not table rows (they give the column N).
    """
    return layout_with_keys(ard, variable_labels=variable_labels,
                            level_labels=level_labels)[0]


def layout_with_keys(ard: pd.DataFrame, *, variable_labels: Mapping[str, str] | None = None,
                     level_labels: Mapping[str, str] | None = None,
                     ) -> tuple[pd.DataFrame, list[tuple[str, str, str] | None]]:
    """:func:`layout` and, per table row, the ARD (group2_level, variable, variable_level)
    of its count cells (``n (%)``, a continuous summary's ``n``), or ``None`` for any other row (what traced cells point to)."""
    body = ard[ard["variable"] != "BIGN"]
    cols = columns_of(body) if len(body) else columns_of(ard)
    level_labels = level_labels or {}
    keys = ["group2_level", "variable", "variable_level"]
    records: list[dict] = []
    row_keys: list[tuple[str, str, str] | None] = []

    def add(group: str, label: str, kind: str, cells: Mapping[str, str],
            key: tuple[str, str, str] | None = None) -> None:
        records.append(_rec(group, label, kind, cells))
        row_keys.append(key)

    if not len(body):
        return pd.DataFrame(columns=[GROUP_COL, LABEL_COL, KIND_COL, *cols]), row_keys

    # the rows of each (group2_level, variable, variable_level) in ARD order, keys in order
    # of first appearance (as groupby(sort=False), without its cost per group: an AE table
    # has a group per term and level)
    grouped: dict[tuple, list] = {}
    for r in body[[*keys, "group1_level", "stat_name", "stat_label", "stat_fmt"]].itertuples(
            index=False):
        key = (r.group2_level, r.variable, r.variable_level)
        if not any(pd.isna(k) for k in key):          # groupby leaves out missing keys
            grouped.setdefault(key, []).append(r)
    # variables in order within each group2 level, then their levels
    seen_var: dict[tuple[str, str], list[str]] = {}
    for g2, var, lev in grouped:
        seen_var.setdefault((g2, var), []).append(lev)

    datasets = _datasets_of(body)
    for (g2_value, var), levels in seen_var.items():
        g2 = term_label(g2_value)
        vlabel = variable_label(var, variable_labels, datasets)
        blocks = []
        for lev in levels:
            g = grouped[(g2_value, var, lev)]
            stats: dict[str, dict[str, str]] = {c: {} for c in cols}
            for r in g:
                stats.setdefault(r.group1_level, {})[r.stat_name] = r.stat_fmt
            stat_labels = {r.stat_name: r.stat_label for r in g}
            blocks.append((lev, _cell_rows({c: stats.get(c, {}) for c in cols},
                                           [r.stat_name for r in g], stat_labels)))
        single = len(blocks) == 1 and blocks[0][0] == "" and len(blocks[0][1]) == 1
        if single:
            own = blocks[0][1][0][0]
            if not (variable_labels and var in variable_labels) and _specific(own):
                vlabel = own
            _, cells, counted = blocks[0][1][0]
            add(g2, vlabel, "data", cells, (g2_value, var, "") if counted else None)
            continue
        add(g2, vlabel, "heading", {})
        for lev, rows in blocks:
            llabel = level_labels.get(lev, term_label(lev, var))
            key = (g2_value, var, lev)
            if lev == "":
                for lab, cells, counted in rows:
                    add(g2, INDENT + (lab or "n (%)"), "data", cells, key if counted else None)
            elif len(rows) == 1:
                add(g2, INDENT + llabel, "data", rows[0][1], key if rows[0][2] else None)
            else:
                add(g2, INDENT + llabel, "heading", {})
                for lab, cells, counted in rows:
                    add(g2, INDENT * 2 + lab, "data", cells, key if counted else None)
    out = pd.DataFrame(records)
    for c in cols:
        if c not in out:
            out[c] = ""
    return (out[[GROUP_COL, LABEL_COL, KIND_COL, *cols]].fillna("").reset_index(drop=True),
            row_keys)


def nobody_layout(ard: pd.DataFrame, message: str) -> pd.DataFrame:
    """The wide table of a display whose analysis set is empty: its columns (each
    N = 0 from the ``BIGN`` rows) and one row, ``message``, saying why nothing is
    tabulated; the display keeps its number, caption and notes."""
    cols = columns_of(ard)
    return pd.DataFrame([_rec("", message, "data", {c: "" for c in cols})],
                        columns=[GROUP_COL, LABEL_COL, KIND_COL, *cols])


def _rec(group: str, label: str, kind: str, cells: Mapping[str, str]) -> dict:
    return {GROUP_COL: group, LABEL_COL: label, KIND_COL: kind, **cells}


def big_n_of(ard: pd.DataFrame) -> dict[str, str]:
    """Column level -> formatted N, from the ``BIGN`` rows."""
    b = ard[(ard["variable"] == "BIGN") & (ard["stat_name"] == "N")]
    return {str(r.group1_level): r.stat_fmt for r in b.itertuples(index=False)}


def column_label(level: str, n: str | None) -> object:
    """``<level><br>N = x`` (the level text escaped)."""
    text = html.escape(display_text(level)) if level else "All"
    return gt_html(f"{text}<br>N = {html.escape(n)}") if n is not None else text


def house_style(gt: GT, display_id: str) -> GT:
    """Apply the house options (fonts, padding, deterministic id) to any GT."""
    return (
        gt.with_id(table_id(display_id))
        .opt_align_table_header(align="left")
        .tab_options(
            table_font_size=FONT_SIZE,
            heading_title_font_size="10pt",
            heading_subtitle_font_size="9pt",
            column_labels_font_weight="bold",
            row_group_font_weight="bold",
            data_row_padding="2px",
            source_notes_font_size="8pt",
            table_width="100%",
        )
    )


def decorate(gt: GT, *, set_line: str | None = None, footnotes: Sequence[str] = (),
             source: str | None = None) -> GT:
    """Analysis-set line on top, footnotes then the source line below (all escaped)."""
    if set_line:
        gt = gt.tab_header(title=set_line)
    for note in footnotes:
        if note:
            gt = gt.tab_source_note(note)
    if source:
        gt = gt.tab_source_note(source)
    return gt


def gt_from_wide(wide: pd.DataFrame, display_id: str, *, bign: Mapping[str, str] | None = None,
                 set_line: str | None = None, footnotes: Sequence[str] = (),
                 source: str | None = None,
                 traced: Mapping[tuple[int, str], tuple[str, str]] | None = None) -> GT:
    """Render a wide table from :func:`layout` in the house style. ``traced`` maps
    (row index, column) -> (hover text, ``data-trace`` reference) of the cells whose
    participants are published (:mod:`analysis.trace`): their text is wrapped in a
    ``<span title=... data-trace=...>``, which pandoc keeps in HTML and drops elsewhere."""
    bign = bign or {}
    cols = [c for c in wide.columns if c not in (GROUP_COL, LABEL_COL, KIND_COL)]
    data = wide.drop(columns=[KIND_COL]).copy()
    has_groups = bool((data[GROUP_COL] != "").any())
    # great-tables needs string column names that are valid identifiers-ish; map them
    names = {c: f"c{i}" for i, c in enumerate(cols)}
    data = display_frame(data.rename(columns=names))
    for c in {c for _, c in traced or {}}:  # traced cells become their HTML here
        values = data[names[c]].tolist()
        for i, value in enumerate(values):
            if (i, c) in traced:
                title, ref = traced[(i, c)]
                values[i] = TracedCell(f'<span title="{html.escape(display_text(title))}" '
                                       f'data-trace="{html.escape(display_text(ref))}">'
                                       f"{html_text(value)}</span>")
        data[names[c]] = values
    if has_groups:
        gt = GT(data, rowname_col=LABEL_COL, groupname_col=GROUP_COL)
    else:
        gt = GT(data.drop(columns=[GROUP_COL]), rowname_col=LABEL_COL)
    gt = gt.cols_label(**{names[c]: column_label(c, bign.get(c)) for c in cols})
    gt = gt.cols_align("center", columns=list(names.values()))
    if len(data):   # cells escaped once, here, with line feeds as <br>
        gt = gt.fmt(_cell_html, columns=[LABEL_COL, *names.values()])
    gt = house_style(gt, display_id)
    return decorate(gt, set_line=set_line, footnotes=footnotes, source=source)


def gt_table(ard: pd.DataFrame, display_id: str | None = None, *, set_line: str | None = None,
             footnotes: Sequence[str] = (), source: str | None = None,
             layout: Mapping | None = None, trace: Sequence[Mapping] = ()) -> GT:
    """The house-style great-tables table of an ARD.

    ``display_id`` defaults to the ARD's ``display_id``; ``layout`` holds the
    optional hints of a display module's ``LAYOUT`` (``variable_labels``,
    ``level_labels``: mappings passed to :func:`layout`); ``trace`` the display's
    records of who each count counts (:mod:`analysis.trace`): the count cells
    they match carry their hover text and reference.
    """
    if display_id is None:
        ids = list(dict.fromkeys(ard["display_id"]))
        display_id = ids[0] if ids else "table"
    hints = dict(layout or {})
    wide, row_keys = layout_with_keys(ard, variable_labels=hints.get("variable_labels"),
                                      level_labels=hints.get("level_labels"))
    return gt_from_wide(wide, display_id, bign=big_n_of(ard), set_line=set_line,
                        footnotes=footnotes, source=source,
                        traced=_traced_cells(wide, row_keys, display_id, trace))


class TracedCell(str):
    """A cell already written as HTML (a traced count, :func:`gt_from_wide`)."""


def _cell_html(value: object) -> str:
    return str(value) if isinstance(value, TracedCell) else html_text(value)


def _traced_cells(wide: pd.DataFrame, row_keys: Sequence[tuple[str, str, str] | None],
                  display_id: str, trace: Sequence[Mapping]
                  ) -> dict[tuple[int, str], tuple[str, str]]:
    """(row index, column) -> (hover text, reference) of each count cell with a record."""
    found = trace_mod.by_cell(list(trace))
    cols = [c for c in wide.columns if c not in (GROUP_COL, LABEL_COL, KIND_COL)]
    out: dict[tuple[int, str], tuple[str, str]] = {}
    for i, key in enumerate(row_keys):
        for c in cols if key is not None else ():
            hit = found.get((*key, c))
            if hit is not None:
                index, rec = hit
                out[(i, c)] = (trace_mod.cell_title(rec),
                               f"{trace_mod.TRACE_DIR}/{display_id}.json#{index}")
    return out
