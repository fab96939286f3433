"""What changed between two published versions: the text, sentence by sentence, and the
numbers, ARD row by ARD row; and a redlined DOCX for the writers.

``python -m report diff V1 V2 [--out PATH]`` writes a self-contained HTML report
(default ``report/diff-<V1>-vs-<V2>.html``), beside it the redline
``redline-<V1>-to-<V2>.docx`` (tracked changes, :mod:`report.redline_docx`), and
prints a short text summary:

- the sentences of the CSR text that changed, were added or were removed, old and new
  side by side with the words that differ marked and the numbers that moved highlighted
  (:mod:`report.text_changes`; from each version's ``csr.docx``);
- the displays whose numbers changed, by number and title (the catalogue);

- participants added (and removed): the ``USUBJID`` values of the L16.2.4 listing
  (its ARD or its full listing file), else the change of the BIGN rows;
- per display, ARD rows added, removed and changed (old and new value); the
  key of a row is every ARD column but ``stat``, ``stat_fmt`` and ``stat_label``;
- new adverse event terms: terms T14.3.3/T14.3.4 count (n > 0) in V2 but not in
  V1 (:func:`reported_terms`; the tables also list terms with no events, so
  presence of a row alone does not make a term new).

Neither version's folder is written to (published versions are immutable): a
version without ``csr.docx`` (rendered without DOCX) gets the ARD comparison and a
line saying why the text and the redline are missing.
"""

from __future__ import annotations

import html
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import catalogue
from analysis.ard import ARD_COLUMNS, read_csv
from analysis.csv_cells import restore_frame
from report import publish, redline_docx, text_changes
from report.text_changes import SentenceChange

KEY = [c for c in ARD_COLUMNS if c not in ("stat", "stat_fmt", "stat_label")]
PARTICIPANT_LISTING = "L16.2.4"
AE_DISPLAYS = ("T14.3.3", "T14.3.4")
SUBJECT_VARIABLES = ("USUBJID", "Participant")
TERM_VARIABLES = ("AEDECOD", "AEBODSYS", "AETERM", "AELLT")
TEXT_SOURCE = "csr.docx"


def display_heading(display_id: str) -> str:
    """``Table 14.3.1 Dose-limiting toxicities …`` from the catalogue; an id the catalogue
    does not know (a display of another code version) is named as it is."""
    d = catalogue.BY_ID.get(display_id)
    return d.heading if d else f"{display_id} (not in this catalogue)"


@dataclass
class DisplayChanges:
    """ARD rows of one display: added, removed (key columns + values), changed (old/new)."""

    display_id: str
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame
    status: str = "changed"        # "changed" | "new display" | "dropped display"

    @property
    def empty(self) -> bool:
        return not (len(self.added) or len(self.removed) or len(self.changed))


@dataclass
class VersionDiff:
    old: str
    new: str
    displays: list[DisplayChanges] = field(default_factory=list)
    participants_added: list[str] = field(default_factory=list)
    participants_removed: list[str] = field(default_factory=list)
    participant_source: str = ""
    bign: pd.DataFrame | None = None
    new_ae_terms: pd.DataFrame | None = None
    text_changes: list[SentenceChange] = field(default_factory=list)
    text_note: str = ""             # why the text was not compared ("" if it was)
    redline: Path | None = None
    redline_revisions: redline_docx.Revisions | None = None

    def summary(self) -> str:
        changed = [d for d in self.displays if not d.empty]
        lines = [f"{self.old} -> {self.new}: {len(changed)} display(s) with ARD changes"]
        if self.text_note:
            lines.append(f"  text: not compared: {self.text_note}")
        else:
            kinds = [c.kind for c in self.text_changes]
            moved = sum(text_changes.numbers_moved(c) for c in self.text_changes)
            lines.append(f"  text: {kinds.count('changed')} sentence(s) changed ({moved} with "
                         f"numbers that moved), {kinds.count('added')} added, "
                         f"{kinds.count('removed')} removed [from {TEXT_SOURCE}]")
        if self.redline is not None and self.redline_revisions is not None:
            r = self.redline_revisions
            lines.append(f"  redline: {self.redline.name} ({r.insertions} insertion(s), "
                         f"{r.deletions} deletion(s) tracked)")
        if self.participant_source:
            lines.append(f"  participants added: {len(self.participants_added)}"
                         + (f" ({', '.join(self.participants_added)})"
                            if self.participants_added else "")
                         + (f"; removed: {', '.join(self.participants_removed)}"
                            if self.participants_removed else "")
                         + f" [from {self.participant_source}]")
        terms = self.new_ae_terms
        if terms is not None:
            uniq = sorted(set(terms["variable_level"])) if len(terms) else []
            lines.append(f"  new adverse event terms: {len(uniq)}"
                         + (f" ({', '.join(uniq)})" if uniq else ""))
        for d in changed:
            lines.append(f"  {display_heading(d.display_id)} ({d.status}): {len(d.added)} "
                         f"row(s) added, {len(d.removed)} removed, {len(d.changed)} changed")
        return "\n".join(lines)


def _with_occurrence(df: pd.DataFrame) -> pd.DataFrame:
    """Rows keyed by KEY plus the occurrence number of that key (listings may repeat keys)."""
    df = df.reset_index(drop=True).copy()
    df["_occ"] = df.groupby(KEY, sort=False).cumcount() if len(df) else pd.Series(dtype="int64")
    return df


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def compare_ard(old: pd.DataFrame, new: pd.DataFrame, display_id: str = "") -> DisplayChanges:
    """Rows added, removed and changed between two ARDs of one display.

    A changed row has the same key but another ``stat`` or ``stat_fmt``;
    ``changed`` holds the key columns with ``old_stat``, ``new_stat``,
    ``old_stat_fmt``, ``new_stat_fmt``.
    """
    a, b = _with_occurrence(old), _with_occurrence(new)
    k = KEY + ["_occ"]
    m = a.merge(b, on=k, how="outer", suffixes=("_old", "_new"), indicator=True)
    cols = KEY + ["stat_label", "stat", "stat_fmt"]

    def side(which: str, suffix: str) -> pd.DataFrame:
        part = m[m["_merge"] == which]
        out = part[KEY].copy()
        for c in ("stat_label", "stat", "stat_fmt"):
            out[c] = part[f"{c}{suffix}"]
        return out[cols].reset_index(drop=True)

    both = m[m["_merge"] == "both"]
    diff_mask = pd.Series([
        not (_same(float(so), float(sn)) and fo == fn)
        for so, sn, fo, fn in zip(both["stat_old"], both["stat_new"],
                                  both["stat_fmt_old"], both["stat_fmt_new"], strict=True)
    ], index=both.index, dtype=bool)
    ch = both.loc[diff_mask]
    changed = ch[KEY].copy()
    changed["old_stat"], changed["new_stat"] = ch["stat_old"], ch["stat_new"]
    changed["old_stat_fmt"], changed["new_stat_fmt"] = ch["stat_fmt_old"], ch["stat_fmt_new"]
    return DisplayChanges(display_id, side("right_only", "_new"), side("left_only", "_old"),
                          changed.reset_index(drop=True))


def read_ards(version_dir: Path) -> dict[str, pd.DataFrame]:
    """``display_id -> ARD`` of every ``ard/*.csv`` of a published version."""
    ard_dir = Path(version_dir) / "ard"
    return {p.stem: read_csv(p) for p in sorted(ard_dir.glob("*.csv"))}


def participants(version_dir: Path, ards: dict[str, pd.DataFrame]) -> tuple[set[str], str] | None:
    """The participant ids of a version and where they came from, or None if not listed.

    Looks at the L16.2.4 full listing file (a ``USUBJID`` or ``Participant``
    column), then the L16.2.4 ARD (rows of variable ``USUBJID``/``Participant``,
    or grouped by it).
    """
    for path in sorted((Path(version_dir) / "listings").glob(f"{PARTICIPANT_LISTING}*.csv")):
        df = restore_frame(pd.read_csv(path, dtype=str, keep_default_na=False))
        for col in SUBJECT_VARIABLES:
            if col in df.columns:
                return set(df[col]) - {""}, f"listings/{path.name}"
    ard = ards.get(PARTICIPANT_LISTING)
    if ard is not None:
        ids: set[str] = set()
        sel = ard["variable"].isin(SUBJECT_VARIABLES)
        ids |= {f or v for v, f in zip(ard.loc[sel, "variable_level"], ard.loc[sel, "stat_fmt"],
                                        strict=True)}
        for g in ("group1", "group2"):
            ids |= set(ard.loc[ard[g].isin(SUBJECT_VARIABLES), f"{g}_level"])
        ids -= {""}
        if ids:
            return ids, f"ard/{PARTICIPANT_LISTING}.csv"
    return None


def bign_changes(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The BIGN (column N) rows whose value changed, per display and column level."""
    rows = []
    for did in sorted(set(old) & set(new)):
        ch = compare_ard(old[did][old[did]["variable"] == "BIGN"],
                         new[did][new[did]["variable"] == "BIGN"], did).changed
        for _, r in ch.iterrows():
            rows.append({"display_id": did, "column": r["group1_level"],
                         "old N": r["old_stat_fmt"], "new N": r["new_stat_fmt"]})
    return pd.DataFrame(rows, columns=["display_id", "column", "old N", "new N"])


def reported_terms(ard: pd.DataFrame) -> set[tuple[str, str]]:
    """``(AEDECOD|AEBODSYS, term)`` of the AE terms a T14.3.3/T14.3.4 ARD counts (n > 0).

    Terms are the ``variable_level`` of ``AEDECOD``/``AEBODSYS`` rows (SOC/PT
    layout), or the ``variable`` of rows grouped by ``AEBODSYS`` (PT by grade
    layout, where ``variable_level`` is the grade). Rows with n = 0 (terms the
    table lists without events) do not count.
    """
    out: set[tuple[str, str]] = set()
    hits = ard[(ard["stat_name"] == "n") & (ard["stat"].fillna(0) > 0)]
    for r in hits.itertuples(index=False):
        if r.variable in TERM_VARIABLES:
            if not _is_any(r.variable_level):
                out.add((r.variable, r.variable_level))
        elif r.group2 == "AEBODSYS" and not _is_any(r.variable) and r.variable != "BIGN":
            out.add(("AEDECOD", r.variable))
        if r.group2 == "AEBODSYS" and not _is_any(r.group2_level):
            out.add(("AEBODSYS", r.group2_level))
    return out


def _is_any(label: str) -> bool:
    return not label or label.upper() == "ANY" or label.lower().startswith("any ")


def new_ae_terms(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """AE terms counted (n > 0) in T14.3.3/T14.3.4 of ``new`` but in neither of ``old``."""
    before: set[tuple[str, str]] = set()
    for did in AE_DISPLAYS:
        if did in old:
            before |= reported_terms(old[did])
    rows, seen = [], set()
    for did in AE_DISPLAYS:
        if did not in new:
            continue
        for var, term in sorted(reported_terms(new[did]) - before):
            if (var, term) not in seen:
                seen.add((var, term))
                rows.append({"display_id": did, "variable": var, "variable_level": term})
    return pd.DataFrame(rows, columns=["display_id", "variable", "variable_level"])


def diff_versions(root: Path, old: str, new: str) -> VersionDiff:
    """Compare the ARDs (and participant listing) of two published versions."""
    for v in (old, new):            # both names, before any path is built from either
        publish.check_version_name(v)
    dirs = []
    for v in (old, new):
        d = publish.version_dir(root, v)
        if not (d / "ard").is_dir():
            raise FileNotFoundError(f"report/{v}/ard not found: {v} is not a published version")
        dirs.append(d)
    a, b = read_ards(dirs[0]), read_ards(dirs[1])
    result = VersionDiff(old, new)
    empty = pd.DataFrame(columns=ARD_COLUMNS)
    for did in sorted(set(a) | set(b)):
        ch = compare_ard(a.get(did, empty), b.get(did, empty), did)
        ch.status = ("new display" if did not in a else
                     "dropped display" if did not in b else "changed")
        result.displays.append(ch)
    pa, pb = participants(dirs[0], a), participants(dirs[1], b)
    if pb is not None:
        before = pa[0] if pa else set()
        result.participants_added = sorted(pb[0] - before)
        result.participants_removed = sorted(before - pb[0])
        result.participant_source = pb[1]
    result.bign = bign_changes(a, b)
    result.new_ae_terms = new_ae_terms(a, b)
    docs = [d / TEXT_SOURCE for d in dirs]
    missing = [v for v, p in zip((old, new), docs, strict=True) if not p.is_file()]
    if missing:
        result.text_note = "; ".join(f"report/{v} has no {TEXT_SOURCE} (rendered without "
                                     "DOCX)" for v in missing)
    else:
        result.text_changes = text_changes.align(text_changes.docx_sentences(docs[0]),
                                                 text_changes.docx_sentences(docs[1]))
    return result


# --- HTML ------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
h3{font-size:1.05em;margin-top:1.2em}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
table{border-collapse:collapse;font-size:.85em;margin:.4em 0}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f2f2f2}.added{color:#0a6b2d}.removed{color:#a01818}
.summary td:first-child{font-weight:600}
table.text{table-layout:fixed;width:100%;font-size:.9em}
table.text td{width:42%}table.text td.section{width:16%;color:#555;font-size:.9em}
table.text del{background:#fde2e2;color:#a01818}table.text ins{background:#ddf4e4;color:#0a6b2d}
table.text del,table.text ins{text-decoration:none}
mark.num{background:#ffd54f;color:#000;font-weight:700;padding:0 1px;border-radius:2px}
"""


def _table(df: pd.DataFrame | None, empty: str = "none") -> str:
    if df is None or not len(df):
        return f"<p><em>{html.escape(empty)}</em></p>"
    keep = [c for c in df.columns if c in ("stat", "old_stat", "new_stat") or
            df[c].astype(str).ne("").any()]
    return df[keep].to_html(index=False, escape=True, na_rep="", border=0)


def _segments_html(segments: tuple[text_changes.Segment, ...], tag: str) -> str:
    """A sentence's segments: changed runs in ``<del>``/``<ins>``, numbers that moved also
    in ``<mark class="num">``."""
    e = html.escape
    out = []
    for s in segments:
        if s.number:
            out.append(f"<{tag}><mark class='num'>{e(s.text)}</mark></{tag}>")
        elif s.changed:
            out.append(f"<{tag}>{e(s.text)}</{tag}>")
        else:
            out.append(e(s.text))
    return "".join(out)


def _text_html(d: VersionDiff) -> list[str]:
    e = html.escape
    parts = ["<h2 id='text'>Text changes</h2>"]
    if d.text_note:
        return parts + [f"<p><em>Not compared: {e(d.text_note)}.</em></p>"]
    parts.append(f"<p>Sentences of the body text of {TEXT_SOURCE} (headings, paragraphs, "
                 "captions and footnotes; the tables' numbers are compared below, by ARD row) "
                 "that changed, were added or were removed. Words that differ are marked; "
                 "<mark class='num'>numbers that moved</mark> are highlighted.</p>")
    if d.redline is not None:
        parts.append(f"<p>The same changes as tracked changes, to accept or reject in Word: "
                     f"<a href='{e(d.redline.name)}'>{e(d.redline.name)}</a> (the text: its "
                     "tables and listings are left out, their numbers are compared below).</p>")
    if not d.text_changes:
        return parts + ["<p><em>No sentence changed.</em></p>"]
    parts.append(f"<table class='text'><thead><tr><th class='section'>Section</th>"
                 f"<th>{e(d.old)}</th><th>{e(d.new)}</th></tr></thead><tbody>")
    for c in d.text_changes:
        section = (c.new or c.old).section if (c.new or c.old) else ""
        if c.kind == "changed":
            w = text_changes.word_changes(c.old.text, c.new.text)
            old, new = _segments_html(w.old, "del"), _segments_html(w.new, "ins")
        elif c.kind == "added":
            old, new = "<em>(added)</em>", f"<ins>{e(c.new.text)}</ins>"
        else:
            old, new = f"<del>{e(c.old.text)}</del>", "<em>(removed)</em>"
        parts.append(f"<tr class='{c.kind}'><td class='section'>{e(section)}</td>"
                     f"<td>{old}</td><td>{new}</td></tr>")
    parts.append("</tbody></table>")
    return parts


def to_html(d: VersionDiff) -> str:
    """A self-contained HTML page of a :class:`VersionDiff` (inline CSS, no scripts)."""
    e = html.escape
    changed = [x for x in d.displays if not x.empty]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>CSR changes {e(d.old)} to {e(d.new)}</title><style>{_CSS}</style></head><body>",
        f"<h1>What changed from report version {e(d.old)} to {e(d.new)}</h1>",
        "<p>The text is compared sentence by sentence; the numbers at the level of the "
        "analysis results data (ARD): a row is identified by display, groups, variable, "
        "level and statistic.</p>",
        "<h2>Summary</h2><pre>" + e(d.summary()) + "</pre>",
        *_text_html(d),
        "<h2>Participants</h2>",
    ]
    if d.participant_source:
        parts.append(f"<p>From {e(d.participant_source)}.</p>")
        parts.append("<p class='added'>Added: " + (e(", ".join(d.participants_added)) or "none")
                     + "</p>")
        if d.participants_removed:
            parts.append("<p class='removed'>Removed: " + e(", ".join(d.participants_removed))
                         + "</p>")
    else:
        parts.append("<p>No participant listing found; see the column N changes below.</p>")
    parts += ["<h3>Column N (BIGN) changes</h3>", _table(d.bign),
              "<h2>New adverse event terms</h2>",
              _table(d.new_ae_terms, "no new terms in " + ", ".join(AE_DISPLAYS)),
              "<h2 id='displays'>Displays whose numbers changed</h2>"]
    if not changed:
        parts.append("<p><em>No ARD row changed.</em></p>")
    for x in changed:
        parts.append(f"<details id='{e(x.display_id)}'><summary><strong>"
                     f"{e(display_heading(x.display_id))}</strong> ({e(x.status)}): "
                     f"{len(x.added)} added, {len(x.removed)} removed, {len(x.changed)} "
                     "changed</summary>")
        if len(x.changed):
            parts += ["<p>Changed statistics (old and new value):</p>", _table(x.changed)]
        if len(x.added):
            parts += ["<p class='added'>Rows added:</p>", _table(x.added)]
        if len(x.removed):
            parts += ["<p class='removed'>Rows removed:</p>", _table(x.removed)]
        parts.append("</details>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def default_out(root: Path, old: str, new: str) -> Path:
    """``report/diff-<old>-vs-<new>.html`` (both names checked first)."""
    old, new = publish.check_version_name(old), publish.check_version_name(new)
    return Path(root) / publish.REPORT_DIR / f"diff-{old}-vs-{new}.html"


def redline_name(old: str, new: str) -> str:
    """``redline-<old>-to-<new>.docx``, written beside the diff HTML."""
    old, new = publish.check_version_name(old), publish.check_version_name(new)
    return f"redline-{old}-to-{new}.docx"


def write_diff(root: Path, old: str, new: str, out: Path | None = None) -> tuple[VersionDiff, Path]:
    """Compare, write the redline DOCX (when both versions have a csr.docx), then the HTML.
    A redline that cannot be made raises :class:`redline_docx.RedlineError` before the HTML
    is written."""
    d = diff_versions(root, old, new)
    out = Path(out) if out else default_out(root, old, new)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not d.text_note:
        new_dir = publish.version_dir(root, new)
        d.redline = redline_docx.write_redline(
            publish.version_dir(root, old) / TEXT_SOURCE, new_dir / TEXT_SOURCE,
            out.parent / redline_name(old, new), date_time=redline_docx.build_time(new_dir))
        d.redline_revisions = redline_docx.revisions(d.redline)
    out.write_text(to_html(d), encoding="utf-8")
    return d, out


def main(root: Path, old: str, new: str, out: str | None = None) -> int:
    try:
        d, path = write_diff(root, old, new, Path(out) if out else None)
    except (FileNotFoundError, publish.PublishError, redline_docx.RedlineError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(d.summary())
    print(f"HTML report: {path}")
    if d.redline is not None:
        print(f"Redline DOCX: {d.redline}")
    return 0
