"""Issue 14: RQ's scheduler process does not outlive its worker, nor the pool's SIGTERM, when the
worker that started it is killed."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from bench.redis_server import running_redis
from tests.test_run_signals import alive, children
from tests.test_service_watch import ingest, service_env, stop, wait_for


def test_the_scheduler_ends_with_its_worker_and_the_pool(tmp_path: Path) -> None:
    with running_redis(tmp_path / "redis") as server:
        pool = ingest(["worker", "--processes", "2"], service_env(server.url), tmp_path / "worker.log")
        scheduler = None
        try:
            def scheduler_of_a_worker() -> tuple[int, int] | None:
                for worker in children(pool.pid):
                    started = children(worker)
                    if started:
                        return worker, started[0]
                return None

            found = wait_for("a worker to start the scheduler", scheduler_of_a_worker, 60, 0.2)
            assert isinstance(found, tuple)
            worker, scheduler = found
            os.kill(worker, signal.SIGKILL)
            wait_for("the killed worker's scheduler to end", lambda: not alive(scheduler), 10)
        finally:
            stop(pool)
            if scheduler is not None and alive(scheduler):
                os.kill(scheduler, signal.SIGKILL)
                raise AssertionError("the scheduler outlived the pool")
