"""The CSR text is templates (text/prose/): a writer's edit reaches HTML, PDF and DOCX
without executing a notebook, and a reference that cannot be resolved fails the render
naming the file and the line, publishing nothing. Reuses the session's sim-final render
(its notebook cache), so each render here only resolves and typesets; the edit is one of
the writer's edits rendered once by the ``edited_report`` fixture."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from .conftest import EDITED_TEMPLATE, TEMPLATE_SENTENCE, document_texts, run_report

pytestmark = pytest.mark.e2e

TEMPLATE = EDITED_TEMPLATE


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _edited(project, extra: str):
    path = project / TEMPLATE
    original = path.read_text(encoding="utf-8")
    path.write_text(original + extra, encoding="utf-8")
    return path, original


def test_editing_one_template_sentence_changes_every_format_and_executes_no_notebook(
        edited_report, final_report):
    proc = edited_report["proc"]
    assert re.search(r"notebooks: (\d+) in the book, \1 cached, 0 to execute",
                     proc.stdout + proc.stderr)
    for name, text in document_texts(edited_report["report"]).items():
        assert TEMPLATE_SENTENCE in text, f"csr.{name} lacks the edited sentence"
    before = _norm(BeautifulSoup((final_report / "csr.html").read_text(encoding="utf-8"),
                                 "html.parser").get_text(" "))
    assert TEMPLATE_SENTENCE not in before


def test_an_unresolvable_reference_fails_the_render_naming_file_and_line(project,
                                                                          final_report):
    path, original = _edited(project, '\n{{ stat("T14.3.1", "n", variable="NO_SUCH_ROW") }}\n')
    line = original.count("\n") + 2
    try:
        proc = run_report(project, "render", "--snapshot", "sim-final", "--version",
                          "e2e-badtext", "--engine", "builtin", check=False)
    finally:
        path.write_text(original, encoding="utf-8")
    assert proc.returncode != 0
    assert f"{TEMPLATE}, line {line}" in proc.stderr
    assert 'variable="NO_SUCH_ROW"' in proc.stderr
    assert not (project / "report" / "e2e-badtext").exists()
