"""The text of the narratives N14.3.3, written from their ARD (the facts of
:mod:`analysis.derive.narratives`) by one Jinja2 template, ``templates/narrative.md.j2``.

Why Jinja2: the project's templates are Jinja2 (conditional sentences, loops over events),
with ``StrictUndefined`` so that a fact the template names but the context lacks fails the
render instead of printing nothing. Plurals and joins come from inflect
(:func:`analysis.formats.noun`, :func:`analysis.formats.and_list`), controlled terms from
:func:`study.decode.decode_term`, units from :func:`analysis.formats.unit_text`: the
template holds words, not rules.

Each narrative has an anchor, ``#narr-<participant>`` (:func:`narrative_anchor`, also used
by the AE listings to link their rows), and ends with the writer's clinical assessment:
a Div ``csr-writer-text`` naming the writer's file (``text/writer/narratives/<USUBJID>.md``,
:func:`writer_file`) around a visible placeholder; the build puts the file's text in its
place after the notebooks ran (:mod:`report.writer_placement`), so editing it re-executes
nothing, and it never writes the file.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import jinja2
import pandas as pd

from analysis.formats import and_list, noun, signed, unit_text, with_article
from analysis.style.escape import escape_markdown
from study.decode import decode_term

TEMPLATES = Path(__file__).resolve().parent / "templates"
WRITER_DIR = "text/writer/narratives"
TRIGGER_WORDS = {"DEATH": "death", "SERIOUS": "serious adverse event",
                 "DLT": "dose-limiting toxicity", "CRS_G3": "grade ≥3 CRS",
                 "ICANS_G3": "grade ≥3 ICANS"}
LAB_NAMES = {"ANC": "Absolute neutrophil count", "PLAT": "Platelet count"}


def narrative_anchor(usubjid: str) -> str:
    """The anchor of a participant's narrative: ``narr-`` and the participant id in lower
    case, other characters than letters, digits and ``-`` as ``-``."""
    return "narr-" + re.sub(r"[^a-z0-9-]", "-", str(usubjid).lower())


def writer_file(usubjid: str) -> str:
    """The writer's clinical-assessment file of a participant, relative to the project."""
    return f"{WRITER_DIR}/{re.sub(r'[^A-Za-z0-9._-]', '_', str(usubjid))}.md"


def placeholder(subject: str) -> str:
    """The visible placeholder until the writer fills the file (the report's one wording
    of writer placeholders: ``[Writer: ...]``)."""
    return f"[Writer: clinical assessment of participant {subject}]"


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             undefined=jinja2.StrictUndefined, autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(esc=escape_markdown, term=_term, unit=unit_text, num=signed)
    env.globals.update(noun=noun, and_list=and_list)
    return env


def _term(value, variable: str | None = None) -> str:
    return escape_markdown(decode_term(value, variable))


class _Facts(dict):
    """One topic/key's facts: ``f.AGE`` is the VALUE text ("" when the data hold none);
    ``f.num("AGE")`` the number."""

    def __getattr__(self, name):
        return self[name][0] if name in self else ""

    def num(self, name):
        return self[name][1] if name in self else math.nan


def _group(rows: pd.DataFrame) -> dict[str, dict[str, _Facts]]:
    out: dict[str, dict[str, _Facts]] = {}
    for r in rows.itertuples(index=False):
        out.setdefault(r.group2_level, {}).setdefault(r.variable_level, _Facts())[r.variable] = \
            (r.stat_fmt, r.stat)
    return out


def participant_context(usubjid: str, rows: pd.DataFrame) -> dict:
    """The template context of one participant from its ARD rows."""
    topics = _group(rows)
    one = lambda topic: topics.get(topic, {}).get("", _Facts())  # noqa: E731
    who = one("participant")
    events = []
    for seq, f in topics.get("event", {}).items():
        codes = [c for c in f.TRIGGER.split("; ") if c]
        meds = [decode_term(m.CMDECOD).lower() for m in topics.get("medication", {}).values()
                if seq in m.EVENTS.split(", ")]
        events.append({"seq": seq, "f": f,
                       "triggers": and_list(with_article(TRIGGER_WORDS[c]) for c in codes),
                       "meds": meds})
    events.sort(key=lambda e: (e["f"].num("ONSETDY") if not math.isnan(e["f"].num("ONSETDY"))
                               else math.inf, int(e["seq"])))
    drugs = [(k, f) for k, f in topics.get("treatment", {}).items() if k]
    return {
        "usubjid": usubjid,
        "subject": who.SUBJID or usubjid,
        "anchor": narrative_anchor(usubjid),
        "who": who,
        "history": one("history"),
        "treatment": one("treatment"),
        "drugs": drugs,
        "events": events,
        "death": one("death") if "death" in topics else None,
        "labs": [(LAB_NAMES.get(k, k), f) for k, f in topics.get("laboratory", {}).items()],
        "meds": [{"f": m, "name": decode_term(m.CMDECOD),
                  "category": "" if decode_term(m.CMCAT).casefold() in
                  ("", decode_term(m.CMDECOD).casefold()) else decode_term(m.CMCAT).lower()}
                 for m in topics.get("medication", {}).values()],
        "writer_file": writer_file(usubjid),
        "placeholder": placeholder(who.SUBJID or usubjid),
    }


def narratives_markdown(ard: pd.DataFrame, *, absent: list[str], unapplied: list[str]) -> str:
    """The Markdown of every narrative of the ARD (participants in ARD order), after one
    paragraph saying who has a narrative and what the snapshot cannot tell
    (``absent``: datasets the snapshot lacks; ``unapplied``: trigger codes whose variables
    the delivery lacks)."""
    facts = ard[ard["group1"] == "USUBJID"]
    who = list(dict.fromkeys(facts["group1_level"]))
    contexts = [participant_context(u, facts[facts["group1_level"] == u]) for u in who]
    return _env().get_template("narrative.md.j2").render(
        participants=contexts, absent=absent,
        unapplied=[TRIGGER_WORDS[c] for c in unapplied],
        trigger_words=[TRIGGER_WORDS[c] for c in TRIGGER_WORDS])
