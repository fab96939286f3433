"""DOCX finishing: running header (with a SIMULATED DATA watermark when simulated) and
``Page x of y`` footer on every section, A4 page size, table grids as wide as the text of
their section (portrait or landscape), landscape tables with fixed cell widths, one set of
properties per paragraph (:func:`one_paragraph_properties`), fields updated when Word opens
the file, and a byte-reproducible zip (fixed entry timestamps, stable order).

pandoc writes every table grid for the portrait text width; a table in a landscape section
(the listings) kept that grid, and LibreOffice, which lays out fixed tables by their grid,
broke words into letters in half the page width (:func:`fit_table_grids`), and, laying
out an autofit table without cell widths, in the landscape width too (:func:`cell_widths`).
A landscape listing's columns are sized from its own text (:func:`content_grid`): pandoc's
grid, the PDF's percentages, broke the header words of the widest listings ("Tocilizuma b").
"""

from __future__ import annotations

import re
import time
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape, unescape

from analysis.style.marks import SIMULATED_MARK
from report.meta import RenderMeta

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER_ID, FOOTER_ID = "rIdCsrHeader", "rIdCsrFooter"


def _run(text: str, extra: str = "") -> str:
    return (f'<w:r><w:rPr>{extra}<w:sz w:val="16"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>')


def _field(code: str) -> str:
    return (f'<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>'
            f'<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r>'
            f'{_run("1")}<w:r><w:fldChar w:fldCharType="end"/></w:r>')


V, O = "urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office"
# Word's own text watermark (Design > Watermark): a VML WordArt shape anchored in the header,
# drawn behind the text of every page of the section; LibreOffice shows it too.
WATERMARK = (
    '<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/>'
    '<v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>'
    '<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>'
    '<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>'
    '<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>'
    '<v:f eqn="sum @6 0 @5"/></v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="CsrSimulatedWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:460pt;height:110pt;rotation:315;'
    'z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
    'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
    'fillcolor="#b00020" stroked="f"><v:fill opacity=".15"/>'
    '<v:textpath style="font-family:&quot;Arial&quot;;font-size:1pt;font-weight:bold" '
    'string="SIMULATED DATA"/></v:shape></w:pict></w:r></w:p>')


def header_xml(meta: RenderMeta) -> str:
    """Running header: protocol, version, cut-off, and SIMULATED DATA (bold red) when
    simulated, with the SIMULATED DATA watermark across the page."""
    base = replace(meta, simulated=False).header_text
    runs = _run(base)
    if meta.simulated:
        runs += _run(" | ") + _run(SIMULATED_MARK, '<w:b/><w:color w:val="B00020"/>')
    mark = WATERMARK if meta.simulated else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr xmlns:w="{W}" '
            f'xmlns:r="{R}" xmlns:v="{V}" xmlns:o="{O}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
            f'{runs}</w:p>{mark}</w:hdr>')


def footer_xml() -> str:
    """``Page x of y`` with PAGE and NUMPAGES fields, centred."""
    body = _run("Page ") + _field("PAGE") + _run(" of ") + _field("NUMPAGES")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W}" '
            f'xmlns:r="{R}"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>{body}</w:p></w:ftr>')


A4_BODY = ('<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1134" '
           'w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/>')


def _text_width(sect: str) -> int:
    """Text width (twips) of a section's ``w:sectPr`` (A4 portrait when it names no size)."""
    size = re.search(r'<w:pgSz w:w="(\d+)"', sect)
    left = re.search(r'w:left="(\d+)"', sect)
    right = re.search(r'w:right="(\d+)"', sect)
    if not size:
        return 11906 - 2 * 1134
    return int(size.group(1)) - int(left.group(1) if left else 1134) - int(right.group(1) if right else 1134)


LANDSCAPE_MIN_WIDTH = 12000   # twips: wider text than any portrait A4 page has


def fit_table_grids(xml: str) -> str:
    """Scale the grid of every top-level table to the text width of its section (a table
    ``pct`` wide gets that share of it); a table in a landscape section gets its columns from
    its text (:func:`content_grid`) and fixed cell widths (:func:`cell_widths`); nested
    tables keep their grid. A section's
    ``w:sectPr`` closes it: it applies to the tables before it, back to the previous one."""
    token = re.compile(r"<w:tbl>|</w:tbl>|<w:sectPr[ >].*?</w:sectPr>", re.S)
    depth, pending, spans = 0, [], []
    for m in token.finditer(xml):
        t = m.group(0)
        if t == "<w:tbl>":
            if depth == 0:
                start = m.start()
            depth += 1
        elif t == "</w:tbl>":
            depth -= 1
            if depth == 0:
                pending.append((start, m.end()))
        elif depth == 0:
            width = _text_width(t)
            spans += [(a, b, width) for a, b in pending]
            pending = []
    out, last = [], 0
    for a, b, width in spans:
        table = xml[a:b]
        grid = re.search(r"<w:tblGrid>(.*?)</w:tblGrid>", table, re.S)
        pct = re.search(r'<w:tblW w:type="pct" w:w="(\d+)"', table[:grid.start()] if grid else "")
        if grid and pct:
            cols = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', grid.group(1))]
            target = width * min(int(pct.group(1)), 5000) // 5000
            if cols and sum(cols) > 0:
                scaled = [c * target // sum(cols) for c in cols]
                new = "".join(f'<w:gridCol w:w="{c}" />' for c in scaled)
                table = table[:grid.start(1)] + new + table[grid.end(1):]
                if width > LANDSCAPE_MIN_WIDTH:
                    fitted = content_grid(table, width)
                    if fitted is not None:
                        scaled, margin = fitted
                        new = "".join(f'<w:gridCol w:w="{c}" />' for c in scaled)
                        table = re.sub(r"<w:tblGrid>.*?</w:tblGrid>",
                                       f"<w:tblGrid>{new}</w:tblGrid>", table, count=1,
                                       flags=re.S)
                    else:
                        margin = CELL_MARGIN
                    table = cell_widths(table, scaled, margin)
        out += [xml[last:a], table]
        last = b
    out.append(xml[last:])
    return "".join(out)


# cell margins of the listings' column widths: 4 pt each side, as the PDF's inset
# (analysis.style.listings.CSR_PAD_INCH); Word's default 0.19 cm wrapped dates and identifiers.
# A listing whose words do not fit with them gets 2 pt (TIGHT_MARGIN), see content_grid.
CELL_MARGIN, TIGHT_MARGIN = 80, 40   # twips, each side


def cell_margins(margin: int = CELL_MARGIN) -> str:
    return (f'<w:tblCellMar><w:left w:w="{margin}" w:type="dxa" /><w:right w:w="{margin}" '
            'w:type="dxa" /></w:tblCellMar>')


CELL_MARGINS = cell_margins()
_CELL = re.compile(r"<w:tc>(<w:tcPr>(.*?)</w:tcPr>|<w:tcPr ?/>)?")

# What LibreOffice and Word set a listing's cells in: the "Table Text" style of
# report/assets/reference.docx, Times New Roman 9 pt (LibreOffice: Liberation Serif, the
# same metrics). Widths are measured with rtflite's Times metrics (the RTF package's
# measure, analysis.style.rtf_widths), with SLACK and SLACK_TWIPS for the renderers' own
# measure and rounding (LibreOffice broke "Value" in a column exactly as wide as it).
TABLE_FONT_PT = 9
SLACK, SLACK_TWIPS = 1.04, 30
WANT_CAP_INCH = 3.0   # a column asks for at most this (a long text wraps inside it)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:br ?/>|</w:p>")


def _cell_lines(cell: str) -> list[str]:
    """The lines of a cell's text (paragraphs and line breaks)."""
    out, line = [], []
    for m in _TEXT.finditer(cell):
        if m.group(1) is not None:
            line.append(unescape(m.group(1)))
        else:
            out.append("".join(line))
            line = []
    if line:
        out.append("".join(line))
    return [t for t in out if t.strip()]


def _widest(words: list[str]) -> float:
    from rtflite import get_string_width

    return max([get_string_width(w, font_size=TABLE_FONT_PT) for w in words] + [0.0])


def _words(lines: list[str], hyphens: bool, slashes: bool = True) -> list[str]:
    """Where a renderer may break a line: at spaces, after a "/" that follows a letter
    ("Recovered/ resolved", not "10⁶/kg"; with ``slashes``: a header's "(kg/m²)" is kept
    whole), and after "-" with ``hyphens`` (an identifier or a date breaks there rather
    than inside a word)."""
    text = " ".join(lines)
    if slashes:
        text = re.sub(r"(.)/", lambda m: m.group(0) + " " if m.group(1).isalpha()
                      else m.group(0), text)
    return (text.replace("-", "- ") if hyphens else text).split()


def content_grid(table: str, width: int) -> tuple[list[int], int] | None:
    """Column widths (twips, summing to ``width``) of a landscape listing from its own text,
    and the cell margin (each side) they assume; ``None`` for a table without text.

    Each column needs its widest header word and widest body word whole, plus the cell
    margins, and would like its widest line (at most :data:`WANT_CAP_INCH`); a column of
    short phrases (every body line at most :data:`analysis.style.rtf_widths.NOWRAP_INCH` wide,
    the PDF's rule in
    :func:`analysis.style.listings.relative_widths`: the dose level "DL1 (0.5 × 10⁶/kg)")
    needs its widest line, so that each stays on one line. The width left over is shared in
    proportion to what each column still wants. When the words do not all fit on the page,
    in this order: phrases may wrap; the cell margins narrow to :data:`TIGHT_MARGIN`; body
    words may break after a hyphen (an identifier, a date); body words may break (header
    words never do unless they alone are wider than the page)."""
    from analysis.style.rtf_widths import NOWRAP_INCH, TWO_LINES

    n = len(re.findall(r"<w:gridCol ", table))
    head = [[] for _ in range(n)]
    body = [[] for _ in range(n)]
    for row in re.findall(r"<w:tr>.*?</w:tr>", table, flags=re.S):
        cells = re.findall(r"<w:tc>.*?</w:tc>", row, flags=re.S)
        if len(cells) != n or "<w:gridSpan" in row:
            continue   # a row spanning columns (the analysis-set line) sizes no column
        into = head if "<w:tblHeader" in row else body
        for i, cell in enumerate(cells):
            into[i] += _cell_lines(cell)
    if not n or not any(head + body):
        return None
    inch = 1440
    h = [_widest(_words(c, False, slashes=False)) * SLACK * inch for c in head]
    full = [min(_widest(c + b), WANT_CAP_INCH) * SLACK * inch for c, b in zip(head, body, strict=True)]
    lines = [_widest(b) for b in body]
    short = [bool(b) and w <= NOWRAP_INCH for b, w in zip(body, lines, strict=True)]
    phrase = list(short)
    # each column's widest body word, measured once per way of breaking (False: at spaces,
    # True: after hyphens too); the loops below only add them up
    word = {hy: [_widest(_words(c, hy)) for c in body] for hy in (False, True)}

    def needs(hyphens: bool, margin: int, keep_body: bool) -> list[float]:
        """Per column: a phrase its line, a short column that wraps two lines at most
        (:data:`TWO_LINES` of its line), any other its widest word."""
        b = [(w if ph else max(wd, TWO_LINES * w if sh else 0.0)) * SLACK * inch
             if keep_body else 0.0
             for wd, w, ph, sh in zip(word[hyphens], lines, phrase, short, strict=True)]
        return [max(x, y) + 2 * margin + SLACK_TWIPS for x, y in zip(h, b, strict=True)]

    # phrases whole while they fit; else the phrase that gives the least wraps, one by one
    least = needs(False, CELL_MARGIN, True)
    while sum(least) > width and any(phrase):
        saving = {}
        for i in (i for i, ph in enumerate(phrase) if ph):
            phrase[i] = False
            saving[i] = least[i] - needs(False, CELL_MARGIN, True)[i]
            phrase[i] = True
        phrase[min(saving, key=saving.get)] = False
        least = needs(False, CELL_MARGIN, True)
    for hyphens, margin, keep_body in ((False, CELL_MARGIN, True), (False, TIGHT_MARGIN, True),
                                       (True, TIGHT_MARGIN, True), (True, TIGHT_MARGIN, False)):
        least = needs(hyphens, margin, keep_body)
        if sum(least) <= width:
            break
    want = [max(lo, f + 2 * margin + SLACK_TWIPS) for lo, f in zip(least, full, strict=True)]
    spare = width - sum(least)
    extra = [w - lo for w, lo in zip(want, least, strict=True)]
    if spare < 0:   # header words alone wider than the page: scaled, they break
        cols = [lo * width / sum(least) for lo in least]
    elif spare <= sum(extra):
        share = spare / sum(extra) if sum(extra) else 0.0
        cols = [lo + share * e for lo, e in zip(least, extra, strict=True)]
    else:
        rest = spare - sum(extra)
        cols = [w + rest * w / sum(want) for w in want]
    grid = [int(c) for c in cols]
    grid[-1] += width - sum(grid)
    return grid, margin


def cell_widths(table: str, grid: list[int], margin: int = CELL_MARGIN) -> str:
    """A fixed layout with every cell as wide as the grid columns it spans (``w:tcW``) and
    cell margins of ``margin`` twips each side (:data:`CELL_MARGINS` by default):
    LibreOffice lays out a landscape listing by its cells' widths, and without them broke
    words into letters; the grid comes from the listing's column widths
    (:func:`analysis.style.listings.relative_widths`), so dates and dose levels stay whole.
    A table holding another table is left as it is."""
    if table.count("<w:tbl>") > 1:
        return table
    table = re.sub(r'<w:tblLayout w:type="\w+" ?/>',
                   '<w:tblLayout w:type="fixed" />' + cell_margins(margin), table, count=1)
    out = []
    for row in re.split(r"(<w:tr>.*?</w:tr>)", table, flags=re.S):
        if not row.startswith("<w:tr>"):
            out.append(row)
            continue
        col = 0

        def cell(m: re.Match) -> str:
            nonlocal col
            props = m.group(2) or ""
            span = re.search(r'<w:gridSpan w:val="(\d+)"', props)
            n = int(span.group(1)) if span else 1
            width = sum(grid[col:col + n])
            col += n
            props = re.sub(r"<w:tcW [^>]*/>", "", props)
            return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa" />{props}</w:tcPr>'

        out.append(_CELL.sub(cell, row))
    return "".join(out)


_TWO_PPR = re.compile(r"<w:p>(<w:pPr>(?:(?!</w:pPr>).)*</w:pPr>)\s*(<w:pPr>((?:(?!</w:pPr>).)*)</w:pPr>)", re.S)
_PSTYLE = re.compile(r"<w:pStyle [^>]*/>")


def one_paragraph_properties(xml: str) -> str:
    """A paragraph with two ``w:pPr`` keeps the second, with its ``w:pStyle`` first. Quarto
    writes its DOCX captions so: pandoc's alignment, then its own raw properties, which name
    the caption style (ImageCaption). The schema allows one ``w:pPr``, its ``w:pStyle``
    first; python-docx read the first, and saw a caption without a style."""
    def keep_second(m: re.Match) -> str:
        props = m.group(3)
        style = _PSTYLE.search(props)
        if style:
            props = style.group(0) + props[:style.start()] + props[style.end():]
        return f"<w:p><w:pPr>{props.strip()}</w:pPr>"

    return _TWO_PPR.sub(keep_second, xml)


def _document(xml: str) -> str:
    refs = (f'<w:headerReference w:type="default" r:id="{HEADER_ID}"/>'
            f'<w:footerReference w:type="default" r:id="{FOOTER_ID}"/>')
    # The body's final section: A4 portrait unless pandoc already wrote a size.
    xml = re.sub(r"<w:sectPr([^>]*)/>", r"<w:sectPr\1></w:sectPr>", xml)
    last = xml.rfind("<w:sectPr")
    if last != -1 and "<w:pgSz" not in xml[last:]:
        end = xml.index("</w:sectPr>", last)
        xml = xml[:end] + A4_BODY + xml[end:]
    if last == -1:
        xml = xml.replace("</w:body>", f"<w:sectPr>{A4_BODY}</w:sectPr></w:body>")
    return fit_table_grids(one_paragraph_properties(re.sub(r"(<w:sectPr[^>]*>)", r"\1" + refs, xml)))


def finalize_docx(path: Path, meta: RenderMeta, epoch: int) -> None:
    """Rewrite ``path`` in place with header/footer parts and fixed zip timestamps."""
    with zipfile.ZipFile(path) as zin:
        parts = {info.filename: zin.read(info.filename) for info in zin.infolist()}
    parts["word/header1.xml"] = header_xml(meta).encode()
    parts["word/footer1.xml"] = footer_xml().encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = rels.replace("</Relationships>",
                        f'<Relationship Id="{HEADER_ID}" Type="{base}/header" Target="header1.xml"/>'
                        f'<Relationship Id="{FOOTER_ID}" Type="{base}/footer" Target="footer1.xml"/>'
                        "</Relationships>")
    parts["word/_rels/document.xml.rels"] = rels.encode()
    ct = parts["[Content_Types].xml"].decode()
    wml = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    ct = ct.replace("</Types>",
                    f'<Override PartName="/word/header1.xml" ContentType="{wml}.header+xml"/>'
                    f'<Override PartName="/word/footer1.xml" ContentType="{wml}.footer+xml"/></Types>')
    parts["[Content_Types].xml"] = ct.encode()
    parts["word/document.xml"] = _document(parts["word/document.xml"].decode()).encode()
    # Word fills the TOC, list-of-tables and list-of-figures fields when it opens the file
    settings = parts.get("word/settings.xml", b"").decode()
    if settings and "<w:updateFields" not in settings:
        settings = re.sub(r"(<w:settings[^>]*>)", r'\1<w:updateFields w:val="true"/>', settings, count=1)
        parts["word/settings.xml"] = settings.encode()
    stamp = time.gmtime(epoch)[:6]
    order = ["[Content_Types].xml"] + sorted(k for k in parts if k != "[Content_Types].xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, parts[name])
