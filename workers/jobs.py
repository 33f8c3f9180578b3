"""The RQ job: convert one stored document with the pipeline of `ingest run` and index its result."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import redis
from rq import get_current_job

from ingest.errors import ToolError, ToolTimeout
from ingest.layouts import load_layouts
from ingest.runner import convert_to
from ingest.settings import load_settings
from workers.store import BlobStore, DocumentRow, Index

# Error codes of faults that may go away on their own: the job raises, RQ retries it with backoff.
TRANSIENT_CODES = frozenset({ToolError.code, ToolTimeout.code})


def preload() -> None:
    """Load the layouts once in the pool process: every job's work horse is forked from it and inherits them.

    (Importing this module there matters as much: the pipeline's imports take most of a second.)
    """
    load_layouts(load_settings().layouts_dir)


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


def convert_document(out: str, sha256: str) -> dict[str, object]:
    """Convert the document stored under `sha256` in the service folder `out`; returns its index summary.

    Idempotent: a document that already has its result is not converted again (a retried or
    duplicated job costs nothing). Bad input ends as an error result, never as an exception;
    a tool failure raises so that RQ retries the job.
    """
    out_dir = Path(out)
    index = Index(out_dir / "index.sqlite")
    row = index.start(sha256)
    if row is None:
        return _summary(index.get(sha256))
    _progress("converting")
    output = out_dir / result_name(row.name, sha256)
    with tempfile.TemporaryDirectory(prefix="ingest-job-") as tmp:
        # The pipeline names the source after the file: give the stored blob its original name.
        named = Path(tmp) / row.name
        named.symlink_to(BlobStore(out_dir / ".store").path(sha256))
        outcome = convert_to(named, output, load_settings())
    if outcome.error_code in TRANSIENT_CODES:
        raise ToolError(f"{row.name}: {outcome.error_code} (see {output})")
    _progress("indexing")
    index.finish(sha256, output, outcome.error_code, _error_message(output) if outcome.error_code else None)
    return _summary(index.get(sha256))


def _error_message(result: Path) -> str | None:
    data = json.loads(result.read_text(encoding="utf-8"))
    message = data.get("error", {}).get("message")
    return str(message) if message is not None else None
