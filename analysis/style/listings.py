"""Listings (ICH E3 16.2) in the house style.

A listing's rows go into the CSR as a great-tables table. A listing longer
than :data:`MAX_ROWS` rows is written in full next to the report, as
``<outputs_dir>/listings/<display_id>.html`` (a self-contained page: the table
plus a few lines of inline JavaScript to sort by a column and filter rows; no
external request) and ``<display_id>.csv``; the CSR then shows the first
:data:`PREVIEW_ROWS` rows and one sentence with the row count and a relative
link ``listings/<display_id>.html``. So the CSR body does not grow with the
number of participants. Every listing is written in full (HTML and CSV) so the
published report always carries them.

Controlled terms are decoded (:func:`analysis.style.decode.shown_cells`; the CSV and the
listing's ARD keep them as delivered). Cell text is escaped (great-tables and pandas' ``to_html`` escape HTML), so
data text is shown verbatim; control characters are shown by their code
(:func:`analysis.style.escape.display_text`) and line feeds are line breaks.
In the CSV, a cell a spreadsheet could run as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return; not a plain number)
starts with one extra ``'`` (:mod:`analysis.csv_cells`, lossless).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from great_tables import GT, loc, md, style

from analysis.csv_cells import csv_text
from analysis.formats import listing_text as as_text  # the cell text is made in formats
from analysis.style.decode import shown_cells
from analysis.style.escape import display_frame, html_text
from analysis.style.rtf_widths import (
    NOWRAP_INCH,
    PAD_INCH,
    TWO_LINES,
    least_and_wanted,
    text_width,
)
from analysis.style.tables import decorate, house_style, table_id

CSR_FONT_SIZE = 9     # points: the CSR's tables (PDF, DOCX), the least the eCTD specification allows
CSR_WIDTH_INCH = 10.28  # text width of a landscape A4 page of the CSR (29.7 cm less 2 x 1.8 cm)
CSR_PAD_INCH = 8 / 72   # cell inset, left + right (report/assets/csr.typ: 4 pt each side)
FONT_FACTOR = 1.04      # Libertinus Serif (the PDF's font) is at most this much wider than the
                        # Times metrics the measure uses (typst's measure of the listings' words)
MAX_ROWS = 200       # longer listings are linked, not printed in full
# the full listing page (listings/<id>.html) links a row to the report's anchor in this page
REPORT_PAGE = "../csr.html"
PREVIEW_ROWS = 20    # rows shown in the CSR for a linked listing
LISTINGS_DIR = "listings"
# The HTML of a listing's cells (html_cell_css): a column the layout keeps on one line is
# "white-space: nowrap", which report/assets/gt_tables.lua turns into the class csr-nowrap
# (report/assets/csr.css); every other column is at least its widest word wide
# ("min-width", in em of the cell's type), so a browser short of room wraps it at spaces
# instead of breaking its words into letters; a word of more than LONG_WORD_EM may break.
ONE_LINE_CSS = "white-space: nowrap"
# the HTML's fonts (Georgia in the built-in HTML, the Quarto theme's sans-serif, DejaVu Sans
# where that is the system's) are at most this much wider than the Times metrics measured
HTML_FONT_FACTOR = 1.3
LONG_WORD_EM = 16.0


def link_target(display_id: str, ext: str = "html") -> str:
    """Relative path of the full listing, e.g. ``listings/L16.2.7.1.html``."""
    return f"{LISTINGS_DIR}/{display_id}.{ext}"


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 10pt; margin: 1em; }}
table {{ border-collapse: collapse; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }}
td {{ overflow-wrap: anywhere; }}
th {{ cursor: pointer; background: #f4f4f4; position: sticky; top: 0; }}
p.notes {{ font-size: 9pt; color: #333; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{set_line}</p>
<p><label>Filter rows: <input id="filter" type="search"></label> <span id="count">{n} rows</span></p>
{table}
{notes}
<script>
(function () {{
  var table = document.getElementById("listing");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var dir = {{}};
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {{
    th.addEventListener("click", function () {{
      dir[i] = -(dir[i] || -1);
      rows.sort(function (a, b) {{
        var x = a.cells[i].textContent, y = b.cells[i].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y)
          ? nx - ny : x.localeCompare(y);
        return c * dir[i];
      }});
      rows.forEach(function (r) {{ body.appendChild(r); }});
    }});
  }});
  var input = document.getElementById("filter");
  input.addEventListener("input", function () {{
    var q = input.value.toLowerCase(), shown = 0;
    rows.forEach(function (r) {{
      var ok = r.textContent.toLowerCase().indexOf(q) >= 0;
      r.style.display = ok ? "" : "none";
      if (ok) shown++;
    }});
    document.getElementById("count").textContent = shown + " of " + rows.length + " rows";
  }});
}})();
</script>
</body>
</html>
"""


def linked(cell: str, anchor: str, page: str = "") -> str:
    """An escaped cell as a link to ``anchor`` (``#anchor`` in ``page``), e.g. the
    participant of an event with a narrative; the cell alone when ``anchor`` is ""."""
    return f'<a href="{html.escape(page)}#{html.escape(anchor)}">{cell}</a>' if anchor else cell


def full_page(listing: pd.DataFrame, *, title: str, set_line: str = "",
              footnotes: Sequence[str] = (), source: str = "",
              links: Sequence[str] | None = None,
              variables: Mapping[str, str] | None = None) -> str:
    """The self-contained, sortable and filterable HTML page of a whole listing; ``links``:
    per row the report anchor its first cell links to ("" for none); ``variables``: the
    variable each column shows, for decoding (:func:`analysis.style.decode.shown_cells`)."""
    text = shown_cells(as_text(listing), variables)   # controlled terms decoded (SAP 4)
    # cells escaped here (display_text, HTML, line feeds as <br>), not by pandas, which
    # would print a line feed as a literal "\n"
    shown = text.map(html_text)
    if links is not None and len(shown.columns):
        first = shown.columns[0]
        shown[first] = [linked(c, a, REPORT_PAGE) for c, a in zip(shown[first], links,
                                                                   strict=True)]
    shown.columns = [html.escape(str(c)) for c in text.columns]
    table = shown.to_html(index=False, escape=False, table_id="listing", border=0,
                          na_rep="")
    notes = "".join(f'<p class="notes">{html.escape(n)}</p>\n'
                    for n in [*footnotes, source] if n)
    return _PAGE.format(title=html.escape(title), set_line=html.escape(set_line),
                        n=len(text), table=table, notes=notes)


def write_full(listing: pd.DataFrame, display_id: str, outputs_dir: str | Path, *,
               title: str, set_line: str = "", footnotes: Sequence[str] = (),
               source: str = "", links: Sequence[str] | None = None,
               variables: Mapping[str, str] | None = None) -> tuple[Path, Path]:
    """Write ``<outputs_dir>/listings/<display_id>.html`` and ``.csv``; return both paths."""
    folder = Path(outputs_dir) / LISTINGS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"{display_id}.html"
    csv_path = folder / f"{display_id}.csv"
    html_path.write_text(full_page(listing, title=title, set_line=set_line,
                                   footnotes=footnotes, source=source, links=links,
                                   variables=variables),
                         encoding="utf-8")
    # cells a spreadsheet could run as formulas start with ' (analysis.csv_cells)
    csv_path.write_bytes(csv_text(display_frame(as_text(listing))).encode("utf-8"))
    return html_path, csv_path


def truncation_note(display_id: str, n_rows: int, shown: int = PREVIEW_ROWS) -> str:
    """The sentence (Markdown) pointing to the full listing."""
    return (f"The first {shown} of {n_rows} rows are shown. The full listing ({n_rows} rows) "
            f"is in [{link_target(display_id)}]({link_target(display_id)}) "
            f"(CSV: [{link_target(display_id, 'csv')}]({link_target(display_id, 'csv')})).")


def listing_gt(listing: pd.DataFrame, display_id: str, *, set_line: str | None = None,
               footnotes: Sequence[str] = (), source: str | None = None,
               outputs_dir: str | Path | None = None, title: str = "",
               max_rows: int = MAX_ROWS, preview_rows: int = PREVIEW_ROWS,
               links: Sequence[str] | None = None, note_in_table: bool = True,
               variables: Mapping[str, str] | None = None) -> GT:
    """The listing as a house-style table; long listings are cut to ``preview_rows``
    with a linked sentence (:func:`truncation_note`; in the table's notes, or, with
    ``note_in_table=False``, left to the caller to show as Markdown after the table, where
    each engine resolves its links like any link of the text). With ``outputs_dir`` the
    full listing is written too. ``links``: per row the anchor of the report its first
    cell links to ("" for none). ``variables``: the variable each column shows (column
    label -> variable, e.g. "Sex" -> SEX), so its codes are decoded as that variable's."""
    if outputs_dir is not None:
        write_full(listing, display_id, outputs_dir, title=title or display_id,
                   set_line=set_line or "", footnotes=footnotes, source=source or "",
                   links=links, variables=variables)
    text = shown_cells(as_text(listing), variables)   # controlled terms decoded (SAP 4)
    n = len(text)
    truncated = n > max_rows
    shown = display_frame(text.head(preview_rows) if truncated else text)
    labels = list(shown.columns)
    names = {c: f"c{i}" for i, c in enumerate(labels)}
    gt = GT(shown.rename(columns=names))
    gt = gt.cols_label(**{names[c]: str(c) for c in labels})
    if len(shown):
        gt = gt.fmt(html_text, columns=list(names.values()))   # escaped, line feeds as <br>
        for anchor in dict.fromkeys(a for a in (links or [])[:len(shown)] if a):
            rows = [i for i, a in enumerate(links[:len(shown)]) if a == anchor]
            gt = gt.fmt(lambda v, a=anchor: linked(html_text(v), a), columns=[names[labels[0]]],
                        rows=rows)
    widths, one_line = column_layout(shown, names)
    gt = gt.cols_width(widths)
    if len(shown):
        for label, css in html_cell_css(shown, one_line).items():
            gt = gt.tab_style(style.css(css), locations=loc.body(columns=[names[label]]))
    if n == 0:
        gt = gt.tab_source_note("No records.")
    gt = house_style(gt, display_id)
    if truncated and note_in_table:
        gt = gt.tab_source_note(md(truncation_note(display_id, n, len(shown))))
    return decorate(gt, set_line=set_line, footnotes=footnotes, source=source)


def one_line_columns(shown: pd.DataFrame) -> list:
    """The columns of short phrases: every cell at most :data:`NOWRAP_INCH` wide at the
    CSR's type size (dates, participant IDs, the dose level "DL2 (1.0 × 10⁶/kg)", sex),
    which :func:`column_layout` keeps on one line while the page allows."""
    return _short_phrases(shown, _widest_cells(shown))


def _short_phrases(shown: pd.DataFrame, full: Sequence[float]) -> list:
    """:func:`one_line_columns` from each column's widest cell (:func:`_widest_cells`)."""
    return [c for c, w in zip(shown.columns, full, strict=True) if w <= NOWRAP_INCH]


def html_cell_css(shown: pd.DataFrame, one_line: Sequence) -> dict:
    """label -> the CSS of the column's cells in the HTML: :data:`ONE_LINE_CSS` for the
    columns of ``one_line`` (:func:`column_layout`), else a ``min-width`` of the column's
    widest word, and for a column of short phrases that wraps, of :data:`TWO_LINES` of its
    widest cell (two lines at most, as in the PDF); at most :data:`LONG_WORD_EM`, none
    below 1 em."""
    widest = _widest_cells(shown)
    short = set(_short_phrases(shown, widest))
    out = {}
    for c, full in zip(shown.columns, widest, strict=True):
        if c in one_line:
            out[c] = ONE_LINE_CSS
            continue
        # a browser breaks at spaces only ("Recovered/resolved" is one word, not two as in
        # the PDF), so the words are measured whole
        inches = max([text_width(w, CSR_FONT_SIZE) for v in shown[c].tolist()
                      for w in str(v).split()] + [0.0])
        if c in short:
            inches = max(inches, TWO_LINES * full)
        em = min(inches * 72 / CSR_FONT_SIZE * HTML_FONT_FACTOR, LONG_WORD_EM)
        if em >= 1.0:
            out[c] = f"min-width: {em:.1f}em"
    return out


def _widest_cells(shown: pd.DataFrame) -> list[float]:
    """Per column, the width of its widest cell (inches, at the CSR's type size)."""
    return [max([text_width(str(v), CSR_FONT_SIZE) for v in shown[c].tolist()] + [0.0])
            for c in shown.columns]


def relative_widths(shown: pd.DataFrame, names: dict[str, str]) -> dict[str, str]:
    """The column widths of :func:`column_layout`."""
    return column_layout(shown, names)[0]


def column_layout(shown: pd.DataFrame, names: dict[str, str]) -> tuple[dict[str, str], list]:
    """``(widths, one_line)``: column widths in percent of the table width (``names[label]
    -> "12.5%"``), so that PDF and DOCX wrap text inside columns instead of letting a word
    run into its neighbour, and the labels of the columns whose every cell is on one line
    at those widths, which the HTML keeps on one line too (the Quarto site, narrower than
    the page, had set the dose level on three lines; a column the PDF wraps may wrap).

    Each column needs at least its widest word (the measure of the RTF package,
    :func:`analysis.style.rtf_widths.least_and_wanted`, at the CSR's 9 pt, scaled by
    :data:`FONT_FACTOR` and with the CSR's cell inset) and would like its widest cell.
    A column of short phrases (:func:`one_line_columns`) needs its widest cell, so each
    stays on one line, as long as the least widths fit a landscape page: if not, the
    phrase columns that gain the least from it wrap first, one at a time, onto two lines
    at most (a word never runs over its column unless the widest words alone are wider
    than the page). The width left over is shared in proportion to what each column
    still wants."""
    headers = [str(c) for c in shown.columns]
    full = _widest_cells(shown)
    short = set(_short_phrases(shown, full))
    nowrap = [c in short for c in shown.columns]

    def csr(w: float) -> float:
        return (w - PAD_INCH) * FONT_FACTOR + CSR_PAD_INCH

    def measure() -> tuple[list[float], list[float]]:
        least, want = least_and_wanted(shown, headers, nowrap, CSR_FONT_SIZE)
        least = [max(csr(lo), csr(TWO_LINES * f + PAD_INCH) if c in short else 0.0)
                 for lo, f, c in zip(least, full, shown.columns, strict=True)]
        return least, [max(lo, csr(w)) for lo, w in zip(least, want, strict=True)]

    least, want = measure()
    while sum(least) > CSR_WIDTH_INCH and any(nowrap):
        before = least
        saving = {}
        for i in (i for i, nw in enumerate(nowrap) if nw):
            nowrap[i] = False
            saving[i] = before[i] - measure()[0][i]
            nowrap[i] = True
        saving = {i: v for i, v in saving.items() if v > 1e-9}
        if not saving:
            break
        nowrap[min(saving, key=saving.get)] = False   # the phrase column that gives the least
        least, want = measure()
    spare = CSR_WIDTH_INCH - sum(least)
    extra = [w - lo for w, lo in zip(want, least, strict=True)]
    if spare >= sum(extra):
        widths = [lo + e for lo, e in zip(least, extra, strict=True)]
    else:
        share = max(spare, 0.0) / sum(extra)
        widths = [lo + share * e for lo, e in zip(least, extra, strict=True)]
    total = sum(widths) or 1.0
    percent = {names[c]: f"{100 * w / total:.1f}%" for c, w in zip(shown.columns, widths, strict=True)}
    return percent, [c for c, nw in zip(shown.columns, nowrap, strict=True) if nw]


__all__ = ["MAX_ROWS", "REPORT_PAGE", "column_layout", "html_cell_css", "linked", "one_line_columns", "relative_widths", "PREVIEW_ROWS", "as_text", "full_page", "write_full", "listing_gt",
           "link_target", "truncation_note", "table_id"]
