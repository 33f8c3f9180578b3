"""Issue 14: many slow URL fetches to an allowed host do not stall the API: fetches run on a bounded
pool of their own (more than it can hold are refused with 503 at once), and /health stays fast.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from bench.redis_server import free_port, running_redis
from tests.conftest import SEEDS
from tests.test_service_watch import ingest, service_env, stop, wait_for

FETCHES = 45
REFUSED = FETCHES - 4 - 32  # 4 fetching and 32 waiting are served, the rest refused


@pytest.fixture
def slow_server() -> Iterator[tuple[str, threading.Event]]:
    """A loopback HTTP server whose answers wait until the test lets them go."""
    release = threading.Event()
    body = SEEDS[0].read_bytes()

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            release.wait(60)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", release
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def test_slow_fetches_leave_the_api_responsive(tmp_path: Path, slow_server: tuple[str, threading.Event]) -> None:
    base_url, release = slow_server
    with running_redis(tmp_path / "redis") as redis_server:
        port = free_port()
        env = {**service_env(redis_server.url), "INGEST_FETCH_ALLOW": "127.0.0.1/32"}
        server = ingest(["serve", "--out", str(tmp_path / "out"), "--port", str(port)], env, tmp_path / "serve.log")
        api = f"http://127.0.0.1:{port}"
        try:
            wait_for("the API", lambda: _answers(f"{api}/health"), 30, 0.2)

            def submit(i: int) -> int:
                response = httpx.post(f"{api}/jobs", json={"url": f"{base_url}/report-{i}.txt"}, timeout=120)
                return response.status_code

            with ThreadPoolExecutor(FETCHES) as clients:
                statuses = [clients.submit(submit, i) for i in range(FETCHES)]
                # The fetches past the limit are refused at once; the others wait on the slow server.
                wait_for("the fetches past the limit to be refused", lambda: sum(s.done() for s in statuses) >= REFUSED,
                         60, 0.1)
                started = time.monotonic()
                health = httpx.get(f"{api}/health", timeout=30)
                job = httpx.get(f"{api}/jobs/{'0' * 32}", timeout=30)
                elapsed = time.monotonic() - started
                release.set()
                answered = sorted(s.result() for s in statuses)
        finally:
            stop(server)
    assert health.status_code == 200 and job.status_code == 404
    assert elapsed < 5, f"/health and /jobs took {elapsed:.1f}s behind {FETCHES} slow fetches"
    assert set(answered) <= {200, 202, 503}, answered
    assert answered.count(503) == REFUSED
    assert 202 in answered


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False
