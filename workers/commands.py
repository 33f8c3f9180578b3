"""The service subcommands of `ingest` (worker, watch, enqueue, serve, failed); imported only when used."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import logging
import os
import sys
from pathlib import Path

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
    run_pool(settings, args.processes or settings.workers)
    return 0


def watch(args: argparse.Namespace) -> int:
    from workers.client import Service
    from workers.watcher import Watcher

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        Watcher(Path(args.folder), Service(_settings(args, settle_seconds=args.settle))).run()
    return 0


def enqueue(args: argparse.Namespace) -> int:
    from workers.client import Service

    service = Service(_settings(args))
    missing = 0
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"ingest: {name}: no such file", file=sys.stderr)
            missing += 1
            continue
        s = service.submit_file(path, args.force)
        print(f"{s.job_id} {s.status:8} {'enqueued' if s.enqueued else 'known'} {path}")
    return 1 if missing else 0


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from workers.api import create_app

    settings = _settings(args, token=args.token)
    if not _is_loopback(args.host) and not settings.token:
        print("ingest serve: a token (--token or INGEST_TOKEN) is required off loopback", file=sys.stderr)
        return 2
    uvicorn.run(create_app(settings), host=args.host, port=args.port)
    return 0


def failed(args: argparse.Namespace) -> int:
    from workers.client import Service

    service = Service(_settings(args))
    if args.action == "list":
        for job in service.failed():
            print(f"{job.job_id} {job.ended_at or '-'} {job.name or '?'}: {job.error}")
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


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


HANDLERS = {"worker": worker, "watch": watch, "enqueue": enqueue, "serve": serve, "failed": failed}


def run_command(args: argparse.Namespace) -> int:
    from workers.db import NoFolder

    try:
        return HANDLERS[args.command](args)
    except NoFolder as exc:
        print(f"ingest {args.command}: {exc}", file=sys.stderr)
        return 2
