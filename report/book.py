"""The CSR book as ``_quarto.yml`` declares it: chapter order, parts, appendices, formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class BookError(ValueError):
    """``_quarto.yml`` does not describe a book the engines can render."""


@dataclass(frozen=True)
class Book:
    """One book: ``parts`` keeps the grouping (title ``None`` for chapters outside a part)."""

    parts: list[tuple[str | None, list[str]]]
    appendices: list[str]
    meta: dict[str, str] = field(default_factory=dict)
    formats: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def chapters(self) -> list[str]:
        """Every chapter path in reading order: parts flattened, appendices last."""
        return [c for _, chs in self.parts for c in chs] + list(self.appendices)


def _parts(entries: list[Any], path: Path) -> list[tuple[str | None, list[str]]]:
    parts: list[tuple[str | None, list[str]]] = []
    for entry in entries:
        if isinstance(entry, str):
            if parts and parts[-1][0] is None:
                parts[-1][1].append(entry)
            else:
                parts.append((None, [entry]))
        elif isinstance(entry, dict) and "part" in entry:
            chapters = entry.get("chapters") or []
            if not all(isinstance(c, str) for c in chapters):
                raise BookError(f"{path}: part {entry['part']!r} must list chapter paths")
            parts.append((str(entry["part"]), list(chapters)))
        else:
            raise BookError(f"{path}: unsupported book.chapters entry {entry!r}")
    return parts


def load_book(root: Path) -> Book:
    """Read ``root/_quarto.yml`` (Quarto book project) into a :class:`Book`."""
    path = Path(root) / "_quarto.yml"
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise BookError(f"{path}: not found") from exc
    book = config.get("book") or {}
    if not book.get("chapters"):
        raise BookError(f"{path}: book.chapters is empty")
    appendices = book.get("appendices") or []
    if not all(isinstance(a, str) for a in appendices):
        raise BookError(f"{path}: book.appendices must list chapter paths")
    meta = {k: str(book[k]) for k in ("title", "subtitle", "author") if k in book}
    formats = {name: dict(opts or {}) for name, opts in (config.get("format") or {}).items()}
    return Book(parts=_parts(book["chapters"], path), appendices=list(appendices),
                meta=meta, formats=formats)
