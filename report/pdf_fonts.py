"""The fonts of the built-in engine's PDF, and text the PDF can show with them.

typst sets the CSR in Libertinus Serif (one of the fonts built into typst) and,
for characters it lacks, falls back to the other fonts it knows. Besides its
built-in fonts it is given DejaVu Sans, Serif and Sans Mono, the fonts
matplotlib ships (a pinned dependency), which cover Latin, Greek, Cyrillic,
many symbols and the common emoji faces (:func:`font_folder`). A character
that none of them holds would be printed as an empty box, so
:func:`shown_in_pdf` replaces it by its code point, ``[U+4E2D]``, visibly
(:func:`pdf_ast` does so for every text of the document before pandoc writes
typst). Coverage is read from the DejaVu files' character maps
(:mod:`fontTools`, a matplotlib dependency); characters only typst's built-in
fonts hold count as not covered, so the check can only err towards showing
a code point.
"""

from __future__ import annotations

import functools
from pathlib import Path

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
              "DejaVuSans-BoldOblique.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
              "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf", "DejaVuSansMono.ttf")
COVERAGE_FILES = ("DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf")
_ALWAYS = frozenset(" \n\t\u00a0\u200b")   # white space typst lays out without a glyph


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_folder(work: Path) -> str:
    """A folder in ``work`` holding the fallback font files typst gets besides its own
    (typst reads folders, not files, and matplotlib's folder holds other fonts too)."""
    import shutil

    source, target = _font_dir(), Path(work) / "fonts"
    target.mkdir(parents=True, exist_ok=True)
    for name in FONT_FILES:
        if (source / name).is_file() and not (target / name).is_file():
            shutil.copyfile(source / name, target / name)
    return str(target)


@functools.lru_cache(maxsize=1)
def coverage() -> frozenset[int]:
    """The code points the fallback fonts can show (read once per process)."""
    from fontTools.ttLib import TTFont

    folder = _font_dir()
    points: set[int] = set()
    for name in COVERAGE_FILES:
        if (folder / name).is_file():
            points.update(TTFont(folder / name, lazy=True).getBestCmap())
    points.update(ord(c) for c in _ALWAYS)
    return frozenset(points)


def shown_in_pdf(text: str) -> str:
    """``text`` with every character the PDF fonts cannot show as ``[U+XXXX]``."""
    if text.isascii() and text.isprintable():
        return text
    cov = coverage()
    return "".join(ch if ord(ch) in cov else f"[U+{ord(ch):04X}]" for ch in text)


def pdf_ast(node: object) -> object:
    """The pandoc JSON AST with :func:`shown_in_pdf` applied to every ``Str``, ``Code``
    and ``CodeBlock`` text, in place; returns ``node``."""
    if isinstance(node, dict):
        t, c = node.get("t"), node.get("c")
        if t == "Str" and isinstance(c, str):
            node["c"] = shown_in_pdf(c)
        elif t in ("Code", "CodeBlock") and isinstance(c, list) and len(c) == 2:
            c[1] = shown_in_pdf(c[1])
        else:
            for value in node.values():
                pdf_ast(value)
    elif isinstance(node, list):
        for value in node:
            pdf_ast(value)
    return node
