"""Government information-disclosure annual reports to JSON: `ingest run` converts files on this
machine; export, stats and audit make a dataset of the results and its findings; worker, watch,
enqueue, serve and failed run the conversion as a service (Redis and RQ workers)."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from ingest import __version__
from ingest.export import Result, add_export_command, read_results
from ingest.findings.audit import add_audit_command
from ingest.logs import add_logging_options, setup_logging
from ingest.names import escaped
from ingest.output import JsonWriter
from ingest.runner import collect_inputs, progress_printer, run_files
from ingest.settings import load_settings
from ingest.stats import add_stats_command


def _run(args: argparse.Namespace) -> int:
    overrides: dict[str, object] = {}
    if args.jobs is not None:
        overrides["workers"] = args.jobs
    settings = load_settings(**overrides)
    files = collect_inputs(Path(p) for p in args.inputs)
    missing = [p for p in args.inputs if not Path(p).exists()]
    for p in missing:
        print(f"ingest: {escaped(p)}: no such file or folder", file=sys.stderr)
    files = {f: name for f, name in files.items() if f.exists()}
    try:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"ingest: {args.out}: cannot create the output folder: {exc.strerror or exc}", file=sys.stderr)
        return 2
    started = time.monotonic()
    writer = _reviewed_writer(Path(args.out))
    outcomes = run_files(files, Path(args.out), settings, progress_printer(len(files)), writer)
    failed = [o for o in outcomes if o.error_code]
    codes = Counter(o.error_code for o in failed)
    summary = ", ".join(f"{n} {code}" for code, n in codes.most_common())
    print(
        f"{len(outcomes) - len(failed)} converted, {len(failed)} failed"
        + (f" ({summary})" if summary else "")
        + f" in {time.monotonic() - started:.1f}s -> {args.out}"
    )
    for o in failed:
        print(f"  {escaped(str(o.source))}: {o.error_code} ({escaped(o.write_error or f'see {o.output}')})",
              file=sys.stderr)
    return 1 if failed or missing else 0


def _reviewed_writer(out: Path) -> JsonWriter | None:
    """In a folder the service reviews, results are written with reviewers' decisions applied again."""
    if not (out / "index.sqlite").is_file():
        return None
    # No Redis or web framework: only the decisions' database.
    from workers.corrections import ReviewedWriter
    from workers.db import default_url

    return ReviewedWriter(default_url(out), load_settings().layouts_dir)


def _command_results(command: str, args: argparse.Namespace) -> list[Result] | None:
    """The results `ingest export|stats` read: a folder's JSON files, or (--db) the service's database.

    None (after saying why) when there are none to read.
    """
    if args.out_dir:
        if not Path(args.out_dir).is_dir():
            print(f"ingest {command}: {args.out_dir}: no such folder", file=sys.stderr)
            return None
        return read_results(Path(args.out_dir))
    # Imported here, as the service commands are: the service's database is the service's (SQLAlchemy, no Redis).
    from workers.commands import stored_results

    stored = stored_results(command, args.db)
    return None if stored is None else [Result(name, report) for name, report in stored]


def _service(args: argparse.Namespace) -> int:
    # Imported here: `ingest run` needs neither Redis, RQ nor FastAPI.
    from workers.commands import run_command

    return run_command(args)


def _add_service_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """worker, watch, enqueue, serve, failed: the RQ/Redis service (see workers/)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--redis-url", help="Redis address (default: $REDIS_URL or redis://127.0.0.1:6379/0)")
    common.add_argument("--queue", help="RQ queue name (default: $INGEST_QUEUE or ingest)")
    common.add_argument("--db", metavar="URL", help="the service's database: sqlite:///… or postgresql://… "
                        "(default: $INGEST_DB, else OUT/index.sqlite with inputs and results as files in OUT)")
    with_out = argparse.ArgumentParser(add_help=False, parents=[common])
    with_out.add_argument("--out", required=True, help="output folder: results, store and index.sqlite")
    # With a PostgreSQL --db the database keeps everything: these need no folder.
    maybe_out = argparse.ArgumentParser(add_help=False, parents=[common])
    maybe_out.add_argument("--out", help="output folder: results, store and index.sqlite (not needed with a "
                           "PostgreSQL --db)")

    worker = sub.add_parser("worker", parents=[common], help="run a pool of RQ workers (no folder needed with --db)")
    worker.add_argument("--processes", type=positive_int, help="worker processes (default: all cores)")
    watch = sub.add_parser("watch", parents=[with_out], help="convert files dropped into a folder")
    watch.add_argument("folder", help="folder to watch; files end in done/ or failed/ beside them")
    watch.add_argument("--settle", type=float, help="seconds a file must stay unchanged before it is read")
    enqueue = sub.add_parser("enqueue", parents=[maybe_out], help="store and enqueue files for conversion")
    enqueue.add_argument("files", nargs="+", metavar="INPUT", help="files or folders (searched recursively)")
    enqueue.add_argument("--force", action="store_true", help="convert again content already converted")
    serve = sub.add_parser("serve", parents=[maybe_out], help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; any other needs a token)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--token", help="bearer token (default: $INGEST_TOKEN); required off loopback")
    failed = sub.add_parser("failed", parents=[maybe_out], help="list or requeue the jobs RQ gave up on")
    failed.add_argument("action", choices=["list", "requeue"])
    failed.add_argument("job_ids", nargs="*", metavar="JOB_ID")
    failed.add_argument("--all", action="store_true", help="requeue every failed job")
    for parser in (worker, watch, enqueue, serve, failed):
        parser.set_defaults(handler=_service)


def positive_int(text: str) -> int:
    """An argument that must be a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ingest", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ingest {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="convert files and folders to one JSON per file")
    run.add_argument("inputs", nargs="+", help="files or folders (searched recursively)")
    run.add_argument("--out", required=True, help="folder for the JSON results")
    run.add_argument("--jobs", type=positive_int, help="worker processes (default: all cores)")
    run.set_defaults(handler=_run)
    add_export_command(sub, _command_results)
    add_stats_command(sub, _command_results)
    add_audit_command(sub)
    _add_service_commands(sub)
    for command in sub.choices.values():
        add_logging_options(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level, args.log_format)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
