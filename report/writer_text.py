"""The writer-owned text of the CSR (``text/writer/``): open placeholders and title-page facts.

A medical writer owns the files under ``text/writer/`` (README, "Writing the writer-owned
sections"): the Markdown chapters (ethics, investigators, introduction, safety conclusions,
discussion, references), the narratives' clinical assessments (``text/writer/narratives/``)
and ``title-page.yml`` (the title-page facts neither the registry record nor the study
configuration holds). The build reads them and never writes them. Until a writer fills a
part, it holds a visible placeholder ``[Writer: what belongs here]``; every render lists the
open placeholders (file and line) and records them in the published version
(``placeholders.json``).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

WRITER_DIR = Path("text") / "writer"
TITLE_PAGE_FILE = WRITER_DIR / "title-page.yml"
PLACEHOLDERS_FILE = "placeholders.json"
PLACEHOLDER = re.compile(r"\[Writer:[^\[\]]*\]")
SCANNED_SUFFIXES = (".md", ".yml", ".yaml")
TITLE_PAGE_KEYS = ("principal_investigator", "report_date", "gcp_statement", "signatories")


class WriterTextError(ValueError):
    """A writer file the build cannot read (the message names the file and what is wrong)."""


@dataclass(frozen=True)
class Placeholder:
    """One open ``[Writer: ...]`` placeholder: file (relative to the project), line, text."""

    file: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.text}"


def writer_files(root: Path) -> list[Path]:
    """Every file under ``text/writer/`` that holds writer text, sorted."""
    folder = Path(root) / WRITER_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in SCANNED_SUFFIXES)


def open_placeholders(root: Path) -> list[Placeholder]:
    """The ``[Writer: ...]`` placeholders still in the writer files, in file and line order."""
    root = Path(root)
    found = []
    for path in writer_files(root):
        rel = path.relative_to(root).as_posix()
        comments = path.suffix in (".yml", ".yaml")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if comments and line.lstrip().startswith("#"):
                continue  # a YAML comment is not text of the report
            found.extend(Placeholder(rel, n, m.group(0)) for m in PLACEHOLDER.finditer(line))
    return found


def placeholders_record(placeholders: list[Placeholder]) -> str:
    """``placeholders.json`` of a published version: the open placeholders, file and line."""
    return json.dumps({"open": [asdict(p) for p in placeholders]}, indent=1,
                      ensure_ascii=False) + "\n"


def title_page_facts(root: Path) -> dict[str, object]:
    """The writer's title-page facts (``text/writer/title-page.yml``): principal investigator,
    report date, GCP statement and the signatories (role, name). A missing file or key stays
    a placeholder, so the title page never shows an invented fact."""
    path = Path(root) / TITLE_PAGE_FILE
    raw: dict = {}
    if path.is_file():
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise WriterTextError(f"{TITLE_PAGE_FILE.as_posix()}: not valid YAML ({exc})") from exc
        if not isinstance(raw, dict):
            raise WriterTextError(f"{TITLE_PAGE_FILE.as_posix()}: expected a mapping of "
                                  f"{', '.join(TITLE_PAGE_KEYS)}")
    unknown = sorted(set(raw) - set(TITLE_PAGE_KEYS))
    if unknown:
        raise WriterTextError(f"{TITLE_PAGE_FILE.as_posix()}: unknown key(s) {unknown}; "
                              f"expected {', '.join(TITLE_PAGE_KEYS)}")
    facts: dict[str, object] = {}
    for key in ("principal_investigator", "report_date", "gcp_statement"):
        value = raw.get(key)
        facts[key] = (" ".join(str(value).split()) if value not in (None, "")
                      else f"[Writer: {key.replace('_', ' ')}]")
    signatories = raw.get("signatories") or []
    if not isinstance(signatories, list) or not all(
            isinstance(s, dict) and {"role", "name"} <= set(s) for s in signatories):
        raise WriterTextError(f"{TITLE_PAGE_FILE.as_posix()}: signatories must be a list of "
                              "entries with a role and a name")
    facts["signatories"] = tuple((" ".join(str(s["role"]).split()), " ".join(str(s["name"]).split()))
                                 for s in signatories)
    return facts
