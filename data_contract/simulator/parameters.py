"""Read the simulator's parameter file (``params.yml``).

Every number the simulator uses is documented there with a one-line reason.
A documented leaf is a mapping with ``reason`` and either ``value`` or the
named fields of one record; :func:`load_params` strips the reasons and
returns plain values. :func:`undocumented_numbers` lists numbers that lack a
reason (the loader refuses such a file).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARAMS_PATH = Path(__file__).with_name("params.yml")


def _is_documented(node: Any) -> bool:
    return isinstance(node, dict) and "reason" in node


def undocumented_numbers(node: Any, path: str = "") -> list[str]:
    """Paths of numbers in a raw parameter tree that sit outside a documented leaf."""
    if _is_documented(node):
        return []
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in undocumented_numbers(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in undocumented_numbers(v, f"{path}[{i}]")]
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return [path.lstrip(".")]
    return []


def _strip(node: Any) -> Any:
    if _is_documented(node):
        if "value" in node:
            return node["value"]
        return {k: v for k, v in node.items() if k != "reason"}
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def read_raw(path: str | Path | None = None) -> dict[str, Any]:
    """The parameter file as written (reasons included)."""
    with open(path or PARAMS_PATH, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Any]:
    raw = read_raw(path)
    missing = undocumented_numbers(raw)
    if missing:
        raise ValueError(f"{path}: numbers without a reason: {', '.join(missing)}")
    return _strip(raw)


def load_params(path: str | Path | None = None) -> dict[str, Any]:
    """The simulator parameters as plain values (reasons stripped).

    Raises ``ValueError`` naming every number of the file that has no reason.
    """
    return _load(str(path or PARAMS_PATH))
