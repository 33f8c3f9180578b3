"""Issue 14: SIGTERM to `ingest run` stops its worker processes too (they do not go on converting)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT
from tests.test_service_watch import long_report, wait_for


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_sigterm_to_run_stops_its_workers(tmp_path: Path) -> None:
    for i in range(4):
        (tmp_path / f"long_{i}.txt").write_bytes(long_report(80000))  # seconds of work each
    run = subprocess.Popen([sys.executable, "-m", "ingest.cli", "run", str(tmp_path), "--out", str(tmp_path / "out"),
                            "--jobs", "2"], cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        wait_for("two worker processes", lambda: len(children(run.pid)) >= 2, 30)
        workers = children(run.pid)
        time.sleep(1)  # converting
        run.send_signal(signal.SIGTERM)
        run.wait(10)
        wait_for("the workers to end", lambda: not any(alive(pid) for pid in workers), 5)
    finally:
        run.kill()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
