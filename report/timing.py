"""Structured timing events of a build: what :mod:`report.bench` reads.

:func:`report.build.render` (and :func:`~report.build.make_plan`,
:func:`~report.build.assemble`) take a :class:`Timeline`; each stage of the build
records one :class:`Event` in it, so a caller reads the times of the stages as data
(no progress text to parse, no build function to wrap). Stages:

- ``plan`` (inputs, hashes and fingerprint), within it ``verify`` (the snapshot check);
- ``assemble`` (the version folder), within it ``execute`` (the notebooks) and
  ``engine`` (typesetting), within that one ``engine_step`` per step of the engine
  (``step``: ``pandoc_notebooks``, ``write_<format>``, ``typst_compile``; Quarto:
  ``quarto_prepare``, ``quarto_<format>``; :func:`report.engines.render_book`; steps
  that run in threads at once each record their own event);
- ``notebook`` per executed notebook (``chapter``; the seconds its worker measured);
- ``notebooks`` once (``notebooks`` in the book, ``cached`` of them; no duration);
- ``move`` (publishing the folder into place).

Without a timeline the build records nothing (:data:`OFF`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    """One stage of a build: its name, duration (seconds) and details."""

    stage: str
    seconds: float
    detail: dict[str, object] = field(default_factory=dict)


class Timeline:
    """The events of one build, in the order the stages ended (threads may add events:
    one ``list.append`` each)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, stage: str, seconds: float = 0.0, **detail: object) -> None:
        self.events.append(Event(stage, float(seconds), dict(detail)))

    @contextmanager
    def stage(self, stage: str, **detail: object) -> Iterator[None]:
        """Time the ``with`` block as one event of ``stage`` (recorded also on error)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - start, **detail)

    def of(self, stage: str) -> list[Event]:
        return [e for e in self.events if e.stage == stage]

    def total(self, stage: str) -> float:
        """Seconds of every event of ``stage`` together (0 when it did not run)."""
        return sum(e.seconds for e in self.of(stage))


class _Off(Timeline):
    """A timeline that records nothing (a build nobody times)."""

    def add(self, stage: str, seconds: float = 0.0, **detail: object) -> None:
        return None


OFF: Timeline = _Off()
