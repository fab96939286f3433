"""What the language scan looks for in the text of sections 1-15 of a rendered CSR (SAP 4;
issue 15 item 5): the contract's variable names as whole words, raw upper-case controlled
terms (a value the decode table or its rule would show otherwise, study/decode.py), and
ASCII ">=" / "<=". Text is read from the HTML (BeautifulSoup), the PDF (pypdf) and the
DOCX (python-docx); section 16 and the appendix are left out (variable names belong
there)."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from docx import Document

from analysis.config import load_config
from data_contract.specs import DATASETS
from study.decode import decode_term

from .pdf_text import page_texts

SECTION_16 = "16.2 Participant data listings"


def variable_names() -> set[str]:
    """Every variable of the contract with 3 or more characters (upper-case ADaM names)."""
    return {v.name for spec in DATASETS.values() for v in spec.variables
            if len(v.name) >= 3 and v.name.isupper()}


def raw_codes() -> set[str]:
    """Upper-case controlled terms of the contract and the study configuration that people
    must read decoded (those the decode table or its rule changes)."""
    cfg = load_config().raw
    values: set[str] = set()
    for spec in DATASETS.values():
        for v in spec.variables:
            values.update(str(a) for a in (v.allowed or ()) if isinstance(a, str))
    for meanings in cfg.get("codelists", {}).values():
        for vals in meanings.values():
            values.update(str(x) for x in vals)
    values.update(str(k) for k in (cfg.get("decode", {}).get("terms") or {}))
    return {v for v in values if len(v) >= 4 and v.isupper() and decode_term(v) != v}


def _word(term: str) -> re.Pattern:
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(term) + r"(?![A-Za-z0-9_])")


def findings(text: str) -> set[str]:
    """The variable names, raw codes and ASCII comparison signs found in ``text``."""
    found = {f"variable {n}" for n in variable_names() if _word(n).search(text)}
    found |= {f"code {c}" for c in raw_codes() if _word(c).search(text)}
    found |= {f"ascii {s}" for s in (">=", "<=") if s in text}
    return found


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def html_sections_1_15(path: Path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for toc in soup.select("#TOC, nav"):
        toc.decompose()
    text = _norm(soup.get_text(" "))
    return text.split(SECTION_16, 1)[0]


def pdf_sections_1_15(path: Path) -> str:
    pages = [_norm(t) for t in page_texts(path)]
    body = [i for i, t in enumerate(pages) if SECTION_16 in t and "Table of contents" not in t]
    end = body[0] if body else len(pages)
    return " ".join(pages[:end])


def docx_sections_1_15(path: Path) -> str:
    doc = Document(str(path))
    out = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
        if tag == "p" and text.strip().startswith(SECTION_16):
            break
        out.append(text)
    return _norm(" ".join(out))
