"""The Quarto engine: ``quarto render`` of the executed book (execution is off in _quarto.yml).

Quarto reads ``staging/_quarto.yml``; the SAP-numbering filters it lists are copied from
``report/assets`` into ``staging/_build/filters``; outputs land in ``staging/_build/quarto``
and are copied to ``out_dir/csr.<format>``.
UNVERIFIED without a Quarto binary on the build machine: output file names of a Quarto book
(``<book title>.pdf/.docx``; HTML is a multi-page site whose ``index.html`` is copied).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from report.engine_error import EngineError
from report.meta import RenderMeta

ASSETS = Path(__file__).resolve().parent / "assets"
FILTERS = ("quarto-sap-xref.lua", "quarto-sap-floats.lua", "typst-literal.lua")
FILTER_MODULES = ("sapnum.lua",)  # required by the filters from their own folder
QUARTO_FORMAT = {"html": "html", "pdf": "typst", "docx": "docx"}


def quarto_path() -> str:
    """The ``quarto`` binary on PATH, or a clear error."""
    found = shutil.which("quarto")
    if not found:
        raise EngineError("engine 'quarto' requested but the quarto binary is not on PATH; "
                          "install Quarto (https://quarto.org) or use engine 'builtin'/'auto'")
    return found


def _metadata_args(meta: RenderMeta) -> list[str]:
    args: list[str] = []
    for key, value in meta.as_dict().items():
        args += ["--metadata", f"csr-{key.replace('_', '-')}:{str(value).lower() if isinstance(value, bool) else value}"]
    return args


def render(staging: Path, out_dir: Path, formats: list[str], meta: RenderMeta) -> dict[str, Path]:
    """``quarto render`` once per format; returns ``{format: out_dir/csr.<ext>}``."""
    quarto = quarto_path()
    filters = staging / "_build" / "filters"
    filters.mkdir(parents=True, exist_ok=True)
    for name in (*FILTERS, *FILTER_MODULES):
        shutil.copyfile(ASSETS / name, filters / name)
    build = staging / "_build" / "quarto"
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for fmt in formats:
        if fmt not in QUARTO_FORMAT:
            raise EngineError(f"unknown output format {fmt!r}")
        proc = subprocess.run([quarto, "render", ".", "--to", QUARTO_FORMAT[fmt], "--no-execute",
                               *_metadata_args(meta)], cwd=staging, capture_output=True, check=False)
        if proc.returncode != 0:
            raise EngineError(f"quarto render --to {QUARTO_FORMAT[fmt]} failed:\n"
                              f"{proc.stderr.decode(errors='replace')}")
        pattern = "index.html" if fmt == "html" else f"*.{fmt}"
        found = sorted(build.glob(pattern))
        if not found:
            raise EngineError(f"quarto wrote no {pattern} under {build.relative_to(staging)}")
        written[fmt] = out_dir / f"csr.{fmt}"
        shutil.copyfile(found[0], written[fmt])
    return written
