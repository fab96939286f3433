"""Data text as a reader sees it: invisible controls shown, and escaped for Markdown prose.

Every display shows data text through :func:`display_text` (tables, listings,
the full listing pages and their CSV, the RTF package, Markdown prose): a
bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE and the other ten of
:data:`BIDI_CONTROLS`) would reorder what follows it ("gnp.exe" reads
"exe.png"), and other control characters are invisible, so each is shown as
its code point, ``[U+202E]``. Line feeds and tabs are kept (a carriage
return, alone or before a line feed, is a line feed); the ARD keeps the
original text.

The CSR's prose is Markdown read by pandoc and turned into HTML, typst and
DOCX. A term such as ``<b>IL-6 > 100 pg/mL</b> 50% #1 $x$ @ref *a* \\end``
must come out verbatim: never as HTML, math, a citation, emphasis, a heading
or raw TeX. Pandoc Markdown lets every ASCII punctuation character be
backslash-escaped (extension ``all_symbols_escapable``), so
:func:`escape_markdown` escapes all of them; line breaks become spaces so a
term cannot start a new block.
"""

from __future__ import annotations

import html
import string
import unicodedata

import pandas as pd

PUNCTUATION = frozenset(string.punctuation)
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
_KEPT = frozenset("\n\t")


def code_point(ch: str) -> str:
    """The visible stand-in of a character that is not shown: ``[U+202E]``."""
    return f"[U+{ord(ch):04X}]"


def display_text(text: object) -> str:
    """``text`` with bidirectional and other control characters shown as ``[U+XXXX]``
    (line feed and tab kept; CR LF and CR as line feeds). ``None`` -> ""."""
    if text is None:
        return ""
    s = str(text)
    if s.isprintable():                      # the common case: nothing to do
        return s
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(code_point(ch) if ch in BIDI_CONTROLS or (
        ch not in _KEPT and unicodedata.category(ch) == "Cc") else ch for ch in s)


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with :func:`display_text` applied to every text cell."""
    out = df.copy()
    for col in out.columns:
        out[col] = [display_text(v) if isinstance(v, str) else v for v in out[col].tolist()]
    return out


def html_text(text: object) -> str:
    """Data text as HTML: :func:`display_text`, HTML-escaped, line feeds as ``<br>``
    (for great-tables ``fmt`` and hand-built HTML tables, whose output is not escaped
    again)."""
    return html.escape(display_text(text)).replace("\n", "<br>")


def escape_markdown(text: object) -> str:
    """``text`` as pandoc Markdown that renders verbatim (``None`` -> "")."""
    if text is None:
        return ""
    s = " ".join(display_text(text).split())  # no newlines, tabs or runs of spaces
    return "".join("\\" + ch if ch in PUNCTUATION else ch for ch in s)
