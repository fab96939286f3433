"""Internal links of the built-in engine's book (report/assets/crossref.lua)."""

from __future__ import annotations

from pathlib import Path

import pypandoc

CROSSREF = Path(__file__).resolve().parents[2] / "report" / "assets" / "crossref.lua"


def _typst(markdown: str) -> str:
    return pypandoc.convert_text(markdown, "typst", format="markdown",
                                 extra_args=["-L", str(CROSSREF)])


def test_a_link_to_an_anchor_the_book_lacks_stays_as_its_text():
    """A listing row links its narrative; in a book without that narrative the link is
    its text (typst refuses a link to a missing label)."""
    out = _typst("# Narratives {#sec-narratives}\n\n::: {#narr-a}\nA\n:::\n\n"
                 "[01-0001](#narr-a) and [01-0002](#narr-b)\n")
    assert "#link(<narr-a>)" in out
    assert "narr-b" not in out and "01-0002" in out


def test_an_unknown_cross_reference_still_stops_the_build():
    import pytest

    with pytest.raises(RuntimeError, match="unknown label: @sec-nowhere"):
        _typst("See @sec-nowhere.\n")
