"""Prepare the staged book for Quarto: the files _quarto.yml names under ``_build/``, the CSR
typst format, the book index of cross-reference targets, and tables Quarto reads fast.

What :func:`prepare` writes into the staged project (``staging/``):

- ``_extensions/csr/``: the ``csr-typst`` format (report/assets/quarto/csr-typst), the CSR
  furniture on Quarto's typst book;
- ``_build/filters/``: the Lua filters _quarto.yml lists, with the modules they load;
- ``_build/csr/``: ``csr-meta.json`` (title page and running header, from
  :class:`report.meta.RenderMeta`), ``xref.json`` (every cross-reference target: its page and,
  for headings, its name), ``displays.json`` (every table, figure and listing in book order:
  id, page, caption; the HTML list of them, ``display-list.lua``), ``banner.html`` (the
  running header of every HTML page),
  ``csr-site.css``, ``scrollable-regions.html`` (keyboard access to displays that scroll) and ``reference.docx``;
- the executed notebooks, without execution counts and tags, where each figure's PNG
  (embedded in its Markdown output) becomes a file beside its chapter (``csr-figures/``) and
  each great-tables output (``text/html``) becomes the table as the format needs it
  (``text/markdown``: a raw HTML, typst or DOCX-XML block, the table pandoc writes), converted
  once per render by ``assets/quarto/stage.lua`` with the built-in engine's conversion
  (``assets/gt_tables.lua``). Quarto's own HTML-table processing would parse every table
  and, for typst, run one Deno process per table (about 70 s for this book) and give columns
  of equal width.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from report.book import load_book
from report.engine_error import EngineError
from report.meta import RenderMeta

ASSETS = Path(__file__).resolve().parent / "assets"
QUARTO_ASSETS = ASSETS / "quarto"
FILTERS = ("sap-xref.lua", "side-links.lua", "sap-floats.lua", "title-page.lua", "display-list.lua",
           "book-parts.lua", "docx-tables.lua", "figure-notes.lua", "sapnum.lua", "typst-literal.lua",
           "html.lua", "docx.lua")  # the last two: rules the Quarto filters load
CSR_DIR = Path("_build") / "csr"
FILTER_DIR = Path("_build") / "filters"
EXTENSION_DIR = Path("_extensions") / "csr"
OPTION = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$")
DATA_IMAGE = re.compile(r"\]\(data:image/png;base64,([A-Za-z0-9+/=\s]+)\)")
FIGURE_DIR = "csr-figures"
FLOAT_LABEL = re.compile(r"^(tbl|fig)-")


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def cell_option(source: str, name: str) -> str | None:
    """The ``#| <name>:`` option of a code cell (Quarto cell-option syntax, the value
    unquoted), or None."""
    for line in source.splitlines():
        m = OPTION.match(line)
        if not m:
            break
        if m.group(1) == name:
            return m.group(2).strip("\"'")
    return None


def cell_label(source: str) -> str | None:
    """The ``#| label:`` option of a code cell, or None."""
    return cell_option(source, "label")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _is_display(output: dict) -> bool:
    return output.get("output_type") in ("display_data", "execute_result")


def _gt_html(output: dict) -> str | None:
    data = output.get("data", {})
    if not _is_display(output) or "text/html" not in data:
        return None
    text = _text(data["text/html"])
    return text if 'class="gt_table"' in text else None


def _drop_cell_attributes(cell: dict) -> None:
    """Execution counts and papermill's (empty or parameters) tags say nothing in the CSR, and
    Quarto writes every cell option it forwards as an HTML attribute in no fixed order (two
    renders of the same book would differ): leave them out of the staged notebooks."""
    cell.get("metadata", {}).pop("tags", None)
    if "execution_count" in cell:
        cell["execution_count"] = None
    for output in cell.get("outputs", []):
        if "execution_count" in output:
            output["execution_count"] = None


def _image_files(staging: Path, chapter: str, name: str, output: dict) -> None:
    """A figure's PNG, embedded in its Markdown output (``figure_markdown``), becomes a file
    beside the chapter (``csr-figures/``): the HTML pages then link it instead of carrying it
    in base64, and pandoc's DOCX writer does not copy the whole data URI into the picture's
    description."""
    data = output.get("data", {})
    if not _is_display(output) or "text/markdown" not in data:
        return
    text = _text(data["text/markdown"])
    if "](data:image/png;base64," not in text:
        return
    folder = staging / Path(chapter).parent / FIGURE_DIR
    stem = Path(chapter).stem
    found = []

    def to_file(match: re.Match) -> str:
        rel = f"{FIGURE_DIR}/{stem}-{name}-{len(found) + 1}.png"
        folder.mkdir(parents=True, exist_ok=True)
        (staging / Path(chapter).parent / rel).write_bytes(
            base64.b64decode("".join(match.group(1).split())))
        found.append(rel)
        return f"]({rel})"

    data["text/markdown"] = DATA_IMAGE.sub(to_file, text)


def run_stage_lua(pandoc: str, payload: dict) -> dict:
    """``pandoc lua assets/quarto/stage.lua`` on ``payload`` (see that script)."""
    with tempfile.TemporaryDirectory(prefix="csr-quarto-stage-") as tmp:
        src, dst = Path(tmp) / "in.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(payload), encoding="utf-8")
        proc = subprocess.run([pandoc, "lua", str(QUARTO_ASSETS / "stage.lua"), str(src), str(dst)],
                              capture_output=True, check=False)
        if proc.returncode != 0:
            raise EngineError("preparing the tables for Quarto failed:\n"
                              f"{proc.stderr.decode(errors='replace')}")
        return json.loads(dst.read_text(encoding="utf-8"))


def convert(pandoc: str, formats: list[str], tables: dict[str, str],
            markdown: dict[str, list[str]]) -> dict:
    """:func:`run_stage_lua` over the tables, split across the CPUs."""
    keys = sorted(tables)
    n = max(1, min(os.cpu_count() or 1, len(keys)))
    chunks = [keys[i::n] for i in range(n)]
    payloads = [{"formats": formats, "reference_doc": str(ASSETS / "reference.docx"),
                 "tables": {k: tables[k] for k in chunk},
                 "markdown": markdown if i == 0 else {}} for i, chunk in enumerate(chunks)]
    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(lambda p: run_stage_lua(pandoc, p), payloads))
    merged: dict = {"tables": {}, "sections": {}}
    for r in results:
        merged["tables"].update(r.get("tables") or {})
        merged["sections"].update(r.get("sections") or {})
    return merged


@dataclass
class Notebooks:
    """The staged notebooks, what Quarto is given for their tables, and the book index."""

    notebooks: dict[str, dict]
    tables: dict[str, dict[str, str]]   # "chapter#cell#output" -> {format: Markdown}
    index: dict[str, dict[str, str]]    # id -> {"page": chapter source path, "name"?: ...}
    displays: list[dict[str, str]]      # [{"id", "page", "caption"}] in book order

    def write(self, project: Path, fmt: str) -> None:
        """Write the notebooks into ``project`` with each table as ``fmt`` needs it."""
        for nb in self.notebooks.values():
            for cell in nb.get("cells", []):
                _drop_cell_attributes(cell)
        for key, by_format in self.tables.items():
            chapter, i, j = key.rsplit("#", 2)
            output = self.notebooks[chapter]["cells"][int(i)]["outputs"][int(j)]
            output["data"] = {"text/markdown": by_format[fmt]}
        for chapter, nb in self.notebooks.items():
            (project / chapter).write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def read_notebooks(staging: Path, pandoc: str, formats: list[str]) -> Notebooks:
    """Read the staged notebooks; convert their great-tables outputs for each format and
    index every cross-reference target (floats that show something, section headings)."""
    book = load_book(staging)
    notebooks = {ch: json.loads((staging / ch).read_text(encoding="utf-8"))
                 for ch in book.chapters if ch.endswith(".ipynb")}
    tables: dict[str, str] = {}
    markdown: dict[str, list[str]] = {}
    index: dict[str, dict[str, str]] = {}
    displays: list[dict[str, str]] = []
    for chapter, nb in notebooks.items():
        for i, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") == "markdown":
                markdown.setdefault(chapter, []).append(_source(cell))
                continue
            if cell.get("cell_type") != "code":
                continue
            label = cell_label(_source(cell))
            outputs = cell.get("outputs", [])
            for j, output in enumerate(outputs):
                gt = _gt_html(output)
                if gt is not None:
                    tables[f"{chapter}#{i}#{j}"] = gt
                else:
                    _image_files(staging, chapter, f"{i}-{j}", output)
            if label and FLOAT_LABEL.match(label) and any(map(_is_display, outputs)):
                index[label] = {"page": chapter}
                caption = cell_option(_source(cell), f"{label[:3]}-cap") or ""
                displays.append({"id": label, "page": chapter, "caption": caption})
    converted = convert(pandoc, formats, tables, markdown)
    for ident, target in converted["sections"].items():
        index.setdefault(ident, target)
    return Notebooks(notebooks, converted["tables"], index, displays)


def banner_html(meta: RenderMeta) -> str:
    """The running header of every HTML page: protocol, version, cut-off, SIMULATED DATA."""
    plain = replace(meta, simulated=False).header_text
    mark = '<span class="csr-simulated">SIMULATED DATA</span>' if meta.simulated else ""
    return (f'<div class="csr-banner" role="note"><span class="csr-running">{html.escape(plain)}</span>'
            f"{mark}</div>\n")


def prepare(staging: Path, meta: RenderMeta, pandoc: str, formats: list[str]) -> dict[str, Path]:
    """Lay out everything Quarto needs in ``staging`` (see the module docstring) and return one
    project folder per format: ``staging`` itself for the first, copies beside it for the
    others (Quarto keeps per-project state in ``.quarto/``, so two renders at once need two
    folders; each holds the tables as its format needs them)."""
    staging = Path(staging)
    ext = staging / EXTENSION_DIR
    shutil.rmtree(ext, ignore_errors=True)
    shutil.copytree(QUARTO_ASSETS / "csr-typst", ext)
    filters = staging / FILTER_DIR
    filters.mkdir(parents=True, exist_ok=True)
    for name in FILTERS:
        src = QUARTO_ASSETS / name if (QUARTO_ASSETS / name).is_file() else ASSETS / name
        shutil.copyfile(src, filters / name)
    csr = staging / CSR_DIR
    csr.mkdir(parents=True, exist_ok=True)
    (csr / "csr-meta.json").write_text(json.dumps(meta.as_dict(), ensure_ascii=False), encoding="utf-8")
    (csr / "banner.html").write_text(banner_html(meta), encoding="utf-8")
    shutil.copyfile(QUARTO_ASSETS / "csr-site.css", csr / "csr-site.css")
    shutil.copyfile(QUARTO_ASSETS / "scrollable-regions.html", csr / "scrollable-regions.html")
    shutil.copyfile(ASSETS / "reference.docx", csr / "reference.docx")
    books = read_notebooks(staging, pandoc, formats)
    (csr / "xref.json").write_text(json.dumps(books.index, sort_keys=True, ensure_ascii=False),
                                   encoding="utf-8")
    (csr / "displays.json").write_text(json.dumps(books.displays, ensure_ascii=False), encoding="utf-8")
    projects: dict[str, Path] = {}
    for n, fmt in enumerate(formats):
        project = staging if n == 0 else staging.with_name(f"{staging.name}.{fmt}")
        if n:
            shutil.rmtree(project, ignore_errors=True)
            shutil.copytree(staging, project, ignore=shutil.ignore_patterns(".quarto"))
        books.write(project, fmt)
        projects[fmt] = project
    return projects
