"""The parts of the study configuration (``study.yml``) the data contract reads.

DESIGN.md: data_contract depends on the configuration only. It reads three
entries: ``study.studyid`` (a dataset whose STUDYID is this study's is checked
against the whole contract), ``codelists`` (the meanings of the sponsor
codelists, :mod:`data_contract.codelists`) and ``mapping`` (the mapping file of
this study's delivery, :mod:`data_contract.mapping`; none until the sponsor's
data arrive).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from data_contract.codelists import Codelists

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STUDY_CONFIG = PROJECT_ROOT / "study.yml"


@dataclass(frozen=True)
class ContractConfig:
    """What the contract takes from study.yml."""

    studyid: str | None
    codelists: Codelists
    mapping: Path | None  # the delivery's mapping file (resolved), if study.yml names one


@lru_cache(maxsize=4)
def _read(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def contract_config(path: str | Path | None = None) -> ContractConfig:
    """Read the contract's entries of ``path`` (default: study.yml at the project root)."""
    path = Path(path) if path is not None else STUDY_CONFIG
    raw = _read(str(path))
    mapping = raw.get("mapping")
    mapping_path = mapping.get("file") if isinstance(mapping, dict) else mapping
    return ContractConfig(
        studyid=(raw.get("study") or {}).get("studyid"),
        codelists=Codelists.from_config(raw.get("codelists"), source=path.name),
        mapping=(path.parent / mapping_path).resolve() if mapping_path else None,
    )
