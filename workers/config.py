"""Settings of the service (Redis, queue, store, limits), built from defaults, environment and overrides."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from workers.db import database_url

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class ServiceSettings:
    # The output folder (results of folder users, the embedded index); None for a worker of a database
    # that keeps everything.
    out: Path | None
    # `sqlite:///…` or `postgresql://…`; None: the embedded index of the output folder.
    db_url: str | None = None
    redis_url: str = DEFAULT_REDIS_URL
    queue: str = "ingest"
    # A job running longer than this is killed (and counted as a failed attempt).
    job_timeout: int = 600
    # Seconds to wait before each retry of a transient fault (tool failure, crash, lost Redis):
    # as many retries as entries.
    retry_backoff: tuple[int, ...] = (5, 30, 120)
    # Finished jobs stay in Redis this long; the database keeps them for good.
    result_ttl: int = 7 * 24 * 3600
    # Uploads and fetched documents larger than this are refused (413).
    max_upload_bytes: int = 100 * 1024 * 1024
    # URL fetches: only hosts resolving inside these networks are contacted (none by default).
    fetch_allow: tuple[Network, ...] = ()
    fetch_timeout: float = 60.0
    # At most this many fetches at once, this many more waiting; beyond, POST /jobs answers 503.
    fetch_concurrency: int = 4
    fetch_waiting: int = 32
    fetch_max_redirects: int = 3
    # Bearer token of the HTTP API; required when bound to a non-loopback address.
    token: str | None = None
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
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)

    @property
    def database_url(self) -> str:
        return database_url(self.out, self.db_url)


def parse_networks(text: str) -> tuple[Network, ...]:
    """`127.0.0.1, 10.0.0.0/8` -> networks; an empty string allows nothing."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def load_service_settings(out: Path | str | None, **overrides: object) -> ServiceSettings:
    """Defaults, then REDIS_URL / INGEST_* environment variables, then explicit (non-None) overrides."""
    env: dict[str, object] = {}
    if os.environ.get("INGEST_DB"):
        env["db_url"] = os.environ["INGEST_DB"]
    if os.environ.get("REDIS_URL"):
        env["redis_url"] = os.environ["REDIS_URL"]
    if os.environ.get("INGEST_QUEUE"):
        env["queue"] = os.environ["INGEST_QUEUE"]
    if os.environ.get("INGEST_TOKEN"):
        env["token"] = os.environ["INGEST_TOKEN"]
    if "INGEST_FETCH_ALLOW" in os.environ:
        env["fetch_allow"] = parse_networks(os.environ["INGEST_FETCH_ALLOW"])
    if os.environ.get("INGEST_MAX_UPLOAD_BYTES"):
        env["max_upload_bytes"] = int(os.environ["INGEST_MAX_UPLOAD_BYTES"])
    if os.environ.get("INGEST_JOB_TIMEOUT"):
        env["job_timeout"] = int(os.environ["INGEST_JOB_TIMEOUT"])
    if "INGEST_RETRY_BACKOFF" in os.environ:
        env["retry_backoff"] = tuple(int(s) for s in os.environ["INGEST_RETRY_BACKOFF"].split(",") if s.strip())
    given = {k: v for k, v in overrides.items() if v is not None}
    return replace(ServiceSettings(out=Path(out) if out else None), **{**env, **given})  # type: ignore[arg-type]
