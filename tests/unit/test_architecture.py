"""Imports flow one way (README, ARCHITECTURE): every module of the four packages is in
one layer, and imports only from its own layer and the layers below. The check reads
every module with :mod:`ast` (imports inside functions included), so it needs no
dependency; import-linter would do the same from a configuration file, at the price of
one more dependency and a second place that states the table."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("study", "data_contract", "analysis", "report")

# Bottom to top; a module may import its own layer and the layers below (README table).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("study", ("study",)),
    ("contract", ("data_contract",)),
    ("records", ("analysis", "analysis.config", "analysis.data", "analysis.formats",
                 "analysis.csv_cells", "analysis.catalogue", "analysis.ard")),
    ("stats", ("analysis.stats", "analysis.sets")),
    ("derive", ("analysis.derive",)),
    ("style", ("analysis.style",)),
    ("displays", ("analysis.displays",)),
    ("chapter", ("analysis.notebook", "analysis.plan", "analysis.appendix",
                 "analysis.runtime")),
    ("report", ("report",)),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int | None:
    """Rank of the layer of ``module`` (the longest matching prefix), None if outside."""
    best, rank = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best:
                best, rank = len(p), i
    return rank


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import of a project module in ``path``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # ``from analysis import ard`` imports the module analysis.ard
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return [(line, m) for line, m in out if m.split(".")[0] in PACKAGES]


def _modules():
    for pkg in PACKAGES:
        yield from sorted((ROOT / pkg).rglob("*.py"))


def test_every_module_is_in_a_layer():
    assert [_module_name(p) for p in _modules() if layer_of(_module_name(p)) is None] == []


def test_imports_flow_from_higher_layers_to_lower_ones_only():
    wrong = []
    for path in _modules():
        here = layer_of(_module_name(path))
        for line, target in imports_of(path):
            there = layer_of(target)
            if there is not None and there > here:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({LAYERS[here][0]}) imports "
                             f"{target} ({LAYERS[there][0]})")
    assert wrong == []


def test_the_check_catches_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from analysis.notebook import Chapter\nimport report.build\n")
    targets = [layer_of(m) for _, m in imports_of(bad)]
    assert targets == [layer_of("analysis.notebook"), layer_of("report")]
    assert min(targets) > layer_of("data_contract.cutoff")
