"""Part 4 of the submission package: a reviewer's guide skeleton in the shape of the PHUSE
Analysis Data Reviewer's Guide (ADRG), ``adrg.md`` and ``adrg.html`` in ``ctx.datasets_dir``.

Every generated section comes from a source of the version, nothing is written here:

- protocol facts: the title-page metadata ``provenance.json`` records (``inputs.meta``),
  the STUDYID of study.yml;
- datasets: the snapshot's manifest (rows, variables) and the data contract's
  specifications (label, keys, the ``description`` that states one row per what);
- derivations: the first paragraph of each ``analysis/derive/`` module's docstring at the
  version's commit (each cites its SAP section);
- data conformance: the validation summary the manifest holds;
- software: the tool versions in ``provenance.json``, the pins of ``requirements.lock``;
- how to rebuild: README's install command, then the version's render command (its
  snapshot, formats and engine from ``provenance.json``) and this package's command.

What only a person can write is a visible ``[Writer: ...]`` placeholder, as in the CSR's
writer files (:mod:`report.writer_text`). Jinja2 fills ``templates/adrg.md.j2``; pandoc
(pypandoc-binary, as the CSR engines) makes the HTML. No PDF: the CSR's typst template is
the CSR's own (title page, display bookmarks), and a second typst template only for this
skeleton was left for when the guide has its writer text.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import jinja2

from data_contract.snapshot import SnapshotError
from data_contract.specs import DATASETS
from report.writer_text import PLACEHOLDER
from submission import datasets, programs
from submission.context import SubmissionContext

TEMPLATES = Path(__file__).parent / "templates"
MARKDOWN, HTML = "adrg.md", "adrg.html"
DERIVE = "analysis/derive"
INSTALL = "python -m pip install nox"


def _cell(value: object) -> str:
    """Text safe in one Markdown pipe-table cell."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _derivations(ctx: SubmissionContext, sha: str) -> list[dict[str, str]]:
    out = []
    modules = [rel for rel in programs.tracked_files(ctx, sha) if rel.startswith(DERIVE + "/")
               and rel.endswith(".py") and not rel.endswith("__init__.py")]
    for rel, data in programs.blobs(ctx, sha, modules).items():
        source = data.decode("utf-8")
        doc = ast.get_docstring(ast.parse(source)) or ""
        summary = doc.split("\n\n")[0]
        out.append({"module": rel, "summary": summary or "(no docstring)"})
    return out


def _datasets(ctx: SubmissionContext) -> list[dict[str, object]]:
    manifest = json.loads((ctx.snapshot_dir / "manifest.json").read_text(encoding="utf-8"))
    rows = []
    for name in DATASETS:   # the contract's order
        entry = manifest["datasets"].get(name)
        if entry is None:
            continue
        spec = DATASETS[name]
        keys = [k for k in spec.keys if k in entry["columns"]]
        rows.append({"name": name, "label": spec.label, "rows": entry["rows"],
                     "variables": len(entry["columns"]), "key_variables": ", ".join(keys),
                     "structure": spec.description})
    return rows


def _rebuild(ctx: SubmissionContext, sha: str) -> list[str]:
    prov = ctx.provenance
    snap = prov["snapshot"]
    render = (f"nox -s render -- --snapshot {snap['id']} --version {ctx.version} "
              f"--to {','.join(prov['formats'])} --engine {prov['engine']['requested']}")
    return [f"git checkout {sha}", INSTALL, render, f"nox -s submission -- {ctx.version}"]


def markdown(ctx: SubmissionContext) -> str:
    """The guide as Markdown (the same version gives the same text)."""
    prov = ctx.provenance
    sha = programs.commit(ctx)
    tools = prov["tools"]
    manifest = json.loads((ctx.snapshot_dir / "manifest.json").read_text(encoding="utf-8"))
    lock = programs.blobs(ctx, sha, ["requirements.lock"])["requirements.lock"].decode("utf-8")
    pins = [ln for ln in lock.splitlines() if "==" in ln and not ln.lstrip().startswith("#")]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             undefined=jinja2.StrictUndefined, autoescape=False,
                             keep_trailing_newline=True)
    env.filters["cell"] = _cell
    return env.get_template("adrg.md.j2").render(
        meta=prov["inputs"]["meta"], version=ctx.version, study_id=ctx.study_id,
        simulated=bool(prov["snapshot"].get("simulated")), source=manifest.get("source", ""),
        snapshot_id=ctx.snapshot_id, cutoff=prov["snapshot"].get("cutoff"),
        frozen_at=datasets.created_at(ctx), commit=sha,
        datasets=_datasets(ctx), derivations=_derivations(ctx, sha),
        validation=manifest["validation"], tools=tools,
        tools_other=[(k, tools[k]) for k in ("pandoc", "typst", "quarto") if tools.get(k)],
        packages=sorted(tools.get("packages", {}).items()),
        lock_pins=len(pins), lock_sha256=prov.get("lock_sha256", ""),
        rebuild=_rebuild(ctx, sha))


def html(text: str, title: str) -> str:
    import pypandoc

    return pypandoc.convert_text(text, "html", format="markdown",
                                 extra_args=["--standalone", "-M", f"pagetitle={title}",
                                             "-V", "maxwidth=60em"])


def write(ctx: SubmissionContext) -> list[Path]:
    text = markdown(ctx)
    folder = ctx.datasets_dir   # (each access of a context folder reads study.yml)
    folder.mkdir(parents=True, exist_ok=True)
    md, out = folder / MARKDOWN, folder / HTML
    md.write_text(text, encoding="utf-8")
    out.write_text(html(text, f"ADRG {ctx.version}"), encoding="utf-8")
    return [md, out]


def open_placeholders(ctx: SubmissionContext) -> list[str]:
    """The ``[Writer: ...]`` placeholders still in the guide (listed, not failures)."""
    path = ctx.datasets_dir / MARKDOWN
    text = " ".join(path.read_text(encoding="utf-8").split()) if path.is_file() else ""
    return PLACEHOLDER.findall(text)


def check(ctx: SubmissionContext) -> list[str]:
    out = []
    folder = ctx.datasets_dir
    md, page = folder / MARKDOWN, folder / HTML
    for path in (md, page):
        if not path.is_file():
            out.append(f"{path.relative_to(ctx.out).as_posix()}: missing")
    if out:
        return out
    text = md.read_text(encoding="utf-8")
    rel_md, rel_html = (p.relative_to(ctx.out).as_posix() for p in (md, page))
    try:
        if text != markdown(ctx):
            out.append(f"{rel_md}: differs from the guide the version's sources give")
    except (programs.ProgramsError, SnapshotError, KeyError, OSError) as exc:
        out.append(f"{rel_md}: cannot be regenerated ({exc})")
    shown = page.read_text(encoding="utf-8")
    if ctx.provenance["snapshot"].get("simulated") and shown.count("SIMULATED DATA") < 2:
        out.append(f"{rel_html}: built from simulated data but does not say SIMULATED DATA "
                   "at its top and foot")
    for d in DATASETS:
        if (folder / f"{d.lower()}.xpt").is_file() and f"<td>{d}</td>" not in shown:
            out.append(f"{rel_html}: dataset {d} is not in its datasets table")
    return out
