"""DOCX finishing: running header and ``Page x of y`` footer on every section, A4 page size,
and a byte-reproducible zip (fixed entry timestamps, stable order)."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

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


def header_xml(meta: RenderMeta) -> str:
    """Running header: protocol, version, cut-off, and SIMULATED DATA (bold red) when simulated."""
    base = RenderMeta(**{**meta.as_dict(), "simulated": False}).header_text
    runs = _run(base)
    if meta.simulated:
        runs += _run(" | ") + _run("SIMULATED DATA", '<w:b/><w:color w:val="B00020"/>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr xmlns:w="{W}" '
            f'xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>{runs}</w:p></w:hdr>')


def footer_xml() -> str:
    """``Page x of y`` with PAGE and NUMPAGES fields, centred."""
    body = _run("Page ") + _field("PAGE") + _run(" of ") + _field("NUMPAGES")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W}" '
            f'xmlns:r="{R}"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>{body}</w:p></w:ftr>')


A4_BODY = ('<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1134" '
           'w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/>')


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
    return re.sub(r"(<w:sectPr[^>]*>)", r"\1" + refs, xml)


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
    stamp = time.gmtime(epoch)[:6]
    order = ["[Content_Types].xml"] + sorted(k for k in parts if k != "[Content_Types].xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, parts[name])
