"""ICH E3 section 8, study objectives: the registry record's primary and secondary outcome
measures, quoted as registered (``study.yml``, ``registry.outcome_measures``), each linked to
the section of this report that evaluates it (``evaluated_in``: its heading id; no link
when the book has no such section)."""

from __future__ import annotations

from analysis.style.escape import escape_markdown
from analysis.style.markdown import table
from report.sections.book_text import BookText

class ObjectivesError(ValueError):
    """The study configuration has no usable registry outcome measures."""


def _where(book: BookText, ident: str | None) -> str:
    """A cross-reference to the section ``ident`` when the book has it, else ""."""
    found = {h.ident for ch in book.chapters for h in ch.headings if h.ident}
    return f"@{ident}" if ident and ident in found else ""


def section(book: BookText, config, meta) -> str:
    """The Markdown of section 8."""
    measures = (config.registry.get("outcome_measures") or {})
    if not measures.get("primary"):
        raise ObjectivesError("study.yml: registry.outcome_measures.primary is missing; "
                              "section 8 quotes the registry's outcome measures")
    lines = ["# 8 Study objectives", "",
             escape_markdown(f"The objectives of the study are its outcome measures as the registry "
                             f"record {config.registry.get('id', '')} states them (quoted as "
                             "registered), with the section of this report that evaluates each."),
             ""]
    for n, (kind, title) in enumerate((("primary", "Primary objectives"),
                                       ("secondary", "Secondary objectives")), start=1):
        rows = [(m["name"], m["time_frame"], " ".join(str(m["description"]).split()),
                 _where(book, m.get("evaluated_in"))) for m in measures.get(kind) or []]
        if not rows:
            continue
        lines += [f"## 8.{n} {title}", "",
                  table(("Outcome measure", "Time frame", "Description (registry)", "Evaluated in"),
                        rows, raw=(3,), widths=(1.6, 0.9, 4, 1.1)), ""]
    return "\n".join(lines)
