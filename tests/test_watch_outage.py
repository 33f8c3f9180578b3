"""Issue 14: a watcher whose Redis (or output folder) is unusable waits with a growing delay, logs
one line per change of state, never copies content already in the store again, and picks up
where it was once the fault is gone.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from redis import Redis
from rq import Queue

from bench.redis_server import RedisServer, free_port, running_redis
from tests.conftest import ROOT, SEEDS
from tests.test_run_faults import tmpfs
from tests.test_service_watch import wait_for
from tests.test_watch_writers import settle
from workers.client import Service
from workers.config import load_service_settings
from workers.watcher import Watcher


def io_counters(pid: int) -> dict[str, int]:
    lines = Path(f"/proc/{pid}/io").read_text().splitlines()
    return {key: int(value) for key, value in (line.split(": ") for line in lines)}


def start_watcher(inbox: Path, out: Path, redis_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "ingest.cli", "watch", str(inbox), "--out", str(out), "--settle", "0.5"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )


def test_watcher_with_redis_down_backs_off_and_copies_once(tmp_path: Path) -> None:
    inbox, out, log = tmp_path / "inbox", tmp_path / "out", tmp_path / "watch.log"
    inbox.mkdir()
    port = free_port()  # nothing listens there yet: Redis is down
    document = random.Random(3).randbytes(5 * 1024 * 1024)
    (inbox / "waiting.bin").write_bytes(document)
    watcher = start_watcher(inbox, out, f"redis://127.0.0.1:{port}/0", log)
    server = RedisServer(tmp_path / "redis", port)
    try:
        # From the outage's first line (a loaded machine may take seconds to start the watcher).
        wait_for("the watcher to meet the outage", lambda: "redis unavailable" in log.read_text(), 60, 0.1)
        time.sleep(12)
        counters = io_counters(watcher.pid)
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        # One copy of the file into the store (5 MB), not one per pass.
        assert counters["write_bytes"] < 60 * 1024 * 1024, counters
        assert counters["wchar"] < 60 * 1024 * 1024, counters
        assert len(lines) < 200, lines[:20]
        assert not any("Traceback" in line for line in lines), lines[:20]
        assert sum("redis unavailable" in line for line in lines) == 1, lines
        assert len(list((out / ".store").rglob("*"))) == 2  # ab/ and ab/abcdef…

        server.start()
        queue = Queue("ingest", connection=Redis.from_url(server.url))
        wait_for("the waiting file to be enqueued once Redis is back", lambda: queue.count == 1, 60, 0.25)
        assert (inbox / "waiting.bin").exists()  # still waiting for its job, not filed away
        wait_for("the end of the outage to be logged", lambda: "working again" in log.read_text(), 10)
    finally:
        watcher.terminate()
        watcher.wait(15)
        server.stop()


def fill(folder: Path) -> Path:
    """Write into `folder` until its file system is full."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_watcher_with_a_full_output_folder_waits_and_recovers(tmp_path: Path) -> None:
    inbox, log = tmp_path / "inbox", tmp_path / "watch.log"
    inbox.mkdir()
    with running_redis(tmp_path / "redis") as server, tmpfs(tmp_path / "mnt", "2m") as out:
        watcher = start_watcher(inbox, out, server.url, log)
        try:
            wait_for("the index to be created", lambda: (out / "index.sqlite").exists(), 30)
            filler = fill(out)
            shutil.copyfile(SEEDS[0], inbox / "report.txt")
            time.sleep(6)
            lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
            assert watcher.poll() is None, lines
            assert not any("Traceback" in line for line in lines), lines
            assert sum("output folder unusable" in line for line in lines) == 1, lines
            assert len(lines) < 20, lines

            filler.unlink()
            queue = Queue("ingest", connection=Redis.from_url(server.url))
            wait_for("the file to be enqueued once there is room", lambda: queue.count == 1, 60, 0.25)
            wait_for("the end of the outage to be logged", lambda: "working again" in log.read_text(), 10)
        finally:
            watcher.terminate()
            watcher.wait(15)


def test_watcher_survives_an_index_it_cannot_open(tmp_path: Path) -> None:
    """SQLite's own errors ("unable to open database file", "disk I/O error") are an outage too."""
    (tmp_path / "inbox").mkdir()
    with running_redis(tmp_path / "redis") as server, tmpfs(tmp_path / "mnt", "4m") as out:
        settings = load_service_settings(out, redis_url=server.url, settle_seconds=0.2)
        watcher = Watcher(tmp_path / "inbox", Service(settings))
        for sub in ("done", "failed"):
            (watcher.folder / sub).mkdir()
        shutil.copyfile(SEEDS[0], watcher.folder / "a.txt")
        settle(watcher)
        assert list(watcher.waiting) == [watcher.folder / "a.txt"]
        subprocess.run(["mount", "-o", "remount,ro", str(out.parent)], check=True)
        shutil.copyfile(SEEDS[0], watcher.folder / "b.txt")  # stored already: only the index is asked
        settle(watcher)
        assert watcher.outage == "output folder unusable"
        subprocess.run(["mount", "-o", "remount,rw", str(out.parent)], check=True)
        watcher.step()
        assert watcher.outage is None
        assert sorted(p.name for p in watcher.waiting) == ["a.txt", "b.txt"]
