"""Issue 14: every process logs in one format (text or JSON lines, --log-level on every subcommand);
a name holding a newline cannot forge a log line; a Redis outage is a line when it starts and one
when it ends, not a traceback per retry."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue

from bench.redis_server import RedisServer, running_redis
from ingest.cli import build_parser
from tests.conftest import SEEDS
from tests.test_run_faults import ingest as run_ingest
from tests.test_service_watch import ingest, service_env, stop, wait_for

TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) [\w.]+: \S")
FORGED = "report\nFORGED ERROR line\u202e.txt"


@pytest.mark.parametrize("command", [["run", "x", "--out", "o"], ["export", "o", "--to", "t.csv"], ["stats", "o"],
                                     ["worker"], ["watch", "in", "--out", "o"], ["enqueue", "x", "--out", "o"],
                                     ["serve", "--out", "o"], ["failed", "list", "--out", "o"]])
def test_every_subcommand_takes_the_logging_options(command: list[str]) -> None:
    args = build_parser().parse_args([*command, "--log-level", "warning", "--log-format", "json"])
    assert (args.log_level, args.log_format) == ("WARNING", "json")


def watch_log(tmp_path: Path, server: RedisServer, *options: str) -> list[str]:
    """The log of a watcher that picks up a file whose name holds a newline and a right-to-left mark."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    log = tmp_path / "watch.log"
    watcher = ingest(["watch", str(inbox), "--out", str(tmp_path / "out"), "--settle", "0.3", *options],
                     service_env(server.url), log)
    try:
        (inbox / FORGED).write_bytes(SEEDS[0].read_bytes())
        queue = Queue("ingest", connection=Redis.from_url(server.url))
        wait_for("the file to be enqueued", lambda: queue.count == 1, 30)
        time.sleep(0.5)
    finally:
        stop(watcher)
    return log.read_text(encoding="utf-8").splitlines()


def test_names_cannot_forge_text_log_lines(tmp_path: Path) -> None:
    with running_redis(tmp_path / "redis") as server:
        lines = watch_log(tmp_path, server)
    assert lines and all(TEXT_LINE.match(line) for line in lines), lines
    assert any("report\\u000aFORGED ERROR line\\u202e.txt: enqueued job" in line for line in lines), lines


def test_json_log_lines_and_the_level(tmp_path: Path) -> None:
    with running_redis(tmp_path / "redis") as server:
        lines = watch_log(tmp_path, server, "--log-format", "json")
        entries = [json.loads(line) for line in lines]
        assert any(e["message"].startswith(f"{FORGED}: enqueued job") for e in entries), entries
        assert {"time", "level", "logger", "message"} <= set(entries[0])

    (tmp_path / "quiet").mkdir()
    with running_redis(tmp_path / "quiet" / "redis") as server:
        assert watch_log(tmp_path / "quiet", server, "--log-level", "WARNING") == []  # there were INFO lines only


def test_a_redis_outage_is_two_lines_per_worker_and_no_traceback(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    with running_redis(tmp_path / "redis") as server:
        pool = ingest(["worker", "--processes", "2"], service_env(server.url), log)
        try:
            wait_for("the workers to listen", lambda: log.read_text().count("Listening on") == 2, 60, 0.2)
            before = len(log.read_text().splitlines())
            server.stop()
            time.sleep(8)
            server.start()
            wait_for("the workers to be back", lambda: log.read_text().count("Redis reachable again") == 2, 60, 0.5)
        finally:
            stop(pool)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if not TEXT_LINE.match(line)], lines
    outage = [line for line in lines[before:] if "Redis" in line]
    assert len(outage) <= 2 * 2 + 1, outage  # per worker: down, back; the scheduler: stops


def test_run_names_files_on_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / FORGED).write_bytes(b"no report here")
    result = run_ingest("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    failed = result.stderr.splitlines()
    assert len(failed) == 1 and "/report\\u000aFORGED ERROR line\\u202e.txt: not_a_report" in failed[0]


def test_an_exception_python_cannot_raise_is_one_log_line() -> None:
    # RQ's stop request raised by its SIGTERM handler inside logging's at-fork hook reached stderr as a
    # traceback (seen under load); any unraisable exception goes the same way.
    program = ("from ingest.logs import setup_logging\nsetup_logging()\n"
               "class Finaliser:\n    def __del__(self):\n        raise RuntimeError('stop requested')\n"
               "Finaliser()\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and TEXT_LINE.match(lines[0]) and "RuntimeError: stop requested" in lines[0], lines
