"""The index of the submission TLF package: ``tlf/index.csv`` and ``tlf/index.html``.

One row per display of SAP section 5 in catalogue order: number (``Table
14.3.1``), title, analysis set and the file(s) of the display (``T14.3.1.rtf``;
figures ``F14.2.1.rtf`` and ``F14.2.1.png``), or an empty file column when the
snapshot did not hold the display's data. Written deterministically (fixed
order, ``\\n`` line ends, no dates).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis.catalogue import DISPLAYS, Display
from analysis.style.marks import SIMULATED_MARK

COLUMNS = ("display_id", "number", "title", "analysis_set", "files")


@dataclass(frozen=True)
class Entry:
    """One display of the index and the files it has in the TLF folder."""

    display: Display
    files: tuple[str, ...]


def entries_for(tlf_dir: Path, displays: Iterable[Display] = DISPLAYS) -> list[Entry]:
    """The index entries of ``displays`` with the files found in ``tlf_dir``
    (``<id>.rtf`` and, for figures, ``<id>.png``)."""
    out = []
    for d in displays:
        names = [f"{d.id}.rtf"] + ([f"{d.id}.png"] if d.id.startswith("F") else [])
        out.append(Entry(d, tuple(n for n in names if (Path(tlf_dir) / n).is_file())))
    return out


def _rows(entries: Iterable[Entry | Display]) -> list[dict[str, str]]:
    rows = []
    for e in entries:
        entry = e if isinstance(e, Entry) else Entry(e, ())
        d = entry.display
        rows.append({"display_id": d.id, "number": f"{d.kind} {d.number}", "title": d.title,
                     "analysis_set": d.set_name, "files": " ".join(entry.files)})
    return rows


def index_csv(entries: Iterable[Entry | Display]) -> str:
    """The CSV text of the index (header row, one row per display)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_rows(entries))
    return buf.getvalue()


def package_is_simulated(tlf_dir: Path) -> bool:
    """True when the package's displays say they are built from simulated data: an RTF
    in ``tlf_dir`` carries the SIMULATED DATA page-header mark
    (:data:`analysis.style.marks.SIMULATED_MARK`, written from the snapshot manifest)."""
    return any(SIMULATED_MARK in f.read_text(encoding="latin-1", errors="replace")
               for f in sorted(Path(tlf_dir).glob("*.rtf")))


def index_html(entries: Iterable[Entry | Display], *, heading: str = "Tables, listings and figures",
               simulated: bool = False) -> str:
    """A self-contained HTML page of the index, each file linked relatively; a SIMULATED
    DATA banner heads it when the package is built from simulated data."""
    body = []
    for r in _rows(entries):
        links = " ".join(f'<a href="{html.escape(f)}">{html.escape(f)}</a>'
                         for f in r["files"].split()) or "not available"
        body.append(f"<tr><td>{html.escape(r['number'])}</td><td>{html.escape(r['title'])}</td>"
                    f"<td>{html.escape(r['analysis_set'])}</td><td>{links}</td></tr>")
    rows = "\n".join(body)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(heading)}</title>\n"
        "<style>body { font-family: Arial, sans-serif; font-size: 10pt; margin: 1em; }\n"
        "table { border-collapse: collapse; }\n"
        "th, td { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; }\n"
        "th { background: #f4f4f4; }\n"
        ".csr-simulated { background: #b00020; color: #fff; font-weight: bold; padding: 4px 8px; "
        "letter-spacing: .1em; }</style>\n</head>\n<body>\n"
        + (f'<p class="csr-simulated" role="note">{SIMULATED_MARK}: built from simulated data, '
           "not trial results.</p>\n" if simulated else "")
        + f"<main>\n<h1>{html.escape(heading)}</h1>\n"
        "<table>\n<thead><tr><th scope=\"col\">Number</th><th scope=\"col\">Title</th>"
        "<th scope=\"col\">Analysis set</th><th scope=\"col\">File</th></tr></thead>\n<tbody>\n"
        f"{rows}\n</tbody>\n</table>\n</main>\n</body>\n</html>\n"
    )


def write_index(tlf_dir: Path, entries: Iterable[Entry | Display] | None = None,
                simulated: bool | None = None) -> None:
    """Write ``<tlf_dir>/index.csv`` and ``<tlf_dir>/index.html``.

    ``simulated`` defaults to what the package's RTFs say (:func:`package_is_simulated`).

    ``entries`` defaults to every display of the catalogue with the files found in
    ``tlf_dir`` (:func:`entries_for`); a bare :class:`Display` is listed without files.
    """
    tlf_dir = Path(tlf_dir)
    tlf_dir.mkdir(parents=True, exist_ok=True)
    items = list(entries) if entries is not None else entries_for(tlf_dir)
    (tlf_dir / "index.csv").write_bytes(index_csv(items).encode("utf-8"))
    if simulated is None:
        simulated = package_is_simulated(tlf_dir)
    (tlf_dir / "index.html").write_bytes(index_html(items, simulated=simulated).encode("utf-8"))


def stamp_version(tlf_dir: Path, version: str) -> int:
    """Write ``version`` into the page headers of every RTF in ``tlf_dir`` in place
    of :data:`analysis.style.marks.VERSION_TOKEN`; returns how many files changed.

    Version names are plain ASCII (report.publish.check_version_name), so a byte
    replacement keeps the RTF valid."""
    from analysis.style.marks import VERSION_TOKEN

    token, stamp = VERSION_TOKEN.encode("ascii"), version.encode("ascii")
    changed = 0
    for path in sorted(Path(tlf_dir).glob("*.rtf")):
        data = path.read_bytes()
        if token in data:
            path.write_bytes(data.replace(token, stamp))
            changed += 1
    return changed
