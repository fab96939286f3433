"""Data text inside narrative Markdown (e.g. an AE term quoted in prose).

The CSR's prose is Markdown read by pandoc and turned into HTML, typst and
DOCX. A term such as ``<b>IL-6 > 100 pg/mL</b> 50% #1 $x$ @ref *a* \\end``
must come out verbatim: never as HTML, math, a citation, emphasis, a heading
or raw TeX. Pandoc Markdown lets every ASCII punctuation character be
backslash-escaped (extension ``all_symbols_escapable``), so
:func:`escape_markdown` escapes all of them; line breaks become spaces so a
term cannot start a new block.
"""

from __future__ import annotations

import string

PUNCTUATION = frozenset(string.punctuation)


def escape_markdown(text: object) -> str:
    """``text`` as pandoc Markdown that renders verbatim (``None`` -> "")."""
    if text is None:
        return ""
    s = " ".join(str(text).split())  # no newlines, tabs or runs of spaces
    return "".join("\\" + ch if ch in PUNCTUATION else ch for ch in s)
