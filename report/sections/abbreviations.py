"""ICH E3 section 4, list of abbreviations: those of ``text/abbreviations.yml`` that the
rendered text actually uses, sorted (case-insensitively).

Every other chapter's text is searched (:mod:`report.sections.book_text`), generated
sections and the title page included; an abbreviation counts when it appears as a whole
word, case-sensitive, also with a plural ``s`` ("AEs"). Its own section is not searched.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from analysis.style.markdown import table
from report.sections.book_text import BookText

DEFINITIONS_FILE = Path("text") / "abbreviations.yml"
CHAPTER = "generated/04-abbreviations.md"
WORD = "A-Za-z0-9"


class AbbreviationsError(ValueError):
    """``text/abbreviations.yml`` is not a mapping of abbreviation -> definition."""


def load_definitions(path: Path) -> dict[str, str]:
    """``abbreviation -> definition`` from ``path`` (empty if the file does not exist)."""
    if not Path(path).is_file():
        return {}
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise AbbreviationsError(f"{DEFINITIONS_FILE.as_posix()}: not valid YAML ({exc})") from exc
    bad = [k for k, v in raw.items() if not isinstance(v, str) or not v.strip()] \
        if isinstance(raw, dict) else ["(the file is not a mapping)"]
    if bad:
        raise AbbreviationsError(f"{DEFINITIONS_FILE.as_posix()}: every entry needs a "
                                 f"definition; not a definition: {bad}")
    return {str(k): " ".join(v.split()) for k, v in raw.items()}


def used(definitions: dict[str, str], text: str) -> list[tuple[str, str]]:
    """The ``(abbreviation, definition)`` pairs whose abbreviation occurs in ``text`` as a
    whole word (optionally plural), sorted case-insensitively."""
    found = []
    for abbr, definition in definitions.items():
        pattern = rf"(?<![{WORD}]){re.escape(abbr)}s?(?![{WORD}])"
        if re.search(pattern, text):
            found.append((abbr, definition))
    return sorted(found, key=lambda p: (p[0].casefold(), p[0]))


def section(book: BookText, config, meta) -> str:
    """The Markdown of section 4."""
    definitions = load_definitions(book.root / DEFINITIONS_FILE)
    title_page = "\n".join(v for _, v in meta.title_rows()) + "\n" + meta.gcp_statement \
        + "\n" + meta.full_title
    pairs = used(definitions, book.words(skip=(CHAPTER,)) + "\n" + title_page)
    lines = ["# 4 List of abbreviations and definitions of terms", ""]
    if pairs:
        lines += [table(("Abbreviation", "Definition"), pairs, widths=(1, 4)), ""]
    else:
        lines += ["No abbreviation of the definitions list is used in this report.", ""]
    return "\n".join(lines)
