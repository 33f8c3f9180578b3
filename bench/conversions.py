"""What the benchmark's worker processes run: one conversion or one whole-page baseline, timed.

In a module of its own so that processes started from a fresh server (not forked from the
benchmark, see run_corpus) can import it."""

from __future__ import annotations

import resource
import time
from pathlib import Path
from typing import Any

from ingest.errors import ErrorCode
from ingest.output import report_to_dict
from ingest.pipeline import convert_file
from ingest.readers import FORMATS, import_readers
from ingest.scan.baseline import baseline_seconds
from ingest.scan.process import prepare_process
from ingest.settings import Settings, load_settings


def prepare_worker(settings: Settings) -> None:
    """A worker set up as `ingest run` sets up its own (threads, memory, OCR models) with every
    reader imported: the figures taken in it are the conversions' own."""
    import_readers(FORMATS)
    prepare_process(settings, load_ocr=True)


def _cpu() -> float:
    """CPU seconds of this process and of the tools it started and waited for."""
    usage = map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return sum(u.ru_utime + u.ru_stime for u in usage)


def convert_timed(path: Path) -> tuple[dict[str, Any], float, float, float]:
    """In a worker: the result JSON, the seconds and CPU seconds it took, the process's peak RSS so far."""
    start, cpu = time.perf_counter(), _cpu()
    try:
        result = report_to_dict(convert_file(path, load_settings()))
    except Exception as exc:  # a bug on one document is a finding, not the end of the run
        result = {"source": {"file": path.name}, "error": {"code": ErrorCode.INTERNAL_ERROR, "message": repr(exc)}}
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    # ru_maxrss is in KiB on Linux; children covers the tools a reader starts (soffice, tesseract).
    rss = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return result, seconds, rss / 1024, cpu


def baseline_timed(path: Path) -> tuple[float, float] | None:
    """In a worker: seconds and CPU seconds per page of whole-page Tesseract on the document's pages."""
    cpu = _cpu()
    try:
        pages, seconds = baseline_seconds(path.read_bytes(), path.suffix.lower() == ".pdf", load_settings())
    except Exception:  # a page the baseline cannot read has no baseline time
        return None
    return (seconds / pages, (_cpu() - cpu) / pages) if pages else None
