"""CSV cells a spreadsheet cannot run as formulas, and the way back (lossless).

Listing and ARD CSVs are opened in spreadsheet programs. A cell whose text
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be run
as a formula there (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``: "CSV
injection"). As OWASP advises, :func:`neutralise` puts one single quote
before such a cell, so the program shows it as text.

Two refinements keep the files exact and machine-readable:

- **Numbers stay numbers.** A cell that is a plain decimal number (``-1.5``,
  ``+2``, ``-3e-4``: :data:`NUMBER`) is not a formula and is written as it
  is, so negative study days and estimates still read as numbers.
- **Lossless.** A text cell that already starts with a single quote gets one
  more, so every cell starting with ``'`` was neutralised and
  :func:`restore` (drop exactly one leading ``'``) gives back the original
  value of every cell. :func:`analysis.ard.read_csv` applies it; another
  reader applies the same one rule to the text columns.

:func:`csv_text` writes such a table: neutralised cells, RFC 4180 line ends
(CRLF). With CRLF line ends every cell holding a line feed or a carriage
return is quoted (Python's ``csv`` writer quotes only the characters of its
line terminator; with LF alone a carriage return inside a cell would split
the row).

Hand-written rather than taken from ``defusedcsv``: that library also
escapes ``|`` and appends a closing quote, which cannot be undone
unambiguously, and it treats ``-1,5`` like a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FIRST = frozenset((*FORMULA_PREFIXES, QUOTE))
_is_number = NUMBER.fullmatch


def neutralise(value: str) -> str:
    """The cell text a spreadsheet shows as text (see the module docstring)."""
    if value[:1] in _FIRST and (value[0] == QUOTE or not _is_number(value)):
        return QUOTE + value
    return value


def restore(value: str) -> str:
    """The original value of a cell written by :func:`neutralise`."""
    return value[1:] if value[:1] == QUOTE else value


def _apply(df: pd.DataFrame, columns: Iterable[str] | None, fn) -> pd.DataFrame:
    out = df.copy()
    for col in (list(columns) if columns is not None else list(out.columns)):
        # one plain loop: about 0.2 s per million cells (ARDs of large listings hold millions)
        out[col] = [fn(v) if isinstance(v, str) else v for v in out[col].tolist()]
    return out


def neutralise_frame(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with :func:`neutralise` applied to the text cells of ``columns``
    (default: every column); other values are left as they are."""
    return _apply(df, columns, neutralise)


def restore_frame(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """The inverse of :func:`neutralise_frame` for the same ``columns``."""
    return _apply(df, columns, restore)


LINE_END = "\r\n"


def csv_text(df: pd.DataFrame, text_columns: Iterable[str] | None = None) -> str:
    """CSV text of ``df`` (no index) with the cells of ``text_columns`` (default: all)
    neutralised and CRLF line ends (see the module docstring)."""
    return neutralise_frame(df, text_columns).to_csv(index=False, lineterminator=LINE_END)
