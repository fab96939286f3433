"""The FDA eCTD "PDF Specifications" checks of a rendered CSR PDF, where a program can tell
(issue 16): PDF 1.4-1.7, no encryption, no JavaScript; every font embedded; opens with the
bookmark panel and is linearised; one bookmark per SAP display under its section; every
internal link resolves; body text at least 9 pt. Read with pypdf (pikepdf writes the file:
:mod:`report.pdf_post`), each check returns one line per failure ([] when it passes).

The end-to-end tests (tests/e2e/test_publication_pdf.py) assert each on a fresh render;
``nox -s submission -- VERSION --check`` runs :func:`failures` on a published version.
"""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, IndirectObject

# The running header and "Page x of y" footer (8 pt) sit in the page margins:
# top 2.4 cm, bottom 2 cm (report/assets/csr.typ). Everything between is the body.
TOP_MARGIN_PT, BOTTOM_MARGIN_PT = 2.4 / 2.54 * 72, 2.0 / 2.54 * 72
MIN_TEXT_PT = 9.0
MIN_INTERNAL_LINKS = 50


def outline(reader: PdfReader, items=None, depth=0, parents=()):
    """(title, depth, parent titles, page index) of every bookmark."""
    items = reader.outline if items is None else items
    out = []
    for item in items:
        if isinstance(item, list):
            out += outline(reader, item, depth + 1, parents + (out[-1][0],) if out else parents)
        else:
            out.append((item.title.strip(), depth, parents, reader.get_destination_page_number(item)))
    return out


def version_and_security(reader: PdfReader) -> list[str]:
    """PDF 1.4 to 1.7, not encrypted, no JavaScript or automatic actions."""
    out = []
    version = reader.pdf_header.removeprefix("%PDF-")
    if version not in {"1.4", "1.5", "1.6", "1.7"}:
        out.append(f"PDF version {version} is not 1.4 to 1.7")
    if reader.is_encrypted:
        return out + ["encrypted"]
    root = reader.trailer["/Root"]
    names = root.get("/Names", {})
    if "/JavaScript" in names or "/OpenAction" in root or "/AA" in root:
        out.append("document-level JavaScript or automatic action")
    for n, page in enumerate(reader.pages, 1):
        if "/AA" in page:
            out.append(f"page {n} has additional actions")
        for annot in page.get("/Annots", []) or []:
            action = annot.get_object().get("/A", {})
            if action.get("/S") == "/JavaScript":
                out.append(f"page {n}: JavaScript link")
    return out


def fonts_embedded(reader: PdfReader) -> list[str]:
    missing = set()
    for page in reader.pages:
        fonts = (page.get("/Resources", {}).get("/Font", {}) or {})
        for font in fonts.values():
            font = font.get_object()
            descs = [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]
            if not any("/FontDescriptor" in d and any(
                    k in d["/FontDescriptor"] for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    for d in descs):
                missing.add(str(font.get("/BaseFont")))
    return [f"fonts not embedded: {sorted(missing)}"] if missing else []


def opens_with_bookmarks_linearised(reader: PdfReader, path: Path) -> list[str]:
    out = []
    if reader.trailer["/Root"].get("/PageMode") != "/UseOutlines":
        out.append("does not open with the bookmark panel (/PageMode /UseOutlines)")
    if b"/Linearized" not in Path(path).read_bytes()[:1024]:
        out.append("not saved for fast web view (linearised)")
    return out


def display_bookmarks(reader: PdfReader, displays) -> list[str]:
    """One bookmark per display (``kind number``), nested under a section's bookmark."""
    marks = outline(reader)
    out = []
    for d in displays:
        label = f"{d.kind} {d.number} "
        hits = [m for m in marks if (m[0] + " ").startswith(label)]
        if len(hits) != 1:
            out.append(f"{label.strip()}: {len(hits)} bookmarks")
            continue
        _, depth, parents, _ = hits[0]
        if not (depth >= 1 and parents) or re.match(r"^(Table|Figure|Listing) \d", parents[-1]):
            out.append(f"{label.strip()}: bookmark not under a section")
    return out


def internal_links(reader: PdfReader) -> list[str]:
    """Every internal link resolves to a page (and the document has them)."""
    pages = {p.indirect_reference.idnum for p in reader.pages}
    named = reader.named_destinations
    dead, links = [], 0
    for n, page in enumerate(reader.pages, 1):
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A", {})
            if action.get("/S") == "/URI":
                continue
            dest = annot.get("/Dest", action.get("/D"))
            links += 1
            if isinstance(dest, IndirectObject):
                dest = dest.get_object()
            if not isinstance(dest, ArrayObject):
                dest = named.get(str(dest))
                ok = getattr(dest, "page", None) is not None
            else:
                ok = isinstance(dest[0], IndirectObject) and dest[0].idnum in pages
            if not ok:
                dead.append(f"page {n}: link to {annot.get('/Dest', action)} resolves to no page")
    if links <= MIN_INTERNAL_LINKS:
        dead.insert(0, f"only {links} internal links (more than {MIN_INTERNAL_LINKS} expected)")
    return dead


def small_text(reader: PdfReader) -> list[str]:
    """Body text (between the page margins) below :data:`MIN_TEXT_PT`."""
    small = []
    for n, page in enumerate(reader.pages, 1):
        top = float(page.mediabox.top)

        def visit(text, cm, tm, font, size, n=n, top=top):
            if not text.strip():
                return
            # text space -> page space: tm x cm (row vectors, PDF convention)
            b, d = tm[0] * cm[1] + tm[1] * cm[3], tm[2] * cm[1] + tm[3] * cm[3]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pt = size * (b * b + d * d) ** 0.5
            if BOTTOM_MARGIN_PT < y < top - TOP_MARGIN_PT and pt < MIN_TEXT_PT - 0.05:
                small.append((n, round(pt, 2), text.strip()[:30]))

        page.extract_text(visitor_text=visit)
    return ([f"{len(small)} text runs below {MIN_TEXT_PT} pt, e.g. {small[:5]}"]
            if small else [])


def failures(path: Path, displays=None) -> list[str]:
    """Every check above on the PDF at ``path``; ``displays``: the SAP displays to find
    bookmarks for (default: the catalogue's)."""
    if displays is None:
        from analysis.catalogue import DISPLAYS as displays
    try:
        reader = PdfReader(path)
    except Exception as exc:  # pypdf raises several error types for a damaged file
        return [f"not readable as PDF ({exc})"]
    return (version_and_security(reader) + fonts_embedded(reader)
            + opens_with_bookmarks_linearised(reader, path)
            + display_bookmarks(reader, displays) + internal_links(reader)
            + small_text(reader))
