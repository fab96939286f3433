"""A redlined DOCX between two versions' ``csr.docx``: Word tracked changes (``w:ins`` /
``w:del`` revisions) that a writer accepts or rejects in Word or LibreOffice.

Library: python-redlines with its Docxodus engine (``python-redlines[docxodus]``,
MIT). Docxodus is the maintained continuation of Open-XML-PowerTools' WmlComparer,
the comparison engine made for exactly this (Word's own "Compare documents" output:
paragraph, run and table-cell revisions, formatting kept). Its wheel ships a
self-contained .NET executable for linux-x64 (no .NET SDK, no download at install
or run time: it works offline), which python-redlines extracts once into the user
cache. The alternatives: python-redlines' ``XmlPowerToolsEngine`` wraps the
unmaintained WmlComparer and is deprecated; docx-redline and py-redline write
tracked changes for edits one states, they do not compare two documents; a
hand-written comparer over python-docx would be the code the library already is.

The redline is of the report's text: the tables and listings (every ``w:tbl`` of the
body) are taken out of both copies before the comparison (:func:`text_only`). Their
numbers are compared ARD row by ARD row in the diff report ("Displays whose numbers
changed"), which says so; compared cell by cell, the tables cost the engine about four
CPU-minutes on the CSR and their revisions drown the text's. Captions, headings and
every paragraph stay.

Each revision carries the author ``nox -s diff`` and the build time of the newer
version (its ``provenance.json``), so the same two versions give the same revisions.
Both inputs are read as bytes and never opened for writing: a published version is
not changed (the engine works on copies in a temporary folder).
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

AUTHOR = "nox -s diff"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class RedlineError(RuntimeError):
    """The redline could not be made (engine missing or failed); nothing was written."""


@dataclass(frozen=True)
class ParagraphRevision:
    """One paragraph with tracked changes: its text before (rejecting every change) and
    after (accepting every change), and the text inserted and deleted in it."""

    old_text: str
    new_text: str
    inserted: str
    deleted: str


@dataclass(frozen=True)
class Revisions:
    """The tracked changes of a DOCX body: how many ``w:ins`` and ``w:del`` elements, and
    the paragraphs holding a change."""

    insertions: int
    deletions: int
    paragraphs: tuple[ParagraphRevision, ...]


def build_time(version_dir: Path) -> str | None:
    """``built_at`` of a version's provenance.json (ISO 8601), or None."""
    path = Path(version_dir) / "provenance.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("built_at")
    except (OSError, ValueError):
        return None


def text_only(docx: bytes) -> bytes:
    """The DOCX ``docx`` without its body's tables (each ``w:tbl`` of ``word/document.xml``
    removed with what it holds); every other part and entry as it was, in the same order."""
    import io

    from lxml import etree

    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                for tbl in list(root.iter(f"{W}tbl")):
                    if tbl.getparent() is not None and not _inside(tbl, (f"{W}tbl",), root):
                        tbl.getparent().remove(tbl)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            dst.writestr(info, data)
    return out.getvalue()


def redline_bytes(old_docx: Path, new_docx: Path, *, author: str = AUTHOR,
                  date_time: str | None = None) -> bytes:
    """The tracked-changes DOCX turning ``old_docx`` into ``new_docx`` (Docxodus), of
    their text (:func:`text_only`)."""
    from python_redlines import DocxodusEngine, EngineExecutionError, EngineNotInstalledError

    try:
        engine = DocxodusEngine()
    except (EngineNotInstalledError, OSError) as exc:
        raise RedlineError(f"the redline engine is not available: {exc}") from exc
    settings = {"date_time": date_time} if date_time else {}
    try:
        out, _stdout, _stderr = engine.run_redline(
            author, original=text_only(Path(old_docx).read_bytes()),
            modified=text_only(Path(new_docx).read_bytes()),
            **settings)
    except EngineExecutionError as exc:
        raise RedlineError(f"the redline engine failed comparing {old_docx} with "
                           f"{new_docx}: {exc}") from exc
    return out


def write_redline(old_docx: Path, new_docx: Path, out: Path, *, author: str = AUTHOR,
                  date_time: str | None = None) -> Path:
    """Write the redline to ``out`` (through a temporary file renamed into place)."""
    data = redline_bytes(old_docx, new_docx, author=author, date_time=date_time)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".redline-", suffix=".docx", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)       # mkstemp's 0600 -> as any file written here
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _inside(el, tags: tuple[str, ...], stop) -> bool:
    """Whether an ancestor of ``el`` below ``stop`` has one of ``tags``."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def revisions(docx: Path) -> Revisions:
    """Count the ``w:ins`` and ``w:del`` elements of ``word/document.xml`` and read each
    paragraph holding a change: inserted text is ``w:t`` in ``w:ins`` or ``w:moveTo``,
    deleted text ``w:delText`` or ``w:t`` in ``w:moveFrom``."""
    from lxml import etree

    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    n_ins = sum(1 for _ in root.iter(f"{W}ins"))
    n_del = sum(1 for _ in root.iter(f"{W}del"))
    added_tags, gone_tags = (f"{W}ins", f"{W}moveTo"), (f"{W}moveFrom",)
    paragraphs = []
    for p in root.iter(f"{W}p"):
        old, new, ins, dels = [], [], [], []
        for t in p.iter(f"{W}t", f"{W}delText"):
            if _inside(t, (f"{W}p",), p):           # a paragraph nested in this one
                continue
            text = t.text or ""
            if t.tag == f"{W}delText" or _inside(t, gone_tags, p):
                old.append(text)
                dels.append(text)
            elif _inside(t, added_tags, p):
                new.append(text)
                ins.append(text)
            else:
                old.append(text)
                new.append(text)
        if "".join(ins).strip() or "".join(dels).strip():
            paragraphs.append(ParagraphRevision("".join(old), "".join(new), " ".join(ins),
                                                " ".join(dels)))
    return Revisions(n_ins, n_del, tuple(paragraphs))
