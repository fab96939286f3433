"""Controlled terms as people read them (SAP 4): the one accessor of study.yml ``decode``.

:func:`decode_term` is the one place a delivered value becomes its label; the data and
the ARD keep the value as delivered (they are machine-readable). Rule, in order:

1. the label of the value in its variable (``decode.variables``, e.g. SEX "M" -> "Male"),
   or, for a Y/N flag (``flag=True``: the caller knows the variable is one, e.g. from the
   data contract), the label of ``decode.flags`` ("Y" -> "Yes");
2. the label of the value whatever the variable (``decode.terms``, e.g. "NOT HISPANIC OR
   LATINO" -> "Not Hispanic or Latino");
3. a value with no lower-case letter, no digit and a word of two or more letters is shown
   in sentence case
   ("RECOVERED/RESOLVED" -> "Recovered/resolved", "DOSE NOT CHANGED" -> "Dose not
   changed"), keeping each word listed in ``decode.keep_upper`` as spelled there
   ("TOCILIZUMAB FOR CRS" -> "Tocilizumab for CRS");
4. any other value as delivered: mixed case ("Neutrophil count decreased"), identifiers
   and codes with digits ("NCT-01-0001", "DL1", "COVID-19") or a single letter ("Y").
"""

from __future__ import annotations

import re
from functools import cache

from study.config import load_config

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_LETTERS_ONLY = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")


@cache
def _table() -> tuple[dict, dict, dict, dict]:
    raw = load_config().raw.get("decode") or {}
    variables = {str(k): {str(c): str(v) for c, v in (m or {}).items()}
                 for k, m in (raw.get("variables") or {}).items()}
    terms = {str(k): str(v) for k, v in (raw.get("terms") or {}).items()}
    keep = {str(w).upper(): str(w) for w in (raw.get("keep_upper") or [])}
    flags = {str(c): str(v) for c, v in (raw.get("flags") or {}).items()}
    return variables, terms, keep, flags


def sentence_case(text: str) -> str:
    """``text`` (upper case as delivered) in sentence case, the words of ``keep_upper``
    kept as spelled there (rule 3 of the module doc)."""
    keep = _table()[2]
    lowered = text[:1].upper() + text[1:].lower()
    return _WORD.sub(lambda m: keep.get(m.group(0).upper(), m.group(0)), lowered)


def decode_term(value: object, variable: str | None = None, *, flag: bool = False) -> str:
    """The label people read for a delivered ``value`` of ``variable`` (module doc);
    ``flag``: the variable is a Y/N flag."""
    text = str(value)
    variables, terms, _, flags = _table()
    if variable is not None and text in variables.get(variable, {}):
        return variables[variable][text]
    if flag and text in flags:
        return flags[text]
    if text in terms:
        return terms[text]
    if _LETTERS_ONLY.search(text) and not any(c.islower() or c.isdigit() for c in text):
        return sentence_case(text)
    return text
