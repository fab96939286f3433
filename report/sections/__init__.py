"""The generated sections of the CSR (ICH E3 4, 8, 14 and 16.1), rebuilt on every typeset.

``_quarto.yml`` lists them as chapters under ``generated/`` (:data:`GENERATED_DIR`); no such
file exists in the project: :func:`write_generated` writes each one as Markdown into the
staged book, after the notebooks ran and before the engine reads the book, so both engines
include them like any Markdown chapter. They read the staged book itself (what the other
chapters say and show), the study configuration and the snapshot's metadata, never the
notebooks' code: changing the text re-typesets the book and executes no notebook.

- ``04-abbreviations.md``: :mod:`report.sections.abbreviations`;
- ``08-objectives.md``: :mod:`report.sections.objectives`;
- ``14-displays.md``: :mod:`report.sections.display_locations`;
- ``16-01-study-information.md``: :mod:`report.sections.study_information`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from report.sections.book_text import BookText, read_book_text, read_chapter

GENERATED_DIR = "generated"


def builders() -> dict[str, Callable[[BookText, object, object], str]]:
    """File name under ``generated/`` -> the function writing its Markdown."""
    from report.sections import abbreviations, display_locations, objectives, study_information

    return {"04-abbreviations.md": abbreviations.section,
            "08-objectives.md": objectives.section,
            "14-displays.md": display_locations.section,
            "16-01-study-information.md": study_information.section}


def is_generated(chapter: str) -> bool:
    """True for a chapter the build writes (``generated/<name>``), not a project file."""
    parts = Path(chapter).parts
    return len(parts) == 2 and parts[0] == GENERATED_DIR


def unknown_generated(chapters: list[str]) -> list[str]:
    """Chapters under ``generated/`` that no builder writes."""
    known = builders()
    return [c for c in chapters if is_generated(c) and Path(c).name not in known]


def write_generated(staging: Path, chapters: list[str], config, meta) -> list[str]:
    """Write every generated chapter of ``chapters`` into ``staging``; the abbreviations last,
    as they collect the abbreviations of every other section (generated ones too)."""
    known = builders()
    wanted = [c for c in chapters if is_generated(c)]
    order = sorted(wanted, key=lambda c: Path(c).name == "04-abbreviations.md")
    book = read_book_text(staging, chapters)   # read once; a written chapter is read again
    for chapter in order:
        text = known[Path(chapter).name](book, config, meta)
        (staging / chapter).parent.mkdir(parents=True, exist_ok=True)
        (staging / chapter).write_text(text, encoding="utf-8")
        book.chapters[chapters.index(chapter)] = read_chapter(staging, chapter)
    return wanted
