"""The RQ job: convert one stored document with the pipeline of `ingest run` and index its result."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import redis
from rq import get_current_job

from ingest.errors import ToolError, ToolTimeout
from ingest.layouts import load_layouts
from ingest.runner import convert_report
from ingest.scan.process import prepare_process
from ingest.settings import load_settings
from workers.db import Database, database_url
from workers.storage import storage_for
from workers.store import DocumentRow, Index

# Error codes of faults that may go away on their own: the job raises, RQ retries it with backoff.
TRANSIENT_CODES = frozenset({ToolError.code, ToolTimeout.code})


def preload() -> None:
    """Load the layouts and the OCR models once in the pool process, with its thread and memory
    set-up: every job's work horse is forked from it and inherits them.

    (Importing this module there matters as much: the pipeline's imports take most of a second.)
    """
    settings = load_settings()
    load_layouts(settings.layouts_dir)
    prepare_process(settings, load_ocr=True)


def result_name(name: str, sha256: str) -> str:
    """`<stem>.<sha256 prefix>.json`: readable, unique per content, and not hidden (no leading dot)."""
    return f"{Path(name).stem.lstrip('.')}.{sha256[:12]}.json"


def _progress(stage: str) -> None:
    """Publish the stage in the job's meta; progress is informative, so a Redis hiccup must not fail the job."""
    job = get_current_job()
    if job is None:
        return
    job.meta.update({"stage": stage, "pid": os.getpid()})
    with contextlib.suppress(redis.exceptions.RedisError):
        job.save_meta()  # type: ignore[no-untyped-call]


def _summary(row: DocumentRow | None) -> dict[str, object]:
    if row is None:
        return {}
    return {"sha256": row.sha256, "status": row.status, "error_code": row.error_code, "result": row.result_path}


def convert_document(out: str | None, sha256: str, db_url: str | None = None) -> dict[str, object]:
    """Convert the stored document `sha256`; returns its index summary.

    `out` and `db_url` name a folder's service (results as files there); without them the worker's own
    database (--db / INGEST_DB) keeps the input and gets the result, and only a temporary folder is used.
    Idempotent: a document that already has its result is not converted again (a retried or duplicated
    job costs nothing). Bad input ends as an error result, never as an exception; a tool failure raises so
    that RQ retries the job.
    """
    folder = Path(out) if out else None
    db = Database(database_url(folder, db_url))
    index, storage = Index(db), storage_for(folder, db)
    row = index.start(sha256)
    if row is None:
        return _summary(index.get(sha256))
    _progress("converting")
    settings = load_settings()
    with tempfile.TemporaryDirectory(prefix="ingest-job-") as tmp:
        # The pipeline names the source after the file: give the stored input its original name.
        named = Path(tmp) / row.name
        storage.place_input(sha256, named)
        report = convert_report(named, settings)
    name = result_name(row.name, sha256)
    result_path = storage.save_result(sha256, name, report, settings.layouts_dir)
    error = report.error
    if error is not None and error.code in TRANSIENT_CODES:
        raise ToolError(f"{row.name}: {error.code}: {error.message}")
    _progress("indexing")
    index.finish(sha256, name, result_path, error.code if error else None, error.message if error else None)
    return _summary(index.get(sha256))
