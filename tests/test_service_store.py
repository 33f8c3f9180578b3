"""The content-addressed store and index, `ingest enqueue` (idempotent unless --force) and
`ingest failed list|requeue` against a real Redis and worker pool."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from redis import Redis
from rq.job import Job

from bench.redis_server import RedisServer, running_redis
from ingest.cli import main as ingest_main
from ingest.settings import load_settings
from tests.conftest import SEEDS
from tests.test_service_watch import ingest, long_report, service_env, stop, wait_for
from workers.client import Service
from workers.config import load_service_settings
from workers.corrections import ReviewLog
from workers.db import Database, default_url
from workers.storage import FolderStorage
from workers.store import BlobStore, Index, safe_name


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path / "redis") as server:
        yield server


def test_store_is_content_addressed_and_refuses_oversize(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / ".store")
    sha, size = store.put_stream(io.BytesIO(b"report"))
    assert store.path(sha).read_bytes() == b"report" and size == 6
    assert store.path(sha).parent.name == sha[:2]
    with pytest.raises(OverflowError):
        store.put_stream(io.BytesIO(b"x" * 100), limit=10)
    assert [p.name for p in store.root.rglob("*") if p.is_file()] == [sha], "nothing half-stored is kept"
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")


def test_index_claims_a_content_once_unless_forced(tmp_path: Path) -> None:
    index = Index(Database(default_url(tmp_path)))
    sha = "ab" * 32
    first, fresh = index.claim(sha, "a.txt", 10)
    again, fresh_again = index.claim(sha, "b.txt", 10)
    assert fresh and not fresh_again and again.job_id == first.job_id and again.name == "a.txt"
    forced, fresh_forced = index.claim(sha, "b.txt", 10, force=True)
    assert fresh_forced and forced.job_id != first.job_id and forced.status == "queued"
    assert index.by_job(first.job_id) == index.by_job(forced.job_id)
    assert safe_name("../../etc/pass\x00wd") == "pass_wd" and safe_name("..") == "unnamed"
    long_name = safe_name("报" * 300 + ".docx")
    assert long_name.endswith("报.docx") and len(long_name.encode()) <= 200


def test_enqueue_is_idempotent_unless_forced(tmp_path: Path, redis_server: RedisServer, db_url: str | None,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.delenv("INGEST_DB", raising=False)
    if db_url:
        monkeypatch.setenv("INGEST_DB", db_url)
    pool = ingest(["worker", "--processes", "1"], service_env(redis_server.url, db_url), tmp_path / "worker.log")
    try:
        service = Service(load_service_settings(out))

        def converted(n: int) -> bool:
            row = service.index.all()[0]
            return row.status == "done" and row.conversions == n

        assert ingest_main(["enqueue", str(SEEDS[0]), "--out", str(out)]) == 0
        wait_for("the first conversion", lambda: converted(1), 20)
        assert ingest_main(["enqueue", str(SEEDS[0]), "--out", str(out)]) == 0
        assert " done     known " in capsys.readouterr().out
        # A reviewer's correction survives the forced re-conversion (issue 14, item 1).
        log = ReviewLog(service.db, service.storage, load_settings().layouts_dir)

        def result() -> dict[str, Any]:
            data = service.storage.result_bytes(service.index.all()[0])
            assert data is not None
            loaded: dict[str, Any] = json.loads(data)
            return loaded

        read = result()["cells"]["s3.new.total"]["value"]
        log.decide(str(service.index.all()[0].report), "s3.new.total", "correct", str(read + 3), 0, "ann")
        assert ingest_main(["enqueue", str(SEEDS[0]), "--out", str(out), "--force"]) == 0
        wait_for("the forced conversion", lambda: converted(2), 20)
        assert len(service.index.all()) == 1
        cell = result()["cells"]["s3.new.total"]
        assert (cell["value"], cell["read_value"], cell["reviewed_by"]) == (read + 3, read, "ann")
    finally:
        stop(pool)


def test_a_crashed_job_is_kept_failed_and_can_be_requeued(tmp_path: Path, redis_server: RedisServer,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Without retries, a work horse killed mid-job lands in RQ's failed registry; requeued, it converts,
    and the killed horse's temporary folder (a copy of the input) is gone."""
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    env = {**service_env(redis_server.url), "INGEST_RETRY_BACKOFF": "", "TMPDIR": str(tmp)}
    document = tmp_path / "long_report.txt"
    document.write_bytes(long_report(15000))
    pool = ingest(["worker", "--processes", "1"], env, tmp_path / "worker.log")
    try:
        service = Service(load_service_settings(out, redis_url=redis_server.url, retry_backoff=()))
        job_id = service.submit_file(document).job_id
        connection = Redis.from_url(redis_server.url)

        def horse_pid() -> int | None:
            # Converting, and its folder made: the stage is published just before the folder is.
            meta = Job.fetch(job_id, connection=connection).meta
            converting = meta.get("stage") == "converting" and list(tmp.glob(f"ingest-job-{meta['pid']}-*"))
            return int(meta["pid"]) if converting else None

        os.kill(int(str(wait_for("the job to be converting", horse_pid, 20))), signal.SIGKILL)
        failed = wait_for("the job to be failed", lambda: service.failed(), 20)
        assert list(tmp.glob("ingest-job-*"))  # what a killed horse leaves
        assert isinstance(failed, list) and failed[0].job_id == job_id and failed[0].name == "long_report.txt"
        state = service.state(job_id)
        assert state is not None and state.document.status == "failed"
        assert state.document.error_code == "worker_crashed"

        assert ingest_main(["failed", "list", "--out", str(out), "--redis-url", redis_server.url]) == 0
        assert job_id in capsys.readouterr().out
        assert ingest_main(["failed", "requeue", "--all", "--out", str(out), "--redis-url", redis_server.url]) == 0
        wait_for("the requeued job to convert", lambda: (s := service.state(job_id)) and s.document.status == "done",
                 30)
        assert service.failed() == []
        row = service.index.by_job(job_id)
        assert row is not None and row.conversions == 1
        assert list(tmp.glob("ingest-job-*")) == []
    finally:
        stop(pool)


def test_run_needs_no_redis(tmp_path: Path) -> None:
    """`ingest run` works with no Redis anywhere and without importing the service."""
    code = (
        "import sys; from ingest.cli import main; rc = main(sys.argv[1:]); "
        "assert not any(m.split('.')[0] in ('rq', 'redis', 'fastapi', 'workers') for m in sys.modules), 'imported'; "
        "sys.exit(rc)"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run([sys.executable, "-c", code, "run", str(SEEDS[0]), "--out", str(tmp_path)], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / f"{SEEDS[0].stem}.json").exists()


# The index.sqlite of before the database URL (issue 18), as the service created it.
_OLD_SCHEMA = """
CREATE TABLE documents (sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, size INTEGER NOT NULL, status TEXT NOT NULL,
    job_id TEXT NOT NULL, error_code TEXT, error TEXT, result_path TEXT, conversions INTEGER NOT NULL DEFAULT 0,
    submitted_at REAL NOT NULL, started_at REAL, finished_at REAL);
CREATE TABLE jobs (job_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL REFERENCES documents(sha256),
    submitted_at REAL NOT NULL);
CREATE INDEX documents_status ON documents(status);
CREATE TABLE corrections (id INTEGER PRIMARY KEY AUTOINCREMENT, report TEXT NOT NULL, sha256 TEXT NOT NULL,
    cell TEXT NOT NULL, action TEXT NOT NULL, read_value TEXT, previous_value TEXT, value TEXT,
    reviewer TEXT NOT NULL, at REAL NOT NULL, version INTEGER NOT NULL);
CREATE INDEX corrections_cell ON corrections(report, cell);
"""


def test_an_index_of_before_the_database_url_is_migrated(tmp_path: Path) -> None:
    """Alembic brings today's index.sqlite to the new schema; its rows and decisions stay usable."""
    sha, result = "cd" * 32, tmp_path / "report.cdcdcdcdcdcd.json"
    old = sqlite3.connect(tmp_path / "index.sqlite")
    old.executescript(_OLD_SCHEMA)
    old.execute("INSERT INTO documents VALUES (?, 'report.txt', 5, 'done', ?, NULL, NULL, ?, 1, 1.0, 1.0, 2.0)",
                (sha, "e" * 32, str(result)))
    old.execute("INSERT INTO jobs VALUES (?, ?, 1.0)", ("e" * 32, sha))
    old.execute("INSERT INTO corrections (report, sha256, cell, action, read_value, previous_value, value, reviewer,"
                " at, version) VALUES (?, ?, 's3.new.total', 'correct', '2', '2', '1', 'ann', 3.0, 1)",
                (result.name, sha))
    old.commit()
    old.close()
    db = Database(default_url(tmp_path))
    row = Index(db).by_job("e" * 32)
    assert row is not None and row.report == result.name and row.status == "done"
    log = ReviewLog(db, FolderStorage(tmp_path, db), load_settings().layouts_dir)
    assert log.versions(sha) == {"s3.new.total": 1}
    with db.read() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        assert {"blobs", "page_images", "audit"} <= set(sa.inspect(conn).get_table_names())
    Database(default_url(tmp_path))  # a second opening finds nothing to migrate
