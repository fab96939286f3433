"""A one-chapter CSR built from hostile data text, for the untrusted-text tests.

:func:`render_hostile` puts AE terms and discontinuation reasons into the small
literal study of ``tests/contract/factories.py`` (the AE terms replace the
preferred term of participant 001's events; the reasons that of 002's
discontinuation), builds T14.1.1, L16.2.1, T14.3.4 and L16.2.7.1 with the
Chapter helper the notebooks use (ARD CSVs, full listings, RTFs), quotes the
first term in Markdown prose (``ch.esc``), and typesets the chapter with the
built-in engine into HTML, PDF and DOCX. It returns what a reader of each
format gets: text, structure (headings, outline, tables) and the files.

:func:`rtf_text` is an independent reader of the RTF text escapes (written
here, not taken from analysis.style.rtf).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

DISPLAYS = ("T14.1.1", "L16.2.1", "T14.3.4", "L16.2.7.1")
BOOK_YML = """project:
  type: book
book:
  title: "Clinical Study Report"
  chapters:
    - index.ipynb
format:
  html:
    toc: true
"""


@dataclass
class Rendered:
    html: str            # the HTML document
    html_text: str       # its text (BeautifulSoup)
    headings: list[str]  # h1..h6 texts of the HTML body
    html_tables: int
    pdf_text: str
    pdf_outline: list[str]
    docx_text: str
    docx_headings: list[str]
    docx_tables: int
    outputs: Path        # ard/, listings/, tlf/ written by the Chapter helper


def study_data(terms, reasons):
    """The factories' study with ``terms`` as participant 001's AE preferred terms (one
    AE record per term) and the first of ``reasons`` as 002's reason of discontinuation
    (further reasons: participant 003 discontinued too)."""
    import pandas as pd
    from contract import factories as f

    from analysis.data import StudyData
    from data_contract.readers import coerce_dataset
    from data_contract.specs import DATASETS

    raw = f.study()
    ae = raw["ADAE"]
    crs = ae[(ae["USUBJID"] == f.S1) & (ae["AESEQ"] == 2)].iloc[0]
    rows = []
    for i, term in enumerate(terms):
        r = crs.copy()
        r["AESEQ"], r["AEDECOD"], r["AETERM"] = 10 + i, term, term
        rows.append(r)
    raw["ADAE"] = pd.concat([ae, pd.DataFrame(rows)], ignore_index=True)
    adsl = raw["ADSL"].copy()
    for usubjid, reason in zip((f.S2, f.S3), reasons, strict=False):
        i = adsl.index[adsl["USUBJID"] == usubjid][0]
        adsl.loc[i, ["EOSSTT", "DCSREAS", "EOSDT"]] = ["DISCONTINUED", reason, "2025-06-01"]
    raw["ADSL"] = adsl
    data = {k: coerce_dataset(v, DATASETS[k])[0] for k, v in raw.items()}
    return StudyData(data, cutoff=f.FINAL_CUTOFF, snapshot_id="hostile", simulated=True)


def _cell(label: str, display_id: str, html: str) -> nbformat.NotebookNode:
    landscape = "#| classes: landscape\n" if display_id.startswith("L") else ""  # as ch. 16
    cell = new_code_cell(f"#| label: {label}\n#| tbl-cap: {display_id}\n{landscape}"
                         f"ch.show({display_id!r})",
                         outputs=[new_output("display_data",
                                             data={"text/html": html, "text/plain": "<GT>"})])
    cell.execution_count = None
    return cell


def _markdown_output(text: str) -> nbformat.NotebookNode:
    cell = new_code_cell("ch.md(...)", outputs=[new_output(
        "display_data", data={"text/markdown": text, "text/plain": text})])
    cell.execution_count = None
    return cell


def render_hostile(work: Path, terms, reasons, displays=DISPLAYS) -> Rendered:
    from bs4 import BeautifulSoup
    from docx import Document
    from pypdf import PdfReader

    from analysis.notebook import Chapter
    from report.engines import render_book
    from report.meta import RenderMeta

    work.mkdir(parents=True, exist_ok=True)
    outputs = work / "outputs"
    ch = Chapter("hostile", outputs_dir=outputs, report_version="t",
                 data=study_data(terms, reasons))
    cells = [new_markdown_cell("# Hostile data {#sec-hostile}\n\nTables follow.")]
    cells.append(_markdown_output(f"The first term is {ch.esc(terms[0])}."))
    for did in displays:
        cells.append(_cell("tbl-" + did.lower().replace(".", "-"), did,
                           ch.gt(did).as_raw_html()))
    staging = work / "staging"
    staging.mkdir()
    (staging / "_quarto.yml").write_text(BOOK_YML, encoding="utf-8")
    nb = new_notebook(cells=cells)
    nbformat.write(nb, staging / "index.ipynb")
    meta = RenderMeta(protocol_id="NCT06561009", title="Clinical Study Report",
                      subtitle="Hostile", sponsor="Test", phase="1", full_title="Hostile test",
                      version="t", cutoff="2025-09-30", snapshot_id="hostile", simulated=True)
    out = render_book(staging, work / "out", ["html", "pdf", "docx"], "builtin", meta)

    html = out["html"].read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    body = soup.find("body")
    for nav in body.find_all("nav"):
        nav.extract()
    headings = [h.get_text(" ", strip=True) for h in body.find_all(re.compile(r"^h[1-6]$"))
                if "title" not in (h.get("class") or [])]
    reader = PdfReader(out["pdf"])
    outline: list[str] = []

    def walk(items):
        for it in items:
            walk(it) if isinstance(it, list) else outline.append(it.title)

    walk(reader.outline)
    doc = Document(str(out["docx"]))
    cells_text = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return Rendered(
        html=html, html_text=soup.get_text(" "), headings=headings,
        html_tables=len(body.find_all("table")) - 1,          # minus the title-page table
        pdf_text=" ".join(p.extract_text() or "" for p in reader.pages), pdf_outline=outline,
        docx_text=" ".join([p.text for p in doc.paragraphs] + cells_text),
        docx_headings=[p.text for p in doc.paragraphs if p.style.name.startswith("Heading")],
        docx_tables=len(doc.tables), outputs=outputs)


_RTF_TOKEN = re.compile(r"\\u(-?\d+)\??|\\([{}\\~])|\\([a-z]+)(-?\d+)? ?|([{}])|([^\\{}]+)",
                        re.S)


def rtf_text(rtf: str) -> str:
    """The text of an RTF document: ``\\uN?`` characters (UTF-16 pairs joined), escaped
    ``\\ { }``, ``\\~`` (no-break space) and ``\\line`` (line feed); control words dropped,
    the destinations ``{\\*...}`` and font/colour tables skipped."""
    out: list[str] = []
    units: list[int] = []
    depth_skip: list[int] = []
    depth = 0

    def flush():
        if units:
            out.append(b"".join(u.to_bytes(2, "little") for u in units).decode("utf-16-le",
                                                                              "replace"))
            units.clear()

    for m in _RTF_TOKEN.finditer(rtf):
        uni, esc, word, _arg, brace, text = m.groups()
        skipping = bool(depth_skip)
        if uni is not None:
            if not skipping:
                units.append(int(uni) % 65536)
            continue
        flush()
        if brace == "{":
            depth += 1
            if rtf.startswith(("{\\*", "{\\fonttbl", "{\\colortbl", "{\\info"), m.start()):
                depth_skip.append(depth)
        elif brace == "}":
            if depth_skip and depth_skip[-1] == depth:
                depth_skip.pop()
            depth -= 1
        elif skipping:
            continue
        elif esc is not None:
            out.append("\u00a0" if esc == "~" else esc)
        elif word is not None:
            if word in ("line", "par", "cell", "row"):
                out.append("\n")
        elif text is not None:
            out.append(text.replace("\r", "").replace("\n", ""))
    flush()
    return "".join(out)
