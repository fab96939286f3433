"""The text of the staged book as the generated sections read it: each chapter's words,
its headings in order and where each display is (the ``#| label:`` of the cell showing it).

Executed notebooks: the Markdown cells, and the Markdown and HTML outputs of the code cells
(tags, styles and embedded images removed); Markdown chapters: their text. A chapter not yet
written (a generated one) is empty.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{([^}]*)\})?\s*$")
ID = re.compile(r"#([\w-]+)")
STYLE = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
FLOAT_LABEL = re.compile(r"^(tbl|fig)-")
ESCAPED = re.compile(r"\\([^\w\s])")   # Markdown's backslash escapes: "CAR\-T" is "CAR-T"


def _plain(markdown: str) -> str:
    return ESCAPED.sub(r"\1", markdown)


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    ident: str | None


@dataclass
class Chapter:
    path: str
    text: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    displays: dict[str, Heading | None] = field(default_factory=dict)  # label -> section


@dataclass
class BookText:
    root: Path                    # the staged book
    chapters: list[Chapter]

    def words(self, skip: tuple[str, ...] = ()) -> str:
        """All text of the book except the chapters in ``skip``."""
        return "\n".join(t for ch in self.chapters if ch.path not in skip for t in ch.text)

    def display_sections(self) -> dict[str, tuple[str, Heading | None]]:
        """Display label -> (chapter, the numbered section that shows it)."""
        return {label: (ch.path, sec) for ch in self.chapters for label, sec in ch.displays.items()}


def _str(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _html_words(html: str) -> str:
    return TAG.sub(" ", STYLE.sub(" ", DATA_URI.sub(" ", html)))


def _headings(markdown: str) -> list[Heading]:
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        m = None if fenced else HEADING.match(line)
        if m:
            ident = ID.search(m.group(3) or "")
            out.append(Heading(len(m.group(1)), m.group(2), ident.group(1) if ident else None))
    return out


def _numbered(headings: list[Heading]) -> Heading | None:
    """The last heading that carries an ICH E3 section number."""
    for h in reversed(headings):
        if re.match(r"^\d+(\.\d+)*\s", h.title):
            return h
    return None


def _cell_label(source: str) -> str | None:
    from report.quarto_stage import cell_label

    return cell_label(source)


def read_chapter(staging: Path, chapter: str) -> Chapter:
    path = Path(staging) / chapter
    out = Chapter(chapter)
    if not path.is_file():
        return out
    if not chapter.endswith(".ipynb"):
        text = path.read_text(encoding="utf-8")
        out.text.append(_plain(text))
        out.headings.extend(_headings(text))
        return out
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        source = _str(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            out.text.append(_plain(source))
            out.headings.extend(_headings(source))
            continue
        if cell.get("cell_type") != "code":
            continue
        shown = False   # a table or figure: a display that is not available says so in Markdown
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            if "text/markdown" in data:
                md = DATA_URI.sub(" ", _str(data["text/markdown"]))
                out.text.append(_plain(md))
                out.headings.extend(_headings(md))
                shown = shown or "![" in md
            elif "text/html" in data:
                out.text.append(_html_words(_str(data["text/html"])))
                shown = True
            if any(k.startswith("image/") for k in data):
                shown = True
        label = _cell_label(source)
        if shown and label and FLOAT_LABEL.match(label):
            out.displays[label] = _numbered(out.headings)
    return out


def read_book_text(staging: Path, chapters: list[str]) -> BookText:
    """The text of every chapter of the staged book, in reading order."""
    return BookText(Path(staging), [read_chapter(staging, ch) for ch in chapters])
