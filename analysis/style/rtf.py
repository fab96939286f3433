"""The submission TLF package: one RTF per table and listing (SAP 5), made with rtflite.

Medical writers paste displays into the sponsor's Word CSR template and
regulatory submissions exchange tables, listings and figures (TLFs) as RTF.
Each RTF carries exactly what the CSR shows, built from the very objects the
CSR shows (the wide table of :func:`analysis.style.tables.layout` or the
listing DataFrame), so its numbers are the ARD's ``stat_fmt`` values and are
never recomputed:

- page header on every page: protocol id, report version, data cut-off,
  ``SIMULATED DATA`` when the snapshot is simulated, and ``Page x of y``;
- title: the display heading (``Table 14.3.1 <title>``) and the analysis-set
  line;
- column headers (with ``N = x`` for tables), repeated on every page;
- the body: table rows with their indentation (row groups and variable
  headings in bold), or the listing rows;
- footnotes and the source line exactly as in the CSR.

Pages are US-letter portrait, landscape when the columns do not fit the
portrait width (see :func:`column_widths`); rtflite paginates long
listings and repeats the column headers on each page.

Text is escaped here for RTF (backslash, braces, non-ASCII as ``\\uN?``) and
rtflite's own text conversion (LaTeX symbols, ``^``/``_`` as super/subscript)
is switched off, so data text appears verbatim. rtflite writes no dates, so
the same inputs give the same bytes.

This module writes the files; the parts have one module each:
:mod:`~analysis.style.rtf_escape` (text as RTF), :mod:`~analysis.style.rtf_widths`
(column widths, page budget), :mod:`~analysis.style.rtf_inputs` (the wide table and
headers the CSR shows), :mod:`~analysis.style.rtf_body` (body rows) and
:mod:`~analysis.style.rtf_document` (the rtflite document).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import rtflite as rtf

from analysis.catalogue import Display
from analysis.style.marks import VERSION_TOKEN
from analysis.style.rtf_body import Body, listing_body, table_body
from analysis.style.rtf_document import (
    MARGINS,
    PageMeta,
    _notes,
    _page_header,
    _title,
    build_document,
    encode,
    page_meta,
)
from analysis.style.rtf_escape import escape
from analysis.style.rtf_inputs import gt_inputs, table_column_headers, table_inputs
from analysis.style.rtf_widths import column_widths, rows_per_page

TLF_DIR = "tlf"


__all__ = ["Body", "PageMeta", "TLF_DIR", "VERSION_TOKEN", "build_document", "column_widths",
           "encode", "escape", "figure_size", "gt_inputs", "listing_body", "page_meta",
           "rows_per_page", "rtf_truncation_note", "table_body", "table_column_headers",
           "table_inputs", "write_display_rtf", "write_figure_rtf"]


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# A listing RTF holds at most this many rows (a few hundred pages). A trial of this
# size lists a few hundred rows, all of them; only stress-scale data (thousands of
# participants) reach the limit, and then the RTF says so and points to the complete
# listing that the CSR links (listings/<id>.csv and .html). rtflite writes about
# 600 rows a second, so an RTF of every row of a 100,000-row listing would take minutes.
RTF_LISTING_MAX_ROWS = 3000


def rtf_truncation_note(display_id: str, n_rows: int) -> str:
    return (f"This RTF lists the first {RTF_LISTING_MAX_ROWS:,} of {n_rows:,} rows; the complete "
            f"listing is listings/{display_id}.csv (and .html) in the report folder.")


def write_display_rtf(display: Display, *, body: pd.DataFrame, column_headers: Sequence[str],
                      set_line: str, footnotes: Sequence[str], source: str,
                      meta: PageMeta | Mapping, out_dir: str | Path,
                      variables: Mapping[str, str] | None = None) -> Path:
    """Write ``<out_dir>/<display id>.rtf`` for a table or listing; return its path.

    ``body`` is what the CSR shows: for a table the wide layout of
    :func:`analysis.style.tables.layout` (``column_headers``: stub header then one
    per level, see :func:`table_column_headers`); for a listing its DataFrame
    (``column_headers``: its column labels; ``variables``: the variable each of its
    columns shows, for decoding).
    """
    if display.id.startswith("F"):
        raise ValueError(f"{display.id} is a figure: use write_figure_rtf")
    footnotes = list(footnotes)
    if display.id.startswith("L"):
        if len(body) > RTF_LISTING_MAX_ROWS:
            footnotes.append(rtf_truncation_note(display.id, len(body)))
            body = body.head(RTF_LISTING_MAX_ROWS)
        parts = listing_body(body, variables)
    else:
        parts = table_body(body)
    doc = build_document(display, parts, list(column_headers), set_line=set_line,
                         footnotes=footnotes, source=source, meta=meta)
    return _write(Path(out_dir) / f"{display.id}.rtf", encode(doc))


# ---- figures ----------------------------------------------------------------------------
FIGURE_MAX_WIDTH = 6.5         # inches, portrait
FIGURE_MAX_HEIGHT = 6.8


def figure_size(png: bytes) -> tuple[float, float]:
    """Width and height (inches) of the PNG on the page: the portrait width,
    less when the height would not fit, keeping the aspect ratio."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        w, h = im.size
    width = FIGURE_MAX_WIDTH
    height = width * h / w
    if height > FIGURE_MAX_HEIGHT:
        width, height = FIGURE_MAX_HEIGHT * w / h, FIGURE_MAX_HEIGHT
    return round(width, 3), round(height, 3)


def write_figure_rtf(display: Display, png: bytes, *, set_line: str,
                     footnotes: Sequence[str], source: str, meta: PageMeta | Mapping,
                     out_dir: str | Path) -> Path:
    """Write ``<out_dir>/<id>.png`` (the CSR's figure, as given) and ``<out_dir>/<id>.rtf``
    (the same PNG embedded under the page header and title, footnotes and source
    line below); return the RTF's path."""
    if not display.id.startswith("F"):
        raise ValueError(f"{display.id} is not a figure: use write_display_rtf")
    meta = PageMeta.of(meta)
    png_path = _write(Path(out_dir) / f"{display.id}.png", png)
    width, height = figure_size(png)
    doc = rtf.RTFDocument(
        rtf_page=rtf.RTFPage(orientation="portrait", margin=list(MARGINS["portrait"]),
                             col_width=FIGURE_MAX_WIDTH, border_first="single",
                             border_last="single"),
        rtf_page_header=_page_header(meta),
        rtf_title=_title(display, set_line),
        rtf_figure=rtf.RTFFigure(figures=[str(png_path)], fig_width=width, fig_height=height,
                                 fig_align="center"),
        rtf_footnote=_notes(rtf.RTFFootnote, footnotes),
        rtf_source=_notes(rtf.RTFSource, [source]),
    )
    return _write(Path(out_dir) / f"{display.id}.rtf", encode(doc))
