"""`ingest run`: many files converted in parallel, each result written atomically."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ingest.models import ErrorInfo, Report, SourceInfo
from ingest.output import JsonWriter, write_report
from ingest.pipeline import convert_file
from ingest.settings import Settings


@dataclass(frozen=True)
class FileOutcome:
    source: Path
    output: Path
    error_code: str | None


def collect_inputs(inputs: Iterable[Path]) -> list[Path]:
    """Files named, and every file below folders named, skipping hidden ones."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found.extend(
                p for p in sorted(item.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(item).parts)
            )
        else:
            found.append(item)
    return list(dict.fromkeys(found))


def output_names(files: list[Path]) -> dict[Path, str]:
    """`<name without extension>.json`, made unique where two inputs share a name."""
    stems: dict[str, int] = {}
    for f in files:
        stems[f.stem] = stems.get(f.stem, 0) + 1
    names = {}
    for f in files:
        if stems[f.stem] == 1:
            names[f] = f"{f.stem}.json"
        else:
            tag = hashlib.sha256(str(f.resolve()).encode()).hexdigest()[:8]
            names[f] = f"{f.stem}.{f.suffix.lstrip('.') or 'noext'}.{tag}.json"
    return names


def convert_report(path: Path, settings: Settings) -> Report:
    """Convert one file; an unexpected fault becomes an error report."""
    try:
        return convert_file(path, settings)
    except Exception as exc:  # one file's bug must not stop the run
        return Report(
            source=SourceInfo(path.name, "", None),
            error=ErrorInfo("internal_error", f"{path.name}: {type(exc).__name__}: {exc}"),
        )


def convert_to(path: Path, output: Path, settings: Settings, write_json: JsonWriter | None = None) -> FileOutcome:
    """Convert one file and write its JSON (through `write_json` when given)."""
    report = convert_report(path, settings)
    write_report(report, output, write_json)
    return FileOutcome(path, output, report.error.code if report.error else None)


def _crashed(path: Path, output: Path) -> FileOutcome:
    report = Report(
        source=SourceInfo(path.name, "", None),
        error=ErrorInfo("worker_crashed", f"{path.name}: the process converting it died"),
    )
    write_report(report, output)
    return FileOutcome(path, output, "worker_crashed")


def run_files(
    files: list[Path],
    out_dir: Path,
    settings: Settings,
    progress: Callable[[FileOutcome], None] | None = None,
    write_json: JsonWriter | None = None,
) -> list[FileOutcome]:
    """Convert files on `settings.workers` processes; a crashed worker costs one file only.

    `write_json` (picklable: it runs in the worker processes) writes each result's JSON.
    """
    names = output_names(files)
    outcomes: list[FileOutcome] = []

    def done(outcome: FileOutcome) -> None:
        outcomes.append(outcome)
        if progress:
            progress(outcome)

    pending = list(files)
    workers = max(1, min(settings.workers, len(files) or 1))
    while pending:
        retry: list[Path] = []
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures: dict[Future[FileOutcome], Path] = {
                pool.submit(convert_to, f, out_dir / names[f], settings, write_json): f for f in pending
            }
            for fut, path in futures.items():
                try:
                    done(fut.result())
                except BrokenProcessPool:
                    retry.append(path)
        if retry and workers == 1 and len(retry) == len(pending):
            # Alone in its own process and still crashing: that file is the cause.
            done(_crashed(retry[0], out_dir / names[retry[0]]))
            retry = retry[1:]
        pending, workers = retry, 1
    return outcomes


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
