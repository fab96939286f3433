"""Writer-owned text placed into the executed book (the narratives' clinical assessments);
the placeholders and the title-page facts of the writer files are :mod:`report.writer_text`'s.

A notebook marks where a writer's Markdown file belongs with a Div naming it, around the
visible placeholder it shows until the file is filled
(:mod:`analysis.style.narrative_text`)::

    ::: {.csr-writer-text file="text/writer/narratives/NCT06561009-01-0016.md"}
    [Writer: clinical assessment of participant 01-0016]
    :::

At staging, after the notebooks ran (or came from the cache), :func:`resolve_notebook`
puts each named file's text in place of the placeholder when the file is filled; an
absent or unfilled file (:func:`is_filled`) keeps the placeholder. So a writer's edit
changes the documents without executing a notebook (the file's hash is an input of the
render, not of the notebooks), and the build only reads the files: it
never creates, changes or deletes one.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from report.writer_text import PLACEHOLDER, WRITER_DIR, WriterTextError

WRITER_ROOT = WRITER_DIR.as_posix()
_DIV = re.compile(r'(::: \{\.csr-writer-text file="(?P<file>[^"]+)"\}\n)(?P<body>.*?)(\n:::)',
                  re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def is_filled(text: str) -> bool:
    """Whether a writer's file holds text: not empty once HTML comments are removed, and
    not only the ``[Writer: ...]`` placeholder."""
    body = _COMMENT.sub("", text).strip()
    return bool(body) and not PLACEHOLDER.fullmatch(body)


def _writer_path(root: Path, rel: str, where: str) -> Path:
    path = (root / rel).resolve()
    base = (root / WRITER_ROOT).resolve()
    if base not in path.parents:
        raise WriterTextError(f"{where}: writer text {rel!r} is not under {WRITER_ROOT}/")
    return path


def resolve_markdown(text: str, root: Path, where: str = "book") -> str:
    """``text`` with each writer Div's placeholder replaced by its filled file's text."""
    def put(m: re.Match) -> str:
        path = _writer_path(root, m.group("file"), where)
        if path.is_file():
            written = path.read_text(encoding="utf-8")
            if is_filled(written):
                return m.group(1) + written.strip() + m.group(4)
        return m.group(0)

    return _DIV.sub(put, text)


def resolve_notebook(path: Path, root: Path) -> bool:
    """Resolve the writer Divs of the Markdown outputs of the executed notebook ``path``
    in place (a staged copy); True when it changed."""
    if "csr-writer-text" not in path.read_text(encoding="utf-8"):
        return False
    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                md = data["text/markdown"]
                md = "".join(md) if isinstance(md, list) else md
                new = resolve_markdown(md, root, str(path.name))
                if new != md:
                    data["text/markdown"] = new
                    changed = True
    if changed:
        nbformat.write(nb, path)
    return changed

