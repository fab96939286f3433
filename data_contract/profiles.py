"""Which specification a dataset is checked against: the ``full`` profile (this study's
dataset) or the ``core`` profile (another study's), and the study extensions it holds
(see :mod:`data_contract.validate`)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from data_contract.readers import coerce_series
from data_contract.schema import schema_errors
from data_contract.spec import DatasetSpec
from data_contract.specs import DATASETS

PROFILES = ("auto", "full", "core")
CORE_DATASETS = tuple(n for n, s in DATASETS.items() if s.core)
EXTENSION_DATASETS = tuple(n for n, s in DATASETS.items() if not s.core)




def dataset_profile(name: str, df: pd.DataFrame, profile: str = "auto",
                    studyid: str | None = None) -> str:
    """The profile dataset ``name`` is checked in (see the module doc): ``full`` for a
    dataset of this study, else ``core``; ``profile`` other than ``auto`` forces it."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}, not {profile!r}")
    if profile != "auto":
        return profile
    spec = DATASETS.get(name)
    if spec is None:
        return "core"
    if not spec.core or any(c in df.columns for c in spec.extension_names):
        return "full"
    if studyid and "STUDYID" in df.columns:
        ids = set(df["STUDYID"].dropna().astype(str).unique().tolist())
        if ids and ids <= {studyid}:
            return "full"
    return "core"


def resolve_profile(profiles: Mapping[str, str]) -> str:
    """The profile of a whole set: ``full`` or ``core`` when every dataset has it,
    ``mixed`` otherwise (``core`` for an empty set)."""
    kinds = set(profiles.values())
    return kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "core")


def spec_for(name: str, profile: str) -> DatasetSpec | None:
    """The specification dataset ``name`` is checked against in ``profile``."""
    spec = DATASETS.get(name)
    if spec is None or profile == "full":
        return spec
    return spec.core_only()


def requested_profile(manifest: Mapping) -> str:
    """The profile to validate a frozen snapshot again with: the one its freeze was asked
    for (``profile_requested``; a manifest of contract 1.0 has only ``profile``)."""
    if "profile_requested" in manifest:
        return manifest["profile_requested"]
    profile = manifest.get("profile", "auto")
    return profile if profile in PROFILES else "auto"


def _extensions_of(name: str, df: pd.DataFrame, profile: str) -> list[str]:
    """The extension variables of core dataset ``name`` that ``df`` holds (see
    the module doc); empty for any other dataset."""
    if name not in CORE_DATASETS:
        return []
    spec = DATASETS[name]
    ext = [v for v in spec.variables if not v.core and v.name in df.columns]
    if profile == "core" and ext:
        sub = DatasetSpec(name, spec.label, (), tuple(ext))
        probe = df[[v.name for v in ext]].copy()
        failing = set()
        for v in ext:
            _, bad = coerce_series(probe[v.name], v.type)
            if bad:
                failing.add(v.name)
            else:
                probe[v.name] = coerce_series(probe[v.name], v.type)[0]
        failing |= {e.variable for e in schema_errors(name, probe, sub)}
        ext = [v for v in ext if v.name not in failing]
    return [f"{name}.{v.name}" for v in ext]
