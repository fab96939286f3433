"""Command line of the data contract: ``python -m data_contract <command>``.

Commands (``nox -s snapshot -- <command> ...`` passes them on):

- ``freeze SRC --id ID --cutoff YYYY-MM-DD [--description TEXT] [--simulated] [--root DIR]``
- ``validate SRC [--cutoff YYYY-MM-DD]``
- ``verify ID [--root DIR]`` (files against the manifest, the manifest against the
  snapshot ledger ``<root>/LEDGER.jsonl``)
- ``cut ID --cutoff YYYY-MM-DD --id NEW [--root DIR]``
- ``simulate --id ID [--seed S] [--n N] [--cutoff YYYY-MM-DD] [--root DIR]``

Exit codes: 0 success, 1 invalid data or a refused operation (the full report
or reason on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from datetime import date
from pathlib import Path

from data_contract import ledger
from data_contract.readers import ReaderError, SourceFolderWarning, read_source
from data_contract.snapshot import SNAPSHOT_ROOT, SnapshotError, cut, freeze, verify
from data_contract.validate import validate

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

    v = sub.add_parser("validate", help="print the validation report; writes nothing")
    v.add_argument("src", type=Path)
    v.add_argument("--cutoff", type=_date, default=None)
    v.add_argument("--profile", choices=("auto", "full", "core"), default="auto")

    r = sub.add_parser("verify", help="recompute a snapshot's hashes")
    r.add_argument("snapshot_id")
    r.add_argument("--root", type=Path, default=None)

    c = sub.add_parser("cut", help="an interim snapshot of a later one at an earlier cut-off")
    c.add_argument("source_id")
    c.add_argument("--cutoff", required=True, type=_date)
    c.add_argument("--id", required=True, dest="new_id")
    c.add_argument("--root", type=Path, default=None)

    s = sub.add_parser("simulate", help="simulate the trial and freeze the result")
    s.add_argument("--id", required=True, dest="snapshot_id")
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--n", type=int, default=None)
    s.add_argument("--cutoff", type=_date, default=None)
    s.add_argument("--root", type=Path, default=None)
    return p


def _fail(message: str) -> int:
    sys.stderr.write(message if message.endswith("\n") else message + "\n")
    return EXIT_INVALID


def cmd_freeze(a: argparse.Namespace) -> int:
    datasets = read_source(a.src)
    source = a.description or f"source folder {a.src.name}"
    path = freeze(datasets, a.snapshot_id, a.cutoff, source=source, simulated=a.simulated,
                  root=a.root, profile=a.profile)
    print(f"froze snapshot {a.snapshot_id} ({len(datasets)} datasets) in {path}")
    return EXIT_OK


def cmd_validate(a: argparse.Namespace) -> int:
    report = validate(read_source(a.src), cutoff=a.cutoff, profile=a.profile)
    if not report.ok:
        return _fail(report.format())
    print(report.format(), end="")
    return EXIT_OK


def cmd_verify(a: argparse.Namespace) -> int:
    manifest = verify(a.snapshot_id, root=a.root)   # files, then manifest against the ledger
    entry = ledger.entry_for(a.root or SNAPSHOT_ROOT, a.snapshot_id)
    print(f"snapshot {a.snapshot_id}: {len(manifest['datasets'])} files verified; the "
          f"manifest matches {entry.describe()}")
    return EXIT_OK


def cmd_cut(a: argparse.Namespace) -> int:
    path = cut(a.source_id, a.new_id, a.cutoff, root=a.root)
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
                  source=f"simulated by data_contract.simulator (seed {seed}, n {n})")
    print(f"froze simulated snapshot {a.snapshot_id} (cut-off {cutoff.isoformat()}, interim "
          f"cut-off {trial.interim_cutoff.isoformat()}) in {path}")
    return EXIT_OK


COMMANDS = {"freeze": cmd_freeze, "validate": cmd_validate, "verify": cmd_verify,
            "cut": cmd_cut, "simulate": cmd_simulate}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # exits 2 on a usage error
    with warnings.catch_warnings(record=True) as notes:
        warnings.simplefilter("always", SourceFolderWarning)
        try:
            return COMMANDS[args.command](args)
        except (SnapshotError, ReaderError, ledger.LedgerError) as exc:
            return _fail(str(exc))
        finally:
            for note in notes:   # files of a source folder that were not read
                if issubclass(note.category, SourceFolderWarning):
                    sys.stderr.write(f"note: {note.message}\n")
                else:
                    warnings.showwarning(note.message, note.category, note.filename,
                                         note.lineno)
