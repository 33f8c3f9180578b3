"""`ingest worker`: a pool of RQ worker processes on one queue, respawned when they die."""

from __future__ import annotations

import logging
import os
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import redis
import rq.worker.base
from redis import Redis
from rq import Worker
from rq.job import Job
from rq.scheduler import RQScheduler
from rq.timeouts import JobTimeoutException, UnixSignalDeathPenalty
from rq.worker_pool import WorkerPool

from ingest.errors import ErrorCode
from ingest.runner import end_with_parent
from workers.config import ServiceSettings
from workers.jobs import JobTimeoutBeyondGuards, preload, record_failure


class TimeLimit(UnixSignalDeathPenalty):
    """RQ's SIGALRM time limit; a job's raises an exception that `except Exception` does not catch.

    (The same class times the worker's watch over its work horse: that one keeps RQ's exception.)
    """

    def handle_death_penalty(self, signum: int, frame: FrameType | None) -> None:
        if self._exception is JobTimeoutException:
            raise JobTimeoutBeyondGuards(f"the job ran over its time limit of {self._timeout} s")
        super().handle_death_penalty(signum, frame)  # type: ignore[no-untyped-call]


class IngestScheduler(RQScheduler):
    """RQ's scheduler process, ending with the worker that started it: a killed worker's scheduler
    would otherwise live on, orphaned and holding the queue's scheduler lock, past the pool's SIGTERM."""

    def start(self) -> BaseProcess:
        self.worker_pid = os.getpid()
        process: BaseProcess = super().start()  # type: ignore[no-untyped-call]
        return process

    def work(self) -> None:
        end_with_parent(self.worker_pid)  # SIGTERM: RQ's handler stops the loop and releases the lock
        try:
            super().work()  # type: ignore[no-untyped-call]
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            # One line, not a traceback: the worker starts a new scheduler once Redis is back.
            self.log.warning("Scheduler: Redis unreachable (%s); stopping until its worker starts another", exc)


class RedisOutageLines(logging.Filter):
    """Lets through the first of RQ's "could not connect to Redis" records of an outage, not its repeats."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def filter(self, record: logging.LogRecord) -> bool:
        if "could not connect to Redis" not in str(record.msg):
            return True
        first, self.down = not self.down, True
        return first


# The worker builds its scheduler from this module global (RQ has no setting for the class).
rq.worker.base.RQScheduler = IngestScheduler  # type: ignore[attr-defined]


class IngestWorker(Worker):
    """An RQ worker that lets a dead worker's job be requeued within seconds rather than minutes.

    RQ marks a running job abandoned once its heartbeat lapses (by default a minute and a half
    after the worker's death) and requeues it at the next registry maintenance (every ten minutes,
    checked between blocking dequeues of up to seven minutes). All three are shortened here.
    """

    heartbeat_grace = 10
    death_penalty_class = TimeLimit
    timings: dict[str, int] = {}  # noqa: RUF012 (set once per pool class, read by __init__)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        for key, value in self.timings.items():
            kwargs.setdefault(key, value)
        super().__init__(*args, **kwargs)
        # A Redis outage is one line when it starts and one when it ends, not one per retry.
        self.outage = RedisOutageLines()
        self.log.addFilter(self.outage)

    def heartbeat(self, *args: Any, **kwargs: Any) -> None:
        super().heartbeat(*args, **kwargs)
        if self.outage.down:
            self.outage.down = False
            self.log.warning("Worker %s: Redis reachable again", self.name)

    def handle_work_horse_killed(self, job: Job, retpid: int, ret_val: int, rusage: Any) -> None:
        # The horse died without running the job's failure callback: the worker records why.
        record_failure(job, ErrorCode.WORKER_CRASHED)
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)  # type: ignore[no-untyped-call]

    def clean_registries(self) -> None:
        # RQ's maintenance lock lasts 899 s. A worker that dies holding it (killed, or Redis gone
        # between taking it and letting it go: a CI run's watched-folder test, its dead worker's
        # job never requeued) stops every worker's maintenance, and the requeueing of a dead
        # worker's job with it, for a quarter of an hour: here it lapses within an interval.
        for queue in self.queues:
            if int(self.connection.ttl(queue.registry_cleaning_key)) > self.maintenance_interval:  # type: ignore[arg-type]
                self.connection.expire(queue.registry_cleaning_key, self.maintenance_interval)
        super().clean_registries()  # type: ignore[no-untyped-call]

    def get_heartbeat_ttl(self, job: Job) -> int:
        interval = int(self.job_monitoring_interval)
        if job.timeout and job.timeout > 0:
            interval = int(min(job.timeout - self.current_job_working_time, interval))
        return max(interval, 1) + self.heartbeat_grace


def worker_class(settings: ServiceSettings) -> type[IngestWorker]:
    """IngestWorker with the settings' timings (WorkerPool builds workers from a class, not an instance)."""
    return type(
        "ConfiguredIngestWorker",
        (IngestWorker,),
        {
            "heartbeat_grace": settings.heartbeat_grace,
            "timings": {
                "job_monitoring_interval": settings.job_monitoring_interval,
                "maintenance_interval": settings.maintenance_interval,
                "worker_ttl": settings.worker_ttl,
            },
        },
    )


def run_pool(settings: ServiceSettings, processes: int, logging_level: str = "INFO") -> None:
    """Run `processes` workers on the settings' queue until SIGINT/SIGTERM; dead workers are respawned."""
    preload()
    pool = WorkerPool(
        [settings.queue],
        connection=Redis.from_url(settings.redis_url),
        num_workers=processes,
        worker_class=worker_class(settings),
    )
    pool.start(burst=False, logging_level=logging_level)
