"""Orchestrate a render: verify snapshot -> execute notebooks -> typeset -> publish.

:func:`render` is what ``python -m report render`` runs; :func:`assemble` builds
a complete version folder (also used by :mod:`report.verify` to rebuild one).

The default version of a render is the snapshot id (``sim-final`` renders into
``report/sim-final/``); :data:`DEFAULT_SNAPSHOT` is ``sim-final``.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analysis.style.marks import VERSION_TOKEN
from report import (cache, display_cells, provenance, publish, scratch, timing, tlf_index,
                    writer_placement)
from report.execute import Job, execute_all, print_progress

DEFAULT_SNAPSHOT = "sim-final"
DEFAULT_SNAPSHOT_ROOT = "data/snapshots"
FORMATS = ("html", "pdf", "docx")
INPUTS_SCHEMA = "report-inputs-1"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEXT_DIR = "text"

Progress = Callable[[str], None]


class BuildError(RuntimeError):
    """A render stopped before publishing; the message says where and why."""


@dataclass(frozen=True)
class RenderRequest:
    """What to render: snapshot, version (default: the snapshot id), formats, engine."""

    snapshot_id: str = DEFAULT_SNAPSHOT
    version: str | None = None
    formats: tuple[str, ...] = FORMATS
    engine: str = "auto"
    snapshot_root: str = DEFAULT_SNAPSHOT_ROOT
    workers: int | None = None

    @property
    def resolved_version(self) -> str:
        return self.version or default_version(self.snapshot_id)


@dataclass(frozen=True)
class SnapshotInfo:
    snapshot_id: str
    manifest: Mapping[str, object]
    manifest_sha256: str
    ledger: Mapping[str, object] = field(default_factory=dict)  # seq, line_sha256, frozen_at

    def record(self, snapshot_root: str) -> dict[str, object]:
        return {"id": self.snapshot_id, "root": snapshot_root,
                "manifest_sha256": self.manifest_sha256, "ledger": dict(self.ledger),
                "cutoff": self.manifest.get("cutoff"),
                "simulated": bool(self.manifest.get("simulated", False)),
                "contract_version": self.manifest.get("contract_version")}


@dataclass
class Plan:
    """Everything a build needs, computed before anything runs."""

    request: RenderRequest
    version: str
    snapshot: SnapshotInfo
    chapters: list[str]
    parameters: dict[str, object]
    jobs: list[Job]
    sources: list[str]            # non-notebook files staged as they are
    engine_used: str
    meta: object                  # report.meta.RenderMeta
    inputs: dict[str, object]

    @property
    def fingerprint(self) -> str:
        return provenance.fingerprint(self.inputs)


@dataclass
class RenderResult:
    version: str
    path: Path
    status: str                   # "published" | "unchanged"
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)


def default_version(snapshot_id: str) -> str:
    """The version a render publishes when none is given: the snapshot id itself."""
    return snapshot_id


def check_names(request: RenderRequest) -> str:
    """Check the request's snapshot id, then its version, by the one name rule
    (:mod:`data_contract.names`) before any path is built; return the version.

    The snapshot id comes first, so a bad ``--snapshot`` is reported as a bad
    snapshot id (not as the default version it would have become)."""
    from data_contract.names import InvalidName, check_name

    try:
        check_name(request.snapshot_id, "snapshot id")
    except InvalidName as exc:
        raise BuildError(str(exc)) from None
    return publish.check_version_name(request.resolved_version)


# --- inputs ---------------------------------------------------------------------------

def check_snapshot(root: Path, snapshot_root: str, snapshot_id: str) -> SnapshotInfo:
    """Verify every file hash of the snapshot (refusing a tampered one, naming the file)
    and its manifest against the snapshot ledger (refusing a mismatch with both hashes).

    The snapshot's hash is its manifest's hash: the manifest holds every data
    file's hash, and it is only trusted after the files matched it and it
    matched its ledger entry (whose sequence number and line hash the
    provenance record keeps).
    """
    from data_contract import ledger
    from data_contract.snapshot import MANIFEST, SnapshotError, verify

    folder = Path(root) / snapshot_root
    try:
        manifest = verify(snapshot_id, root=folder)
        entry = ledger.entry_for(folder, snapshot_id)
    except (SnapshotError, ledger.LedgerError) as exc:
        raise BuildError(f"snapshot refused: {exc}") from exc
    sha = cache.sha256_file(folder / snapshot_id / MANIFEST)
    return SnapshotInfo(snapshot_id, manifest, sha,
                        {"seq": entry.seq, "line_sha256": entry.line_sha256,
                         "frozen_at": entry.frozen_at} if entry else {})


def load_chapters(root: Path) -> list[str]:
    """The book's chapter paths in reading order (``_quarto.yml``)."""
    from report.book import load_book

    return list(load_book(root).chapters)


def make_meta(root: Path, version: str, snap: SnapshotInfo,
              snap_folder: str = DEFAULT_SNAPSHOT_ROOT):
    """Title page / header metadata from study.yml, _quarto.yml and the snapshot manifest."""
    from analysis.config import load_config
    from report.book import load_book
    from report.meta import RenderMeta

    from report.writer_text import WriterTextError, title_page_facts

    cfg_path = Path(root) / "study.yml"
    config = load_config(cfg_path if cfg_path.is_file() else None)
    study = config.study
    book = load_book(root).meta
    try:
        writer = title_page_facts(root)
    except WriterTextError as exc:
        raise BuildError(str(exc)) from exc
    return RenderMeta(
        protocol_id=str(study.get("protocol_id", "")),
        title=book.get("title", "Clinical Study Report"),
        subtitle=book.get("subtitle", str(study.get("short_title", ""))),
        sponsor=str(study.get("sponsor", "")),
        phase=str(study.get("phase", "")),
        full_title=" ".join(str(study.get("full_title", "")).split()),
        version=version,
        cutoff=str(snap.manifest.get("cutoff") or ""),
        snapshot_id=snap.snapshot_id,
        simulated=bool(snap.manifest.get("simulated", False)),
        product=str(study.get("intervention", "")),
        indication=str(study.get("condition", "")),
        registry_id=str(config.registry.get("id", "")),
        first_enrolment=first_enrolment(Path(root) / snap_folder, snap.snapshot_id),
        **writer,
    )


def first_enrolment(snapshot_root: Path, snapshot_id: str) -> str:
    """The first enrolment date (ISO) in the snapshot's ADSL (``ENRLDT``), "" when no
    participant has one: the start of the study period on the title page. Reads the one
    column (pyarrow), after the snapshot was verified."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = Path(snapshot_root) / snapshot_id / "adsl.parquet"
    if not path.is_file() or "ENRLDT" not in pq.read_schema(path).names:
        return ""
    first = pc.min(pq.read_table(path, columns=["ENRLDT"])["ENRLDT"]).as_py()
    return "" if first is None else str(first)[:10]


def resolve_engine(engine: str) -> str:
    from report import engines

    return engines.resolve_engine(engine)


def engine_version(engine: str) -> str | None:
    """The chosen engine's version (Quarto's; None for the built-in engine). A Quarto that
    cannot render stops the render here, before any notebook runs
    (:func:`report.engines.check_engine`)."""
    from report import engines

    try:
        return engines.check_engine(engine)
    except engines.EngineError as exc:
        raise BuildError(str(exc)) from exc


def staged_sources(root: Path, chapters: Sequence[str]) -> list[str]:
    """Files staged as they are: ``_quarto.yml``, the abbreviation definitions, non-notebook
    chapters (the writer's Markdown), and the other files next to the chapters (images,
    bibliographies, the writer's title page and narrative assessments), sorted. Generated
    chapters are written into the staged book (:mod:`report.sections`)."""
    from report import sections
    from report.sections.abbreviations import DEFINITIONS_FILE

    out = {"_quarto.yml"}
    if (Path(root) / DEFINITIONS_FILE).is_file():
        out.add(DEFINITIONS_FILE.as_posix())
    out.update(c for c in chapters if not c.endswith(".ipynb") and not sections.is_generated(c))
    for d in sorted({Path(c).parent for c in chapters if Path(c).parent != Path(".")
                     and not sections.is_generated(c)}):
        for f in cache.tree_files(Path(root) / d):
            rel = f.relative_to(root).as_posix()
            if not rel.endswith(".ipynb"):
                out.add(rel)
    return sorted(out)


def make_plan(root: Path, request: RenderRequest, timeline: timing.Timeline = timing.OFF
              ) -> Plan:
    """Verify the snapshot and compute every input hash, cache key and the fingerprint
    (stages ``plan`` and, within it, ``verify`` of ``timeline``)."""
    with timeline.stage("plan"):
        return _make_plan(Path(root), request, timeline)


def _make_plan(root: Path, request: RenderRequest, timeline: timing.Timeline) -> Plan:
    version = check_names(request)
    bad = [f for f in request.formats if f not in FORMATS]
    if bad or not request.formats:
        raise BuildError(f"unknown output format(s) {bad}; choose from {list(FORMATS)}")
    with timeline.stage("verify"):
        snap = check_snapshot(root, request.snapshot_root, request.snapshot_id)
    chapters = load_chapters(root)
    from report import sections

    missing = [c for c in chapters if not sections.is_generated(c) and not (root / c).is_file()]
    if missing:
        raise BuildError(f"_quarto.yml lists chapters that do not exist: {missing}")
    unknown = sections.unknown_generated(chapters)
    if unknown:
        raise BuildError(f"_quarto.yml lists generated chapters that no generator writes: "
                         f"{unknown} (known: {sorted(sections.builders())})")
    # The version is not a notebook input: notebooks get a token that publish replaces
    # in the TLF page headers, so a new version reuses every cached notebook.
    parameters = {"snapshot_id": request.snapshot_id, "snapshot_root": request.snapshot_root,
                  "report_version": VERSION_TOKEN}
    code_sha, lock_sha = cache.code_hash(root), cache.lock_hash(root)
    jobs = [Job(c, cache.notebook_key(cache.sha256_file(root / c), parameters,
                                      snap.manifest_sha256, code_sha, lock_sha), parameters)
            for c in chapters if c.endswith(".ipynb")]
    sources = staged_sources(root, chapters)
    engine_used = resolve_engine(request.engine)
    engine_ver = engine_version(engine_used)
    meta = make_meta(root, version, snap, request.snapshot_root)
    inputs = {
        "schema": INPUTS_SCHEMA,
        "notebooks": {j.chapter: j.key for j in jobs},
        "sources": {s: cache.sha256_file(root / s) for s in sources},
        # the CSR text (templates under text/prose/, writer files under text/writer/): an
        # input of the typeset documents, never of a notebook (a sentence re-executes nothing)
        "text": cache.hash_paths(root, [TEXT_DIR]),
        "snapshot": snap.manifest_sha256,
        "code": code_sha,
        "lock": lock_sha,
        "render_code": provenance.render_code_hash(root / publish.REPORT_DIR),
        "parameters": parameters,
        "formats": sorted(request.formats),
        "engine": engine_used,
        "meta": dict(meta.as_dict()),
    }
    if engine_ver:  # another Quarto may typeset the same book differently
        inputs["engine_version"] = engine_ver
    return Plan(request, version, snap, chapters, parameters, jobs, sources, engine_used,
                meta, inputs)


# --- build ----------------------------------------------------------------------------

def _reset(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def stage(root: Path, plan: Plan, entries: Mapping[str, Path], staging: Path) -> Path:
    """Lay out the book for the engine: _quarto.yml, executed notebooks at their book
    paths (the writer's text in place, :mod:`report.writer_placement`; each display cell
    labelled and captioned from the catalogue, :mod:`report.display_cells`; each text
    marker replaced by its resolved template, :func:`resolve_text`), other sources, the
    notebooks' side outputs (``ard/``, ``listings/``...) at the top, where the report links
    them, and the generated sections (written last: they read the resolved book)."""
    for rel in plan.sources:
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, staging / rel)
    for job in plan.jobs:
        entry = entries[job.chapter]
        (staging / job.chapter).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(entry / cache.NOTEBOOK_FILE, staging / job.chapter)
        writer_placement.resolve_notebook(staging / job.chapter, root)
    display_cells.caption_cells(staging / job.chapter for job in plan.jobs)
    resolve_text(root, plan, staging)
    write_sections(root, plan, staging)
    return staging


def resolve_text(root: Path, plan: Plan, staging: Path) -> None:
    """Replace the text markers of the staged notebooks by their templates (``text/``)
    resolved from the staged ARDs (:mod:`report.prose`); an unresolvable reference stops
    the render, naming the file, the line and the reference."""
    from analysis.config import load_config
    from report import prose

    cfg = Path(root) / "study.yml"
    facts = prose.Facts.from_manifest(plan.snapshot.manifest,
                                      load_config(cfg if cfg.is_file() else None),
                                      plan.meta.first_enrolment)
    try:
        prose.resolve_book(root, staging, [j.chapter for j in plan.jobs], facts)
    except prose.TextError as exc:
        raise BuildError(str(exc)) from None


def collect_outputs(plan: Plan, entries: Mapping[str, Path], dest: Path) -> list[str]:
    """Copy every notebook's side outputs (``outputs/ard``, ``outputs/listings``...) into
    ``dest``; two notebooks writing the same file with other content is an error."""
    copied = []
    for job in plan.jobs:
        try:
            copied += publish.copy_tree_into(entries[job.chapter] / cache.OUTPUTS_DIR, dest)
        except publish.PublishError as exc:
            raise BuildError(f"{job.chapter}: {exc}") from exc
    return copied


def write_sections(root: Path, plan: Plan, staging: Path) -> list[str]:
    """Write the generated chapters (ICH E3 4, 8, 14, 16.1) into the staged book."""
    from analysis.config import load_config
    from report import sections
    from report.sections.abbreviations import AbbreviationsError
    from report.sections.objectives import ObjectivesError

    if not any(map(sections.is_generated, plan.chapters)):
        return []
    cfg_path = Path(root) / "study.yml"
    config = load_config(cfg_path if cfg_path.is_file() else None)
    try:
        return sections.write_generated(staging, plan.chapters, config, plan.meta)
    except (AbbreviationsError, ObjectivesError) as exc:
        raise BuildError(str(exc)) from exc


def typeset_book(root: Path, plan: Plan, entries: Mapping[str, Path],
                 progress: Progress, work: Path,
                 timeline: timing.Timeline = timing.OFF) -> list[Path]:
    """Stage the executed book in ``work`` and typeset it; the documents: ``csr.<fmt>`` of
    every format and whatever else the engine publishes beside them (the Quarto engine's
    ``html/`` site)."""
    staging = _reset(work / "stage")
    engine_out = _reset(work / "out")
    collect_outputs(plan, entries, staging)
    stage(root, plan, entries, staging)
    progress(f"typesetting {', '.join(plan.request.formats)} with the "
             f"{plan.engine_used} engine")
    from report import engines

    with timeline.stage("engine"):
        written = engines.render_book(staging, engine_out, list(plan.request.formats),
                                      plan.request.engine, plan.meta, timeline)
    for fmt in plan.request.formats:
        path = Path(written.get(fmt, engine_out / f"csr.{fmt}"))
        if not path.is_file():
            raise BuildError(f"the {plan.engine_used} engine wrote no {fmt} output")
        if path.name != f"csr.{fmt}":
            shutil.copyfile(path, engine_out / f"csr.{fmt}")
    return sorted(engine_out.iterdir())


def _copy_document(path: Path, dest: Path) -> None:
    if path.is_dir():
        shutil.copytree(path, dest / path.name)
    else:
        shutil.copyfile(path, dest / path.name)


def assemble(root: Path, plan: Plan, out: Path, *, use_cache: bool = True,
             progress: Progress = print_progress,
             timeline: timing.Timeline = timing.OFF) -> tuple[list[str], list[str]]:
    """Build the complete version of ``plan`` into the empty folder ``out``.

    Returns (executed chapters, cached chapters). Raises
    :class:`report.execute.NotebookExecutionError` or :class:`BuildError`;
    ``out`` is then incomplete and the caller discards it.
    Temporary work (staging, the engine's folders) is under ``_build/tmp``
    (:mod:`report.scratch`) and removed on return. ``timeline`` receives the stages
    ``assemble``, ``execute``, ``notebook`` (per executed notebook), ``notebooks`` and
    ``engine`` (:mod:`report.timing`).
    """
    with timeline.stage("assemble"):
        return _assemble(Path(root), plan, out, use_cache, progress, timeline)


def _assemble(root: Path, plan: Plan, out: Path, use_cache: bool, progress: Progress,
              timeline: timing.Timeline) -> tuple[list[str], list[str]]:
    progress(f"snapshot {plan.snapshot.snapshot_id} verified "
             f"(manifest {plan.snapshot.manifest_sha256[:12]})")
    with timeline.stage("execute"):
        result = execute_all(root, plan.jobs, workers=plan.request.workers,
                             progress=progress, use_cache=use_cache)
    for chapter, seconds in result.seconds.items():
        timeline.add("notebook", seconds, chapter=chapter)
    timeline.add("notebooks", notebooks=len(plan.jobs),
                 cached=len(plan.jobs) - len(result.executed))
    work = None
    try:
        formats = list(plan.request.formats)
        cached = (cache.render_entry(root, plan.fingerprint, formats, report=progress)
                  if use_cache else None)
        if cached is not None:
            progress(f"typeset documents cached ({', '.join(formats)})")
            documents = sorted(p for p in cached.iterdir() if p.name != cache.RECORD_FILE)
        else:
            work = scratch.make(root, f"typeset-{plan.version}")
            documents = typeset_book(root, plan, result.entries, progress, work, timeline)
            if use_cache:
                cache.store_render(root, plan.fingerprint, documents)
        for path in documents:
            _copy_document(path, out)
        collect_outputs(plan, result.entries, out)
        if (out / "tlf").is_dir():  # the submission TLF package the chapters wrote
            tlf_index.stamp_version(out / "tlf", plan.version)
            tlf_index.write_index(out / "tlf")
        write_placeholders(root, out, progress)
        record = provenance.build_record(
            version=plan.version, snapshot=plan.snapshot.record(plan.request.snapshot_root),
            parameters=plan.parameters, formats=list(plan.request.formats),
            engine={"requested": plan.request.engine, "used": plan.engine_used},
            inputs=plan.inputs, root=root, published=out)
        provenance.write(record, out)
    finally:
        scratch.remove(work)
        result.discard_uncached()
    return result.executed, [j.chapter for j in plan.jobs if j.chapter not in result.executed]


def write_placeholders(root: Path, out: Path, progress: Progress) -> list:
    """Print the open ``[Writer: ...]`` placeholders of the writer files (file and line) and
    record them in the version (``placeholders.json``, :mod:`report.writer_text`)."""
    from report import writer_text

    found = writer_text.open_placeholders(root)
    if found:
        progress(f"{len(found)} open writer placeholder(s) ({writer_text.WRITER_DIR.as_posix()}/):")
        for p in found:
            progress(f"  {p}")
    else:
        progress("no open writer placeholder")
    (out / writer_text.PLACEHOLDERS_FILE).write_text(writer_text.placeholders_record(found),
                                                     encoding="utf-8")
    return found


def render(root: Path | None = None, request: RenderRequest | None = None,
           progress: Progress = print_progress,
           timeline: timing.Timeline = timing.OFF) -> RenderResult:
    """Render ``request`` into ``report/<version>/`` (see README, "Render").

    Refuses a tampered snapshot; executes only notebooks without a cache
    entry; publishes atomically; re-rendering a published version is a no-op
    with the same inputs and refused with different ones. ``timeline`` receives the
    build's timing events (:mod:`report.timing`).
    """
    root = Path(root or PROJECT_ROOT).resolve()
    request = request or RenderRequest()
    version = check_names(request)
    for name in scratch.clean_stale(root):
        progress(f"removed {(scratch.SCRATCH_DIR / name).as_posix()}, left by a build that "
                 "no longer runs")
    with publish.version_lock(root, version):
        plan = make_plan(root, request, timeline)
        if publish.check_immutable(root, version, plan.fingerprint, plan.inputs):
            progress(f"report/{version}/ is already published from the same inputs: "
                     "nothing to do")
            return RenderResult(version, publish.version_dir(root, version), "unchanged",
                                cached=[j.chapter for j in plan.jobs])
        tmp = publish.temp_version_dir(root, version)
        try:
            executed, cached = assemble(root, plan, tmp, progress=progress,
                                        timeline=timeline)
            with timeline.stage("move"):
                dest = publish.move_into_place(tmp, root, version)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    progress(f"published report/{version}/ ({', '.join(sorted(p.name for p in dest.iterdir()))})")
    return RenderResult(version, dest, "published", executed, cached)


def main_render(root: Path, request: RenderRequest) -> int:
    """CLI wrapper: 0 on success, 1 with the message on a build error."""
    from report.engine_error import EngineError
    from report.execute import NotebookExecutionError

    try:
        render(root, request)
    except (BuildError, publish.PublishError, NotebookExecutionError, EngineError) as exc:
        print(f"render failed, nothing published:\n{exc}", file=sys.stderr)
        return 1
    return 0
