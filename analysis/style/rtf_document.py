"""The rtflite document of one TLF: page header (protocol, report version, data cut-off,
``SIMULATED DATA`` when simulated, ``Page x of y``), title and analysis-set line,
column headers repeated on every page, the body, footnotes and source line.

rtflite writes no dates, so the same inputs give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl
import rtflite as rtf

from analysis.catalogue import Display
from analysis.style.marks import SIMULATED_MARK
from analysis.style.rtf_body import Body
from analysis.style.rtf_escape import escape
from analysis.style.rtf_widths import (
    FONT_SIZE,
    LANDSCAPE_WIDTH,
    MARGINS,
    SMALL_FONT_SIZE,
    _least_total,
    column_widths,
    rows_per_page,
)

TITLE_SIZE = 10
NOTE_SIZE = 8
HEADER_SIZE = 8
PAGE_FIELD = ("Page {\\field{\\*\\fldinst PAGE }{\\fldrslt 1}} of "
              "{\\field{\\*\\fldinst NUMPAGES }{\\fldrslt 1}}")


@dataclass(frozen=True)
class PageMeta:
    """The page-header fields of every TLF of one report version."""

    protocol_id: str
    report_version: str
    cutoff: str | None = None      # ISO date
    simulated: bool = False

    @classmethod
    def of(cls, meta: PageMeta | Mapping) -> PageMeta:
        """Accept a :class:`PageMeta` or a mapping with the same keys."""
        if isinstance(meta, PageMeta):
            return meta
        cutoff = meta.get("cutoff")
        return cls(protocol_id=str(meta["protocol_id"]),
                   report_version=str(meta["report_version"]),
                   cutoff=None if cutoff in (None, "") else str(cutoff),
                   simulated=bool(meta.get("simulated", False)))

    def header_lines(self) -> list[str]:
        """Plain-text lines of the page header (before the page number)."""
        first = (f"Protocol {self.protocol_id}   Report version {self.report_version}   "
                 f"Data cut-off {self.cutoff or 'not stated'}")
        return [first, SIMULATED_MARK] if self.simulated else [first]


def page_meta(protocol_id: str, report_version: str, cutoff, simulated: bool) -> PageMeta:
    """The page-header fields (``cutoff`` a date, an ISO string or ``None``)."""
    iso = cutoff.isoformat() if hasattr(cutoff, "isoformat") else cutoff
    return PageMeta(protocol_id=str(protocol_id), report_version=str(report_version),
                    cutoff=iso, simulated=bool(simulated))


def _page_header(meta: PageMeta) -> rtf.RTFPageHeader:
    lines = [escape(s) for s in meta.header_lines()]
    text = [*lines, PAGE_FIELD]
    n = len(text)
    fmt = ["b" if s == SIMULATED_MARK else "" for s in meta.header_lines()] + [""]
    return rtf.RTFPageHeader(text=text, text_font_size=[HEADER_SIZE] * n,
                             text_justification=["r"] * n, text_format=fmt,
                             text_convert=[False] * n)


def _title(display: Display, set_line: str) -> rtf.RTFTitle:
    text = [escape(display.heading), escape(set_line)] if set_line else [escape(display.heading)]
    n = len(text)
    return rtf.RTFTitle(text=text, text_font_size=[TITLE_SIZE] * n,
                        text_format=["b"] + [""] * (n - 1),
                        text_justification=["c"] * n, text_convert=[False] * n,
                        text_space_before=[60.0] * n, text_space_after=[60.0] * n)


def _notes(kind, lines: Sequence[str]):
    text = [escape(s) for s in lines if s]
    if not text:
        return None
    return kind(text=["\\line ".join(text)], as_table=False, text_font_size=[NOTE_SIZE],
                text_justification=[["l"]], text_convert=[[False]])


INDENT_UNIT = "\\~" * 4       # RTF non-breaking spaces per indentation level (as the CSR)


def _cell(text: str, *, bold: bool = False, indent: int = 0) -> str:
    """One body cell as RTF text: escaped, indented with non-breaking spaces, bold
    in its own group (so the formatting travels with the row across pages)."""
    body = escape(text)
    if bold and body:
        body = "{\\b " + body + "}"
    return INDENT_UNIT * indent + body


def build_document(display: Display, body: Body, headers: Sequence[str], *,
                   set_line: str, footnotes: Sequence[str], source: str,
                   meta: PageMeta | Mapping) -> rtf.RTFDocument:
    """The rtflite document of one table or listing (see the module docstring)."""
    meta = PageMeta.of(meta)
    frame = body.frame
    ncol = frame.shape[1]
    if len(headers) != ncol:
        raise ValueError(f"{display.id}: {len(headers)} column headers for {ncol} columns")
    listing = display.id.startswith("L")
    measured = frame.copy()
    if ncol:  # the indentation takes room in the first column
        measured.iloc[:, 0] = ["\u00a0" * 4 * lv + str(v) for lv, v in
                               zip(body.indent, frame.iloc[:, 0].tolist(), strict=True)]
    nowrap = [False] + [not listing] * (ncol - 1)
    size = FONT_SIZE
    widths, landscape = column_widths(measured, headers, nowrap, size)
    if landscape and _least_total(measured, headers, nowrap, size) > LANDSCAPE_WIDTH:
        size = SMALL_FONT_SIZE
        widths, landscape = column_widths(measured, headers, nowrap, size)
    first = frame.columns[0]
    cells = {c: [_cell(v, bold=b, indent=lv) if c == first else escape(v)
                 for v, b, lv in zip(frame[c].tolist(), body.bold, body.indent, strict=True)]
             for c in frame.columns}
    table = pl.DataFrame(cells, schema={c: pl.String for c in frame.columns})
    just_row = ["l"] * ncol if listing else ["l"] + ["c"] * (ncol - 1)
    orientation = "landscape" if landscape else "portrait"
    page = rtf.RTFPage(orientation=orientation,
                       margin=list(MARGINS[orientation]), col_width=round(sum(widths), 3),
                       nrow=rows_per_page(orientation, size),
                       border_first="single", border_last="single",
                       page_title="all", page_footnote="last", page_source="last")
    return rtf.RTFDocument(
        df=table,
        rtf_page=page,
        rtf_page_header=_page_header(meta),
        rtf_title=_title(display, set_line),
        rtf_column_header=[rtf.RTFColumnHeader(
            text=[escape(h) for h in headers], col_rel_width=widths,
            text_font_size=[size] * ncol, text_format=["b"] * ncol,
            text_justification=just_row, text_convert=[False] * ncol,
            border_left=[""] * ncol, border_right=[""] * ncol,
            border_top=["single"] * ncol, border_bottom=["single"] * ncol)],
        rtf_body=rtf.RTFBody(
            col_rel_width=widths, text_justification=[just_row],
            text_font_size=[[size] * ncol], text_convert=[[False] * ncol],
            border_left=[[""] * ncol], border_right=[[""] * ncol],
            border_first=[["single"] * ncol], border_last=[["single"] * ncol]),
        rtf_footnote=_notes(rtf.RTFFootnote, footnotes),
        rtf_source=_notes(rtf.RTFSource, [source]),
    )


def encode(doc: rtf.RTFDocument) -> bytes:
    """The document's RTF bytes (ASCII: every other character is escaped)."""
    return doc.rtf_encode().encode("ascii")
