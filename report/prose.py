"""The CSR's prose: Markdown + Jinja2 templates under ``text/``, resolved from the ARDs.

A chapter notebook marks where a piece of text stands (``ch.text("12-01-dlt/dlt")``);
the text itself is the template ``text/prose/12-01-dlt/dlt.md``, written by a
medical writer. At render, after the notebooks executed and before either engine
typesets, :func:`resolve_book` replaces every marker of the staged notebooks by
its template rendered against the ARDs the notebooks wrote (``ard/*.csv``), so
both engines read the same resolved text and a changed sentence never
re-executes a notebook (``text/`` is not an input of a notebook's cache key, it
is one of the typeset documents': :func:`report.build.make_plan`).

What a template may use (README, "Writing the text"):

- ``stat(display, stat_name, **filters)`` the formatted value (``stat_fmt``) of the
  one ARD row matching the filters (ARD columns: ``variable``, ``variable_level``,
  ``group1_level``, ``group2_level``...); ``value(...)`` its number, for conditions;
  ``n_pct(display, **filters)`` the count cell ``n (x.x%)``;
  ``count(display, noun, pct=False, stat="n", **filters)`` a count with its noun in
  agreement ("1 participant", "3 (33.3%) participants", inflect);
- ``has_stat(...)``, ``rows(display, **filters)`` (a list of row mappings),
  ``levels(display, column, **filters)``, ``columns(display)`` (dose levels),
  ``available(display)``; ``noun(word, n)``, ``verb(word, n)``, ``and_list(items)``,
  ``most_frequent(mapping)``; ``config`` (the study configuration), ``cutoff``;
  ``escalation_design(rates)`` (the 3+3 design's size and operating characteristics at
  the true DLT probabilities ``rates``: :func:`escalation_design`);
- the filter ``oneline`` (``{% filter oneline %}...{% endfilter %}``) joins the lines
  of a Markdown table cell;
- the filter ``esc`` for data text (a term, a level, a decision): shown verbatim in
  every format (:func:`analysis.style.escape.escape_markdown`);
- ``{% call prose("T14.3.1") %}...{% endcall %}`` around a paragraph that quotes a
  display: when a quoted statistic does not exist for this snapshot (the analysis
  set is empty, no row matches, the value is missing), the paragraph is replaced by
  one sentence saying which display is not evaluable and why; when the display is
  not available (no ARD: a dataset or variable is absent, the display says so where
  it stands) the paragraph is left out (README, "Lawful but unusual snapshots").

Comments are ``{{# ... #}}`` (not Jinja's ``{# #}``, which would swallow a heading's
``{#sec-id}``). Anything else fails the render with :class:`TextError`, naming the file, the line
and the reference: an unknown display, a filter naming no ARD column, several
matching rows, a statistic that does not exist outside a ``prose`` block, an
undefined name (``StrictUndefined``) or a syntax error.

:func:`render_text` is pure: template text, ARD frames and the snapshot's facts in,
Markdown out. Jinja2 is the template language (no hand-rolled one): it is what
Quarto-less Python projects use for text with conditions and loops, it reports
the template line of an error, and StrictUndefined makes every misspelt name an
error rather than an empty string.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from analysis import ard as ard_mod
from analysis.catalogue import ANALYSIS_SETS, BY_ID, get
from analysis.derive.adverse_events import most_frequent
from analysis.stats import escalation
from analysis.formats import MISSING, and_list, fmt_num, fmt_pct, noun, verb
from analysis.formats import n_pct as n_pct_text
from analysis.style.escape import escape_markdown

TEXT_DIR = "text"
PROSE_DIR = "prose"
SUFFIX = ".md"
# Comments are {{# ... #}}: Jinja's own {# ... #} would swallow a Markdown heading's anchor,
# "## Ethics {#sec-ethics}", which writers' files use.
COMMENT = ("{{#", "#}}")


class TextError(ValueError):
    """A template that cannot be resolved: the message names the file, line and reference."""


class _NotEvaluable(Exception):
    """A statistic this snapshot does not give; ``reason`` is None when the display is not
    available at all (it says so itself where it stands)."""

    def __init__(self, display_id: str, reason: str | None, detail: str):
        super().__init__(detail)
        self.display_id = display_id
        self.reason = reason


class _Mistake(Exception):
    """A reference that is wrong whatever the snapshot (reported as :class:`TextError`)."""


@dataclass(frozen=True)
class Facts:
    """What the text needs to know of the snapshot besides the ARDs (from its manifest)."""

    cutoff: str | None = None
    empty_datasets: frozenset[str] = frozenset()
    config: object = None
    first_enrolment: str | None = None   # ISO date of the first enrolment (ADSL ENRLDT)

    @classmethod
    def from_manifest(cls, manifest: Mapping, config: object = None,
                      first_enrolment: str | None = None) -> Facts:
        datasets = manifest.get("datasets") or {}
        empty = frozenset(n for n, d in datasets.items() if int(d.get("rows", 0)) == 0)
        return cls(str(manifest.get("cutoff") or "") or None, empty, config,
                   first_enrolment or None)

    @property
    def cutoff_phrase(self) -> str:
        return f"data cut-off ({self.cutoff})" if self.cutoff else "data cut-off"


@dataclass
class _Values:
    """The ARD look-ups a template calls (the same rules as :class:`analysis.notebook.Chapter`)."""

    ards: Mapping[str, pd.DataFrame]
    facts: Facts
    said: set = field(default_factory=set)

    def _display(self, display_id: str):
        if display_id not in BY_ID:
            raise _Mistake(f"unknown display {display_id!r} (not in analysis/catalogue.py)")
        return get(display_id)

    def rows(self, display_id: str, **filters) -> pd.DataFrame:
        self._display(display_id)
        unknown = [k for k in filters if k not in ard_mod.ARD_COLUMNS]
        if unknown:
            raise _Mistake(f"{display_id}: unknown ARD columns in filters {unknown}")
        df = self.ards.get(display_id)
        if df is None:
            raise _NotEvaluable(display_id, None, f"{display_id} has no ARD in this render")
        empty = self._empty_set_reason(display_id, df)
        if empty:
            raise _NotEvaluable(display_id, empty, f"{display_id}: {empty}")
        mask = pd.Series(True, index=df.index)
        for k, v in filters.items():   # text columns are text already (analysis.ard.frame)
            col = df[k] if k in ard_mod.TEXT_COLUMNS else df[k].astype(str)
            mask &= col == str(v)
        return df[mask]

    def _empty_set_reason(self, display_id: str, df: pd.DataFrame) -> str | None:
        total = df[(df["variable"] == "BIGN") & (df["group1_level"] == ard_mod.TOTAL)]
        if len(total) != 1 or total["stat"].iloc[0] != 0:
            return None
        name = ANALYSIS_SETS[get(display_id).analysis_set][0]
        return f"no participant was in the {name} set at the {self.facts.cutoff_phrase}"

    def _no_data_reason(self, display_id: str) -> str | None:
        empty = [n for n in get(display_id).datasets
                 if n != "ADSL" and n in self.facts.empty_datasets]
        if not empty:
            return None
        return (f"{' and '.join(empty)} {'holds' if len(empty) == 1 else 'hold'} no records "
                f"at the {self.facts.cutoff_phrase}")

    def match(self, display_id: str, stat_name: str, filters: dict) -> pd.Series:
        hits = self.rows(display_id, stat_name=stat_name, **filters)
        desc = ", ".join(f"{k}={v!r}" for k, v in {"stat_name": stat_name, **filters}.items())
        if len(hits) > 1:
            raise _Mistake(f"{display_id}: {len(hits)} ARD rows match {desc} (need exactly 1)")
        if len(hits) == 0:
            raise _NotEvaluable(display_id, self._no_data_reason(display_id) or
                                f"it has no {_describe(stat_name, filters)}",
                                f"{display_id}: 0 ARD rows match {desc} (need exactly 1)")
        hit = hits.iloc[0]
        if hit["stat_fmt"] == MISSING:
            raise _NotEvaluable(display_id, self._no_data_reason(display_id) or
                                f"no participant contributes to the "
                                f"{_describe(stat_name, filters)}",
                                f"{display_id}: the value matching {desc} is missing")
        return hit

    # ---- the template's functions ----------------------------------------------------
    def stat(self, display_id: str, stat_name: str, **filters) -> str:
        return str(self.match(display_id, stat_name, filters)["stat_fmt"])

    def value(self, display_id: str, stat_name: str, **filters) -> float:
        return float(self.match(display_id, stat_name, filters)["stat"])

    def n_pct(self, display_id: str, **filters) -> str:
        return n_pct_text(self.stat(display_id, "n", **filters),
                          self.stat(display_id, "pct", **filters))

    def count(self, display_id: str, word: str, pct: bool = False, stat: str = "n",
              **filters) -> str:
        text = self.stat(display_id, stat, **filters)
        if pct:
            text = n_pct_text(text, self.stat(display_id, "pct", **filters))
        return f"{text} {noun(word, self.value(display_id, stat, **filters))}"

    def has_stat(self, display_id: str, stat_name: str, **filters) -> bool:
        try:
            self.match(display_id, stat_name, filters)
        except _NotEvaluable:
            return False
        return True

    def row_list(self, display_id: str, **filters) -> list[dict]:
        return self.rows(display_id, **filters).to_dict("records")

    def levels(self, display_id: str, column: str, **filters) -> list[str]:
        if column not in ard_mod.ARD_COLUMNS:
            raise _Mistake(f"{display_id}: unknown ARD column {column!r}")
        return list(dict.fromkeys(self.rows(display_id, **filters)[column]))

    def columns(self, display_id: str) -> list[str]:
        bign = self.rows(display_id, variable="BIGN")
        return list(dict.fromkeys(bign.loc[bign["group1_level"] != ard_mod.TOTAL,
                                           "group1_level"]))

    def available(self, display_id: str) -> bool:
        self._display(display_id)
        return display_id in self.ards

    def prose(self, *display_ids: str, caller) -> Markup:
        """The paragraph, or one sentence when a statistic of it is not evaluable, or
        nothing when its display is not available."""
        for d in display_ids:
            self._display(d)
        try:
            return Markup(caller())
        except _NotEvaluable as exc:
            if exc.reason is None:
                return Markup("")
            disp = get(exc.display_id)
            key = (disp.id, exc.reason)
            if key in self.said:
                return Markup("")
            self.said.add(key)
            return Markup(f"{disp.kind} {disp.number} *{escape_markdown(disp.title)}* is not "
                          f"evaluable: {escape_markdown(exc.reason)}.")


def _describe(stat_name: str, filters: dict) -> str:
    what = f"{stat_name} of {filters['variable']}" if filters.get("variable") else stat_name
    where = [str(filters[k]) for k in ("variable_level", "group2_level", "group1_level")
             if filters.get(k)]
    return f"{what} ({'; '.join(where)})" if where else what


def escalation_design(config, rates) -> dict:
    """The 3+3 design's size and operating characteristics (SAP 1;
    :mod:`analysis.stats.escalation`) for the text of section 9, formatted (SAP 4): the
    rule's numbers, the dose levels, the fewest and most participants of the escalation
    cohort, the registry's target enrolment and one row per true DLT probability of
    ``rates`` (``p`` and ``escalate`` in percent, ``participants`` to one decimal)."""
    rule = config.assumptions["escalation_rule"]
    levels = config.assumptions["dose_levels"]["levels"]
    fewest, most = escalation.escalation_size(rule, len(levels))
    rows = [{"p": fmt_pct(100 * r["p"]).removesuffix(".0"),
             "escalate": fmt_pct(100 * r["escalate"]),
             "participants": fmt_num(r["participants"], 1)}
            for r in escalation.operating_characteristics(rule, rates)]
    return {"cohort_size": int(rule["cohort_size"]),
            "expanded_size": int(rule["expanded_size"]),
            "levels": len(levels), "fewest": fewest, "most": most,
            "target": int(config.study["target_enrolment"]), "rows": rows}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                             comment_start_string=COMMENT[0], comment_end_string=COMMENT[1])
    env.filters["esc"] = escape_markdown
    env.filters["oneline"] = oneline
    return env


def oneline(text: object) -> str:
    """``text`` on one line (runs of white space as one space): a cell of a Markdown table."""
    return " ".join(str(text).split())


def _line_of(exc: BaseException, filename: str) -> int | None:
    """The template line where ``exc`` was raised (Jinja rewrites the traceback so that
    a template's frames carry its file name and line)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.lineno
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_text(source: str, name: str, ards: Mapping[str, pd.DataFrame], facts: Facts,
                said: set | None = None) -> str:
    """The Markdown of template ``source`` (``name``: its file, for messages) resolved
    against ``ards`` (display id -> ARD frame) and ``facts``; :class:`TextError` naming
    ``name``, the line and the reference when it cannot be resolved."""
    values = _Values(ards, facts, said if said is not None else set())
    env = _environment()
    env.globals.update(
        stat=values.stat, value=values.value, n_pct=values.n_pct, count=values.count,
        has_stat=values.has_stat, rows=values.row_list, levels=values.levels,
        columns=values.columns, available=values.available, prose=values.prose,
        noun=noun, verb=verb, and_list=and_list, most_frequent=most_frequent,
        escalation_design=lambda rates: escalation_design(facts.config, rates),
        config=facts.config, cutoff=facts.cutoff or "not stated",
        first_enrolment=facts.first_enrolment)
    lines = source.splitlines()
    try:
        code = env.compile(source, name=name, filename=name)
        out = env.template_class.from_code(env, code, env.globals, None).render()
    except Exception as exc:  # every failure names the file, the line and the reference
        line = _line_of(exc, name)
        where = f"{name}, line {line}" if line else name
        quoted = f": {lines[line - 1].strip()}" if line and line <= len(lines) else ""
        what = ("is not evaluable outside a {% call prose(...) %} block"
                if isinstance(exc, _NotEvaluable) else "")
        raise TextError(f"text {where}{quoted}\n  {type(exc).__name__}: {exc} {what}".rstrip()
                        ) from None
    return out.strip() + "\n" if out.strip() else ""


# --- files ---------------------------------------------------------------------------

def template_path(root: Path, name: str) -> Path:
    """``text/prose/<name>.md`` under ``root``."""
    return Path(root) / TEXT_DIR / PROSE_DIR / f"{name}{SUFFIX}"


def render_file(root: Path, rel: str, ards: Mapping[str, pd.DataFrame], facts: Facts,
                said: set | None = None) -> str:
    """Resolve the Markdown file ``rel`` (relative to ``root``; any file under ``text/``)."""
    path = Path(root) / rel
    if not path.is_file():
        raise TextError(f"text {rel}: no such file")
    return render_text(path.read_text(encoding="utf-8"), rel, ards, facts, said)


class LazyArds(Mapping):
    """The ARDs of a folder (``<id>.csv``) by display id, each read when first asked for:
    the text names a few displays, and reading the listings' ARDs too took seconds."""

    def __init__(self, folder: Path):
        self._paths = {p.stem: p for p in sorted(Path(folder).glob("*.csv"))}
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, display_id: str) -> pd.DataFrame:
        if display_id not in self._read:
            self._read[display_id] = ard_mod.read_csv(self._paths[display_id])
        return self._read[display_id]

    def __contains__(self, display_id: object) -> bool:
        return display_id in self._paths

    def __iter__(self):
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def load_ards(folder: Path) -> Mapping[str, pd.DataFrame]:
    """Every ARD of ``folder`` (``<id>.csv``), by display id (read on first use)."""
    return LazyArds(folder)


def markers(nb: Mapping) -> Iterable[tuple[dict, str]]:
    """(output, template name) of every text marker of an executed notebook."""
    from analysis.notebook import TEXT_MARKER  # (matplotlib, IPython: only when typesetting)

    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            name = (out.get("metadata") or {}).get(TEXT_MARKER)
            if name:
                yield out, name


_EMPTY = {"text/markdown": ""}


def resolve_notebook(path: Path, root: Path, ards: Mapping[str, pd.DataFrame],
                     facts: Facts) -> list[str]:
    """Replace every text marker of the executed notebook ``path`` by its resolved
    template (an empty text leaves no output); return the templates used."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    said: set = set()
    used = []
    for out, name in list(markers(nb)):
        rel = template_path(Path("."), name).as_posix()
        out["data"] = {"text/markdown": render_file(root, rel, ards, facts, said)}
        used.append(rel)
    for cell in nb.get("cells", []):  # a text that resolved to nothing leaves no output
        if cell.get("outputs"):
            cell["outputs"] = [o for o in cell["outputs"] if o.get("data") != _EMPTY]
    Path(path).write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n",
                          encoding="utf-8")
    return used


def resolve_book(root: Path, staging: Path, notebooks: Iterable[str], facts: Facts) -> None:
    """Resolve the text markers of every staged notebook from the staged ``ard/``."""
    ards = load_ards(Path(staging) / "ard")
    for rel in notebooks:
        resolve_notebook(Path(staging) / rel, root, ards, facts)
