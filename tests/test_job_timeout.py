"""Issue 14: a job over INGEST_JOB_TIMEOUT is a transient fault: retried with backoff, then listed by
`ingest failed list`; it never becomes a final `internal_error` result.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from redis import Redis
from rq.job import Job

from bench.redis_server import running_redis
from tests.conftest import ROOT
from tests.test_service_watch import ingest, long_report, service_env, stop, wait_for
from workers.db import Database, default_url
from workers.store import Index


def test_a_job_over_its_time_limit_is_retried_then_listed_as_failed(tmp_path: Path) -> None:
    out, logs = tmp_path / "out", tmp_path / "logs"
    logs.mkdir()
    document = tmp_path / "long_report.txt"
    document.write_bytes(long_report(80000))  # seconds of conversion: over a 1 s limit
    with running_redis(tmp_path / "redis") as server:
        env = {**service_env(server.url), "INGEST_JOB_TIMEOUT": "1", "INGEST_RETRY_BACKOFF": "0,0"}
        enqueued = subprocess.run([sys.executable, "-m", "ingest.cli", "enqueue", str(document), "--out", str(out)],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert enqueued.returncode == 0, enqueued.stderr
        job_id = enqueued.stdout.split()[0]
        pool = ingest(["worker", "--processes", "1"], env, logs / "worker.log")
        try:
            def listed() -> str | None:
                failed = subprocess.run([sys.executable, "-m", "ingest.cli", "failed", "list", "--out", str(out)],
                                        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
                return failed.stdout if job_id in failed.stdout else None

            listing = wait_for("the job to be listed as failed", listed, 120, 1.0)
            job = Job.fetch(job_id, connection=Redis.from_url(server.url))
            assert job.retries_left == 0  # both retries were made
        finally:
            stop(pool)
    assert "long_report.txt" in str(listing) and "time limit" in str(listing)
    row = Index(Database(default_url(out))).get(job.args[1])
    assert row is not None and row.status == "failed" and row.error_code == "job_timeout"
    results = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")]
    assert not [r for r in results if r.get("error", {}).get("code") == "internal_error"]
