"""ICH E3 section 14, "Tables, figures and graphs referred to but not included in the text":
where each display of the catalogue (SAP 5, :mod:`analysis.catalogue`) is in this report.

This report shows every display in the section that discusses it, so section 14 gives, for
each display, its number (a link to it), title and the section that shows it, grouped as
ICH E3 14.1 (demographic data), 14.2 (efficacy data) and 14.3 (safety data). Where a display
is is read from the staged book (the cell that shows it), not from the catalogue's chapter;
a catalogue display the book does not show is listed as not in this report.
"""

from __future__ import annotations

from analysis.catalogue import DISPLAYS
from analysis.style.escape import escape_markdown
from analysis.style.markdown import table
from report.sections.book_text import BookText

GROUPS = (("14.1", "Demographic data"), ("14.2", "Efficacy data"), ("14.3", "Safety data"))
NOT_SHOWN = "Not in this report"


def _section(heading) -> str:
    """A link to the section (its heading has an id), else ``Section 10.1`` as text."""
    if heading is None:
        return ""
    if heading.ident:
        return f"@{heading.ident}"
    return escape_markdown(f"Section {heading.title.split()[0]}")


def rows(book: BookText, group: str) -> list[tuple[str, str, str]]:
    """(number as a link, title, section) of every catalogue display numbered ``group``.x."""
    where = book.display_sections()
    out = []
    for d in DISPLAYS:
        if not d.number.startswith(group + "."):
            continue
        if d.label in where:
            out.append((f"@{d.label}", escape_markdown(d.title), _section(where[d.label][1])))
        else:
            out.append((escape_markdown(f"{d.kind} {d.number}"), escape_markdown(d.title),
                        NOT_SHOWN))
    return out


def section(book: BookText, config, meta) -> str:
    """The Markdown of section 14 (displays grouped 14.1, 14.2, 14.3)."""
    lines = ["# 14 Tables, figures and graphs referred to but not included in the text", "",
             "Every table and figure of this report is shown in the section that discusses it. "
             "The lists below give, for each, its number (a link to it), its title and that "
             "section.", ""]
    for number, title in GROUPS:
        found = rows(book, number)
        if not found:
            continue
        lines += [f"## {number} {title}", "",
                  table(("Display", "Title", "Shown in"), found, raw=(0, 1, 2),
                        widths=(1, 4, 1.2)), ""]
    return "\n".join(lines)
