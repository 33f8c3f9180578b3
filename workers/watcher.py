"""`ingest watch DIR`: submit files dropped into a folder, then file them under done/ or failed/.

A file is submitted once its size and mtime have stayed the same for `settle_seconds` (a file
still being copied is never read half-way). The service's index is the watcher's memory: a file found
at start is either new (submitted) or known by its sha256 (only waited for), so a restart loses
nothing and enqueues nothing twice. Bad input ends in failed/ with `<name>.error.txt` beside it.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import redis
import sqlalchemy.exc
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ingest.contract import parse_result
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
    # (sha256, size) once the content is in the store: a retried submission does not copy it again.
    stored: tuple[str, int] | None = None


# Events the watcher's own reads cause: they must not wake it (each pass reads files again).
_READ_EVENTS = frozenset({"opened", "closed_no_write"})


class _Wakeup(FileSystemEventHandler):
    """Filesystem events only wake the loop up; the folder listing stays the source of truth."""

    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _READ_EVENTS:
            self.event.set()


class Watcher:
    def __init__(self, folder: Path, service: Service) -> None:
        self.folder = folder
        self.service = service
        self.settle = service.settings.settle_seconds
        self.candidates: dict[Path, _Candidate] = {}
        # Submitted files waiting for their job (their `stored` is set).
        self.waiting: dict[Path, _Candidate] = {}
        self.wakeup = threading.Event()
        # While Redis (or the output folder) is unusable: what is wrong, and the wait before the next try.
        self.outage: str | None = None
        self.backoff = service.settings.poll_seconds

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
                if self.outage is None:
                    self.wakeup.wait(self.service.settings.poll_seconds)
                else:
                    stop.wait(self.backoff)  # file events do not shorten a backoff
                self.wakeup.clear()
        finally:
            observer.stop()
            observer.join()

    def step(self) -> None:
        """One pass: look at the folder, submit settled files, file away finished ones.

        Redis down or restarting loses nothing: the pass is tried again after a growing delay, and
        only the start and the end of the outage are logged.
        """
        try:
            self._scan(time.monotonic())
            self._collect()
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            self._failing("redis unavailable", exc)
            return
        except (sqlalchemy.exc.OperationalError, sqlite3.OperationalError, OSError) as exc:
            # The output folder full or read-only ("disk I/O error", ENOSPC), or the database unreachable:
            # wait until it is usable.
            self._failing("database unusable" if self.service.db.keeps_everything else "output folder unusable", exc)
            return
        if self.outage is not None:
            log.warning("%s: over, working again", self.outage)
            self.outage, self.backoff = None, self.service.settings.poll_seconds

    def _failing(self, what: str, exc: Exception) -> None:
        if self.outage != what:
            log.warning("%s (%s); retrying with backoff up to %gs", what, exc, self.service.settings.outage_backoff_max)
            self.outage = what
        else:
            self.backoff = min(self.backoff * 2, self.service.settings.outage_backoff_max)

    def _entries(self) -> list[Path]:
        found = []
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith(".") or path in self.waiting:
                continue
            if path.is_symlink():
                # Never followed: a link would let whoever drops files read any file of this machine.
                self._file_failed(path, "symbolic_link: a symbolic link is not followed; drop the file itself")
            elif path.is_file():
                found.append(path)
        return found

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
                if open_for_writing(path):
                    seen.stable_since = now  # a writer that paused: the file is not complete yet
                else:
                    self._submit(path, seen)
        for gone in set(self.candidates) - present:
            del self.candidates[gone]

    def _submit(self, path: Path, candidate: _Candidate) -> None:
        # Content already known (converted, queued, or submitted before a restart) is not enqueued again.
        if candidate.stored is None:
            try:
                candidate.stored = self.service.storage.put_file(path)
            except FileNotFoundError:  # taken away meanwhile: nothing to submit
                del self.candidates[path]
                return
        sha256, size = candidate.stored
        submission = self.service.submit_stored(sha256, path.name, size)
        log.info("%s: %s job %s", path.name, "enqueued" if submission.enqueued else "known,", submission.job_id)
        del self.candidates[path]
        self.waiting[path] = candidate

    def _collect(self) -> None:
        for path, candidate in list(self.waiting.items()):
            assert candidate.stored is not None
            row = self.service.index.get(candidate.stored[0])
            if row is None:
                continue
            row = self.service.refresh(row)
            if row.status not in FINAL:
                continue
            del self.waiting[path]
            if _changed(path, candidate):
                # Written to again after it was read (a writer we could not see): its result is of
                # a part only. The file is a new candidate; the part's result stays in the index.
                log.info("%s: changed after it was read; read again once settled", path.name)
            else:
                self._file_away(path, row)

    def _file_away(self, path: Path, row: DocumentRow) -> None:
        self._keep_result(row)
        if row.status == "done":
            shutil.move(path, _free_name(self.folder / DONE / path.name))
            log.info("%s -> %s (ok)", path.name, DONE)
            return
        self._file_failed(
            path,
            f"{row.error_code}: {row.error}\njob: {row.job_id}\nsha256: {row.sha256}\n"
            + (f"result: {row.result_path}\n" if row.result_path else ""),
        )

    def _file_failed(self, path: Path, note: str) -> None:
        """Into failed/, with `<name>.error.txt` beside it (its first line: `code: reason`)."""
        target = _free_name(self.folder / FAILED / path.name)
        shutil.move(path, target)
        target.with_name(target.name + ".error.txt").write_text(note.rstrip("\n") + "\n", encoding="utf-8")
        log.info("%s -> %s (%s)", path.name, FAILED, note.split(":", 1)[0])


    def _keep_result(self, row: DocumentRow) -> None:
        """A result kept by the database is written into the output folder too: the folder user's copy."""
        out = self.service.settings.out
        if not self.service.db.keeps_everything or out is None or row.report is None:
            return
        data = self.service.storage.result_bytes(row)
        payload = None if data is None else parse_result(data)
        if payload is not None:
            write_json_atomic(out / row.report, payload)


def _changed(path: Path, candidate: _Candidate) -> bool:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    return (stat.st_size, stat.st_mtime_ns) != (candidate.size, candidate.mtime_ns)


def open_for_writing(path: Path) -> bool:
    """Whether a process on this machine holds `path` open for writing (Linux /proc; False elsewhere).

    Settling alone cannot tell a finished file from one whose writer paused longer than the interval.
    """
    target = os.fspath(path.resolve())
    for proc in Path("/proc").glob("[0-9]*/fd"):
        try:
            fds = list(os.scandir(proc))
        except OSError:  # gone, or not ours to look at
            continue
        for fd in fds:
            try:
                if os.readlink(fd.path) != target:
                    continue
                flags = (proc.parent / "fdinfo" / fd.name).read_text().split("flags:", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if int(flags, 8) & (os.O_WRONLY | os.O_RDWR):
                return True
    return False


def _free_name(target: Path) -> Path:
    """`target`, or `name.1.ext`, `name.2.ext`… if a file of that name was already filed there."""
    candidate, n = target, 0
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem}.{n}{target.suffix}")
    return candidate
