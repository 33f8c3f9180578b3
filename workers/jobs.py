"""The RQ job: convert one stored document with the pipeline of `ingest run` and index its result."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import redis
from rq import get_current_job
from rq.exceptions import AbandonedJobError
from rq.job import Job
from rq.timeouts import JobTimeoutException

from ingest.errors import TRANSIENT, ErrorCode, IngestError, ToolError
from ingest.layouts import load_layouts
from ingest.readers import FORMATS, import_readers
from ingest.runner import convert_report
from ingest.scan.process import prepare_process
from ingest.settings import load_settings
from workers.config import load_service_settings
from workers.db import Database
from workers.storage import storage_for
from workers.store import DocumentRow, Index

# The job's meta key holding the code of its last failed attempt, for the client to read.
FAILURE_CODE = "error_code"
# A job's temporary folder is named after its work horse's process id (`ingest-job-<pid>-…`).
_JOB_FOLDER = "ingest-job-"


class JobTimeoutBeyondGuards(BaseException):
    """A job over its time limit (RQ's JobTimeoutException is an Exception: the library's guards
    against one file's bug would turn it into a final `internal_error` result instead of a retry)."""


def failure_code(exc: BaseException) -> ErrorCode:
    """The code of an exception that ended an attempt of a job."""
    if isinstance(exc, IngestError):
        return exc.code
    if isinstance(exc, JobTimeoutBeyondGuards | JobTimeoutException):
        return ErrorCode.JOB_TIMEOUT
    if isinstance(exc, AbandonedJobError):  # its worker died: RQ's registry cleanup says so
        return ErrorCode.WORKER_CRASHED
    return ErrorCode.JOB_FAILED


def record_failure(job: Job, code: ErrorCode) -> None:
    """Keep `code` in the job's meta: the client reads it when RQ gives up on the job."""
    job.meta[FAILURE_CODE] = code
    with contextlib.suppress(redis.exceptions.RedisError):
        job.save_meta()  # type: ignore[no-untyped-call]


def on_failure(job: Job, connection: redis.Redis, exc_type: type[BaseException], exc: BaseException,
               traceback: object) -> None:
    """RQ's failure callback of every conversion job (also run for a job whose worker died)."""
    record_failure(job, failure_code(exc))


def recorded_failure(job: Job) -> ErrorCode:
    """Why the last attempt of a failed job failed, as the job recorded it; `job_failed` when it could not."""
    try:
        return ErrorCode(str(job.meta.get(FAILURE_CODE)))
    except ValueError:
        return ErrorCode.JOB_FAILED


def preload() -> None:
    """Load the layouts and the OCR models once in the pool process, with its thread and memory
    set-up: every job's work horse is forked from it and inherits them.

    (Importing this module there matters as much: the pipeline's imports take most of a second.)
    """
    settings = load_settings()
    load_layouts(settings.layouts_dir)
    import_readers(FORMATS)
    prepare_process(settings, load_ocr=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def sweep_dead_job_folders() -> None:
    """Remove the temporary folders of work horses that died mid-job.

    A horse killed (out of memory, SIGKILL, a crashed host process) never leaves its `with`, and
    its folder holds a copy of the input: without this, every crash would keep one on the disk.
    """
    for folder in Path(tempfile.gettempdir()).glob(f"{_JOB_FOLDER}*-*"):
        pid = folder.name.removeprefix(_JOB_FOLDER).split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def result_name(name: str, sha256: str) -> str:
    """`<stem>.<sha256 prefix>.json`: readable, unique per content, and not hidden (no leading dot)."""
    return f"{Path(name).stem.lstrip('.')}.{sha256[:12]}.json"


def _progress(stage: str) -> None:
    """Publish the stage in the job's meta; progress is informative, so a Redis hiccup must not fail the job."""
    job = get_current_job()
    if job is None:
        return
    job.meta.update({"stage": stage, "pid": os.getpid()})
    job.meta.pop(FAILURE_CODE, None)  # a failure of an earlier attempt is not this one's
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
    db = Database(load_service_settings(folder, db_url=db_url).database_url)
    index, storage = Index(db), storage_for(folder, db)
    row = index.start(sha256)
    if row is None:
        return _summary(index.get(sha256))
    _progress("converting")
    settings = load_settings()
    sweep_dead_job_folders()
    with tempfile.TemporaryDirectory(prefix=f"{_JOB_FOLDER}{os.getpid()}-") as tmp:
        # The pipeline names the source after the file: give the stored input its original name.
        named = Path(tmp) / row.name
        storage.place_input(sha256, named)
        report = convert_report(named, settings)
    name = result_name(row.name, sha256)
    result_path = storage.save_result(sha256, name, report, settings.layouts_dir)
    error = report.error
    if error is not None and error.code in TRANSIENT:
        raise ToolError(ErrorCode(error.code), f"{row.name}: {error.code}: {error.message}")
    _progress("indexing")
    index.finish(sha256, name, result_path, error.code if error else None, error.message if error else None)
    return _summary(index.get(sha256))
