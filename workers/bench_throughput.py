"""Throughput of the service with 1 and with 2 workers: `python -m workers.bench_throughput --n 40`.

Starts its own redis-server (loopback, free port, temporary folder), generates N distinct text
reports with the benchmark's generator, and for each pool size enqueues them all and times the
run from the first enqueue to the last result. Prints documents/second per pool size.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis
from rq import Worker

from tests.bench.render_text import render_text
from tests.bench.truth import make_truth
from tests.redis_server import RedisServer
from workers.client import Service
from workers.config import load_service_settings

ROOT = Path(__file__).resolve().parent.parent


def make_reports(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [render_text(make_truth(seed), folder / f"report_{seed}", random.Random(seed)) for seed in range(n)]


def measure(files: list[Path], workers: int, redis: RedisServer, out: Path, timeout: float) -> float:
    """Seconds from the first enqueue to the last result, on a fresh pool of `workers` processes."""
    connection = Redis.from_url(redis.url)
    connection.flushall()
    env = {**os.environ, "REDIS_URL": redis.url}
    pool = subprocess.Popen([sys.executable, "-m", "ingest.cli", "worker", "--processes", str(workers)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while Worker.count(connection=connection) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not start")
            time.sleep(0.1)
        service = Service(load_service_settings(out, redis_url=redis.url), connection)
        started = time.monotonic()
        for f in files:
            service.submit_file(f)
        while sum(row.status in ("done", "error", "failed") for row in service.index.all()) < len(files):
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"not finished within {timeout}s")
            time.sleep(0.05)
        return time.monotonic() - started
    finally:
        pool.terminate()
        pool.wait(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.bench_throughput", description=__doc__)
    parser.add_argument("--n", type=int, default=40, help="documents per run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="pool sizes to compare")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        files = make_reports(Path(tmp) / "reports", args.n)
        redis = RedisServer(Path(tmp) / "redis")
        redis.start()
        try:
            print(f"{args.n} text reports, {os.cpu_count()} cores")
            for workers in args.workers:
                seconds = measure(files, workers, redis, Path(tmp) / f"out_{workers}", args.timeout)
                print(f"{workers} worker(s): {seconds:6.1f} s  {args.n / seconds:6.2f} documents/s")
        finally:
            redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
