"""Submitting documents and reading their state: the Python API other systems call.

    from workers.client import enqueue
    submissions = enqueue(["report.docx"], out="/srv/ingest/out", redis_url="redis://127.0.0.1:6379/0")

A file is copied into the content-addressed store before its job is enqueued, so the job never
depends on a file the user may move or delete; the same content is converted once unless forced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from redis import Redis
from rq import Callback, Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry

from workers.config import ServiceSettings, load_service_settings
from workers.db import Database
from workers.jobs import convert_document, on_failure, recorded_failure
from workers.storage import storage_for
from workers.store import ACTIVE, DocumentRow, Index


@dataclass(frozen=True)
class Submission:
    job_id: str
    sha256: str
    name: str
    status: str
    # False when the content was already known: no new job was enqueued.
    enqueued: bool


@dataclass(frozen=True)
class JobState:
    document: DocumentRow
    progress: str | None


@dataclass(frozen=True)
class FailedJob:
    job_id: str
    name: str | None
    error: str
    ended_at: str | None


def last_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "unknown error"


class Service:
    """The storage, the index and the RQ queue of one service (an output folder, or a database)."""

    def __init__(self, settings: ServiceSettings, connection: Redis | None = None) -> None:
        self.settings = settings
        self.connection = connection or Redis.from_url(settings.redis_url)
        self.queue = Queue(settings.queue, connection=self.connection)
        self.db = Database(settings.database_url)
        self.index = Index(self.db)
        self.storage = storage_for(settings.out, self.db)

    def submit_file(self, path: Path, force: bool = False) -> Submission:
        sha256, size = self.storage.put_file(path)
        return self.submit_stored(sha256, path.name, size, force)

    def submit_stream(self, stream: BinaryIO, name: str, force: bool = False) -> Submission:
        """Raises OverflowError past the upload limit."""
        sha256, size = self.storage.put_stream(stream, self.settings.max_upload_bytes)
        return self.submit_stored(sha256, name, size, force)

    def submit_stored(self, sha256: str, name: str, size: int, force: bool = False) -> Submission:
        """Enqueue a stored document unless its content is already known (queued, running or finished).

        Redis is asked first: while it is unreachable (ConnectionError) the index gets no `queued` row
        for a job that was never enqueued.
        """
        self.connection.ping()
        row, fresh = self.index.claim(sha256, name, size, force)
        if fresh:
            self._enqueue(row)
        else:
            row = self.refresh(row)
        return Submission(row.job_id, row.sha256, row.name, row.status, fresh)

    def _enqueue(self, row: DocumentRow) -> None:
        backoff = list(self.settings.retry_backoff)
        # A folder's job names its folder and embedded database; a job of a database that keeps everything
        # names neither: each worker reaches the database by its own --db (no password travels through Redis).
        folder = None if self.db.keeps_everything else self.settings.out
        self.queue.enqueue(
            convert_document,
            str(folder.resolve()) if folder else None,
            row.sha256,
            None if self.db.keeps_everything else self.db.url,
            job_id=row.job_id,
            description=f"ingest {row.name}",
            job_timeout=self.settings.job_timeout,
            result_ttl=self.settings.result_ttl,
            retry=Retry(max=len(backoff), interval=backoff) if backoff else None,
            on_failure=Callback(on_failure),
        )

    def refresh(self, row: DocumentRow) -> DocumentRow:
        """Bring an active row in line with RQ: record a job RQ gave up on; re-enqueue a job Redis lost."""
        if row.status not in ACTIVE:
            return row
        try:
            job = Job.fetch(row.job_id, connection=self.connection)
        except NoSuchJobError:
            self._enqueue(row)  # the job function is idempotent: a duplicate would cost nothing
            return row
        status = job.get_status(refresh=False)
        if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            exc = self._exc_string(job)
            self.index.fail(row.sha256, row.job_id, recorded_failure(job), f"{row.name}: {last_line(exc)}")
            return self.index.get(row.sha256) or row
        return row

    def state(self, job_id: str) -> JobState | None:
        """A job's document (refreshed) and its current stage; None for an unknown job id."""
        row = self.index.by_job(job_id)
        if row is None:
            return None
        if row.job_id == job_id:
            row = self.refresh(row)
        progress = None
        if row.status == "running":
            try:
                progress = str(Job.fetch(job_id, connection=self.connection).meta.get("stage") or "") or None
            except NoSuchJobError:
                progress = None
        return JobState(row, progress)

    def failed(self) -> list[FailedJob]:
        registry = FailedJobRegistry(queue=self.queue)
        found = []
        for job_id in registry.get_job_ids():
            try:
                job = Job.fetch(job_id, connection=self.connection)
            except NoSuchJobError:
                continue
            row = self.index.by_job(job_id)
            if row is not None and row.job_id == job_id:
                row = self.refresh(row)  # the index learns of the failure too
            ended = job.ended_at.isoformat(timespec="seconds") if job.ended_at else None
            found.append(FailedJob(job_id, row.name if row else None, last_line(self._exc_string(job)), ended))
        return found

    def requeue(self, job_id: str) -> bool:
        """Put a failed job back on its queue; False if it is not in the failed registry."""
        registry = FailedJobRegistry(queue=self.queue)
        if job_id not in registry.get_job_ids():
            return False
        row = self.index.by_job(job_id)
        if row is not None:
            self.index.requeue(row.sha256, job_id)
        registry.requeue(job_id)
        return True

    @staticmethod
    def _exc_string(job: Job) -> str:
        result = job.latest_result()
        return (result.exc_string if result is not None else None) or job.exc_info or ""


def enqueue(
    files: Iterable[Path | str], out: Path | str | None, redis_url: str | None = None, force: bool = False,
    db_url: str | None = None,
) -> list[Submission]:
    """Store and enqueue files for conversion; results land in `out` or the database (see `Service.state`)."""
    service = Service(load_service_settings(out, redis_url=redis_url, db_url=db_url))
    return [service.submit_file(Path(f), force) for f in files]
