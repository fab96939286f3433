"""Engine dispatch: ``render_book`` renders the executed book with Quarto or the built-in engine.

``engine="auto"`` uses Quarto when ``quarto`` is on PATH, else the built-in engine
(pandoc + Lua filters + typst). Both read the same ``_quarto.yml`` and executed notebooks.
A Quarto on PATH that is broken or older than the engine supports stops the render (it does
not fall back silently): :func:`check_engine`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from report import timing
from report.engine_error import EngineError
from report.meta import RenderMeta

__all__ = ["EngineError", "check_engine", "render_book", "resolve_engine"]

ENGINES = ("auto", "quarto", "builtin")


def resolve_engine(engine: str) -> str:
    """``auto`` -> ``quarto`` when the quarto binary is on PATH, else ``builtin``."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; choose from {list(ENGINES)}")
    if engine == "auto":
        return "quarto" if shutil.which("quarto") else "builtin"
    return engine


def check_engine(engine: str) -> str | None:
    """Stop early when the chosen engine cannot run: for ``quarto``, a missing, broken or
    too old Quarto (:func:`report.engine_quarto.check_quarto`); returns its version."""
    if engine == "quarto":
        from report import engine_quarto

        return engine_quarto.check_quarto()[1]
    return None


def render_book(staging: Path, out_dir: Path, formats: list[str], engine: str,
                meta: RenderMeta, timeline: timing.Timeline = timing.OFF) -> dict[str, Path]:
    """Render the executed notebooks in ``staging`` into ``out_dir/csr.{html,pdf,docx}``.

    Returns the written file per format; raises :class:`EngineError` with the tool's
    diagnostics on failure. ``timeline`` receives one ``engine_step`` event per step of
    the engine (``step``: ``pandoc_notebooks``, ``write_<format>``, ``typst_compile``;
    ``quarto_prepare``, ``quarto_<format>``).
    """
    chosen = resolve_engine(engine)
    if chosen == "quarto":
        from report import engine_quarto

        return engine_quarto.render(Path(staging), Path(out_dir), list(formats), meta, timeline)
    from report import engine_builtin

    return engine_builtin.render(Path(staging), Path(out_dir), list(formats), meta, timeline)
