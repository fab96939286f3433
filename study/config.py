"""The study configuration (``study.yml`` at the project root).

Shared by the data contract (cut-off, simulator) and the analysis, so it sits in the
neutral :mod:`study` package that imports no other package of the project.

Everything the SAP marks **[assumption]** lives in ``study.yml`` under
``assumptions`` and nowhere else; code reads it through
:func:`load_config`. The report prints each assumption's ``text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = PROJECT_ROOT / "study.yml"


@dataclass(frozen=True)
class DoseLevel:
    code: int
    name: str
    dose_per_kg: float
    label: str


@dataclass(frozen=True)
class StudyConfig:
    """Typed access to study.yml; ``raw`` keeps the whole mapping."""

    raw: dict[str, Any]

    @property
    def study(self) -> dict[str, Any]:
        return self.raw["study"]

    @property
    def registry(self) -> dict[str, Any]:
        return self.raw["registry"]

    @property
    def assumptions(self) -> dict[str, Any]:
        return self.raw["assumptions"]

    @property
    def constants(self) -> dict[str, Any]:
        return self.raw["constants"]

    @property
    def dose_levels(self) -> tuple[DoseLevel, ...]:
        return tuple(DoseLevel(**lv) for lv in self.assumptions["dose_levels"]["levels"])

    @property
    def dose_labels(self) -> dict[int, str]:
        """TRT01AN -> TRT01A label, in dose order."""
        return {lv.code: lv.label for lv in self.dose_levels}

    @property
    def visits(self) -> list[dict[str, Any]]:
        """The visit schedule: dicts with ``avisit`` and ``avisitn`` (nominal study day)."""
        return list(self.assumptions["visits"]["schedule"])

    @property
    def visit_order(self) -> dict[str, int]:
        return {v["avisit"]: v["avisitn"] for v in self.visits}


@lru_cache(maxsize=4)
def _read(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_config(path: str | Path | None = None) -> StudyConfig:
    """Read the study configuration (default: ``study.yml`` at the project root)."""
    return StudyConfig(_read(str(path or CONFIG_PATH)))
