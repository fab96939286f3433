"""The text of each page of a published PDF, extracted once per test worker.

Several e2e modules read the text of the same csr.pdf (about 100 pages: some 10 s with
pypdf each time); :func:`page_texts` keeps it per file, keyed by path, size and
modification time, so a file written again is read again."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pypdf import PdfReader


@lru_cache(maxsize=8)
def _pages(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    return tuple(p.extract_text() or "" for p in PdfReader(path).pages)


def page_texts(path: Path | str) -> tuple[str, ...]:
    """pypdf's text of every page of ``path``, in page order."""
    st = Path(path).stat()
    return _pages(str(path), st.st_mtime_ns, st.st_size)
