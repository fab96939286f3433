"""``python -m submission VERSION [--check]`` (``nox -s submission -- ...``): build the
submission package of a published version, or check it (README, "Submission package")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from report import build as report_build
from submission import package


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m submission", description=__doc__)
    p.add_argument("version", help="a published report version (report/<version>/)")
    p.add_argument("--check", action="store_true",
                   help="check the published package (schemas, hashes, PDF) instead of "
                        "building it")
    p.add_argument("--root", help="project root (default: the current checkout)")
    args = p.parse_args(argv)
    cwd = Path.cwd()
    root = Path(args.root).resolve() if args.root else (
        cwd if (cwd / "_quarto.yml").is_file() else report_build.PROJECT_ROOT)
    if args.check:
        failures = package.check(root, args.version)
        for line in failures:
            print(f"FAIL {line}", file=sys.stderr)
        if failures:
            print(f"{len(failures)} failures in the submission package of {args.version}",
                  file=sys.stderr)
            return 1
        print(f"submission package of {args.version}: every check passed")
        return 0
    try:
        result = package.build(root, args.version)
    except package.SubmissionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rel = result.path.relative_to(root).as_posix()
    if result.status == "unchanged":
        print(f"{rel}/ is already published and a rebuild is byte-identical: nothing to do")
    else:
        print(f"published {rel}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
