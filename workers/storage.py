"""Where the service keeps inputs, results and page images: files of one output folder, or the database.

`storage_for(out, db)` picks: with the embedded SQLite index, the folder (as `ingest run` users know it:
`.store/`, `<name>.json`, `<name>.pages/`, `audit.log`); with PostgreSQL, tables of the database, so that
a worker on another machine needs no shared folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa

from ingest.contract import read_result, read_result_json, report_from_dict, report_to_dict
from ingest.models import Report
from ingest.output import page_image_path, page_images_dir, write_json_atomic, write_report
from workers.corrections import ReviewedWriter, reapply
from workers.db import Database, NoFolder, audit, blobs, documents, page_images
from workers.store import SHA256_RE, BlobStore, DocumentRow, hashed_chunks, sha256_of

# A report is named by its JSON file (no path, not hidden).
REPORT_NAME = re.compile(r"^[^/\\.][^/\\]*\.json$")


class FolderStorage:
    """Inputs in `OUT/.store`, results and page images beside each other in OUT, the audit log in OUT/audit.log."""

    def __init__(self, out: Path, db: Database) -> None:
        self.out = out
        self.db = db
        self.blobs = BlobStore(out / ".store")

    def put_stream(self, stream: BinaryIO, limit: int | None = None) -> tuple[str, int]:
        return self.blobs.put_stream(stream, limit)

    def put_file(self, source: Path) -> tuple[str, int]:
        """Store a file (content already stored is not copied again)."""
        return self.blobs.put_file(source)

    def input_bytes(self, sha256: str) -> bytes | None:
        return self.blobs.path(sha256).read_bytes() if self.has_input(sha256) else None

    def has_input(self, sha256: str) -> bool:
        return bool(SHA256_RE.match(sha256)) and self.blobs.path(sha256).is_file()

    def place_input(self, sha256: str, target: Path) -> None:
        """The stored input under `target` (a link: the pipeline names the source after the file)."""
        target.symlink_to(self.blobs.path(sha256))

    def save_result(self, sha256: str, name: str, report: Report, layouts_dir: Path) -> str | None:
        """Write a conversion's result with reviewers' decisions applied; returns its path."""
        path = self.out / name
        write_report(report, path, ReviewedWriter(self.db.url, layouts_dir))
        return str(path)

    def result_bytes(self, row: DocumentRow) -> bytes | None:
        if row.result_path is None:
            return None
        path = Path(row.result_path).resolve()
        return path.read_bytes() if path.is_relative_to(self.out.resolve()) and path.is_file() else None

    def report_path(self, name: str) -> Path | None:
        path = (self.out / name).resolve()
        ok = REPORT_NAME.match(name) and path.parent == self.out.resolve() and path.is_file()
        return path if ok else None

    def load_report(self, conn: sa.Connection, name: str, lock: bool = False) -> dict[str, Any] | None:
        """A result's JSON object (`ingest.contract.report_from_dict` makes it the typed report)."""
        path = self.report_path(name)
        if path is None:
            return None
        return read_result_json(path)

    def store_report(self, conn: sa.Connection, name: str, payload: dict[str, Any]) -> None:
        write_json_atomic(self.out / name, payload)

    def page_image(self, name: str, sha256: str, page: int) -> bytes | None:
        path = page_image_path(page_images_dir(self.out / name), page)
        return path.read_bytes() if path.is_file() else None

    def has_page_images(self, name: str, sha256: str) -> bool:
        return page_images_dir(self.out / name).is_dir()

    def append_audit(self, conn: sa.Connection, at: float, line: str) -> None:
        # O_APPEND: each line lands whole at the end, whoever else appends (on one machine).
        fd = os.open(self.out / "audit.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)


class DatabaseStorage:
    """Input bytes, result JSON (jsonb), page images and the audit trail as rows of the database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def put_stream(self, stream: BinaryIO, limit: int | None = None) -> tuple[str, int]:
        """Store a stream; raises OverflowError past `limit` bytes (nothing is kept then)."""
        digest = hashlib.sha256()
        data = b"".join(hashed_chunks(stream, digest, limit))
        sha = digest.hexdigest()
        with self.db.write() as conn:
            conn.execute(self.db.upsert_ignore(blobs, {"sha256": sha, "size": len(data), "data": data}))
        return sha, len(data)

    def put_file(self, source: Path) -> tuple[str, int]:
        """Store a file (content already stored is not written again)."""
        sha = sha256_of(source)
        if self.has_input(sha):
            return sha, source.stat().st_size
        with source.open("rb") as fh:
            return self.put_stream(fh)

    def input_bytes(self, sha256: str) -> bytes | None:
        with self.db.read() as conn:
            data = conn.execute(sa.select(blobs.c.data).where(blobs.c.sha256 == sha256)).scalar()
        return bytes(data) if data is not None else None

    def has_input(self, sha256: str) -> bool:
        with self.db.read() as conn:
            return conn.execute(sa.select(blobs.c.sha256).where(blobs.c.sha256 == sha256)).first() is not None

    def place_input(self, sha256: str, target: Path) -> None:
        data = self.input_bytes(sha256)
        if data is None:
            raise FileNotFoundError(f"no stored input {sha256}")
        target.write_bytes(data)

    def save_result(self, sha256: str, name: str, report: Report, layouts_dir: Path) -> str | None:
        """Keep a conversion's result and page images, with reviewers' decisions applied; no path."""
        # jsonb holds no NUL character (a hostile document's text may): kept as U+FFFD.
        payload = json.loads(json.dumps(report_to_dict(report)).replace("\\u0000", "\\ufffd"))
        with self.db.write() as conn:
            # The document's row is the lock a reviewer's decision takes too: neither overwrites the other.
            conn.execute(sa.select(documents.c.sha256).where(documents.c.sha256 == sha256).with_for_update())
            payload = reapply(conn, name, payload, layouts_dir)
            conn.execute(documents.update().where(documents.c.sha256 == sha256).values(result=payload, report=name))
            conn.execute(page_images.delete().where(page_images.c.sha256 == sha256))
            if report.page_images:
                conn.execute(page_images.insert(), [
                    {"sha256": sha256, "page": page, "data": data} for page, data in report.page_images.items()
                ])
        return None

    def result_bytes(self, row: DocumentRow) -> bytes | None:
        with self.db.read() as conn:
            result = conn.execute(sa.select(documents.c.result).where(documents.c.sha256 == row.sha256)).scalar()
        return None if result is None else json.dumps(result, ensure_ascii=False, indent=1).encode("utf-8")

    def load_report(self, conn: sa.Connection, name: str, lock: bool = False) -> dict[str, Any] | None:
        """A result's JSON object (`ingest.contract.report_from_dict` makes it the typed report)."""
        query = sa.select(documents.c.result).where(documents.c.report == name)
        result = conn.execute(query.with_for_update() if lock else query).scalar()
        return result if isinstance(result, dict) else None

    def store_report(self, conn: sa.Connection, name: str, payload: dict[str, Any]) -> None:
        conn.execute(documents.update().where(documents.c.report == name).values(result=payload))

    def reports(self) -> Iterator[tuple[str, Report]]:
        """Every result: (name, report)."""
        with self.db.read() as conn:
            query = sa.select(documents.c.report, documents.c.result).where(documents.c.result.is_not(None))
            for name, result in conn.execute(query.order_by(documents.c.report)):
                yield str(name), report_from_dict(result)

    def page_image(self, name: str, sha256: str, page: int) -> bytes | None:
        with self.db.read() as conn:
            data = conn.execute(
                sa.select(page_images.c.data).where(page_images.c.sha256 == sha256, page_images.c.page == page)
            ).scalar()
        return bytes(data) if data is not None else None

    def has_page_images(self, name: str, sha256: str) -> bool:
        with self.db.read() as conn:
            return conn.execute(sa.select(page_images.c.page).where(page_images.c.sha256 == sha256)).first() is not None

    def append_audit(self, conn: sa.Connection, at: float, line: str) -> None:
        conn.execute(audit.insert().values(at=at, line=line))


Storage = FolderStorage | DatabaseStorage


def storage_for(out: Path | None, db: Database) -> Storage:
    """The database when it keeps everything, else the output folder."""
    if db.keeps_everything:
        return DatabaseStorage(db)
    if out is None:
        raise NoFolder(f"{db.url}: an embedded database needs its output folder (--out)")
    return FolderStorage(out, db)


def database_results(url: str) -> Iterator[tuple[str, Report]]:
    """Every result of a service by its database: (name, report), from the rows or from the folder's files."""
    embedded = sa.make_url(url).database if url.startswith("sqlite") else None
    if embedded is not None and not Path(embedded).is_file():
        raise FileNotFoundError(f"{embedded}: no such database")
    db = Database(url)
    if db.keeps_everything:
        yield from DatabaseStorage(db).reports()
        return
    with db.read() as conn:
        query = sa.select(documents.c.result_path).where(documents.c.result_path.is_not(None))
        paths = sorted(Path(p) for p in conn.scalars(query.order_by(documents.c.result_path)))
    for path in paths:
        if path.is_file():
            report = read_result(path)
            if report is not None:
                yield path.name, report
