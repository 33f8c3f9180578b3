"""The service subcommands of `ingest` (worker, watch, enqueue, serve, failed), and the results of the service's
database for `ingest export|stats --db`; imported only when used."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import sys
from pathlib import Path

from ingest.models import Report
from ingest.names import escaped
from ingest.settings import load_settings
from workers.config import ServiceSettings, load_service_settings


def _settings(args: argparse.Namespace, **extra: object) -> ServiceSettings:
    # The worker has no --out: each job carries the folder it belongs to, or none (the database keeps all).
    return load_service_settings(getattr(args, "out", None), redis_url=args.redis_url, queue=args.queue,
                                 db_url=args.db, **extra)


def worker(args: argparse.Namespace) -> int:
    from workers.pool import run_pool

    if args.db:
        # Read by the jobs in the work horses (forked from this process) that name no folder.
        os.environ["INGEST_DB"] = args.db
    settings = _settings(args)
    run_pool(settings, args.processes or load_settings().workers, args.log_level)
    return 0


def watch(args: argparse.Namespace) -> int:
    from workers.client import Service
    from workers.watcher import Watcher

    with contextlib.suppress(KeyboardInterrupt):
        Watcher(Path(args.folder), Service(_settings(args, settle_seconds=args.settle))).run()
    return 0


def enqueue(args: argparse.Namespace) -> int:
    from ingest.runner import collect_inputs
    from workers.client import Service

    service = Service(_settings(args))
    missing = [name for name in args.files if not Path(name).exists()]
    for name in missing:
        print(f"ingest: {escaped(name)}: no such file or folder", file=sys.stderr)
    for path in collect_inputs(Path(name) for name in args.files if name not in missing):
        s = service.submit_file(path, args.force)
        print(f"{s.job_id} {s.status:8} {'enqueued' if s.enqueued else 'known'} {escaped(str(path))}")
    return 1 if missing else 0


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from workers.api import create_app

    settings = _settings(args, token=args.token)
    if not _is_loopback(args.host) and not settings.token:
        print("ingest serve: a token (--token or INGEST_TOKEN) is required off loopback", file=sys.stderr)
        return 2
    # log_config=None: uvicorn's records go through the process's one handler (ingest.logs).
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None,
                log_level=args.log_level.lower())
    return 0


def failed(args: argparse.Namespace) -> int:
    from workers.client import Service

    service = Service(_settings(args))
    if args.action == "list":
        for job in service.failed():
            print(f"{job.job_id} {job.ended_at or '-'} {escaped(job.name or '?')}: {escaped(job.error)}")
        return 0
    ids = [job.job_id for job in service.failed()] if args.all else args.job_ids
    if not ids:
        print("ingest failed requeue: name JOB_IDs or --all", file=sys.stderr)
        return 2
    unknown = [job_id for job_id in ids if not service.requeue(job_id)]
    for job_id in unknown:
        print(f"ingest: {job_id}: not in the failed registry", file=sys.stderr)
    print(f"{len(ids) - len(unknown)} requeued")
    return 1 if unknown else 0


def stored_results(command: str, db: str | None) -> list[tuple[str, Report]] | None:
    """Every result in the service's database (`db`, else INGEST_DB), for `ingest export|stats`: (name,
    report). None, after saying why, when no database is named or it cannot be read."""
    url = load_service_settings(None, db_url=db).db_url
    if not url:
        print(f"ingest {command}: give OUT_DIR or --db URL", file=sys.stderr)
        return None
    from workers.storage import database_results  # SQLAlchemy, no Redis

    try:
        return list(database_results(url))
    except Exception as exc:  # a database that cannot be reached or read: said in one line
        reason = (str(exc).splitlines() or [""])[0]
        print(f"ingest {command}: {url.split('@')[-1]}: {type(exc).__name__}: {reason}", file=sys.stderr)
        return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


HANDLERS = {"worker": worker, "watch": watch, "enqueue": enqueue, "serve": serve, "failed": failed}


def run_command(args: argparse.Namespace) -> int:
    import redis

    from workers.db import NoFolder

    try:
        return HANDLERS[args.command](args)
    except NoFolder as exc:
        print(f"ingest {args.command}: {exc}", file=sys.stderr)
        return 2
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        print(f"ingest {args.command}: Redis is unreachable ({exc}); nothing was changed", file=sys.stderr)
        return 3
