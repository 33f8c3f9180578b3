"""Issue 18: workers that share nothing but Redis and PostgreSQL.

A real redis-server and PostgreSQL on loopback; `ingest serve --out DIR --db URL`; two
`ingest worker --processes 1 --db URL --redis-url URL`, each started in its own empty folder with no
--out; 12 documents posted to /jobs; the work process converting one of them SIGKILLed mid-job. Every
job ends `done`, every report comes back with its cells from /reports/{id}, `ingest export --db URL`
holds them all, and no worker wrote anything into its folder.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis import Redis
from rq.job import Job

from bench.postgres_server import PostgresServer
from bench.redis_server import RedisServer, free_port, running_redis
from bench.render_text import render_text
from bench.truth import make_truth
from ingest.cli import main as ingest_main
from tests.conftest import SEEDS
from tests.test_service_watch import LONG_LINES, long_report, service_env, stop, wait_for


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path / "redis") as server:
        yield server


def _documents(staging: Path) -> dict[str, bytes]:
    """12 distinct valid reports: the 5 seeds, 6 generated, and a long one (the job a work process dies in)."""
    files = {p.name: p.read_bytes() for p in SEEDS}
    for seed in range(800, 806):
        path = render_text(make_truth(seed), staging / f"gen_{seed}", random.Random(seed))
        files[path.name] = path.read_bytes()
    files["long_report.txt"] = long_report(LONG_LINES)
    assert len(files) == 12
    return files


def _process(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "ingest.cli", *args], cwd=cwd, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def test_workers_share_only_redis_and_postgres(tmp_path: Path, redis_server: RedisServer,
                                               postgres: PostgresServer) -> None:
    db_url = postgres.create_database()
    out, logs, staging = tmp_path / "out", tmp_path / "logs", tmp_path / "staging"
    for folder in (logs, staging):
        folder.mkdir()
    homes = [tmp_path / "machine_a", tmp_path / "machine_b"]
    for home in homes:
        home.mkdir()
    env = service_env(redis_server.url)  # no INGEST_DB: every process is told its database by --db
    port = free_port()
    server = _process(["serve", "--out", str(out), "--db", db_url, "--port", str(port)], env, tmp_path,
                      logs / "serve.log")
    workers = [
        _process(["worker", "--processes", "1", "--db", db_url, "--redis-url", redis_server.url], env, home,
                 logs / f"worker_{home.name}.log")
        for home in homes
    ]
    base = f"http://127.0.0.1:{port}"
    files = _documents(staging)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            wait_for("the API to answer", lambda: _healthy(client), 30, 0.2)
            jobs = {}
            for name in ["long_report.txt", *sorted(set(files) - {"long_report.txt"})]:
                resp = client.post("/jobs", files={"file": (name, files[name])})
                assert resp.status_code == 202, resp.text
                jobs[name] = resp.json()["id"]
            connection = Redis.from_url(redis_server.url)

            def converting_pid() -> int | None:
                meta = Job.fetch(jobs["long_report.txt"], connection=connection).meta
                return int(meta["pid"]) if meta.get("stage") == "converting" else None

            os.kill(int(str(wait_for("the long report to be converting", converting_pid, 60))), signal.SIGKILL)

            def states() -> dict[str, dict[str, Any]] | None:
                now = {name: client.get(f"/jobs/{job_id}").json() for name, job_id in jobs.items()}
                return now if all(s["status"] in ("done", "error", "failed") for s in now.values()) else None

            finished = wait_for("every job to finish", states, 300, 0.5)
            assert isinstance(finished, dict)
            assert {name: s["status"] for name, s in finished.items()} == {name: "done" for name in files}
            reports = {name: client.get(f"/reports/{job_id}").json() for name, job_id in jobs.items()}
    finally:
        stop(server)
        for worker in workers:
            stop(worker)

    for name, report in reports.items():
        assert report["source"]["file"] == name and len(report["cells"]) > 50, name
    long_job = Job.fetch(jobs["long_report.txt"], connection=Redis.from_url(redis_server.url))
    assert long_job.get_status() == "finished"

    table = tmp_path / "all.csv"
    assert ingest_main(["export", "--db", db_url, "--to", str(table)]) == 0
    with table.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {row["sha256"] for row in rows} == {report["source"]["sha256"] for report in reports.values()}
    assert len(rows) == sum(len(report["cells"]) for report in reports.values())
    for home in homes:
        assert list(home.iterdir()) == [], f"{home.name}: a worker wrote into its folder"
    assert not out.exists() or not list(out.glob("*.json")), "the API wrote no result file either"


def _healthy(client: httpx.Client) -> bool:
    try:
        return client.get("/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
