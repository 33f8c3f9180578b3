"""Content-addressed copies of the inputs and the index of every document submitted.

The index (in the service's database, see `workers.db`) is the service's memory: one row per distinct
content (sha256), whatever its name or how it arrived, so the same bytes are converted once and a
restarted watcher enqueues nothing twice.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from workers.db import Database, documents, jobs

ACTIVE = ("queued", "running")
FINAL = ("done", "error", "failed")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


@dataclass(frozen=True, slots=True)  # slots: `all()` lists every document of the index
class DocumentRow:
    """A row of the `documents` table, its columns in the table's order."""

    sha256: str
    name: str
    size: int
    status: str
    job_id: str
    error_code: str | None
    error: str | None
    result_path: str | None
    conversions: int
    submitted_at: float
    started_at: float | None
    finished_at: float | None
    # The result's name: `<stem>.<sha256 prefix>.json`.
    report: str | None = None


def safe_name(name: str) -> str:
    """The last path component, without control characters and not too long: fit for a file name and a log."""
    cleaned = _UNSAFE_NAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if cleaned in ("", ".", ".."):
        return "unnamed"
    path = Path(cleaned)
    # File systems allow 255 bytes; leave room for the `.<sha>.json` of the result's name.
    while len(cleaned.encode()) > 200 and path.stem:
        path = path.with_stem(path.stem[:-1])
        cleaned = path.name
    return cleaned


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hashed_chunks(stream: BinaryIO, digest: hashlib._Hash, limit: int | None) -> Iterator[bytes]:
    """The stream's chunks, each added to `digest`; raises OverflowError past `limit` bytes."""
    size = 0
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        size += len(chunk)
        if limit is not None and size > limit:
            raise OverflowError(f"more than {limit} bytes")
        digest.update(chunk)
        yield chunk


class BlobStore:
    """Input files stored as `<root>/ab/abcdef…` by their sha256, written once, never modified."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put_file(self, source: Path) -> tuple[str, int]:
        """Copy a file in; returns (sha256, size). Hashes the copy, so a file changing meanwhile is caught.

        Content already in the store is not copied again (reading it costs no writes).
        """
        known = self.path(sha256_of(source))
        if known.is_file():
            return known.name, known.stat().st_size
        with source.open("rb") as fh:
            return self.put_stream(fh)

    def put_stream(self, stream: BinaryIO, limit: int | None = None) -> tuple[str, int]:
        """Copy a stream in; raises OverflowError past `limit` bytes (nothing is kept then)."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(prefix=".incoming.", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in hashed_chunks(stream, digest, limit):
                    out.write(chunk)
                out.flush()
                size = out.tell()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            target = self.path(sha)
            target.parent.mkdir(exist_ok=True)
            os.replace(tmp, target)
            return sha, size
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class Index:
    """One row per distinct content: its status, its job, where its result is (see `workers.db`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, sha256: str, name: str, size: int, force: bool = False) -> tuple[DocumentRow, bool]:
        """The document's row, and whether the caller must enqueue its (new) job.

        New content, or `force`, gets a fresh job id and status `queued`; anything already known
        (queued, running or finished, even failed) is returned as it is.
        """
        now = time.time()
        job_id = uuid.uuid4().hex
        with self.db.write() as conn:
            fresh = {"sha256": sha256, "name": safe_name(name), "size": size, "status": "queued",
                     "job_id": job_id, "submitted_at": now, "conversions": 0}
            inserted = conn.execute(self.db.upsert_ignore(documents, fresh).returning(documents.c.sha256)).first()
            if inserted is None:
                row = _one(conn, documents.c.sha256 == sha256, lock=True)
                if row is not None and not force:
                    return row, False
                conn.execute(
                    documents.update().where(documents.c.sha256 == sha256).values(
                        status="queued", job_id=job_id, error_code=None, error=None, submitted_at=now,
                        started_at=None, finished_at=None,
                    )
                )
            conn.execute(jobs.insert().values(job_id=job_id, sha256=sha256, submitted_at=now))
            claimed = _one(conn, documents.c.sha256 == sha256)
            assert claimed is not None
            return claimed, True

    def requeue(self, sha256: str, job_id: str) -> None:
        """A failed document goes back to `queued` under the same job (`ingest failed requeue`)."""
        with self.db.write() as conn:
            conn.execute(
                documents.update()
                .where(documents.c.sha256 == sha256, documents.c.job_id == job_id)
                .values(status="queued", error_code=None, error=None, finished_at=None)
            )

    def start(self, sha256: str) -> DocumentRow | None:
        """Mark a document running; None when it already has its result (nothing to convert)."""
        with self.db.write() as conn:
            row = _one(conn, documents.c.sha256 == sha256, lock=True)
            if row is None or row.status in ("done", "error"):
                return None
            conn.execute(
                documents.update().where(documents.c.sha256 == sha256).values(status="running", started_at=time.time())
            )
            return row

    def finish(self, sha256: str, report: str, result_path: str | None, error_code: str | None,
               error: str | None) -> None:
        """Record a conversion's result (an error result is a finished conversion too)."""
        with self.db.write() as conn:
            conn.execute(
                documents.update().where(documents.c.sha256 == sha256).values(
                    status="error" if error_code else "done", error_code=error_code, error=error, report=report,
                    result_path=result_path, finished_at=time.time(), conversions=documents.c.conversions + 1,
                )
            )

    def fail(self, sha256: str, job_id: str, error_code: str, error: str) -> None:
        """Record that a job gave up (crashes, timeouts, transient faults past their retries)."""
        with self.db.write() as conn:
            conn.execute(
                documents.update()
                .where(documents.c.sha256 == sha256, documents.c.job_id == job_id,
                       documents.c.status.in_(ACTIVE))
                .values(status="failed", error_code=error_code, error=error, finished_at=time.time())
            )

    def get(self, sha256: str) -> DocumentRow | None:
        with self.db.read() as conn:
            return _one(conn, documents.c.sha256 == sha256)

    def by_job(self, job_id: str) -> DocumentRow | None:
        with self.db.read() as conn:
            row = conn.execute(
                sa.select(*_COLUMNS).join(jobs, jobs.c.sha256 == documents.c.sha256).where(jobs.c.job_id == job_id)
            ).first()
        return DocumentRow(*row) if row else None

    def all(self, status: str | None = None) -> list[DocumentRow]:
        query = sa.select(*_COLUMNS).order_by(documents.c.submitted_at)
        if status is not None:
            query = query.where(documents.c.status == status)
        with self.db.read() as conn:
            return [DocumentRow(*row) for row in conn.execute(query)]

    def jobs_of(self, sha256: str) -> list[str]:
        """Every job id ever given to a document, oldest first."""
        with self.db.read() as conn:
            query = sa.select(jobs.c.job_id).where(jobs.c.sha256 == sha256).order_by(jobs.c.submitted_at)
            return [row[0] for row in conn.execute(query)]


_COLUMNS = [documents.c[field.name] for field in fields(DocumentRow)]


def _one(conn: sa.Connection, where: sa.ColumnElement[bool], lock: bool = False) -> DocumentRow | None:
    query = sa.select(*_COLUMNS).where(where)
    row = conn.execute(query.with_for_update() if lock else query).first()
    return DocumentRow(*row) if row else None
