"""The validation report people read, laid out as a conformance report (Pinnacle 21
style): a summary per dataset x variable x rule with the count, the severity and the
first three examples (row, USUBJID, value), short enough for a console however many
findings there are; the complete findings apart, as CSV and as one self-contained
HTML page in ``_build/validation/<hash of the source>/`` (never in data/snapshots).

- :func:`groups` groups findings by dataset, variable and rule (one pass, so 100,000
  findings group in well under a second);
- :func:`console_summary` is the console text: at most ``max_lines`` lines (60);
  errors and warnings one group per two lines, notes one line per rule;
- :func:`write_full_report` writes ``findings.csv`` and ``index.html`` (Jinja2,
  autoescaped, inline CSS: no external file) into a folder;
- :func:`source_hash` names that folder after the source files' contents (and the
  mapping file's hash, which changes what is validated).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from data_contract import CONTRACT_VERSION
from data_contract.rules import RULES, SEVERITIES
from data_contract.specs import DATASETS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VALIDATION_ROOT = PROJECT_ROOT / "_build" / "validation"
MAX_LINES = 60
EXAMPLES = 3
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass
class Group:
    """The findings of one dataset, variable and rule."""

    dataset: str
    variable: str | None
    rule: str
    severity: str
    message: str  # the first finding's
    count: int = 0
    examples: list[tuple[int | None, str | None, str]] = field(default_factory=list)

    def record(self) -> dict:
        """For the manifest: the group's counts and first examples."""
        return {"dataset": self.dataset, "variable": self.variable, "rule": self.rule,
                "severity": self.severity, "count": self.count, "message": self.message,
                "examples": [{"row": r, "usubjid": u, "value": v} for r, u, v in self.examples]}

    def examples_text(self) -> str:
        parts = []
        for row, usubjid, value in self.examples:
            where = f"row {row}" if row is not None else "(dataset)"
            who = f"  USUBJID={usubjid}" if usubjid else ""
            parts.append(f"{where}{who}  value={value!r}")
        return "; ".join(parts)


def _order(name: str) -> tuple:
    known = list(DATASETS)
    return (known.index(name) if name in known else len(known), name)


def groups(findings: Iterable) -> list[Group]:
    """Findings grouped by (dataset, variable, rule), in order of severity, dataset
    (contract order), variable and rule; each group keeps its first examples."""
    by_key: dict[tuple, Group] = {}
    for e in findings:
        key = (e.dataset, e.variable, e.rule)
        g = by_key.get(key)
        if g is None:
            g = by_key[key] = Group(e.dataset, e.variable, e.rule, e.severity, e.message)
        g.count += 1
        if len(g.examples) < EXAMPLES:
            g.examples.append((e.row, e.usubjid, e.value))
    return sorted(by_key.values(), key=lambda g: (_RANK[g.severity], _order(g.dataset),
                                                  g.variable or "", g.rule))


def console_summary(report, full_report: str | None = None, max_lines: int = MAX_LINES) -> str:
    """The console summary of ``report`` (a :class:`~data_contract.validate.ValidationReport`)
    in at most ``max_lines`` lines; ``full_report`` names where the complete findings are."""
    counts = report.counts()
    cut = report.cutoff.isoformat() if report.cutoff else "none"
    size = f"{len(report.datasets)} datasets, {sum(report.datasets.values()):,} rows"
    verdict = f"valid ({size})" if report.ok else f"INVALID, nothing is frozen ({size})"
    head = [f"Data contract {CONTRACT_VERSION} validation, cut-off {cut}: {verdict}: "
            f"{counts['error']:,} error(s), {counts['warning']:,} warning(s), "
            f"{counts['note']:,} note(s)",
            "profiles: " + (", ".join(f"{n} {p}" for n, p in report.profiles.items())
                            or "none")]
    tail = [f"Full report (every finding): {full_report}"] if full_report else []
    budget = max_lines - len(head) - len(tail) - 1  # one line for "... more"
    body: list[str] = []
    hidden_groups = hidden_findings = 0
    all_groups = groups(report.findings)
    detailed = [g for g in all_groups if g.severity != "note"]
    for g in detailed:
        lines = [f"{g.severity.upper():7s} {g.dataset}  {g.variable or '-'}  [{g.rule}]  "
                 f"{g.count:,}x  {g.message}",
                 f"        e.g. {g.examples_text()}"]
        if len(body) + len(lines) > budget:
            hidden_groups += 1
            hidden_findings += g.count
            continue
        body += lines
    notes: dict[str, list[Group]] = {}
    for g in all_groups:
        if g.severity == "note":
            notes.setdefault(g.rule, []).append(g)
    for rule, gs in notes.items():
        per_ds: dict[str, int] = {}
        for g in gs:
            per_ds[g.dataset] = per_ds.get(g.dataset, 0) + g.count
        listed = ", ".join(f"{d} {n}" for d, n in per_ds.items())
        what = {"unknown_variable": "variable(s) not in the contract, kept",
                "absent_dataset": "dataset(s) of the contract absent",
                "unknown_dataset": "dataset(s) not in the contract, kept",
                "unknown_parameter": "dataset(s) with parameters not in the contract, kept",
                }.get(rule, RULES[rule].description)
        line = f"NOTE    [{rule}]  {sum(per_ds.values()):,}x  {what}: {listed}"
        if len(line) > 160:
            line = line[:157] + "..."
        if len(body) + 1 > budget:
            hidden_groups += len(gs)
            hidden_findings += sum(per_ds.values())
            continue
        body.append(line)
    if hidden_groups:
        body.append(f"... {hidden_groups:,} more group(s) with {hidden_findings:,} finding(s) "
                    "not shown here" + (": see the full report" if full_report else ""))
    return "\n".join(head + body + tail) + "\n"


def source_hash(files: Sequence[Path], extra: Iterable[str] = ()) -> str:
    """SHA-256 (first 16 hex digits) over the names and contents of the source ``files``
    and ``extra`` text (e.g. the mapping file's hash): the name of the report folder."""
    h = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        h.update(path.name.encode() + b"\0")
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        h.update(b"\0")
    for text in extra:
        h.update(str(text).encode() + b"\0")
    return h.hexdigest()[:16]


_HTML = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
    """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Data contract validation: {{ title }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f2f2f2;position:sticky;top:0}
.error{color:#a00;font-weight:bold}.warning{color:#a60}.note{color:#555}
td.n{text-align:right}
</style></head><body>
<h1>Data contract {{ version }} validation</h1>
<p>{{ title }}. Cut-off {{ cutoff }}.
{% if ok %}Valid: no error.{% else %}<span class="error">Invalid: nothing was frozen.</span>{% endif %}
{{ counts.error }} error(s), {{ counts.warning }} warning(s), {{ counts.note }} note(s).</p>
{% if context %}<table>{% for k, v in context %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>{% endif %}
<h2>Datasets</h2>
<table><tr><th>Dataset</th><th>Profile</th><th>Rows</th><th>Variables</th></tr>
{% for name, rows in datasets %}<tr><td>{{ name }}</td><td>{{ profiles.get(name, "not in the contract") }}</td><td class="n">{{ rows }}</td><td class="n">{{ variables.get(name, "") }}</td></tr>
{% endfor %}</table>
<h2>Summary by dataset, variable and rule</h2>
<table><tr><th>Severity</th><th>Dataset</th><th>Variable</th><th>Rule</th><th>Count</th><th>Message (first)</th><th>First examples</th></tr>
{% for g in groups %}<tr><td class="{{ g.severity }}">{{ g.severity }}</td><td>{{ g.dataset }}</td><td>{{ g.variable or "" }}</td><td>{{ g.rule }}</td><td class="n">{{ g.count }}</td><td>{{ g.message }}</td><td>{{ g.examples_text() }}</td></tr>
{% endfor %}</table>
<h2>Rules</h2>
<table><tr><th>Rule</th><th>Severity</th><th>Applies to</th><th>Checks</th></tr>
{% for r in rules %}<tr><td>{{ r.id }}</td><td class="{{ r.severity }}">{{ r.severity }}</td><td>{{ r.scope }}</td><td>{{ r.description }}</td></tr>
{% endfor %}</table>
<h2>Every finding ({{ findings|length }})</h2>
<table><tr><th>Severity</th><th>Dataset</th><th>Row</th><th>USUBJID</th><th>Variable</th><th>Rule</th><th>Value</th><th>Message</th></tr>
{% for e in findings %}<tr><td class="{{ e.severity }}">{{ e.severity }}</td><td>{{ e.dataset }}</td><td class="n">{{ e.row if e.row is not none else "" }}</td><td>{{ e.usubjid or "" }}</td><td>{{ e.variable or "" }}</td><td>{{ e.rule }}</td><td>{{ e.value }}</td><td>{{ e.message }}</td></tr>
{% endfor %}</table>
</body></html>
""")


def write_full_report(report, folder: Path, title: str = "",
                      context: Sequence[tuple[str, str]] = ()) -> Path:
    """Write every finding of ``report`` to ``folder``/findings.csv and a self-contained
    ``folder``/index.html; returns the folder. ``context`` rows (source, mapping, ...)
    head the page. Nothing in it carries wall-clock time."""
    folder.mkdir(parents=True, exist_ok=True)
    report.findings_frame().to_csv(folder / "findings.csv", index=False)
    names = sorted(report.datasets, key=_order)
    html = _HTML.render(
        title=title or "validation", version=CONTRACT_VERSION, ok=report.ok,
        cutoff=report.cutoff.isoformat() if report.cutoff else "none",
        counts=report.counts(), context=list(context),
        datasets=[(n, report.datasets[n]) for n in names], profiles=report.profiles,
        variables=report.variables, groups=groups(report.findings),
        rules=list(RULES.values()), findings=report.findings)
    (folder / "index.html").write_text(html, encoding="utf-8")
    return folder
