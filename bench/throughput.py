"""Throughput of the service per pool size and database: `python -m bench.throughput --n 40`.

Starts its own redis-server and PostgreSQL cluster (loopback, free ports, temporary folders), generates
N distinct text reports with the benchmark's generator, and for each database (the output folder's
embedded SQLite, PostgreSQL keeping everything) and pool size enqueues them all and times the run from
the first enqueue to the last result. Prints one table: seconds, documents/second and the CPU seconds
(user+sys) the workers spent, which load from other processes inflates much less than wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis
from rq import Worker

from bench.postgres_server import running_postgres
from bench.redis_server import RedisServer
from bench.render_text import render_text
from bench.truth import make_truth
from workers.client import Service
from workers.config import load_service_settings

ROOT = Path(__file__).resolve().parent.parent
DATABASES = ("sqlite", "postgresql")


def make_reports(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [render_text(make_truth(seed), folder / f"report_{seed}", random.Random(seed)) for seed in range(n)]


def measure(files: list[Path], workers: int, redis: RedisServer, out: Path, timeout: float,
            db_url: str | None) -> tuple[float, float]:
    """Seconds from the first enqueue to the last result on a fresh pool of `workers` processes, and the
    CPU seconds of the pool (its processes and their work horses)."""
    connection = Redis.from_url(redis.url)
    connection.flushall()
    env = {**os.environ, "REDIS_URL": redis.url}
    env.pop("INGEST_DB", None)
    command = [sys.executable, "-m", "ingest.cli", "worker", "--processes", str(workers),
               *(["--db", db_url] if db_url else [])]
    pool = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while Worker.count(connection=connection) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not start")
            time.sleep(0.1)
        service = Service(load_service_settings(out, redis_url=redis.url, db_url=db_url), connection)
        started = time.monotonic()
        for f in files:
            service.submit_file(f)
        while sum(row.status in ("done", "error", "failed") for row in service.index.all()) < len(files):
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"not finished within {timeout}s")
            time.sleep(0.05)
        seconds = time.monotonic() - started
    finally:
        pool.terminate()
    # wait4 gives the pool's CPU time with that of the processes it reaped (its workers, theirs the work horses).
    _, _, usage = os.wait4(pool.pid, 0)
    pool.returncode = 0
    return seconds, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__)
    parser.add_argument("--n", type=int, default=40, help="documents per run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4], help="pool sizes to compare")
    parser.add_argument("--db", nargs="+", choices=DATABASES, default=list(DATABASES), help="databases to compare")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp, contextlib.ExitStack() as stack:
        files = make_reports(Path(tmp) / "reports", args.n)
        redis = RedisServer(Path(tmp) / "redis")
        redis.start()
        stack.callback(redis.stop)
        postgres = stack.enter_context(running_postgres()) if "postgresql" in args.db else None
        print(f"{args.n} text reports, {os.cpu_count()} cores")
        print(f"{'database':10} {'workers':>7} {'seconds':>8} {'docs/s':>7} {'CPU s':>7} {'CPU s/doc':>9}")
        for database in args.db:
            for workers in args.workers:
                db_url = postgres.create_database() if postgres is not None and database == "postgresql" else None
                out = Path(tmp) / f"out_{database}_{workers}"
                seconds, cpu = measure(files, workers, redis, out, args.timeout, db_url)
                print(f"{database:10} {workers:7d} {seconds:8.1f} {args.n / seconds:7.2f} {cpu:7.1f}"
                      f" {cpu / args.n:9.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
