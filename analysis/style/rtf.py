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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import polars as pl
import rtflite as rtf

from analysis.catalogue import Display
from analysis.style.escape import display_text
from analysis.style.tables import GROUP_COL, INDENT, KIND_COL, LABEL_COL, column_label  # noqa: F401

TLF_DIR = "tlf"
FONT_SIZE = 8                  # body, column headers (points)
SMALL_FONT_SIZE = 7            # when the columns do not fit even landscape at FONT_SIZE
TITLE_SIZE = 10
NOTE_SIZE = 8
HEADER_SIZE = 8
PORTRAIT_WIDTH = 6.5           # usable table width, inches (letter, 1in margins)
LANDSCAPE_WIDTH = 10.0
PAGE_INCH = {"portrait": (8.5, 11.0), "landscape": (11.0, 8.5)}  # US letter
TITLE_RESERVE_PT = 72          # page space of the two title lines and their spacing
MIN_COL_INCH = 0.35
HEADER_WORD_CAP = 0.7           # a longer header word may break (data cells keep priority)
SQUEEZE_FLOOR = 0.7             # running-text columns keep >= 70% of their widest word
MAX_COL_INCH = 3.2
SIMULATED_MARK = "SIMULATED DATA"
# page margins (inches): left, right, top, bottom, header, footer
MARGINS = {"portrait": (1.0, 1.0, 1.0, 0.8, 0.5, 0.5),
           "landscape": (0.5, 0.5, 1.0, 0.8, 0.5, 0.5)}
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


# ---- text -------------------------------------------------------------------------------
# The report version in TLF page headers. The build runs the notebooks with this
# token as ``report_version`` and stamps the real version into the RTF files when
# it publishes (report.tlf_index.stamp_version), so that executed notebooks do not
# depend on the version name and stay cached across versions.
VERSION_TOKEN = "@@REPORT_VERSION@@"


def escape(text: object) -> str:
    """``text`` as RTF text: ``\\``, ``{``, ``}`` escaped, line breaks as ``\\line``,
    non-breaking space as ``\\~``, every other non-ASCII character as ``\\uN?``."""
    out: list[str] = []
    for ch in display_text(str(text)):  # bidi and control characters shown by their code
        code = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\line ")
        elif ch == "\u00a0":
            out.append("\\~")
        elif code < 128:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code - 65536 if code > 32767 else code}?")
        else:  # astral plane: UTF-16 surrogate pair
            hi = 0xD800 + ((code - 0x10000) >> 10)
            lo = 0xDC00 + ((code - 0x10000) & 0x3FF)
            out.append(f"\\u{hi - 65536}?\\u{lo - 65536}?")
    return "".join(out)


def _indent_level(label: str) -> tuple[int, str]:
    """Leading :data:`INDENT` units of a layout label and the label without them."""
    level = 0
    while label.startswith(INDENT):
        label = label[len(INDENT):]
        level += 1
    return level, label.lstrip("\u00a0")


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


def page_meta(protocol_id: str, report_version: str, cutoff, simulated: bool) -> PageMeta:
    """The page-header fields (``cutoff`` a date, an ISO string or ``None``)."""
    iso = cutoff.isoformat() if hasattr(cutoff, "isoformat") else cutoff
    return PageMeta(protocol_id=str(protocol_id), report_version=str(report_version),
                    cutoff=iso, simulated=bool(simulated))


# ---- widths and orientation -------------------------------------------------------------
def _memoise_string_width() -> None:
    """Make rtflite's ``get_string_width`` remember its results.

    It loads the TrueType font afresh on every call (``ImageFont.truetype``), and
    it is called for every cell of every page (column widths here, pagination in
    rtflite): most of a long listing's RTF time. The function is pure, so a cache
    keyed by its arguments changes nothing but speed (issue 6: 244 s -> 37 s for
    L16.2.7.1 at 2,000 participants). Installed in every rtflite module that
    imported the name.
    """
    import functools
    import sys

    import rtflite.strwidth as strwidth

    if hasattr(strwidth.get_string_width, "cache_info"):
        return
    original = strwidth.get_string_width
    cached = functools.lru_cache(maxsize=1 << 18)(original)
    for name, module in list(sys.modules.items()):
        if (name == "rtflite" or name.startswith("rtflite.")) and getattr(
                module, "get_string_width", None) is original:
            module.get_string_width = cached


_memoise_string_width()
PAD_INCH = 0.2                 # cell padding left + right (rtflite: 0.075 in each side) + slack
BOLD_FACTOR = 1.1              # bold header text is wider than the regular metrics


def _text_width(text: str, size: int = FONT_SIZE) -> float:
    """Widest line of ``text`` as shown (:func:`display_text`) in inches (rtflite's font
    metrics, Times)."""
    lines = display_text(str(text)).split("\n") or [""]
    return max(rtf.get_string_width(line, font_size=size) for line in lines)


def _word_width(text: str, size: int = FONT_SIZE) -> float:
    """Widest single word of ``text`` in inches (where a wrapped cell cannot break:
    at spaces and after ``/``, e.g. ``RECOVERED/RESOLVED``)."""
    words = display_text(str(text)).replace("/", "/ ").split() or [""]
    return max(rtf.get_string_width(w, font_size=size) for w in words)


def _least_and_wanted(frame: pd.DataFrame, headers: Sequence[str], nowrap: Sequence[bool],
                      size: int) -> tuple[list[float], list[float]]:
    """Per column, the least width (widest word) and the wanted width (widest cell)."""
    least: list[float] = []
    want: list[float] = []
    for i, col in enumerate(frame.columns):
        cells = [str(v) for v in frame[col].tolist()]
        head = min(HEADER_WORD_CAP, BOLD_FACTOR * _word_width(headers[i], size)) if headers[i] else 0.0
        full = max([_text_width(c, size) for c in cells] + [0.0])
        # a word wider than MAX_COL_INCH wraps inside its cell anyway (the PDF breaks
        # long words, Word does too), so it asks for no more than that
        word = full if nowrap[i] else min(MAX_COL_INCH, max(
            [_word_width(c, size) for c in cells] + [0.0]))
        lo = max(head, word, MIN_COL_INCH - PAD_INCH) + PAD_INCH
        least.append(lo)
        want.append(max(lo, min(full + PAD_INCH, MAX_COL_INCH)))
    return least, want


def _least_total(frame: pd.DataFrame, headers: Sequence[str], nowrap: Sequence[bool],
                 size: int) -> float:
    return sum(_least_and_wanted(frame, headers, nowrap, size)[0])


def _squeeze(least: Sequence[float], want: Sequence[float], width: float) -> list[float]:
    """Least widths that do not fit ``width``: narrow the columns of running text
    (wanted wider than their widest word) first, down to :data:`SQUEEZE_FLOOR` of
    their least width (breaking their longest words), so
    identifiers, dates and numbers stay whole; scale everything only if that is
    not enough."""
    widths = list(least)
    text_cols = [i for i, (lo, w) in enumerate(zip(least, want, strict=True)) if w > lo]
    floor = {i: max(MIN_COL_INCH, SQUEEZE_FLOOR * widths[i]) for i in text_cols}
    deficit = sum(widths) - width
    room = sum(widths[i] - floor[i] for i in text_cols)
    if text_cols and room > 0:
        cut = min(1.0, deficit / room)
        for i in text_cols:
            widths[i] -= cut * (widths[i] - floor[i])
    if sum(widths) > width:
        widths = [w * width / sum(widths) for w in widths]
    return widths


def column_widths(frame: pd.DataFrame, headers: Sequence[str], nowrap: Sequence[bool],
                  size: int = FONT_SIZE) -> tuple[list[float], bool]:
    """Column widths (inches) and whether the page is landscape.

    Each column needs at least its widest word (header words included; the
    whole cell for ``nowrap`` columns, e.g. ``9 (45.0%)``) and would like its
    widest cell. Portrait when the wanted widths fit :data:`PORTRAIT_WIDTH`, or
    when the least widths fit it and there are at most 6 columns; otherwise
    landscape. The space left over after the least widths is shared in
    proportion to what each column still wants; if even the least widths do
    not fit, all are scaled down.
    """
    least, want = _least_and_wanted(frame, headers, nowrap, size)
    fits = sum(want) <= PORTRAIT_WIDTH or (sum(least) <= PORTRAIT_WIDTH and len(want) <= 6)
    landscape = not fits
    width = LANDSCAPE_WIDTH if landscape else PORTRAIT_WIDTH
    if sum(least) >= width:
        widths = _squeeze(least, want, width)
    else:
        spare = width - sum(least)
        extra = [w - lo for w, lo in zip(want, least, strict=True)]
        if sum(extra) <= spare:
            widths = list(want)
            if widths:  # the first column (labels, participant ids) takes the rest
                widths[0] += spare - sum(extra)
        else:
            widths = [lo + spare * e / sum(extra) for lo, e in zip(least, extra, strict=True)]
    return [round(w, 3) for w in widths], landscape


def rows_per_page(orientation: str, size: int) -> int:
    """rtflite's line budget of a page (column headers, body lines, notes): the
    printable height less the title, over the line height of ``size`` points
    (1.15 leading plus rtflite's 1.5 pt cell spacing). rtflite estimates the
    lines of a wrapped cell at 9 pt, more than the 7-8 pt used here, which
    leaves the margin for rows that wrap at a word."""
    _, height = PAGE_INCH[orientation]
    top, bottom = MARGINS[orientation][2], MARGINS[orientation][3]
    usable = (height - top - bottom) * 72 - TITLE_RESERVE_PT
    return int(usable / (size * 1.15 + 1.5))


# ---- body frames ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Body:
    frame: pd.DataFrame          # plain text cells, columns in display order
    bold: list[bool]             # per row: bold first cell (row group, variable heading)
    indent: list[int]            # per row: indentation level of the first cell


def table_body(wide: pd.DataFrame) -> _Body:
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
    return _Body(frame, bold, indent)


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def listing_body(listing: pd.DataFrame) -> _Body:
    """A listing's rows as text (:func:`analysis.style.listings.as_text`: ISO dates,
    missing values empty); one "No records." row when it is empty."""
    from analysis.style.listings import as_text

    text = as_text(listing)
    frame = text.copy()
    frame.columns = [f"c{i}" for i in range(text.shape[1])]
    if frame.empty:
        frame = pd.DataFrame([["No records."] + [""] * (text.shape[1] - 1)],
                             columns=frame.columns)
    return _Body(frame, [False] * len(frame), [0] * len(frame))


# ---- document ---------------------------------------------------------------------------
def _page_header(meta: PageMeta) -> rtf.RTFPageHeader:
    lines = [escape(s) for s in meta.header_lines()]
    lines[-1] = lines[-1]
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


def build_document(display: Display, body: _Body, headers: Sequence[str], *,
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
                      meta: PageMeta | Mapping, out_dir: str | Path) -> Path:
    """Write ``<out_dir>/<display id>.rtf`` for a table or listing; return its path.

    ``body`` is what the CSR shows: for a table the wide layout of
    :func:`analysis.style.tables.layout` (``column_headers``: stub header then one
    per level, see :func:`table_column_headers`); for a listing its DataFrame
    (``column_headers``: its column labels).
    """
    if display.id.startswith("F"):
        raise ValueError(f"{display.id} is a figure: use write_figure_rtf")
    footnotes = list(footnotes)
    if display.id.startswith("L"):
        if len(body) > RTF_LISTING_MAX_ROWS:
            footnotes.append(rtf_truncation_note(display.id, len(body)))
            body = body.head(RTF_LISTING_MAX_ROWS)
        parts = listing_body(body)
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
