"""``nox -s submission -- VERSION [--check]``: the submission package of a published
version, ``report/<VERSION>/submission/``.

Layout (eCTD module 5, ICH M8 / FDA Study Data Technical Conformance Guide)::

    report/<VERSION>/submission/
      index.html, manifest.json        every file with its size and sha256
      m5/datasets/<study>/analysis/adam/
        datasets/   <name>.xpt, <name>.json, adrg.md, adrg.html
        programs/   the commit's code as <path>.txt, programs-manifest.json

Rules (as for a version itself, :mod:`report.publish`):

- the version must be published (``report/<VERSION>/provenance.json``);
- every part (:data:`PARTS`) writes into a staging folder under ``_build/tmp`` and is then
  checked; only when all wrote and passed is the folder moved into place by one rename,
  so a failing part publishes nothing and changes nothing;
- a package is immutable: building it again when it exists is a no-op if the new build
  is byte-identical, and refused, naming the files that differ, if not.

:func:`check` runs every part's ``check``, compares every file with ``manifest.json`` and
runs the eCTD PDF checks (:mod:`report.pdf_checks`) on the version's ``csr.pdf``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import jinja2

from report import publish, scratch
from report.cache import sha256_file, tree_files
from submission import adrg, ars, datasets, define, programs
from submission.context import SubmissionContext

# The parts, in build order (define.xml's leaves point at the datasets' XPT files).
PARTS = [datasets, define, ars, adrg, programs]
FOLDER = "submission"
INDEX, MANIFEST = "index.html", "manifest.json"
TEMPLATES = Path(__file__).parent / "templates"


class SubmissionError(RuntimeError):
    """The package cannot be built or published (the message says why)."""


@dataclass(frozen=True)
class BuildResult:
    path: Path
    status: str    # "published" or "unchanged"


def part_name(part) -> str:
    return part.__name__.rsplit(".", 1)[-1]


def published_version(root: Path, version: str) -> Path:
    """``report/<version>`` if it is a published version, else :class:`SubmissionError`."""
    try:
        folder = publish.version_dir(root, version)
    except publish.PublishError as exc:
        raise SubmissionError(str(exc)) from None
    if not (folder / "provenance.json").is_file():
        raise SubmissionError(
            f"report version {version!r} is not published (report/{version}/provenance.json "
            f"does not exist): render it first, e.g. nox -s render -- --version {version}")
    return folder


def package_dir(root: Path, version: str) -> Path:
    return published_version(root, version) / FOLDER


def file_records(folder: Path) -> list[dict[str, object]]:
    """Path (relative, POSIX), size and sha256 of every file under ``folder`` but the
    index and the manifest, sorted by path."""
    out = []
    for f in tree_files(folder):
        rel = f.relative_to(folder).as_posix()
        if rel not in (INDEX, MANIFEST):
            out.append({"path": rel, "bytes": f.stat().st_size, "sha256": sha256_file(f)})
    return sorted(out, key=lambda r: r["path"])


def _index_html(ctx: SubmissionContext, commit: str, files: list[dict[str, object]]) -> str:
    """``index.html``: every file of ``files`` and the manifest, with size and sha256."""
    prov = ctx.provenance
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             undefined=jinja2.StrictUndefined, autoescape=True,
                             keep_trailing_newline=True)
    manifest = ctx.out / MANIFEST
    return env.get_template("index.html.j2").render(
        version=ctx.version, protocol_id=prov["inputs"]["meta"]["protocol_id"],
        simulated=bool(prov["snapshot"].get("simulated")), snapshot_id=ctx.snapshot_id,
        commit=commit, files=[*files, {"path": MANIFEST, "bytes": manifest.stat().st_size,
                                       "sha256": sha256_file(manifest)}])


def _write_index(ctx: SubmissionContext, commit: str) -> None:
    files = file_records(ctx.out)
    prov = ctx.provenance
    manifest = {"schema": "submission-manifest-1", "version": ctx.version,
                "snapshot": {"id": ctx.snapshot_id,
                             "manifest_sha256": prov["snapshot"].get("manifest_sha256")},
                "commit": commit, "parts": [part_name(p) for p in PARTS], "files": files}
    (ctx.out / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    (ctx.out / INDEX).write_text(_index_html(ctx, commit, files), encoding="utf-8")


def assemble(root: Path, version: str, out: Path) -> list[str]:
    """Write every part, the index and the manifest into the empty folder ``out``, then run
    the parts' checks; returns the failures ([] when the package is valid)."""
    ctx = SubmissionContext(root=Path(root), version=version, out=Path(out))
    for part in PARTS:
        try:
            part.write(ctx)
        except Exception as exc:  # any part's error stops the build; nothing is published
            raise SubmissionError(f"submission part {part_name(part)} failed: "
                                  f"{type(exc).__name__}: {exc}") from exc
    _write_index(ctx, programs.commit(ctx))
    return [line for part in PARTS for line in part.check(ctx)]


def _tree(folder: Path) -> dict[str, str]:
    return {f.relative_to(folder).as_posix(): sha256_file(f) for f in tree_files(folder)}


def build(root: Path, version: str) -> BuildResult:
    """Build and publish the package of ``version`` (module docstring: the rules)."""
    root = Path(root).resolve()
    dest = package_dir(root, version)
    scratch.clean_stale(root)
    with publish.version_lock(root, version):
        out = scratch.make(root, f"submission-{version}")
        try:
            failures = assemble(root, version, out)
            if failures:
                raise SubmissionError(f"the submission package of {version} fails its checks; "
                                      "nothing was published:\n  " + "\n  ".join(failures))
            new = _tree(out)
            if dest.exists():
                old = _tree(dest)
                if old == new:
                    return BuildResult(dest, "unchanged")
                changed = sorted(p for p in set(old) | set(new) if old.get(p) != new.get(p))
                raise SubmissionError(
                    f"report/{version}/{FOLDER}/ already exists with other content "
                    f"({len(changed)} files differ, e.g. {', '.join(changed[:5])}). Published "
                    f"versions are immutable: render a new version, e.g. --version "
                    f"{publish.suggest_version(root, version)}, and build its package")
            os.rename(out, dest)
            out = None
            return BuildResult(dest, "published")
        finally:
            scratch.remove(out)


def check(root: Path, version: str) -> list[str]:
    """Every failure of the published package of ``version``, one line each (file, rule)."""
    root = Path(root).resolve()
    try:
        dest = package_dir(root, version)
    except SubmissionError as exc:
        return [str(exc)]
    prefix = f"report/{version}/{FOLDER}/"
    if not dest.is_dir():
        return [f"{prefix}: does not exist (build it: nox -s submission -- {version})"]
    ctx = SubmissionContext(root=root, version=version, out=dest)
    out = [prefix + line for part in PARTS for line in part.check(ctx)]
    out += [prefix + line for line in _manifest_failures(ctx)]
    out += _pdf_failures(ctx)
    return out


def _manifest_failures(ctx: SubmissionContext) -> list[str]:
    dest = ctx.out
    path = dest / MANIFEST
    if not path.is_file():
        return [f"{MANIFEST}: missing"]
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        listed = {r["path"]: r for r in record["files"]}
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        return [f"{MANIFEST}: not a readable manifest ({exc})"]
    actual = {r["path"]: r for r in file_records(dest)}
    out = []
    for rel in sorted(set(listed) | set(actual)):
        if rel not in actual:
            out.append(f"{rel}: listed in {MANIFEST} but missing")
        elif rel not in listed:
            out.append(f"{rel}: not listed in {MANIFEST}")
        elif actual[rel]["sha256"] != listed[rel]["sha256"]:
            out.append(f"{rel}: sha256 {actual[rel]['sha256']} is not the {MANIFEST}'s "
                       f"{listed[rel]['sha256']}")
    if not (dest / INDEX).is_file():
        out.append(f"{INDEX}: missing")
    elif (dest / INDEX).read_text(encoding="utf-8") != _index_html(
            ctx, str(record.get("commit")), list(listed.values())):
        out.append(f"{INDEX}: is not the index of {MANIFEST} (edited or damaged)")
    return out


def _pdf_failures(ctx: SubmissionContext) -> list[str]:
    """The eCTD PDF checks on ``csr.pdf`` when the version was rendered to PDF."""
    if "pdf" not in ctx.provenance.get("formats", []):
        return []
    from report import pdf_checks

    pdf = ctx.version_dir / "csr.pdf"
    rel = f"report/{ctx.version}/csr.pdf"
    if not pdf.is_file():
        return [f"{rel}: missing (the version was rendered to PDF)"]
    return [f"{rel}: {line}" for line in pdf_checks.failures(pdf)]
