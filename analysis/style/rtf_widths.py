"""Column widths and page budget of the RTF tables and listings (rtflite's font metrics).

The CSR's listings (:mod:`analysis.style.listings`) share these widths, so that PDF and
DOCX wrap text inside the same columns as the RTF; this module depends on neither.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import rtflite as rtf

from analysis.style.escape import display_text

FONT_SIZE = 8                  # body, column headers (points)
SMALL_FONT_SIZE = 7            # when the columns do not fit even landscape at FONT_SIZE
PORTRAIT_WIDTH = 6.5           # usable table width, inches (letter, 1in margins)
LANDSCAPE_WIDTH = 10.0
PAGE_INCH = {"portrait": (8.5, 11.0), "landscape": (11.0, 8.5)}  # US letter
TITLE_RESERVE_PT = 72          # page space of the two title lines and their spacing
MIN_COL_INCH = 0.35
# a listing column whose every cell is at most this wide keeps each cell on one line, in the
# PDF (analysis.style.listings.relative_widths) and the DOCX (report.docx_post.content_grid)
NOWRAP_INCH = 1.4
TWO_LINES = 0.6       # ... and, when the page is too narrow for that, on two lines (share of its width)
HEADER_WORD_CAP = 0.7           # a longer header word may break (data cells keep priority)
SHORT_HEADER_CHARS = 6          # a header this short stays on one line ("> 24 h", not 3 lines)
SQUEEZE_FLOOR = 0.7             # running-text columns keep >= 70% of their widest word
MAX_COL_INCH = 3.2
MARGINS = {"portrait": (1.0, 1.0, 1.0, 0.8, 0.5, 0.5),
           "landscape": (0.5, 0.5, 1.0, 0.8, 0.5, 0.5)}


def memoise_string_width() -> None:
    """Make rtflite's ``get_string_width`` remember its results.

    It loads the TrueType font afresh on every call (``ImageFont.truetype``), and
    it is called for every cell of every page (column widths here, pagination in
    rtflite): most of a long listing's RTF time. The function is pure, so a cache
    keyed by its arguments changes nothing but speed (issue 6: 244 s -> 37 s for
    L16.2.7.1 at 2,000 participants). Installed in every rtflite module that
    imported the name. Changes rtflite for the whole process, so it is not done on
    import: :func:`analysis.runtime.configure` calls it at the entry points.
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
        header = str(headers[i]) if headers[i] else ""
        head_width = (_text_width(header, size) if len(header.strip()) <= SHORT_HEADER_CHARS
                      else _word_width(header, size))
        head = min(HEADER_WORD_CAP, BOLD_FACTOR * head_width) if header else 0.0
        full = max([_text_width(c, size) for c in cells] + [0.0])
        # a word wider than MAX_COL_INCH wraps inside its cell anyway (the PDF breaks
        # long words, Word does too), so it asks for no more than that
        word = full if nowrap[i] else min(MAX_COL_INCH, max(
            [_word_width(c, size) for c in cells] + [0.0]))
        lo = max(head, word, MIN_COL_INCH - PAD_INCH) + PAD_INCH
        least.append(lo)
        want.append(max(lo, min(full + PAD_INCH, MAX_COL_INCH)))
    return least, want


# public: analysis.style.listings sizes the CSR's listing columns with the same measure
text_width = _text_width
least_and_wanted = _least_and_wanted


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
