"""Issue 14: `ingest enqueue` takes folders as `ingest run` does; with Redis down it says so in one
line, with no traceback, and leaves no `queued` row in the index for a job that was never enqueued.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from redis import Redis
from rq import Queue

from bench.redis_server import free_port, running_redis
from tests.conftest import ROOT, SEEDS
from workers.db import Database, default_url
from workers.store import Index


def test_enqueue_with_redis_down_is_one_clear_line_and_leaves_no_row(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    result = subprocess.run([sys.executable, "-m", "ingest.cli", "enqueue", str(SEEDS[0]), "--out", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("ingest enqueue: Redis is unreachable"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert Index(Database(default_url(out))).all() == []


def test_enqueue_takes_folders_recursively(tmp_path: Path) -> None:
    nested = tmp_path / "in" / "2023"
    nested.mkdir(parents=True)
    for seed in SEEDS[:2]:
        (nested / seed.name).write_bytes(seed.read_bytes())
    (tmp_path / "in" / SEEDS[2].name).write_bytes(SEEDS[2].read_bytes())
    with running_redis(tmp_path / "redis") as server:
        env = {**os.environ, "REDIS_URL": server.url}
        result = subprocess.run(
            [sys.executable, "-m", "ingest.cli", "enqueue", str(tmp_path / "in"), "--out", str(tmp_path / "out")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert Queue("ingest", connection=Redis.from_url(server.url)).count == 3
    assert len(result.stdout.splitlines()) == 3 and all(" enqueued " in line for line in result.stdout.splitlines())
