"""Content-addressed copies of the inputs and the SQLite index of every document submitted.

The index is the service's memory: one row per distinct content (sha256), whatever its name or
how it arrived, so the same bytes are converted once and a restarted watcher enqueues nothing twice.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

ACTIVE = ("queued", "running")
FINAL = ("done", "error", "failed")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,
    job_id TEXT NOT NULL,
    error_code TEXT,
    error TEXT,
    result_path TEXT,
    conversions INTEGER NOT NULL DEFAULT 0,
    submitted_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL
);
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES documents(sha256),
    submitted_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_status ON documents(status);
"""


@dataclass(frozen=True)
class DocumentRow:
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
        size = 0
        fd, tmp = tempfile.mkstemp(prefix=".incoming.", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in iter(lambda: stream.read(1 << 20), b""):
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise OverflowError(f"more than {limit} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
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
    """The SQLite index (one file, WAL mode: readers never block the writer, many processes share it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so two submitters cannot both claim a document."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def claim(self, sha256: str, name: str, size: int, force: bool = False) -> tuple[DocumentRow, bool]:
        """The document's row, and whether the caller must enqueue its (new) job.

        New content, or `force`, gets a fresh job id and status `queued`; anything already known
        (queued, running or finished, even failed) is returned as it is.
        """
        now = time.time()
        with self._write() as db:
            row = db.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
            if row is not None and not force:
                return _row(row), False
            job_id = uuid.uuid4().hex
            db.execute(
                "INSERT INTO documents (sha256, name, size, status, job_id, submitted_at)"
                " VALUES (?, ?, ?, 'queued', ?, ?)"
                " ON CONFLICT(sha256) DO UPDATE SET status = 'queued', job_id = excluded.job_id,"
                " error_code = NULL, error = NULL, submitted_at = excluded.submitted_at,"
                " started_at = NULL, finished_at = NULL",
                (sha256, safe_name(name), size, job_id, now),
            )
            db.execute("INSERT INTO jobs (job_id, sha256, submitted_at) VALUES (?, ?, ?)", (job_id, sha256, now))
            fresh = db.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
            return _row(fresh), True

    def requeue(self, sha256: str, job_id: str) -> None:
        """A failed document goes back to `queued` under the same job (`ingest failed requeue`)."""
        with self._write() as db:
            db.execute(
                "UPDATE documents SET status = 'queued', error_code = NULL, error = NULL, finished_at = NULL"
                " WHERE sha256 = ? AND job_id = ?",
                (sha256, job_id),
            )

    def start(self, sha256: str) -> DocumentRow | None:
        """Mark a document running; None when it already has its result (nothing to convert)."""
        with self._write() as db:
            row = db.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
            if row is None or row["status"] in ("done", "error"):
                return None
            db.execute(
                "UPDATE documents SET status = 'running', started_at = ? WHERE sha256 = ?", (time.time(), sha256)
            )
            return _row(row)

    def finish(self, sha256: str, result_path: Path, error_code: str | None, error: str | None) -> None:
        """Record a conversion's result (an error result is a finished conversion too)."""
        with self._write() as db:
            db.execute(
                "UPDATE documents SET status = ?, error_code = ?, error = ?, result_path = ?, finished_at = ?,"
                " conversions = conversions + 1 WHERE sha256 = ?",
                ("error" if error_code else "done", error_code, error, str(result_path), time.time(), sha256),
            )

    def fail(self, sha256: str, job_id: str, error_code: str, error: str) -> None:
        """Record that a job gave up (crashes, timeouts, transient faults past their retries)."""
        with self._write() as db:
            db.execute(
                "UPDATE documents SET status = 'failed', error_code = ?, error = ?, finished_at = ?"
                " WHERE sha256 = ? AND job_id = ? AND status IN ('queued', 'running')",
                (error_code, error, time.time(), sha256, job_id),
            )

    def get(self, sha256: str) -> DocumentRow | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return _row(row) if row else None

    def by_job(self, job_id: str) -> DocumentRow | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT d.* FROM jobs j JOIN documents d ON d.sha256 = j.sha256 WHERE j.job_id = ?", (job_id,)
            ).fetchone()
        return _row(row) if row else None

    def all(self, status: str | None = None) -> list[DocumentRow]:
        with self._connect() as db:
            if status is None:
                rows = db.execute("SELECT * FROM documents ORDER BY submitted_at").fetchall()
            else:
                rows = db.execute(
                    "SELECT * FROM documents WHERE status = ? ORDER BY submitted_at", (status,)
                ).fetchall()
        return [_row(r) for r in rows]


def _row(row: sqlite3.Row) -> DocumentRow:
    return DocumentRow(**{key: row[key] for key in row.keys()})  # noqa: SIM118 (sqlite3.Row is not a dict)
