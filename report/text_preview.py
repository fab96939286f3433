"""``python -m report text`` (``nox -s text``): the CSR text resolved without executing a notebook.

A writer edits ``text/``; the preview resolves every Markdown file under it
(:mod:`report.prose`) against the ARDs of a published version (``report/<v>/ard``,
default: the most recently built one) and that version's snapshot manifest, and
writes one HTML page, ``_build/text-preview/index.html``: one section per file,
and every file that cannot be resolved with its error (file, line, reference).
It takes seconds: nothing is executed or typeset.
"""

from __future__ import annotations

import json
from pathlib import Path

from report import prose, publish

PREVIEW_DIR = Path("_build") / "text-preview"


class PreviewError(RuntimeError):
    """No published version to take the ARDs from, or an unknown one."""


def latest_version(root: Path) -> str:
    """The published version built last (``built_at`` of its provenance)."""
    found = []
    for prov in (Path(root) / publish.REPORT_DIR).glob("*/provenance.json"):
        try:
            found.append((json.loads(prov.read_text(encoding="utf-8"))["built_at"],
                          prov.parent.name))
        except (OSError, ValueError, KeyError):
            continue
    if not found:
        raise PreviewError("no published version under report/: run `nox -s render` once "
                           "(the preview takes its ARDs from it)")
    return max(found)[1]


def version_facts(root: Path, version: str) -> tuple[dict, prose.Facts]:
    """The ARDs and the snapshot facts of published ``version``."""
    from analysis.config import load_config

    folder = publish.version_dir(Path(root), publish.check_version_name(version))
    if not (folder / "provenance.json").is_file():
        raise PreviewError(f"report/{version}/ is not a published version")
    record = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    snap = record["snapshot"]
    manifest_path = Path(root) / snap["root"] / snap["id"] / "manifest.json"
    manifest = (json.loads(manifest_path.read_text(encoding="utf-8"))
                if manifest_path.is_file() else {"cutoff": snap.get("cutoff")})
    cfg = Path(root) / "study.yml"
    facts = prose.Facts.from_manifest(manifest, load_config(cfg if cfg.is_file() else None))
    return prose.load_ards(folder / "ard"), facts


def preview(root: Path, version: str | None = None) -> tuple[Path, list[str]]:
    """Write the preview page; return its path and the errors (one per failing file)."""
    import pypandoc

    root = Path(root)
    version = version or latest_version(root)
    ards, facts = version_facts(root, version)
    parts, errors = [], []
    for path in sorted((root / prose.TEXT_DIR).rglob(f"*{prose.SUFFIX}")):
        rel = path.relative_to(root).as_posix()
        try:
            body = prose.render_file(root, rel, ards, facts)
        except prose.TextError as exc:
            errors.append(str(exc))
            body = "**Cannot be resolved:**\n\n```\n" + str(exc) + "\n```\n"
        parts.append(f"## {rel}\n\n{body or '*(nothing for this snapshot)*'}\n")
    title = f"CSR text preview (ARDs of report/{version})"
    html = pypandoc.convert_text("\n".join(parts), "html5", format="markdown",
                                 extra_args=["--standalone", "--metadata", f"title={title}"])
    out = root / PREVIEW_DIR / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out, errors


def main(root: Path, version: str | None) -> int:
    try:
        out, errors = preview(root, version)
    except (PreviewError, publish.PublishError) as exc:
        print(f"text preview failed: {exc}")
        return 1
    for e in errors:
        print(e)
    print(f"text preview: {out}" + (f" ({len(errors)} file(s) cannot be resolved)"
                                    if errors else ""))
    return 1 if errors else 0
