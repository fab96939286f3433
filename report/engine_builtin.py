"""The built-in engine: pandoc (pypandoc-binary) + Lua filters + typst (PyPI), no Quarto needed.

One pandoc run per notebook (in parallel) turns each executed notebook into a pandoc AST
with the Quarto cell options applied (``assets/cells.lua``), and each Markdown chapter
(writer-owned and generated sections) into one as pandoc Markdown; the ASTs are joined into one
book (parts and appendices as headings); one pandoc run per format resolves the SAP-numbered
cross-references (``assets/crossref.lua``) and writes HTML, typst and DOCX; typst compiles
the PDF once. Everything happens in a temporary folder inside the staging folder
(``_build/`` there); outputs are byte-reproducible. pandoc dies with the build
(:mod:`report.lifeline`).
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from report import lifeline, pdf_fonts, pdf_post, timing
from report.book import Book, load_book
from report.docx_post import finalize_docx
from report.engine_error import EngineError
from report.meta import RenderMeta

ASSETS = Path(__file__).resolve().parent / "assets"
READER = "ipynb+citations+header_attributes+fenced_divs+bracketed_spans+pipe_tables"
# 2000-01-01T00:00:00Z: every date pandoc and typst write (DOCX zip entries, PDF metadata).
FIXED_EPOCH = 946684800
FORMATS = ("html", "pdf", "docx")


def pandoc_path() -> str:
    """The pandoc binary of pypandoc-binary (``PYPANDOC_PANDOC`` or PATH as fallbacks)."""
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        found = shutil.which("pandoc")
        if not found:
            raise EngineError("pandoc not found: install pypandoc-binary") from None
        return found


def _run_pandoc(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(FIXED_EPOCH), "LC_ALL": "C.UTF-8"}
    proc = subprocess.run([pandoc_path(), *args], cwd=cwd, input=stdin, capture_output=True,
                          env=env, check=False, preexec_fn=lifeline.preexec())
    if proc.returncode != 0:
        raise EngineError(f"pandoc {' '.join(args)} failed:\n{proc.stderr.decode(errors='replace')}")
    return proc.stdout


MARKDOWN_READER = "markdown"


def notebook_ast(notebook: Path, work: Path) -> dict:
    """One executed notebook -> pandoc AST (JSON) with cell options applied; media -> work/media.
    A Markdown chapter (``.md``: the writer's sections, the generated ones) is read as pandoc
    Markdown, as Quarto reads it."""
    if not notebook.is_file():
        raise EngineError(f"{notebook.name}: executed notebook not found in staging")
    if notebook.suffix == ".md":
        return json.loads(_run_pandoc(["-f", MARKDOWN_READER, "-t", "json",
                                       str(notebook.resolve())], cwd=work))
    out = _run_pandoc(["-f", READER, "--ipynb-output=all", "-t", "json",
                       "--extract-media=media", "-L", str(ASSETS / "cells.lua"),
                       str(notebook.resolve())], cwd=work)
    return json.loads(out)


def _shift_headers(node: object, by: int) -> None:
    if isinstance(node, dict):
        if node.get("t") == "Header":
            node["c"][0] = min(node["c"][0] + by, 6)
        for value in node.values():
            _shift_headers(value, by)
    elif isinstance(node, list):
        for value in node:
            _shift_headers(value, by)


def _header(text: str, ident: str) -> dict:
    words: list[dict] = []
    for i, word in enumerate(text.split()):
        if i:
            words.append({"t": "Space"})
        words.append({"t": "Str", "c": word})
    return {"t": "Header", "c": [1, [ident, ["part", "unnumbered"], []], words]}


def join_book(book: Book, asts: dict[str, dict]) -> dict:
    """One AST for the whole book: parts and ``Appendices`` become level-1 headings and their
    chapters move one level down, so the table of contents shows the book's structure."""
    blocks: list[dict] = []
    groups = list(book.parts) + ([("Appendices", book.appendices)] if book.appendices else [])
    for n, (title, chapters) in enumerate(groups):
        if title is not None:
            blocks.append(_header(title, f"part-{n}"))
        for chapter in chapters:
            chapter_blocks = asts[chapter]["blocks"]
            if title is not None:
                _shift_headers(chapter_blocks, 1)
            blocks.extend(chapter_blocks)
    first = next(iter(asts.values()))
    return {"pandoc-api-version": first["pandoc-api-version"], "meta": {}, "blocks": blocks}


def _html_title(meta: RenderMeta) -> str:
    """The title page (ICH E3 1): :meth:`RenderMeta.title_rows`, GCP statement, signatories."""
    e = html.escape
    banner = ('<div class="csr-simulated" role="note">SIMULATED DATA</div>\n'
              if meta.simulated else "")
    mark = ('<p class="csr-simulated-mark">SIMULATED DATA: built from data simulated by the '
            "project's seeded simulator.</p>" if meta.simulated else "")
    table = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in meta.title_rows())
    gcp = f'<p class="csr-gcp">{e(meta.gcp_statement)}</p>\n' if meta.gcp_statement else ""
    signs = "".join(f"<tr><th>{e(role)}</th><td>{e(name)}</td><td>Signature and date: </td></tr>"
                    for role, name in meta.signatories)
    signatories = (f'<table class="csr-signatories"><caption>Sponsor signatory block</caption>'
                   f"{signs}</table>\n" if signs else "")
    return (f'{banner}<header class="csr-title">\n<p class="csr-protocol">{e(meta.protocol_id)}</p>\n'
            f"<h1 class=\"title\">{e(meta.title)}</h1>\n<p class=\"csr-full-title\">{e(meta.full_title)}</p>\n"
            f'<table class="csr-title-table">{table}</table>\n{gcp}{signatories}{mark}\n'
            f'<p class="csr-running">{e(meta.header_text)}</p>\n</header>\n')


def write_html(book_json: Path, work: Path, meta: RenderMeta) -> Path:
    """Self-contained HTML (images and CSS embedded) with a table of contents."""
    (work / "title.html").write_text(_html_title(meta), encoding="utf-8")
    out = work / "csr.html"
    _run_pandoc(["-f", "json", "-t", "html5", "-s", "--wrap=none", "--toc", "--toc-depth=2", "--embed-resources",
                 "--figure-caption-position=above",
                 "--css", str(ASSETS / "csr.css"), "-B", "title.html",
                 "-L", str(ASSETS / "html.lua"), "-L", str(ASSETS / "crossref.lua"),
                 "-M", f"pagetitle={meta.protocol_id} {meta.title}", "-M", "lang=en",
                 "-M", "toc-title=Table of contents", "-o", out.name, book_json.name], cwd=work)
    return out


def write_pdf(book_json: Path, work: Path, meta: RenderMeta,
              timeline: timing.Timeline = timing.OFF) -> Path:
    """typst source from pandoc, compiled once by typst with fixed fonts and timestamp
    (the engine step ``typst_compile`` of ``timeline``)."""
    import typst

    # text the PDF fonts cannot show becomes its code point (report/pdf_fonts.py)
    pdf_json = work / "book-pdf.json"
    pdf_json.write_text(json.dumps(pdf_fonts.pdf_ast(json.loads(
        book_json.read_text(encoding="utf-8")))), encoding="utf-8")
    # typst-literal.lua last: every text becomes a typst string literal (nothing in it is markup)
    _run_pandoc(["-f", "json", "-t", "typst", "-s", "--template", str(ASSETS / "csr.typ"),
                 "-L", str(ASSETS / "crossref.lua"), "-L", str(ASSETS / "typst.lua"),
                 "-L", str(ASSETS / "figure-notes.lua"),
                 "-L", str(ASSETS / "typst-literal.lua"),
                 "-o", "csr.typ", pdf_json.name], cwd=work)
    out = work / "csr.pdf"
    plain = replace(meta, simulated=False).header_text
    inputs = {"csr-meta": json.dumps(meta.as_dict()), "csr-header": plain}
    try:
        with timeline.stage("engine_step", step="typst_compile"):
            typst.compile(str(work / "csr.typ"), output=str(out), root=str(work),
                          sys_inputs=inputs, timestamp=FIXED_EPOCH, ignore_system_fonts=True,
                          font_paths=[pdf_fonts.font_folder(work)])
    except Exception as exc:  # typst raises its own TypstError (message carries the diagnostics)
        raise EngineError(f"typst compile failed:\n{exc}") from exc
    pdf_post.finalize_pdf(out)
    return out


def write_docx(book_json: Path, work: Path, meta: RenderMeta) -> Path:
    """DOCX with the reference document's styles, a running header and ``Page x of y``."""
    out = work / "csr.docx"
    _run_pandoc(["-f", "json", "-t", "docx", "--figure-caption-position=above",
                 "--reference-doc", str(ASSETS / "reference.docx"),
                 "-L", str(ASSETS / "crossref.lua"), "-L", str(ASSETS / "docx.lua"),
                 "-M", f"title={meta.full_title}", "-M", f"subtitle={meta.protocol_id}",
                 "-M", f"author={meta.sponsor}", "-M", "toc-title=Table of contents",
                 "-M", f"csr-title-page={json.dumps(meta.as_dict())}",
                 "-o", out.name, book_json.name], cwd=work)
    finalize_docx(out, meta, FIXED_EPOCH)
    return out


WRITERS = {"html": write_html, "pdf": write_pdf, "docx": write_docx}


def _write(fmt: str, book_json: Path, work: Path, meta: RenderMeta,
           timeline: timing.Timeline) -> Path:
    """``WRITERS[fmt]``, timed as the engine step ``write_<fmt>`` (the PDF writer records
    its typst compile within it)."""
    with timeline.stage("engine_step", step=f"write_{fmt}"):
        if fmt == "pdf":
            return write_pdf(book_json, work, meta, timeline)
        return WRITERS[fmt](book_json, work, meta)


def render(staging: Path, out_dir: Path, formats: list[str], meta: RenderMeta,
           timeline: timing.Timeline = timing.OFF) -> dict[str, Path]:
    """Render the executed book in ``staging`` to ``out_dir/csr.<format>``; ``timeline``
    receives the engine steps (:func:`report.engines.render_book`)."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise EngineError(f"unknown output format(s) {unknown}; choose from {list(FORMATS)}")
    book = load_book(staging)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # the work folder lives in the staging folder (itself under _build/tmp in a build)
    (Path(staging) / "_build").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="builtin-", dir=Path(staging) / "_build") as tmp:
        work = Path(tmp)
        with timeline.stage("engine_step", step="pandoc_notebooks"), \
                ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            asts = dict(zip(book.chapters, pool.map(
                lambda ch: notebook_ast(Path(staging) / ch, work), book.chapters), strict=True))
        book_json = work / "book.json"
        book_json.write_text(json.dumps(join_book(book, asts)), encoding="utf-8")
        with ThreadPoolExecutor(max_workers=len(formats) or 1) as pool:
            futures = {f: pool.submit(_write, f, book_json, work, meta, timeline)
                       for f in formats}
            written = {f: fut.result() for f, fut in futures.items()}
        result = {}
        for fmt, path in written.items():
            target = out_dir / path.name
            shutil.copyfile(path, target)
            result[fmt] = target
    return result
