"""Issue 14: a watched file whose writer pauses longer than the settle interval is not read half-way:
while a process holds it open for writing it is not submitted, and a file written to again after it
was read is read again rather than filed under its partial result.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from bench.redis_server import RedisServer, running_redis
from tests.conftest import SEEDS
from workers.client import Service
from workers.config import load_service_settings
from workers.store import sha256_of
from workers.watcher import Watcher

SETTLE = 0.3


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path / "redis") as server:
        yield server


def watcher_of(tmp_path: Path, redis_url: str) -> Watcher:
    (tmp_path / "inbox").mkdir()
    settings = load_service_settings(tmp_path / "out", redis_url=redis_url, settle_seconds=SETTLE,
                                     retry_backoff=())
    watcher = Watcher(tmp_path / "inbox", Service(settings))
    for sub in ("done", "failed"):
        (watcher.folder / sub).mkdir()
    return watcher


def settle(watcher: Watcher) -> None:
    """Two passes a settle interval apart: a file unchanged between them is due."""
    watcher.step()
    time.sleep(SETTLE * 1.5)
    watcher.step()


def convert_queued(redis_url: str) -> None:
    SimpleWorker([Queue("ingest", connection=Redis.from_url(redis_url))], connection=Redis.from_url(redis_url)).work(
        burst=True
    )


def test_a_file_open_for_writing_is_not_submitted(tmp_path: Path, redis_server: RedisServer) -> None:
    watcher = watcher_of(tmp_path, redis_server.url)
    queue = Queue("ingest", connection=Redis.from_url(redis_server.url))
    data = SEEDS[0].read_bytes()
    target = watcher.folder / "report.txt"
    with target.open("wb") as writer:
        writer.write(data[: len(data) // 2])
        writer.flush()
        settle(watcher)
        settle(watcher)  # the writer paused for longer than the settle interval, twice
        assert queue.count == 0 and not watcher.waiting
        writer.write(data[len(data) // 2 :])
    settle(watcher)
    settle(watcher)
    assert queue.count == 1
    job = queue.jobs[0]
    assert job.args[1] == sha256_of(target)  # the whole file
    convert_queued(redis_server.url)
    watcher.step()
    assert [p.name for p in (watcher.folder / "done").iterdir()] == ["report.txt"]


def test_a_file_changed_after_it_was_read_is_read_again(tmp_path: Path, redis_server: RedisServer) -> None:
    watcher = watcher_of(tmp_path, redis_server.url)
    data = SEEDS[0].read_bytes()
    target = watcher.folder / "report.txt"
    target.write_bytes(data[: len(data) // 3])  # closed, settled: read as it is
    settle(watcher)
    assert watcher.waiting
    with target.open("ab") as writer:  # ...and then its writer comes back
        writer.write(data[len(data) // 3 :])
    convert_queued(redis_server.url)  # the part read gives an error result
    settle(watcher)
    settle(watcher)
    convert_queued(redis_server.url)
    watcher.step()
    assert not list((watcher.folder / "failed").iterdir())
    assert [p.name for p in (watcher.folder / "done").iterdir()] == ["report.txt"]
    assert (watcher.folder / "done" / "report.txt").read_bytes() == data
