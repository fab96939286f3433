"""Sponsor codelists and their meanings (SAP 3, relatedness; ADaM IG controlled terms).

Causality (AREL), severity (AESEV), outcome (AEOUT) and action taken (AEACN) are
recorded in each sponsor's own codelist: RELATED / NOT RELATED in one study,
PROBABLE / POSSIBLE / REMOTE / NONE in another. The values are data and are kept
as delivered; which of them count as related, severe or fatal is configuration:
``codelists`` in study.yml, extended by the ``codelists`` of a delivery's mapping
file (:mod:`data_contract.mapping`). The analysis asks :class:`Codelists` for the
values of a meaning (``values("AREL", "related")``), never for literal terms.

A value without a meaning is a warning at freeze (rule ``codelist_unmapped``) that
names the value and where to map it, and a display that needs it says so.

The meanings each codelist can have are fixed here (``MEANINGS``), so a mapping
file with a misspelt meaning is refused when it is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# codelist -> the meanings its values can have (in order: AESEV ranks mild < severe).
MEANINGS: dict[str, tuple[str, ...]] = {
    "AREL": ("related", "not_related"),
    "AESEV": ("mild", "moderate", "severe"),
    "AEOUT": ("fatal", "not_fatal"),
    "AEACN": ("withdrawn", "not_withdrawn"),
}


class CodelistError(ValueError):
    """A codelist configuration that cannot be used (unknown codelist or meaning, a value
    with two meanings); the message names the file and the entry."""


@dataclass(frozen=True)
class Codelists:
    """Meanings of the sponsor codelists: ``{codelist: {meaning: (value, ...)}}``.

    ``source`` names where each codelist's meanings are configured (``study.yml`` or
    a mapping file), for messages that say where to map an unmapped value.
    """

    meanings: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    source: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, raw: Mapping | None, source: str) -> Codelists:
        """Read a ``codelists`` mapping (of study.yml or a mapping file); a ``text``
        entry is documentation and skipped."""
        meanings: dict[str, dict[str, tuple[str, ...]]] = {}
        for name, entry in (raw or {}).items():
            if name == "text":
                continue
            if name not in MEANINGS:
                raise CodelistError(f"{source}: codelists.{name} is not a sponsor codelist of "
                                    f"the contract ({', '.join(MEANINGS)})")
            if not isinstance(entry, Mapping):
                raise CodelistError(f"{source}: codelists.{name} must map meanings to lists "
                                    "of values")
            seen: dict[str, str] = {}
            out: dict[str, tuple[str, ...]] = {}
            for meaning, values in entry.items():
                if meaning == "text":
                    continue
                if meaning not in MEANINGS[name]:
                    raise CodelistError(f"{source}: codelists.{name}.{meaning} is not a meaning "
                                        f"of {name} ({', '.join(MEANINGS[name])})")
                if isinstance(values, str) or not isinstance(values, Iterable):
                    raise CodelistError(f"{source}: codelists.{name}.{meaning} must be a list "
                                        "of values")
                vals = tuple(str(v) for v in values)
                for v in vals:
                    if v in seen and seen[v] != meaning:
                        raise CodelistError(f"{source}: codelists.{name}: {v!r} is given both "
                                            f"{seen[v]} and {meaning}")
                    seen[v] = meaning
                out[meaning] = vals
            meanings[name] = out
        return cls(meanings, {n: source for n in meanings})

    @classmethod
    def from_record(cls, record: Mapping | None) -> Codelists | None:
        """The codelists recorded in a snapshot manifest (``codelists``), or None."""
        if not record:
            return None
        meanings = {n: {m: tuple(v) for m, v in e.get("meanings", {}).items()}
                    for n, e in record.items()}
        return cls(meanings, {n: e.get("source", "") for n, e in record.items()})

    def extended_by(self, other: Codelists) -> Codelists:
        """These meanings with ``other``'s values added (a mapping file extends study.yml);
        a value that ``other`` gives another meaning than this one is refused."""
        meanings = {n: dict(m) for n, m in self.meanings.items()}
        source = dict(self.source)
        for name, extra in other.meanings.items():
            mine = meanings.setdefault(name, {})
            known = {v: m for m, vals in mine.items() for v in vals}
            for meaning, values in extra.items():
                for v in values:
                    if v in known and known[v] != meaning:
                        raise CodelistError(
                            f"{other.source.get(name, '?')}: codelists.{name}: {v!r} is "
                            f"{meaning} there but {known[v]} in {self.source.get(name, '?')}")
                mine[meaning] = tuple(dict.fromkeys(mine.get(meaning, ()) + tuple(values)))
            source[name] = other.source.get(name, "")
        return Codelists(meanings, source)

    def values(self, codelist: str, meaning: str) -> tuple[str, ...]:
        """The delivered values that mean ``meaning`` in ``codelist``."""
        if meaning not in MEANINGS.get(codelist, ()):
            raise KeyError(f"{meaning!r} is not a meaning of codelist {codelist}")
        return tuple(self.meanings.get(codelist, {}).get(meaning, ()))

    def meaning(self, codelist: str, value: str) -> str | None:
        for m, vals in self.meanings.get(codelist, {}).items():
            if value in vals:
                return m
        return None

    def unmapped(self, codelist: str, values: Iterable) -> list[str]:
        """The distinct values (in first-seen order) without a meaning in ``codelist``."""
        known = {v for vals in self.meanings.get(codelist, {}).values() for v in vals}
        return [v for v in dict.fromkeys(str(x) for x in values) if v not in known]

    def where(self, codelist: str) -> str:
        """Where a value of ``codelist`` is mapped, for messages."""
        return f"codelists.{codelist}.<meaning> of {self.source.get(codelist) or 'study.yml'}"

    def record(self) -> dict:
        """For the snapshot manifest: each codelist's meanings and where they come from."""
        return {n: {"meanings": {m: list(v) for m, v in sorted(self.meanings[n].items())},
                    "source": self.source.get(n, "")}
                for n in sorted(self.meanings)}


class UnmappedTermError(ValueError):
    """A display needs the meaning of a value that the configuration does not map."""


def require_mapped(codelists: Codelists, codelist: str, values: Iterable) -> None:
    """Raise :class:`UnmappedTermError` naming each value of ``values`` without a meaning
    and where to map it (for an analysis that needs every value's meaning)."""
    missing = codelists.unmapped(codelist, [v for v in values if v is not None and v == v])
    if missing:
        raise UnmappedTermError(
            f"{codelist} value(s) {', '.join(repr(v) for v in missing)} have no meaning in the "
            f"configuration: map them under {codelists.where(codelist)}")
