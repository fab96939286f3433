"""Rebuild a published version and compare it with what was published.

``python -m report verify V`` reads ``report/V/provenance.json`` (snapshot,
parameters, formats, engine), rebuilds the version into a temporary folder
(by default executing every notebook afresh, without the cache) and compares
every file. It says the version is identical, or lists every differing file
and, for ARD files, every differing ARD row. ``provenance.json`` is compared
without its ``built_at`` timestamp.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from analysis.ard import read_csv
from report import build, cache, provenance, publish, scratch
from report.diff import compare_ard
from report.execute import print_progress

SUBMISSION_PREFIX = "submission/"  # submission.package.FOLDER


@dataclass
class FileDifference:
    path: str
    kind: str                    # "changed" | "missing in rebuild" | "extra in rebuild"
    details: list[str] = field(default_factory=list)

    def describe(self) -> str:
        head = f"  {self.path}: {self.kind}"
        return "\n".join([head] + [f"      {d}" for d in self.details])


@dataclass
class VerifyResult:
    version: str
    differences: list[FileDifference]

    @property
    def identical(self) -> bool:
        return not self.differences

    def describe(self) -> str:
        if self.identical:
            return (f"report/{self.version}/ verified: the rebuild is identical "
                    "(every file; provenance.json apart from its timestamp)")
        return (f"report/{self.version}/ differs from its rebuild in "
                f"{len(self.differences)} file(s):\n"
                + "\n".join(d.describe() for d in self.differences))


def _ard_details(old: Path, new: Path) -> list[str]:
    try:
        ch = compare_ard(read_csv(old), read_csv(new))
    except Exception as exc:  # not a readable ARD: report the file only
        return [f"not comparable as ARD ({exc})"]
    key = ["group1_level", "group2_level", "variable", "variable_level", "stat_name"]

    def label(r) -> str:
        return " / ".join(str(r[k]) for k in key if str(r[k]))

    out = [f"changed row {label(r)}: {r['old_stat_fmt']!r} -> {r['new_stat_fmt']!r}"
           for _, r in ch.changed.iterrows()]
    out += [f"row only in the rebuild: {label(r)} = {r['stat_fmt']!r}" for _, r in ch.added.iterrows()]
    out += [f"row only in the published version: {label(r)} = {r['stat_fmt']!r}"
            for _, r in ch.removed.iterrows()]
    return out or ["same ARD rows, different bytes (formatting or row order)"]


def _provenance_details(old: Path, new: Path) -> list[str]:
    a = provenance.without_timestamp(json.loads(old.read_text(encoding="utf-8")))
    b = provenance.without_timestamp(json.loads(new.read_text(encoding="utf-8")))
    out = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) == b.get(k):
            continue
        if isinstance(a.get(k), dict) and isinstance(b.get(k), dict):
            out += [f"{k}.{n}: {a[k].get(n)!r} -> {b[k].get(n)!r}"
                    for n in sorted(set(a[k]) | set(b[k])) if a[k].get(n) != b[k].get(n)]
        else:
            out.append(f"{k}: {a.get(k)!r} -> {b.get(k)!r}")
    return out


def compare_versions(published: Path, rebuilt: Path) -> list[FileDifference]:
    """Every file that differs between two version folders, with ARD row details. The
    version's submission package (``submission/``, built after publication by
    ``nox -s submission``, never by a render) is not part of the comparison."""
    pa = {rel for f in cache.tree_files(published)
          if not (rel := f.relative_to(published).as_posix()).startswith(SUBMISSION_PREFIX)}
    pb = {rel for f in cache.tree_files(rebuilt)
          if not (rel := f.relative_to(rebuilt).as_posix()).startswith(SUBMISSION_PREFIX)}
    diffs = []
    for rel in sorted(pa | pb):
        if rel not in pb:
            diffs.append(FileDifference(rel, "missing in rebuild"))
        elif rel not in pa:
            diffs.append(FileDifference(rel, "extra in rebuild"))
        elif rel == provenance.PROVENANCE_FILE:
            details = _provenance_details(published / rel, rebuilt / rel)
            if details:
                diffs.append(FileDifference(rel, "changed", details))
        elif cache.sha256_file(published / rel) != cache.sha256_file(rebuilt / rel):
            details = (_ard_details(published / rel, rebuilt / rel)
                       if rel.startswith("ard/") and rel.endswith(".csv") else [])
            diffs.append(FileDifference(rel, "changed", details))
    return diffs


def _inside_project(snapshot_root: object) -> str:
    """The snapshot folder a provenance record names, if it is a relative path that
    stays inside the project (the record is a file, so its content is not trusted)."""
    path = PurePosixPath(str(snapshot_root))
    if path.is_absolute() or ".." in path.parts or not str(snapshot_root):
        raise build.BuildError(f"provenance.json names the snapshot folder {snapshot_root!r}: "
                               "only a relative folder inside the project is used")
    return str(snapshot_root)


def verify(root: Path, version: str, *, use_cache: bool = False, workers: int | None = None,
           progress=print_progress) -> VerifyResult:
    """Rebuild ``version`` from its provenance record and compare it file by file."""
    root = Path(root).resolve()
    published = publish.version_dir(root, version)   # checks the name before any path
    record = provenance.read(published)
    snap = record["snapshot"]
    request = build.RenderRequest(
        snapshot_id=snap["id"], version=version, formats=tuple(record["formats"]),
        engine=record["engine"]["requested"],
        snapshot_root=_inside_project(snap.get("root", build.DEFAULT_SNAPSHOT_ROOT)),
        workers=workers)
    scratch.clean_stale(root)
    with publish.version_lock(root, version):
        plan = build.make_plan(root, request)
        out = scratch.make(root, f"verify-{version}")
        try:
            build.assemble(root, plan, out, use_cache=use_cache, progress=progress)
            return VerifyResult(version, compare_versions(published, out))
        finally:
            scratch.remove(out)


def main(root: Path, version: str, use_cache: bool = False, workers: int | None = None) -> int:
    from report.engine_error import EngineError
    from report.execute import NotebookExecutionError

    try:
        result = verify(root, version, use_cache=use_cache, workers=workers)
    except (FileNotFoundError, build.BuildError, publish.PublishError,
            NotebookExecutionError, EngineError) as exc:
        print(f"verify failed: {exc}", file=sys.stderr)
        return 2
    print(result.describe())
    return 0 if result.identical else 1
