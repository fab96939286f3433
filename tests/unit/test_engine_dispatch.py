"""Engine dispatch and the book loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from report import engines
from report.book import load_book
from report.engines import EngineError, resolve_engine

BOOK = Path(__file__).parent / "fixtures" / "engine_book"
REPO = Path(__file__).resolve().parents[2]


def test_quarto_engine_without_quarto_raises_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(engines.shutil, "which", lambda name: None)
    from report import engine_quarto

    monkeypatch.setattr(engine_quarto.shutil, "which", lambda name: None)
    with pytest.raises(EngineError, match="quarto binary is not on PATH"):
        engines.render_book(BOOK, tmp_path, ["html"], "quarto", meta=None)


def test_auto_picks_builtin_without_quarto_and_quarto_with_it(monkeypatch):
    monkeypatch.setattr(engines.shutil, "which", lambda name: None)
    assert resolve_engine("auto") == "builtin"
    monkeypatch.setattr(engines.shutil, "which", lambda name: "/usr/bin/quarto")
    assert resolve_engine("auto") == "quarto"


def test_unknown_engine_is_rejected():
    with pytest.raises(EngineError, match="unknown engine 'latex'"):
        resolve_engine("latex")


def test_load_book_flattens_parts_and_puts_appendices_last():
    book = load_book(BOOK)
    assert book.chapters == ["index.ipynb", "chapters/12-01-dlt.ipynb", "chapters/16-listings.ipynb"]
    assert book.parts == [(None, ["index.ipynb"]),
                          ("12 Safety evaluation", ["chapters/12-01-dlt.ipynb"])]
    assert book.appendices == ["chapters/16-listings.ipynb"]
    assert book.meta["title"] == "Clinical Study Report"
    assert set(book.formats) == {"html", "typst", "docx"}


def test_project_book_lists_the_csr_chapters_in_ich_e3_order():
    book = load_book(REPO)
    assert book.chapters[0] == "index.ipynb"
    assert book.chapters[-1] == "chapters/appendix.ipynb"
    assert book.chapters.index("chapters/12-01-dlt.ipynb") > book.chapters.index("chapters/11-08-mri.ipynb")
