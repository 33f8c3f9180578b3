"""Issue 7 end to end: a watched folder feeding 2 RQ workers on a real Redis, through a worker
killed in the middle of a job, a Redis restart and a watcher restart: every file ends with exactly
one result or one clear failure, none lost, none converted twice.

Bad input (an empty file, random bytes) ends in failed/ with `<name>.error.txt`, and its error
result JSON (code, message) is in the output folder like any result.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq.job import Job
from rq.worker import Worker

from bench.redis_server import RedisServer, running_redis
from bench.render_text import render_text
from bench.truth import make_truth
from tests.conftest import ROOT, SEEDS
from workers.db import Database, default_url
from workers.store import Index, sha256_of

SETTLE = 1.0


def wait_for(what: str, check: Callable[[], object], timeout: float, every: float = 0.1) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def ingest(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ingest.cli", *args], cwd=ROOT, env=env,
        stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path / "redis") as server:
        yield server


def service_env(redis_url: str, db_url: str | None = None) -> dict[str, str]:
    """The environment of the service's processes; with `db_url`, all of them share that database."""
    # Quick retries, the first at once: a delayed retry waits for RQ's scheduler, which lives in one
    # of the workers; when that is the one killed, its lock takes a minute to pass to another.
    env = {**os.environ, "REDIS_URL": redis_url, "INGEST_RETRY_BACKOFF": "0,1,2", "PYTHONUNBUFFERED": "1"}
    env.pop("INGEST_DB", None)
    return {**env, "INGEST_DB": db_url} if db_url else env


# Lines of prose that make `long_report` a job of about 9 s of a core (0.35 ms a line).
LONG_LINES = 25000


def long_report(lines: int) -> bytes:
    """A real report followed by pages of prose: a valid input that takes seconds to convert."""
    prose = "".join(f"本机关坚持依法公开，认真落实政府信息公开条例第{i}项工作要求。\n" for i in range(lines))
    return SEEDS[0].read_bytes() + b"\n" + prose.encode("utf-8")


def make_inputs(staging: Path) -> dict[str, bytes]:
    """20 files: 5 samples, 11 generated reports, 1 long report, 1 duplicate, 2 bad files."""
    files = {p.name: p.read_bytes() for p in SEEDS}
    for seed in range(700, 711):
        path = render_text(make_truth(seed), staging / f"gen_{seed}", random.Random(seed))
        files[path.name] = path.read_bytes()
    files["long_report.txt"] = long_report(LONG_LINES)  # the job a worker dies in
    files["copy_of_seed_001.txt"] = SEEDS[1].read_bytes()
    files["empty.txt"] = b""
    files["random.bin"] = random.Random(7).randbytes(6000)
    assert len(files) == 20
    return files


def drop_slowly(target: Path, data: bytes, chunks: int = 6, pause: float = 0.3) -> None:
    """Written in chunks with pauses shorter than the settle interval: seen while still growing."""
    step = len(data) // chunks + 1
    with target.open("wb") as fh:
        for i in range(0, len(data), step):
            fh.write(data[i : i + step])
            fh.flush()
            time.sleep(pause)


def running_job_of(redis_url: str, index: Index, sha256: str) -> Job | None:
    row = index.get(sha256)
    if row is None or row.status != "running":
        return None
    job = Job.fetch(row.job_id, connection=Redis.from_url(redis_url))
    return job if job.meta.get("stage") == "converting" and job.worker_name else None


def kill_worker_in_job(redis_url: str, job: Job) -> None:
    """SIGKILL the RQ worker running `job` and its work horse (the process converting the file)."""
    connection = Redis.from_url(redis_url)
    worker = Worker.find_by_key(f"{Worker.redis_worker_namespace_prefix}{job.worker_name}", connection=connection)
    assert worker is not None and worker.pid is not None
    os.kill(worker.pid, signal.SIGKILL)
    os.kill(int(job.meta["pid"]), signal.SIGKILL)


def test_watched_folder_survives_worker_kill_and_redis_restart(tmp_path: Path, redis_server: RedisServer,
                                                              db_url: str | None) -> None:
    """On both databases: the folder's embedded SQLite index, and PostgreSQL keeping everything (the
    watcher still writes each result into its output folder; the workers have no folder)."""
    started = time.monotonic()
    inbox, out, logs = tmp_path / "inbox", tmp_path / "out", tmp_path / "logs"
    for d in (inbox, out, logs, tmp_path / "staging"):
        d.mkdir()
    files = make_inputs(tmp_path / "staging")
    env = service_env(redis_server.url, db_url)
    pool = ingest(["worker", "--processes", "2"], env, logs / "worker.log")
    watch_args = ["watch", str(inbox), "--out", str(out), "--settle", str(SETTLE)]
    watcher = ingest(watch_args, env, logs / "watch.log")
    index = Index(Database(db_url or default_url(out)))
    try:
        names = sorted(files)
        # A few files are there before anything is running... (the watcher picks them up at start)
        for name in names[:4]:
            (inbox / name).write_bytes(files[name])
        # ...the long one next, so that it is running while the rest arrives.
        (inbox / "long_report.txt").write_bytes(files["long_report.txt"])
        long_sha = sha256_of(inbox / "long_report.txt")
        rest = [n for n in names[4:] if n != "long_report.txt"]
        for name in rest[:4]:
            drop_slowly(inbox / name, files[name])
        job = wait_for("the long report to be converting", lambda: running_job_of(redis_server.url, index, long_sha),
                       30)
        assert isinstance(job, Job)
        kill_worker_in_job(redis_server.url, job)
        for name in rest[4:10]:
            (inbox / name).write_bytes(files[name])
        # The watcher dies too (it is restarted from nothing but the folder and the index).
        watcher.kill()
        watcher.wait(5)
        redis_server.restart()
        watcher = ingest(watch_args, env, logs / "watch.log")
        for name in rest[10:]:
            drop_slowly(inbox / name, files[name], chunks=3)

        def all_filed() -> bool:
            filed = [p for d in ("done", "failed") for p in (inbox / d).glob("*") if not p.name.endswith(".error.txt")]
            return len(filed) == len(files)

        # Generous: the long report alone takes ~9 s of a core, several times that on a loaded machine.
        wait_for("every file to be filed under done/ or failed/", all_filed, 240 - (time.monotonic() - started), 0.25)
    finally:
        stop(watcher)
        stop(pool)
    elapsed = time.monotonic() - started

    assert not [p for p in inbox.iterdir() if p.is_file()], "nothing is left behind"
    done = sorted(p.name for p in (inbox / "done").iterdir())
    failed = sorted(p.name for p in (inbox / "failed").iterdir())
    assert failed == ["empty.txt", "empty.txt.error.txt", "random.bin", "random.bin.error.txt"]
    assert done == sorted(set(files) - {"empty.txt", "random.bin"})
    assert (inbox / "failed" / "empty.txt.error.txt").read_text(encoding="utf-8").startswith("empty_file:")
    assert (inbox / "failed" / "random.bin.error.txt").read_text(encoding="utf-8").startswith("unknown_format:")
    # Every file was read whole (not half-way through its copy) and filed unchanged.
    for name in [*done, "empty.txt", "random.bin"]:
        filed = inbox / ("done" if name in done else "failed") / name
        assert filed.read_bytes() == files[name], name

    rows = index.all()
    assert len(rows) == len({sha256_of(inbox / "done" / n) for n in done}) + 2 == 19  # the copy shares a row
    assert {r.status for r in rows} <= {"done", "error"}
    assert all(r.conversions == 1 for r in rows), [(r.name, r.conversions) for r in rows if r.conversions != 1]
    assert all(len(index.jobs_of(r.sha256)) == 1 for r in rows), "no document was enqueued twice"
    for row in rows:
        # The watcher's output folder holds every result, whichever database keeps them.
        result = json.loads((out / str(row.report)).read_text(encoding="utf-8"))
        assert result["source"]["sha256"] == row.sha256
        assert ("error" in result) == (row.status == "error")
    long_row = index.get(long_sha)
    assert long_row is not None and long_row.status == "done" and long_row.started_at is not None
    print(f"\nwatched folder: {len(files)} files in {elapsed:.1f}s", file=sys.stderr)
