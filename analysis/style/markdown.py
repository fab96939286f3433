"""Pipe tables in Markdown for narrative sections (plan, appendix).

Cells are escaped with :func:`analysis.style.escape.escape_markdown` unless a
column is listed in ``raw`` (e.g. a cell that is already inline code).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from analysis.style.escape import escape_markdown


def table(header: Sequence[str], rows: Iterable[Sequence[object]],
          raw: Iterable[int] = ()) -> str:
    raw = set(raw)
    lines = ["| " + " | ".join(escape_markdown(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        cells = [str(c) if i in raw else escape_markdown(str(c)) for i, c in enumerate(r)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def inline_code(text: str) -> str:
    """Text shown verbatim as inline code (backticks inside are not expected)."""
    return f"`{text}`"
