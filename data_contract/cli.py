"""Command line of the data contract: ``python -m data_contract <command>``.

Commands (``nox -s snapshot -- <command> ...`` passes them on):

- ``freeze SRC --id ID --cutoff YYYY-MM-DD [--description TEXT] [--simulated] [--root DIR]
  [--mapping FILE|none] [--drop COLUMN ...] [--report-dir DIR]``
- ``validate SRC [--cutoff YYYY-MM-DD] [--mapping FILE|none] [--drop COLUMN ...]
  [--report-dir DIR]``
- ``export ID --format dataset-json|ndjson|xpt DEST [--root DIR]``
- ``verify ID [--root DIR]`` (files against the manifest, the manifest against the
  snapshot ledger ``<root>/LEDGER.jsonl``)
- ``cut ID --cutoff YYYY-MM-DD --id NEW [--root DIR] [--supersede REASON]``
- ``simulate --id ID [--seed S] [--n N] [--cutoff YYYY-MM-DD] [--root DIR] [--supersede REASON]``

``freeze`` and ``validate`` print the validation summary (at most 60 lines:
per dataset, variable and rule the count, severity and first three examples)
and write the complete findings as ``findings.csv`` and ``index.html`` into
``_build/validation/<hash of the source>/`` (or ``--report-dir``), never into
data/snapshots. The mapping file defaults to the one study.yml names (none
until the sponsor's data arrive); ``--mapping none`` applies none.

Exit codes: 0 success, 1 invalid data or a refused operation (the summary or
reason on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from datetime import date
from pathlib import Path

from data_contract import ledger, runtime
from data_contract.codelists import CodelistError
from data_contract.mapping import MappingError, MappingFile, load_mapping
from data_contract.readers import ReaderError, SourceFolderWarning, read_source, source_files
from data_contract.snapshot import (
    SNAPSHOT_ROOT,
    SnapshotError,
    cut,
    freeze,
    freeze_delivery,
    prepare,
    verify,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data_contract",
                                description="Validate, freeze, verify and cut data snapshots.")
    sub = p.add_subparsers(dest="command", required=True)

    f = sub.add_parser("freeze", help="validate a source folder and freeze it as a snapshot")
    f.add_argument("src", type=Path, help="folder of .csv/.parquet/.xpt/.sas7bdat datasets")
    f.add_argument("--id", required=True, dest="snapshot_id")
    f.add_argument("--cutoff", required=True, type=_date)
    f.add_argument("--description", default=None, help="description of the source")
    f.add_argument("--simulated", action="store_true", help="the data are simulated")
    f.add_argument("--profile", choices=("auto", "full", "core"), default="auto")
    f.add_argument("--root", type=Path, default=None)
    _delivery_options(f)

    v = sub.add_parser("validate", help="print the validation summary and write the full "
                                        "report; writes no snapshot")
    v.add_argument("src", type=Path)
    v.add_argument("--cutoff", type=_date, default=None)
    v.add_argument("--profile", choices=("auto", "full", "core"), default="auto")
    _delivery_options(v)

    e = sub.add_parser("export", help="write a snapshot out as Dataset-JSON or SAS transport")
    e.add_argument("snapshot_id")
    e.add_argument("dest", type=Path, help="a new (or empty) folder")
    e.add_argument("--format", required=True, dest="fmt",
                   choices=("dataset-json", "ndjson", "xpt"))
    e.add_argument("--root", type=Path, default=None)

    r = sub.add_parser("verify", help="recompute a snapshot's hashes")
    r.add_argument("snapshot_id")
    r.add_argument("--root", type=Path, default=None)

    c = sub.add_parser("cut", help="an interim snapshot of a later one at an earlier cut-off")
    c.add_argument("source_id")
    c.add_argument("--cutoff", required=True, type=_date)
    c.add_argument("--id", required=True, dest="new_id")
    c.add_argument("--root", type=Path, default=None)
    c.add_argument("--supersede", metavar="REASON", default=None,
                   help="deliberately re-freeze an existing id (recorded in the ledger)")

    s = sub.add_parser("simulate", help="simulate the trial and freeze the result")
    s.add_argument("--id", required=True, dest="snapshot_id")
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--n", type=int, default=None)
    s.add_argument("--cutoff", type=_date, default=None)
    s.add_argument("--root", type=Path, default=None)
    s.add_argument("--supersede", metavar="REASON", default=None,
                   help="deliberately re-freeze an existing id (recorded in the ledger)")
    return p


def _delivery_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mapping", default=None,
                   help="mapping file of the delivery (default: the one study.yml names; "
                        "'none': no mapping)")
    p.add_argument("--drop", action="append", default=[], metavar="COLUMN",
                   help="drop COLUMN (or DATASET.COLUMN) at freeze, e.g. a direct "
                        "identifier such as BRTHDTC; recorded in the manifest (repeatable)")
    p.add_argument("--report-dir", type=Path, default=None,
                   help="folder of the full validation report (default "
                        "_build/validation/<hash of the source>/)")


def _fail(message: str) -> int:
    sys.stderr.write(message if message.endswith("\n") else message + "\n")
    return EXIT_INVALID


def _mapping(option: str | None) -> MappingFile | None:
    """The mapping file to apply: ``--mapping`` (``none``: no mapping), else study.yml's."""
    if option is not None:
        return None if option.lower() == "none" else load_mapping(option)
    from data_contract.study import contract_config

    configured = contract_config().mapping
    return load_mapping(configured) if configured else None


def _prepare(a: argparse.Namespace):
    """Read, drop, map and validate the source; write the full report. Returns the
    delivery and the summary text."""
    from data_contract.validation_report import (
        VALIDATION_ROOT,
        console_summary,
        source_hash,
        write_full_report,
    )

    mapping = _mapping(a.mapping)
    delivery = prepare(read_source(a.src), a.cutoff, profile=a.profile, mapping=mapping,
                       drop=a.drop)
    folder = a.report_dir or VALIDATION_ROOT / source_hash(
        source_files(a.src), [mapping.sha256] if mapping else [])
    context = [("Source", f"folder {a.src.name}: "
                          + ", ".join(p.name for p in source_files(a.src))),
               ("Mapping", f"{mapping.name} (SHA-256 {mapping.sha256})" if mapping else "none"),
               ("Dropped", "; ".join(f"{n}: {', '.join(c)}" for n, c in delivery.dropped.items())
                or "none"),
               ("Profile asked", a.profile)]
    write_full_report(delivery.report, folder, title=f"source folder {a.src.name}",
                      context=context)
    try:
        shown = folder.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        shown = str(folder)
    summary = console_summary(delivery.report,
                              full_report=f"{shown}/index.html (and findings.csv)")
    return delivery, summary


def cmd_freeze(a: argparse.Namespace) -> int:
    delivery, summary = _prepare(a)
    if not delivery.report.ok:
        return _fail(summary)
    source = a.description or f"source folder {a.src.name}"
    path = freeze_delivery(delivery, a.snapshot_id, a.cutoff, source=source,
                           simulated=a.simulated, root=a.root)
    print(summary, end="")
    print(f"froze snapshot {a.snapshot_id} ({len(delivery.report.datasets)} datasets) in {path}")
    return EXIT_OK


def cmd_validate(a: argparse.Namespace) -> int:
    delivery, summary = _prepare(a)
    if not delivery.report.ok:
        return _fail(summary)
    print(summary, end="")
    return EXIT_OK


def cmd_export(a: argparse.Namespace) -> int:
    from data_contract.export import export_snapshot

    files = export_snapshot(a.snapshot_id, a.dest, a.fmt, root=a.root)
    print(f"exported snapshot {a.snapshot_id} as {a.fmt}: {len(files)} file(s) in {a.dest}")
    return EXIT_OK


def cmd_verify(a: argparse.Namespace) -> int:
    manifest = verify(a.snapshot_id, root=a.root)   # files, then manifest against the ledger
    entry = ledger.entry_for(a.root or SNAPSHOT_ROOT, a.snapshot_id)
    print(f"snapshot {a.snapshot_id}: {len(manifest['datasets'])} files verified; the "
          f"manifest matches {entry.describe()}")
    return EXIT_OK


def cmd_cut(a: argparse.Namespace) -> int:
    path = cut(a.source_id, a.new_id, a.cutoff, root=a.root, supersede=a.supersede)
    print(f"cut snapshot {a.source_id} at {a.cutoff.isoformat()} into {a.new_id} ({path})")
    return EXIT_OK


def cmd_simulate(a: argparse.Namespace) -> int:
    from data_contract.simulator import simulate_trial  # written separately; import lazily

    kwargs = {k: v for k, v in (("n", a.n), ("seed", a.seed)) if v is not None}
    trial = simulate_trial(**kwargs)
    cutoff = a.cutoff or trial.final_cutoff
    datasets = trial.datasets
    if a.cutoff is not None and a.cutoff < trial.final_cutoff:
        from data_contract.cutoff import apply_cutoff

        datasets = apply_cutoff(datasets, a.cutoff)
    seed = kwargs.get("seed", getattr(trial, "seed", "default"))
    n = kwargs.get("n", getattr(trial, "n", "default"))
    path = freeze(datasets, a.snapshot_id, cutoff, simulated=True, root=a.root,
                  source=f"simulated by data_contract.simulator (seed {seed}, n {n})",
                  supersede=a.supersede)
    print(f"froze simulated snapshot {a.snapshot_id} (cut-off {cutoff.isoformat()}, interim "
          f"cut-off {trial.interim_cutoff.isoformat()}) in {path}")
    return EXIT_OK


COMMANDS = {"freeze": cmd_freeze, "validate": cmd_validate, "export": cmd_export,
            "verify": cmd_verify, "cut": cmd_cut, "simulate": cmd_simulate}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # exits 2 on a usage error
    runtime.configure()
    with warnings.catch_warnings(record=True) as notes:
        warnings.simplefilter("always", SourceFolderWarning)
        try:
            return COMMANDS[args.command](args)
        except (SnapshotError, ReaderError, ledger.LedgerError, MappingError,
                CodelistError) as exc:
            return _fail(str(exc))
        finally:
            said = set()
            for note in notes:   # files of a source folder that were not read, once each
                if issubclass(note.category, SourceFolderWarning):
                    if str(note.message) not in said:
                        said.add(str(note.message))
                        sys.stderr.write(f"note: {note.message}\n")
                else:
                    warnings.showwarning(note.message, note.category, note.filename,
                                         note.lineno)
