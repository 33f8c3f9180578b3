"""A worker that died holding RQ's registry-maintenance lock does not stop the other workers'
maintenance, and the requeueing of a dead worker's job with it, for RQ's quarter of an hour."""

from __future__ import annotations

from pathlib import Path

from redis import Redis
from rq import Queue

from bench.redis_server import running_redis
from workers.config import load_service_settings
from workers.pool import worker_class


def test_a_maintenance_lock_a_dead_worker_left_lapses_within_an_interval(tmp_path: Path) -> None:
    with running_redis(tmp_path / "redis") as server:
        settings = load_service_settings(tmp_path / "out", redis_url=server.url)
        connection = Redis.from_url(server.url)
        queue = Queue(settings.queue, connection=connection)
        # As RQ takes it (899 s), its worker gone before letting it go.
        connection.set(queue.registry_cleaning_key, 1, ex=899)
        worker_class(settings)([queue], connection=connection).clean_registries()
        left = int(connection.ttl(queue.registry_cleaning_key))  # type: ignore[arg-type]
        assert 0 < left <= settings.maintenance_interval
