"""The Quarto engine: ``quarto render`` of the executed book (execution is off in _quarto.yml).

Quarto reads the staged project (``staging/_quarto.yml``, the executed notebooks) after
:func:`report.quarto_stage.prepare` has laid out what _quarto.yml names under ``_build/``.
One ``quarto render --to <format>`` per format, each into its own output folder:

- ``html`` -> the book as a website, published as the folder ``html/`` (``index.html``, one
  page per chapter, ``search.json``, ``site_libs/``), plus ``csr.html``, a page that opens
  ``html/index.html`` (the same entry point as the built-in engine's single file);
- ``pdf``  -> format ``csr-typst`` (Quarto's typst book with the CSR template), ``csr.pdf``;
- ``docx`` -> ``csr.docx``, finished like the built-in engine's (running header, ``Page x of
  y``, A4, reproducible zip: :func:`report.docx_post.finalize_docx`).

Supported: Quarto 1.10 and later 1.x (:data:`MIN_VERSION`; tested with 1.10.18). An older or
broken ``quarto`` stops the render with a message naming the version found, the version
needed and ``--engine builtin``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from report import pdf_post, timing
from report.docx_post import finalize_docx
from report.engine_error import EngineError
from report.meta import RenderMeta

MIN_VERSION = (1, 10, 0)
TESTED_VERSION = "1.10.18"
QUARTO_FORMAT = {"html": "html", "pdf": "csr-typst", "docx": "docx"}
RENDER_ORDER = ("html", "docx", "pdf")
OUTPUT_DIR = Path("_build") / "quarto"
HTML_DIR = "html"
FIXED_EPOCH = 946684800  # 2000-01-01T00:00:00Z, as the built-in engine
VERSION_RE = re.compile(r"^\s*(\d+)\.(\d+)\.(\d+)")
REDIRECT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url=html/index.html">
</head>
<body>
<p><a href="html/index.html">{title}</a> (the report as a website: open html/index.html)</p>
</body>
</html>
"""


def _needed() -> str:
    return ".".join(map(str, MIN_VERSION))


def quarto_path() -> str:
    """The ``quarto`` binary on PATH, or a clear error."""
    found = shutil.which("quarto")
    if not found:
        raise EngineError("engine 'quarto' requested but the quarto binary is not on PATH; "
                          f"install Quarto >= {_needed()} (https://quarto.org) or use "
                          "--engine builtin (or auto)")
    return found


def quarto_version(quarto: str) -> str:
    """The version ``quarto --version`` prints; a clear error when it fails or is too old."""
    advice = (f"the Quarto engine needs Quarto >= {_needed()} (tested with {TESTED_VERSION}); "
              "install it, or render with --engine builtin")
    try:
        proc = subprocess.run([quarto, "--version"], capture_output=True, text=True,
                              timeout=120, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise EngineError(f"{quarto} --version failed ({exc}): {advice}") from exc
    out = (proc.stdout or "").strip()
    match = VERSION_RE.match(out)
    if proc.returncode != 0 or not match:
        said = (out or (proc.stderr or "").strip() or "nothing")[:200]
        raise EngineError(f"{quarto} --version exited with status {proc.returncode} and printed "
                          f"{said!r}, not a Quarto version: {advice}")
    found = tuple(int(g) for g in match.groups())
    if found < MIN_VERSION or found[0] != MIN_VERSION[0]:
        raise EngineError(f"Quarto {out} found at {quarto}: {advice}")
    return out


def check_quarto() -> tuple[str, str]:
    """``(path, version)`` of a usable Quarto, or :class:`EngineError`."""
    quarto = quarto_path()
    return quarto, quarto_version(quarto)


def _pandoc() -> str:
    from report.engine_builtin import pandoc_path

    return pandoc_path()


def _env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": str(FIXED_EPOCH), "LC_ALL": "C.UTF-8",
            "QUARTO_PRINT_STACK": "true"}


def render_format(quarto: str, staging: Path, fmt: str) -> Path:
    """``quarto render --to <format>`` of the staged book into ``_build/quarto-<format>``
    (that folder is returned)."""
    out = OUTPUT_DIR.with_name(f"quarto-{fmt}")
    proc = subprocess.run([quarto, "render", ".", "--to", QUARTO_FORMAT[fmt], "--no-execute",
                           "--output-dir", out.as_posix()],
                          cwd=staging, capture_output=True, env=_env(), check=False)
    if proc.returncode != 0:
        log = (proc.stderr or b"").decode(errors="replace") + (proc.stdout or b"").decode(errors="replace")
        raise EngineError(f"quarto render --to {QUARTO_FORMAT[fmt]} failed (status {proc.returncode}):\n"
                          f"{log[-6000:]}")
    return staging / out


def _single(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        raise EngineError(f"quarto wrote {len(found)} {pattern} files in {folder.name}, expected one")
    return found[0]


def collect(fmt: str, built: Path, out_dir: Path, meta: RenderMeta) -> Path:
    """Move one format's Quarto output into ``out_dir``; returns ``out_dir/csr.<ext>``."""
    target = out_dir / f"csr.{fmt}"
    if fmt == "html":
        if not (built / "index.html").is_file():
            raise EngineError(f"quarto wrote no index.html in {built.name}")
        site = out_dir / HTML_DIR
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(built, site)
        title = f"{meta.protocol_id} {meta.title}".strip()
        target.write_text(REDIRECT.format(title=title), encoding="utf-8")
    elif fmt == "pdf":
        shutil.copyfile(_single(built, "*.pdf"), target)
        pdf_post.finalize_pdf(target)
    else:
        shutil.copyfile(_single(built, "*.docx"), target)
        finalize_docx(target, meta, FIXED_EPOCH)
    return target


def _render_timed(quarto: str, project: Path, fmt: str, timeline: timing.Timeline) -> Path:
    """:func:`render_format`, timed as the engine step ``quarto_<fmt>``."""
    with timeline.stage("engine_step", step=f"quarto_{fmt}"):
        return render_format(quarto, project, fmt)


def render(staging: Path, out_dir: Path, formats: list[str], meta: RenderMeta,
           timeline: timing.Timeline = timing.OFF) -> dict[str, Path]:
    """Render the executed book in ``staging``: ``{format: out_dir/csr.<ext>}`` (and, for
    html, the site folder ``out_dir/html/``); ``timeline`` receives the engine steps
    ``quarto_prepare`` and ``quarto_<format>`` (:func:`report.engines.render_book`)."""
    unknown = sorted(set(formats) - set(QUARTO_FORMAT))
    if unknown:
        raise EngineError(f"unknown output format(s) {unknown}; choose from {list(QUARTO_FORMAT)}")
    quarto, _version = check_quarto()
    from report import quarto_stage

    staging, out_dir = Path(staging), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with timeline.stage("engine_step", step="quarto_prepare"):
        projects = quarto_stage.prepare(staging, meta, _pandoc(), list(formats))
    try:
        # two renders at a time: HTML (Quarto renders its pages one after another) is the
        # longest, so it starts at once, with DOCX and then PDF beside it
        order = sorted(formats, key=RENDER_ORDER.index)
        with ThreadPoolExecutor(max_workers=min(len(formats), 2) or 1) as pool:
            futures = {fmt: pool.submit(_render_timed, quarto, projects[fmt], fmt, timeline)
                       for fmt in order}
            built = {fmt: fut.result() for fmt, fut in futures.items()}
        return {fmt: collect(fmt, built[fmt], out_dir, meta) for fmt in formats}
    finally:
        for project in projects.values():
            if project != staging:
                shutil.rmtree(project, ignore_errors=True)
