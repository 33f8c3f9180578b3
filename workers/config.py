"""Settings of the service (Redis, queue, store, limits), built from defaults, environment and overrides
by the library's one loader (`ingest.settings.load`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ingest.settings import Limits, env, load
from workers.db import database_url

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
T = TypeVar("T")


def ip_network(text: str) -> Network:
    return ipaddress.ip_network(text, strict=False)


def list_of(parse: Callable[[str], T]) -> Callable[[str], tuple[T, ...]]:
    """A parser of comma-separated values (`127.0.0.1, 10.0.0.0/8`); an empty string gives none."""
    return lambda text: tuple(parse(part.strip()) for part in text.split(",") if part.strip())


@dataclass(frozen=True)
class ServiceSettings:
    # The output folder (results of folder users, the embedded index); None for a worker of a database
    # that keeps everything.
    out: Path | None
    # `sqlite:///…` or `postgresql://…`; None: the embedded index of the output folder.
    db_url: str | None = field(default=None, metadata=env("INGEST_DB"))
    redis_url: str = field(default=DEFAULT_REDIS_URL, metadata=env("REDIS_URL"))
    queue: str = field(default="ingest", metadata=env("INGEST_QUEUE"))
    # A job running longer than this is killed (and counted as a failed attempt).
    job_timeout: int = field(default=600, metadata=env("INGEST_JOB_TIMEOUT", int))
    # Seconds to wait before each retry of a transient fault (tool failure, crash, lost Redis):
    # as many retries as entries (INGEST_RETRY_BACKOFF="": none).
    retry_backoff: tuple[int, ...] = field(
        default=(5, 30, 120), metadata=env("INGEST_RETRY_BACKOFF", list_of(int), empty_counts=True)
    )
    # Finished jobs stay in Redis this long; the database keeps them for good.
    result_ttl: int = 7 * 24 * 3600
    # Uploads and fetched documents larger than this are refused (413); by default the library's own
    # limit, past which a document could not be converted anyway.
    max_upload_bytes: int = field(default=Limits.file_bytes, metadata=env("INGEST_MAX_UPLOAD_BYTES", int))
    # URL fetches: only hosts resolving inside these networks are contacted (none by default).
    fetch_allow: tuple[Network, ...] = field(
        default=(), metadata=env("INGEST_FETCH_ALLOW", list_of(ip_network), empty_counts=True)
    )
    fetch_timeout: float = 60.0
    # At most this many fetches at once, this many more waiting; beyond, POST /jobs answers 503.
    fetch_concurrency: int = 4
    fetch_waiting: int = 32
    fetch_max_redirects: int = 3
    # Bearer token of the HTTP API; required when bound to a non-loopback address.
    token: str | None = field(default=None, metadata=env("INGEST_TOKEN"))
    # The watcher submits a file once its size and mtime have not changed for this long.
    settle_seconds: float = 2.0
    poll_seconds: float = 0.5
    # While Redis is unreachable the watcher retries after a delay doubling from poll_seconds up to this.
    outage_backoff_max: float = 30.0
    # Worker liveness: a dead worker's job is requeued about this many seconds after its last heartbeat.
    heartbeat_grace: int = 10
    job_monitoring_interval: int = 5
    maintenance_interval: int = 10
    worker_ttl: int = 30

    @property
    def database_url(self) -> str:
        return database_url(self.out, self.db_url)


def load_service_settings(out: Path | str | None, **overrides: object) -> ServiceSettings:
    """Defaults, then REDIS_URL / INGEST_* environment variables, then explicit (non-None) overrides."""
    return load(ServiceSettings, overrides, out=Path(out) if out else None)
