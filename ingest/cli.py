"""Command line: `ingest run` (and the service commands as they land)."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from ingest.runner import collect_inputs, progress_printer, run_files
from ingest.settings import load_settings


def _run(args: argparse.Namespace) -> int:
    overrides: dict[str, object] = {}
    if args.jobs:
        overrides["workers"] = args.jobs
    settings = load_settings(**overrides)
    files = collect_inputs(Path(p) for p in args.inputs)
    missing = [p for p in args.inputs if not Path(p).exists()]
    for p in missing:
        print(f"ingest: {p}: no such file or folder", file=sys.stderr)
    files = [f for f in files if f.exists()]
    started = time.monotonic()
    outcomes = run_files(files, Path(args.out), settings, progress_printer(len(files)))
    failed = [o for o in outcomes if o.error_code]
    codes = Counter(o.error_code for o in failed)
    summary = ", ".join(f"{n} {code}" for code, n in codes.most_common())
    print(
        f"{len(outcomes) - len(failed)} converted, {len(failed)} failed"
        + (f" ({summary})" if summary else "")
        + f" in {time.monotonic() - started:.1f}s -> {args.out}"
    )
    for o in failed:
        print(f"  {o.source}: {o.error_code} (see {o.output})", file=sys.stderr)
    return 1 if failed or missing else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ingest", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="convert files and folders to one JSON per file")
    run.add_argument("inputs", nargs="+", help="files or folders (searched recursively)")
    run.add_argument("--out", required=True, help="folder for the JSON results")
    run.add_argument("--jobs", type=int, default=0, help="worker processes (default: all cores)")
    run.set_defaults(handler=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
