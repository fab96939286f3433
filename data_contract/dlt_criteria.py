"""The DLT criteria of the protocol (SAP 3, DLT [assumption]) as data, and the one rule
that says which criterion an adverse event meets.

The criteria live in study.yml (``assumptions.dlt_criteria``): each has an ``id``, the
``text`` the report prints (section 9 and under T14.3.1) and the fields its ``kind``
reads. :func:`load_dlt_criteria` returns them as :class:`DltCriterion` records in the
order printed; :func:`criteria_met` is used by the simulator (which flags DLTs only on
events that meet a criterion) and by the cross-dataset consistency check
(:mod:`data_contract.consistency`: a flagged event that meets none is a warning).

How each kind reads an ADAE record (AETOXGR, ASTDY, AENDY, AEDECOD, AEBODSYS, CRSFL,
ICANSFL and the CAR-T causality, already decoded to related yes/no):

- ``crs`` / ``icans``: the CRS (ICANS) event has grade >= ``min_grade``; with
  ``min_days_at_grade``, it also lasts at least that many days (ADAE holds one grade
  per event, so "not improving within 72 hours" is read as the grade-3 event lasting
  4 days or more, AENDY - ASTDY + 1 >= 4, or ongoing);
- ``cytopenia``: an event of one of ``terms`` with grade >= ``min_grade`` and a
  laboratory value of that grade (of the term's PARAMCD) after Day ``beyond_day``
  (``lab_grade_after``: the study days with such a value, given by the caller);
- ``other``: grade >= ``min_grade``, not CRS, ICANS or a cytopenia term, related to
  the CAR-T product, not one of ``except_terms``, and not a laboratory change (SOC in
  ``laboratory_socs``) that lasted ``laboratory_resolving_days`` days or less;
- ``any``: grade >= ``min_grade`` (grade 5).
Every criterion also needs onset within ``window_days`` (Day 0-28).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from data_contract.study import STUDY_CONFIG


@dataclass(frozen=True)
class DltCriterion:
    """One DLT criterion of study.yml (``assumptions.dlt_criteria.criteria``)."""

    id: str
    kind: str  # crs, icans, cytopenia, other, any
    text: str
    min_grade: int
    fields: Mapping = field(default_factory=dict)  # the kind's other fields, as written


@dataclass(frozen=True)
class DltCriteria:
    """The DLT criteria: the paragraph the report prints, the onset window, the list."""

    text: str
    window_days: tuple[int, int]
    criteria: tuple[DltCriterion, ...]

    @property
    def cytopenia_terms(self) -> dict[str, str]:
        """AE term -> ADLB PARAMCD of the cytopenia criteria."""
        out: dict[str, str] = {}
        for c in self.criteria:
            if c.kind == "cytopenia":
                out.update(c.fields.get("terms", {}))
        return out


KINDS = ("crs", "icans", "cytopenia", "other", "any")


def load_dlt_criteria(path: str | Path | None = None) -> DltCriteria:
    """The DLT criteria of ``path`` (default study.yml). A criterion of an unknown kind or
    without id, text or min_grade is refused, naming it."""
    path = Path(path) if path is not None else STUDY_CONFIG
    with open(path, encoding="utf-8") as fh:
        raw = (yaml.safe_load(fh) or {}).get("assumptions", {}).get("dlt_criteria")
    return parse_dlt_criteria(raw, path.name)


def parse_dlt_criteria(raw: Mapping | None, source: str = "study.yml") -> DltCriteria:
    """The DLT criteria of ``raw`` (the ``assumptions.dlt_criteria`` mapping, as already
    read, e.g. from :attr:`study.config.StudyConfig.assumptions`); ``source`` names the
    file in errors. Same checks as :func:`load_dlt_criteria`."""
    if not raw:
        raise KeyError(f"{source}: assumptions.dlt_criteria is missing")
    out = []
    for i, c in enumerate(raw.get("criteria") or [], start=1):
        missing = [k for k in ("id", "kind", "text", "min_grade") if k not in c]
        if missing or c.get("kind") not in KINDS:
            raise ValueError(f"{source}: assumptions.dlt_criteria.criteria[{i}] needs id, "
                             f"kind ({', '.join(KINDS)}), text and min_grade; got {dict(c)}")
        rest = {k: v for k, v in c.items() if k not in ("id", "kind", "text", "min_grade")}
        out.append(DltCriterion(str(c["id"]), str(c["kind"]), " ".join(str(c["text"]).split()),
                                int(c["min_grade"]), rest))
    lo, hi = raw.get("window_days", [0, 28])
    return DltCriteria(" ".join(str(raw.get("text", "")).split()), (int(lo), int(hi)),
                       tuple(out))


def _num(v) -> float:
    try:
        return math.nan if v is None else float(v)
    except (TypeError, ValueError):
        return math.nan


def criteria_met(event: Mapping, criteria: DltCriteria, *, related_car: bool,
                 lab_grade_after: Iterable[float] = ()) -> list[str]:
    """Ids of the criteria ``event`` (one ADAE record as a mapping) meets (module doc).

    ``related_car``: the event is related to the CAR-T product (decoded by the caller
    from the sponsor codelist). ``lab_grade_after``: for a cytopenia term, the study
    days of the participant's laboratory values of the criterion's grade (its PARAMCD).
    """
    grade, start, end = _num(event.get("AETOXGR")), _num(event.get("ASTDY")), \
        _num(event.get("AENDY"))
    lo, hi = criteria.window_days
    if math.isnan(grade) or math.isnan(start) or not lo <= start <= hi:
        return []
    days = math.inf if math.isnan(end) else end - start + 1
    term = str(event.get("AEDECOD") or "")
    crs, icans = event.get("CRSFL") == "Y", event.get("ICANSFL") == "Y"
    cyto = criteria.cytopenia_terms
    met = []
    for c in criteria.criteria:
        if grade < c.min_grade:
            continue
        f = c.fields
        if c.kind in ("crs", "icans"):
            ok = (crs if c.kind == "crs" else icans) and days >= f.get("min_days_at_grade", 0)
        elif c.kind == "cytopenia":
            ok = term in f.get("terms", {}) and any(
                d > f.get("beyond_day", hi) for d in lab_grade_after)
        elif c.kind == "other":
            lab = str(event.get("AEBODSYS") or "").casefold() in {
                s.casefold() for s in f.get("laboratory_socs", [])}
            ok = (not crs and not icans and term not in cyto and related_car
                  and term not in f.get("except_terms", [])
                  and not (lab and days <= f.get("laboratory_resolving_days", 0)))
        else:
            ok = True
        if ok:
            met.append(c.id)
    return met
