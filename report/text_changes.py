"""The sentences of the CSR text that changed between two versions, for the writers' diff.

Source: the body paragraphs of each version's published ``csr.docx``, read with
python-docx (:func:`docx_sentences`). The DOCX is chosen over ``csr.html``
because it is the document the writers review and the redline
(:mod:`report.redline_docx`) is built from, so the sentences listed here are the
ones that show as tracked changes there; and its body paragraphs are the text
alone: table cells are not among them (the displays' numbers are compared as
ARD rows by :mod:`report.diff`), nor the HTML's navigation, table of contents
and cross-reference markup. Headings, captions and footnotes are paragraphs of
the text and are compared too.

Paragraphs are split into sentences by sentencex (Wikimedia's rule-based
sentence segmenter: it knows abbreviations and decimal numbers, needs no model
or data download, and is maintained; pysbd has had no release since 2021 and
NLTK's punkt needs a data download at run time). The two sentence sequences
are aligned with :class:`difflib.SequenceMatcher` (:func:`align`); within a
block that SequenceMatcher replaces, old and new sentences are paired by word
similarity the way :class:`difflib.Differ` pairs lines (best pair first,
then the sentences before and after it), so a sentence whose numbers moved is
one *changed* sentence rather than one removed and one added. Within a changed
pair, :func:`word_changes` marks the tokens that differ and which of them are
numbers (:func:`is_number`).

All functions but :func:`docx_sentences` are pure.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# A date, a display or section number, a number (optional sign only where no word character
# precedes it, so the "18-60" of an age range is two numbers; thousands separators, decimals,
# a trailing percent sign), a word, or one other character. The minus may be U+2212 (SAP 4).
_TOKEN = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"|\d+(?:\.\d+){2,}"            # a reference (Table 14.2.4, ICH E3 5.3.1): not a number
    r"|(?<!\w)[−-]?\d+(?:,\d{3})*(?:\.\d+)?%?"
    r"|\w+"
    r"|[^\w\s]"
)
_NUMBER = re.compile(r"\d{4}-\d{2}-\d{2}|[−-]?\d+(?:,\d{3})*(?:\.\d+)?%?")
_CLOSING = ")]}\"”’»"
PAIR_CUTOFF = 0.5   # word similarity above which a replaced old and new sentence are one change
HEADING_STYLE = re.compile(r"(Heading \d|Title)")   # the section a sentence is in
TITLE_PAGE = "Title page"                           # the section the document's title opens


@dataclass(frozen=True)
class Sentence:
    """One sentence of the CSR text and the heading of the section it is in."""

    text: str
    section: str = ""


@dataclass(frozen=True)
class SentenceChange:
    """One aligned row: ``kind`` is "changed", "added" or "removed"."""

    kind: str
    old: Sentence | None
    new: Sentence | None


@dataclass(frozen=True)
class Segment:
    """A run of a sentence's text; ``changed`` if the other version lacks it,
    ``number`` if it is a changed number."""

    text: str
    changed: bool = False
    number: bool = False


@dataclass(frozen=True)
class WordChanges:
    """The old and new sentence as segments, and the numbers that moved on each side."""

    old: tuple[Segment, ...]
    new: tuple[Segment, ...]
    old_numbers: tuple[str, ...]
    new_numbers: tuple[str, ...]


def normalize(text: str) -> str:
    """Runs of white space (any kind, non-breaking too) as one space, stripped."""
    return re.sub(r"\s+", " ", text).strip()


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph (sentencex, English rules), normalized, none empty;
    a piece without a letter or digit (the "]" closing a bracketed sentence) stays with the
    sentence before it, and so do the closing brackets and quotes a piece starts with."""
    from sentencex import segment

    out: list[str] = []
    for piece in segment("en", normalize(paragraph)):
        piece = normalize(piece)
        if out:
            closing = len(piece) - len(piece.lstrip(_CLOSING))
            if closing or not any(ch.isalnum() for ch in piece):
                cut = closing if any(ch.isalnum() for ch in piece) else len(piece)
                out[-1] += piece[:cut]
                piece = piece[cut:].strip()
        if piece:
            out.append(piece)
    return out


def sentences_of(paragraphs: Sequence[tuple[str, str]]) -> list[Sentence]:
    """Sentences of ``(style name, text)`` paragraphs in order, each with the text of the
    last heading before it (a heading: style "Heading N", one sentence; the "Title" opens
    the title page)."""
    out: list[Sentence] = []
    section = ""
    for style, text in paragraphs:
        text = normalize(text)
        if not text:
            continue
        if HEADING_STYLE.fullmatch(style):
            section = TITLE_PAGE if style == "Title" else text
            out.append(Sentence(text, section))
            continue
        out.extend(Sentence(s, section) for s in split_sentences(text))
    return out


def docx_sentences(path: Path) -> list[Sentence]:
    """The sentences of the body paragraphs of a DOCX (python-docx; table cells excluded)."""
    from docx import Document

    doc = Document(str(path))
    return sentences_of([(p.style.name if p.style is not None else "", p.text)
                         for p in doc.paragraphs])


def tokens(text: str) -> list[re.Match[str]]:
    """The tokens of a sentence (dates, numbers, words, single other characters)."""
    return list(_TOKEN.finditer(text))


def is_number(token: str) -> bool:
    """A token that is a number: digits with optional sign, thousands separators, decimals
    and percent sign, or an ISO date (not a display or section number such as 14.2.4)."""
    return _NUMBER.fullmatch(token) is not None


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, [t.group() for t in tokens(a)],
                                   [t.group() for t in tokens(b)], autojunk=False).ratio()


def _pair(old: Sequence[Sentence], new: Sequence[Sentence]) -> list[SentenceChange]:
    """Old and new sentences of one replaced block: the most similar pair (above
    PAIR_CUTOFF) is one change, then the sentences before it and after it likewise."""
    if not old or not new:
        return ([SentenceChange("removed", s, None) for s in old]
                + [SentenceChange("added", None, s) for s in new])
    best, bi, bj = PAIR_CUTOFF, -1, -1
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            r = _similarity(a.text, b.text)
            if r > best:
                best, bi, bj = r, i, j
    if bi < 0:
        return ([SentenceChange("removed", s, None) for s in old]
                + [SentenceChange("added", None, s) for s in new])
    return (_pair(old[:bi], new[:bj]) + [SentenceChange("changed", old[bi], new[bj])]
            + _pair(old[bi + 1:], new[bj + 1:]))


def align(old: Sequence[Sentence], new: Sequence[Sentence]) -> list[SentenceChange]:
    """The sentences that differ between two texts, in document order: changed (an old
    sentence and its new wording), removed (only in ``old``) and added (only in ``new``).
    Sentences are compared by their text; equal ones are left out."""
    sm = difflib.SequenceMatcher(None, [s.text for s in old], [s.text for s in new],
                                 autojunk=False)
    out: list[SentenceChange] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        out.extend(_pair(old[i1:i2], new[j1:j2]))
    return out


def _segments(text: str, toks: list[re.Match[str]], changed: set[int]) -> tuple[Segment, ...]:
    """The text as runs: each token (changed if its index is in ``changed``, a number
    segment if it is also a number), the white space between tokens changed only between
    two changed tokens; then neighbouring runs of the same kind joined (numbers stay alone)."""
    out: list[Segment] = []
    pos = 0
    for k, t in enumerate(toks):
        if t.start() > pos:
            out.append(Segment(text[pos:t.start()], k - 1 in changed and k in changed))
        ch = k in changed
        out.append(Segment(t.group(), ch, ch and is_number(t.group())))
        pos = t.end()
    if pos < len(text):
        out.append(Segment(text[pos:]))
    merged: list[Segment] = []
    for seg in out:
        if merged and not seg.number and not merged[-1].number \
                and seg.changed == merged[-1].changed:
            merged[-1] = Segment(merged[-1].text + seg.text, seg.changed)
        else:
            merged.append(seg)
    return tuple(merged)


def word_changes(old: str, new: str) -> WordChanges:
    """The tokens of ``old`` that ``new`` lacks and the reverse (SequenceMatcher over the
    tokens), and among them the numbers: the numbers that moved between the two."""
    a, b = tokens(old), tokens(new)
    sm = difflib.SequenceMatcher(None, [t.group() for t in a], [t.group() for t in b],
                                 autojunk=False)
    ca: set[int] = set()
    cb: set[int] = set()
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "equal":
            ca.update(range(i1, i2))
            cb.update(range(j1, j2))
    return WordChanges(
        _segments(old, a, ca), _segments(new, b, cb),
        tuple(a[k].group() for k in sorted(ca) if is_number(a[k].group())),
        tuple(b[k].group() for k in sorted(cb) if is_number(b[k].group())))


def numbers_moved(change: SentenceChange) -> bool:
    """A changed sentence in which at least one number differs."""
    if change.kind != "changed" or change.old is None or change.new is None:
        return False
    w = word_changes(change.old.text, change.new.text)
    return bool(w.old_numbers or w.new_numbers)
