"""``python -m report render|verify|diff|text``: the report build commands (see README)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import runtime
from report import build


def _root(arg: str | None) -> Path:
    """The project root: ``--root``, else the working directory if it holds _quarto.yml,
    else the checkout this package lives in."""
    if arg:
        return Path(arg).resolve()
    cwd = Path.cwd()
    return cwd if (cwd / "_quarto.yml").is_file() else build.PROJECT_ROOT


def _formats(text: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in text.split(",") if f.strip())


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m report", description=__doc__)
    p.add_argument("--root", help="project root (default: the current checkout)")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("render", help="build the CSR into report/<version>/")
    r.add_argument("--snapshot", default=build.DEFAULT_SNAPSHOT,
                   help=f"snapshot id under data/snapshots (default {build.DEFAULT_SNAPSHOT})")
    r.add_argument("--version", help="report version (default: the snapshot id)")
    r.add_argument("--to", default=",".join(build.FORMATS), type=_formats,
                   help="comma-separated formats: html,pdf,docx (default all)")
    r.add_argument("--engine", default="auto", choices=["auto", "quarto", "builtin"])
    r.add_argument("--snapshot-root", default=build.DEFAULT_SNAPSHOT_ROOT,
                   help="folder of the snapshots, relative to the project root")
    r.add_argument("--workers", type=int, default=None,
                   help="parallel notebook processes (default: one per CPU)")

    v = sub.add_parser("verify", help="rebuild a published version and compare it")
    v.add_argument("version")
    v.add_argument("--use-cache", action="store_true",
                   help="reuse cached notebook executions (default: execute every notebook)")
    v.add_argument("--workers", type=int, default=None)

    d = sub.add_parser("diff", help="what changed between two versions: text, ARD rows and a "
                                    "redlined DOCX")
    d.add_argument("old")
    d.add_argument("new")
    d.add_argument("--out", help="HTML report path (default report/diff-<old>-vs-<new>.html); "
                                 "the redline-<old>-to-<new>.docx is written beside it")

    t = sub.add_parser("text", help="preview the CSR text (text/) without executing notebooks")
    t.add_argument("--version", help="take the ARDs of report/<version>/ (default: the "
                                     "version built last)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    runtime.configure()
    root = _root(args.root)
    if args.command == "render":
        request = build.RenderRequest(
            snapshot_id=args.snapshot, version=args.version, formats=args.to,
            engine=args.engine, snapshot_root=args.snapshot_root, workers=args.workers)
        return build.main_render(root, request)
    if args.command == "verify":
        from report import verify

        return verify.main(root, args.version, use_cache=args.use_cache, workers=args.workers)
    if args.command == "text":
        from report import text_preview

        return text_preview.main(root, args.version)
    from report import diff

    return diff.main(root, args.old, args.new, args.out)


if __name__ == "__main__":
    sys.exit(main())
