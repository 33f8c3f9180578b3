"""`ingest run`: many files converted in parallel, each result written atomically."""

from __future__ import annotations

import ctypes
import hashlib
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ErrorCode
from ingest.models import ErrorInfo, Report, SourceInfo
from ingest.output import JsonWriter, fit_name, write_report
from ingest.pipeline import convert_file
from ingest.readers import SCAN_FORMATS, import_readers, likely_formats
from ingest.scan.process import prepare_process
from ingest.settings import Settings

_PR_SET_PDEATHSIG = 1  # prctl(2)


@dataclass(frozen=True)
class FileOutcome:
    source: Path
    output: Path
    error_code: str | None
    # Set when the result could not be written: why.
    write_error: str | None = None


def collect_inputs(inputs: Iterable[Path]) -> dict[Path, str]:
    """Files named, and every file below folders named (skipping hidden ones), each with the name its
    result gives as `source.file`: the path relative to the folder named, or the file's path as given."""
    found: dict[Path, str] = {}
    for item in inputs:
        if item.is_dir():
            for p in sorted(item.rglob("*")):
                relative = p.relative_to(item)
                if p.is_file() and not any(part.startswith(".") for part in relative.parts):
                    found.setdefault(p, relative.as_posix())
        else:
            found.setdefault(item, str(item))
    return found


def output_names(files: list[Path]) -> dict[Path, str]:
    """`<name without extension>.json`, made unique where two inputs share a name."""
    # Without leading dots: a hidden result would be skipped by export, stats and the review queue.
    stems = {f: fit_name(f.stem.lstrip(".")) or "unnamed" for f in files}
    counts = Counter(stems.values())
    names = {}
    for f in files:
        if counts[stems[f]] == 1:
            names[f] = f"{stems[f]}.json"
        else:
            tag = hashlib.sha256(str(f.resolve()).encode()).hexdigest()[:8]
            names[f] = f"{stems[f]}.{fit_name(f.suffix.lstrip('.'), 16) or 'noext'}.{tag}.json"
    return names


def convert_report(path: Path, settings: Settings, name: str | None = None) -> Report:
    """Convert one file (`source.file`: `name`, by default the file's name); an unexpected fault becomes
    an error report."""
    name = name or path.name
    try:
        return convert_file(path, settings, name)
    except Exception as exc:  # one file's bug must not stop the run
        return Report(
            source=SourceInfo(name, "", None),
            error=ErrorInfo(ErrorCode.INTERNAL_ERROR, f"{name}: {type(exc).__name__}: {exc}"),
        )


def convert_to(
    path: Path, output: Path, settings: Settings, name: str | None = None, write_json: JsonWriter | None = None
) -> FileOutcome:
    """Convert one file and write its JSON (through `write_json` when given)."""
    return _written(convert_report(path, settings, name), path, output, write_json)


def _written(report: Report, path: Path, output: Path, write_json: JsonWriter | None = None) -> FileOutcome:
    """Write the result; a folder that refuses it (full, read-only) is that file's failure, not the run's."""
    try:
        write_report(report, output, write_json)
    except OSError as exc:
        # No error JSON then: the folder is full, read-only or gone.
        reason = f"{output}: cannot write the result: {exc.strerror or exc}"
        return FileOutcome(path, output, ErrorCode.WRITE_FAILED, reason)
    return FileOutcome(path, output, report.error.code if report.error else None)


def _crashed(path: Path, output: Path, name: str) -> FileOutcome:
    report = Report(
        source=SourceInfo(name, "", None),
        error=ErrorInfo(ErrorCode.WORKER_CRASHED, f"{name}: the process converting it died"),
    )
    return _written(report, path, output)


def end_with_parent(parent: int) -> None:
    """In a child process: get SIGTERM when the process `parent` ends, even when it is killed.

    Linux's parent-death signal; elsewhere nothing changes.
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it ended before the signal was asked for
        os._exit(1)


def run_files(
    files: dict[Path, str],
    out_dir: Path,
    settings: Settings,
    progress: Callable[[FileOutcome], None] | None = None,
    write_json: JsonWriter | None = None,
) -> list[FileOutcome]:
    """Convert files on `settings.workers` processes; a crashed worker costs one file only.

    `write_json` (picklable: it runs in the worker processes) writes each result's JSON.
    """
    names = output_names(list(files))
    outcomes: list[FileOutcome] = []

    def done(outcome: FileOutcome) -> None:
        outcomes.append(outcome)
        if progress:
            progress(outcome)

    # Largest first: a large file started last would run alone at the end while the other
    # processes sit idle.
    pending = sorted(files, key=_size, reverse=True)
    workers = max(1, min(settings.workers, len(files) or 1))
    # The worker processes are forked from this one: they inherit the set-up and the models.
    formats = likely_formats(f.name for f in files)
    import_readers(formats)
    prepare_process(settings, load_ocr=bool(formats & SCAN_FORMATS))
    while pending:
        retry: list[Path] = []
        with ProcessPoolExecutor(max_workers=workers, initializer=end_with_parent, initargs=(os.getpid(),)) as pool:
            futures: dict[Future[FileOutcome], Path] = {
                pool.submit(convert_to, f, out_dir / names[f], settings, files[f], write_json): f
                for f in pending
            }
            for fut, path in futures.items():
                try:
                    done(fut.result())
                except BrokenProcessPool:
                    retry.append(path)
        if retry and workers == 1 and len(retry) == len(pending):
            # Alone in its own process and still crashing: that file is the cause.
            done(_crashed(retry[0], out_dir / names[retry[0]], files[retry[0]]))
            retry = retry[1:]
        pending, workers = retry, 1
    return outcomes


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone or unreadable: its conversion says so
        return 0


def progress_printer(total: int) -> Callable[[FileOutcome], None]:
    """A one-line progress display on a terminal; silent otherwise."""
    count = 0

    def show(outcome: FileOutcome) -> None:
        nonlocal count
        count += 1
        if sys.stderr.isatty():
            mark = "ok" if outcome.error_code is None else outcome.error_code
            sys.stderr.write(f"\r[{count}/{total}] {outcome.source.name[:50]:50} {mark:24}")
            if count == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return show
