"""Writer-owned text (report.writer_text): open placeholders with file and line, the
writer's title-page facts, and the shipped writer files as a writer finds them."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest

from report.writer_text import (
    WRITER_DIR,
    WriterTextError,
    open_placeholders,
    placeholders_record,
    title_page_facts,
)

ROOT = Path(__file__).resolve().parents[2]
# file -> its section number in the CSR (the CSR numbers section 9 as the SAP lists it;
# the placeholder cites the ICH E3 section, 9.8 for the changes of 9.6)
E3_CITED = {"09-06-changes.md": "9.8"}
WRITER_SECTIONS = {"05-ethics.md": "5", "06-investigators.md": "6", "07-introduction.md": "7",
                   "09-06-changes.md": "9.6",
                   "12-06-safety-conclusions.md": "12.6", "13-discussion.md": "13",
                   "15-references.md": "15"}


def _write(root: Path, rel: str, text: str) -> None:
    path = root / WRITER_DIR / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_open_placeholders_name_file_and_line_and_skip_yaml_comments(tmp_path):
    _write(tmp_path, "05-ethics.md", "# 5 Ethics\n\nDone.\n\n[Writer: consent (ICH E3 5.3).]\n")
    _write(tmp_path, "narratives/0016.md", "[Writer: assessment] and [Writer: causality]\n")
    _write(tmp_path, "title-page.yml", '# replace each "[Writer: ...]"\nreport_date: "[Writer: date]"\n')
    found = [str(p) for p in open_placeholders(tmp_path)]
    assert found == ["text/writer/05-ethics.md:5: [Writer: consent (ICH E3 5.3).]",
                     "text/writer/narratives/0016.md:1: [Writer: assessment]",
                     "text/writer/narratives/0016.md:1: [Writer: causality]",
                     "text/writer/title-page.yml:2: [Writer: date]"]
    record = json.loads(placeholders_record(open_placeholders(tmp_path)))
    assert record["open"][0] == {"file": "text/writer/05-ethics.md", "line": 5,
                                 "text": "[Writer: consent (ICH E3 5.3).]"}


def test_filled_writer_text_has_no_open_placeholder(tmp_path):
    _write(tmp_path, "07-introduction.md", "# 7 Introduction\n\nThe study [1] started.\n")
    assert open_placeholders(tmp_path) == []


def test_title_page_facts_stay_placeholders_when_the_writer_file_is_absent(tmp_path):
    facts = title_page_facts(tmp_path)
    assert facts["principal_investigator"].startswith("[Writer:")
    assert facts["report_date"].startswith("[Writer:") and facts["signatories"] == ()


def test_title_page_facts_refuse_an_unknown_key_naming_the_file(tmp_path):
    _write(tmp_path, "title-page.yml", "report_dat: 2027-01-01\n")
    with pytest.raises(WriterTextError, match=r"title-page.yml: unknown key\(s\) \['report_dat'\]"):
        title_page_facts(tmp_path)


def test_shipped_writer_sections_are_numbered_e3_headings_with_one_visible_placeholder():
    for name, number in WRITER_SECTIONS.items():
        text = (ROOT / WRITER_DIR / name).read_text(encoding="utf-8")
        assert text.startswith(f"# {number} "), name
        cited = E3_CITED.get(name, number)
        assert "[Writer: " in text and f"(ICH E3 {cited}" in text, name


def test_shipped_writer_files_pass_a_jinja2_pass_unchanged():
    """A's text resolver renders Markdown through Jinja2: the writer files hold nothing it
    would read as a template (``{{``, ``{%``, ``{#``)."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    for path in sorted((ROOT / WRITER_DIR).rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert env.from_string(text).render() == text, path.name
