"""Pipe tables in Markdown for narrative sections (plan, appendix).

Cells are escaped with :func:`analysis.style.escape.escape_markdown` unless a
column is listed in ``raw`` (e.g. a cell that is already inline code).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from analysis.style.escape import escape_markdown


def table(header: Sequence[str], rows: Iterable[Sequence[object]],
          raw: Iterable[int] = (), widths: Sequence[float] | None = None,
          align: str | None = None) -> str:
    """A pipe table.

    ``align``: one letter per column, ``l`` left, ``r`` right (numbers), ``c``
    centre; default all left (text reads best left-aligned). ``widths``:
    relative column widths, for tables with long cells. Pandoc gives a pipe
    table whose source has a line longer than 72 characters the full text width
    and takes the relative widths from the dashes of the separator line, so a
    long hash or list gets a wide column instead of an equal share.
    """
    raw = set(raw)
    align = align or "l" * len(header)
    widths = widths or [1] * len(header)
    if len(align) != len(header) or len(widths) != len(header):
        raise ValueError("table: one align letter and one width per column")
    seps = []
    for a, w in zip(align, widths, strict=True):
        dashes = "-" * max(3, round(8 * w))
        seps.append({"l": f":{dashes}", "r": f"{dashes}:", "c": f":{dashes}:"}[a])
    lines = ["| " + " | ".join(escape_markdown(h) for h in header) + " |",
             "|" + "|".join(seps) + "|"]
    for r in rows:
        cells = [str(c) if i in raw else escape_markdown(str(c)) for i, c in enumerate(r)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def grouped(digest: str, size: int = 16) -> str:
    """A long hexadecimal digest in groups of ``size`` digits, so a table cell can wrap
    it (the unbroken value is in the manifest and provenance.json)."""
    return " ".join(digest[i:i + size] for i in range(0, len(digest), size))


def inline_code(text: str) -> str:
    """Text shown verbatim as inline code (backticks inside are not expected)."""
    return f"`{text}`"
