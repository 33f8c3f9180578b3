"""`ingest watch DIR`: submit files dropped into a folder, then file them under done/ or failed/.

A file is submitted once its size and mtime have stayed the same for `settle_seconds` (a file
still being copied is never read half-way). The service's index is the watcher's memory: a file found
at start is either new (submitted) or known by its sha256 (only waited for), so a restart loses
nothing and enqueues nothing twice. Bad input ends in failed/ with `<name>.error.txt` beside it.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ingest.output import write_json_atomic
from workers.client import Service
from workers.store import FINAL, DocumentRow

log = logging.getLogger(__name__)
DONE, FAILED = "done", "failed"


@dataclass
class _Candidate:
    size: int
    mtime_ns: int
    stable_since: float


class _Wakeup(FileSystemEventHandler):
    """Filesystem events only wake the loop up; the folder listing stays the source of truth."""

    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.event.set()


class Watcher:
    def __init__(self, folder: Path, service: Service) -> None:
        self.folder = folder
        self.service = service
        self.settle = service.settings.settle_seconds
        self.candidates: dict[Path, _Candidate] = {}
        # Submitted files waiting for their job: path -> sha256.
        self.waiting: dict[Path, str] = {}
        self.wakeup = threading.Event()

    def run(self, stop: threading.Event | None = None) -> None:
        """Watch until `stop` is set (or forever)."""
        stop = stop or threading.Event()
        for sub in (DONE, FAILED):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        observer = Observer()
        observer.schedule(_Wakeup(self.wakeup), str(self.folder), recursive=False)
        observer.start()
        try:
            while not stop.is_set():
                self.step()
                self.wakeup.wait(self.service.settings.poll_seconds)
                self.wakeup.clear()
        finally:
            observer.stop()
            observer.join()

    def step(self) -> None:
        """One pass: look at the folder, submit settled files, file away finished ones."""
        try:
            self._scan(time.monotonic())
            self._collect()
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            # Redis is down or restarting: nothing is lost, the next pass tries again.
            log.warning("redis unavailable (%s); retrying", exc)

    def _entries(self) -> list[Path]:
        return sorted(
            p for p in self.folder.iterdir() if p.is_file() and not p.name.startswith(".") and p not in self.waiting
        )

    def _scan(self, now: float) -> None:
        present = set()
        for path in self._entries():
            present.add(path)
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            seen = self.candidates.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                self.candidates[path] = _Candidate(stat.st_size, stat.st_mtime_ns, now)
            elif now - seen.stable_since >= self.settle:
                self._submit(path)
        for gone in set(self.candidates) - present:
            del self.candidates[gone]

    def _submit(self, path: Path) -> None:
        # Content already known (converted, queued, or submitted before a restart) is not enqueued again.
        submission = self.service.submit_file(path)
        log.info("%s: %s job %s", path.name, "enqueued" if submission.enqueued else "known,", submission.job_id)
        del self.candidates[path]
        self.waiting[path] = submission.sha256

    def _collect(self) -> None:
        for path, sha256 in list(self.waiting.items()):
            row = self.service.index.get(sha256)
            if row is None:
                continue
            row = self.service.refresh(row)
            if row.status in FINAL:
                self._file_away(path, row)
                del self.waiting[path]

    def _file_away(self, path: Path, row: DocumentRow) -> None:
        self._keep_result(row)
        ok = row.status == "done"
        target = _free_name(self.folder / (DONE if ok else FAILED) / path.name)
        shutil.move(path, target)
        if not ok:
            note = target.with_name(target.name + ".error.txt")
            note.write_text(
                f"{row.error_code}: {row.error}\njob: {row.job_id}\nsha256: {row.sha256}\n"
                + (f"result: {row.result_path}\n" if row.result_path else ""),
                encoding="utf-8",
            )
        log.info("%s -> %s (%s)", path.name, target.parent.name, row.error_code or "ok")

    def _keep_result(self, row: DocumentRow) -> None:
        """A result kept by the database is written into the output folder too: the folder user's copy."""
        out = self.service.settings.out
        if not self.service.db.keeps_everything or out is None or row.report is None:
            return
        data = self.service.storage.result_bytes(row)
        if data is not None:
            write_json_atomic(out / row.report, json.loads(data))


def _free_name(target: Path) -> Path:
    """`target`, or `name.1.ext`, `name.2.ext`… if a file of that name was already filed there."""
    candidate, n = target, 0
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem}.{n}{target.suffix}")
    return candidate
