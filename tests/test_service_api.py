"""The HTTP API in its own process (uvicorn on a free loopback port) in front of 2 RQ workers:
the same 20 files give the same results as `ingest run`; bad requests get clear 4xx JSON errors
and the service keeps serving."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.redis_server import RedisServer, free_port, running_redis
from ingest.cli import main as ingest_main
from tests.test_service_watch import ingest, make_inputs, service_env, stop, wait_for
from workers.api import create_app
from workers.config import load_service_settings

MAX_UPLOAD = 10_000_000  # above the long report of make_inputs (~7.4 MB)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def api(tmp_path: Path, redis_server: RedisServer, db_url: str | None) -> Iterator[tuple[str, Path]]:
    """Workers and `ingest serve` (allowed to fetch from 127.0.0.1 only), on both databases;
    yields (base URL, out folder)."""
    out, logs = tmp_path / "out", tmp_path / "logs"
    logs.mkdir()
    port = free_port()
    env = {**service_env(redis_server.url, db_url), "INGEST_FETCH_ALLOW": "127.0.0.1/32",
           "INGEST_MAX_UPLOAD_BYTES": str(MAX_UPLOAD)}
    pool = ingest(["worker", "--processes", "2"], env, logs / "worker.log")
    server = ingest(["serve", "--out", str(out), "--port", str(port)], env, logs / "serve.log")
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_for("the API to answer", healthy, 20, 0.2)
        yield base, out
    finally:
        stop(server)
        stop(pool)


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static file server on loopback (the documents a crawler would point the API at)."""
    folder = tmp_path / "served"
    folder.mkdir()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for("the file server", lambda: _accepts(port), 10, 0.1)
        yield f"http://127.0.0.1:{port}", folder
    finally:
        stop(process)


def _accepts(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    """A result without what legitimately differs between runs: the file name (a copy shares its original's)."""
    return {**result, "source": {k: v for k, v in result["source"].items() if k != "file"}}


def test_api_gives_the_results_of_ingest_run(tmp_path: Path, api: tuple[str, Path],
                                             file_server: tuple[str, Path]) -> None:
    started = time.monotonic()
    base, _ = api
    url_base, served = file_server
    (tmp_path / "staging").mkdir()
    files = make_inputs(tmp_path / "staging")
    local = tmp_path / "local"
    local.mkdir()
    for name, data in files.items():
        (local / name).write_bytes(data)
        (served / name).write_bytes(data)

    jobs: dict[str, str] = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        for i, name in enumerate(sorted(files)):
            if i % 2:
                resp = client.post("/jobs", json={"url": f"{url_base}/{name}"})
            else:
                resp = client.post("/jobs", files={"file": (name, files[name])})
            assert resp.status_code in (200, 202), resp.text
            jobs[name] = resp.json()["id"]

        def finished() -> dict[str, dict[str, Any]] | None:
            states = {name: client.get(f"/jobs/{job_id}").json() for name, job_id in jobs.items()}
            return states if all(s["status"] in ("done", "error", "failed") for s in states.values()) else None

        # Generous: the long report alone is ~9 s of a core, many times that on a loaded machine.
        states = wait_for("all jobs to finish", finished, 240, 0.5)
        assert isinstance(states, dict)
        reports = {name: client.get(f"/reports/{job_id}").json() for name, job_id in jobs.items()}
    api_seconds = time.monotonic() - started

    run_out = tmp_path / "run_out"
    ingest_main(["run", str(local), "--out", str(run_out), "--jobs", "2"])
    for name, report in reports.items():
        expected = json.loads((run_out / f"{Path(name).stem}.json").read_text(encoding="utf-8"))
        assert comparable(report) == comparable(expected), name
        assert states[name]["status"] == ("error" if "error" in expected else "done"), name
    assert reports["empty.txt"]["error"]["code"] == "empty_file"
    assert reports["copy_of_seed_001.txt"] == reports["seed_001.txt"]
    print(f"\nHTTP API: {len(files)} files in {api_seconds:.1f}s", file=sys.stderr)


def chunked_upload(size: int) -> Iterator[bytes]:
    """A multipart upload sent in chunks, without Content-Length: the limit must hold while it streams."""
    yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
    for _ in range(size // 65536 + 1):
        yield b"x" * 65536
    yield b"\r\n--b--\r\n"


def test_bad_requests_get_clear_4xx_errors(tmp_path: Path, api: tuple[str, Path]) -> None:
    base, _ = api
    trap = socket.socket()
    trap.bind(("127.0.0.2", 0))  # loopback, but not in the allow-list
    trap.listen()
    trap.setblocking(False)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            resp = client.post("/jobs", files={"file": ("big.txt", b"x" * (MAX_UPLOAD + 100_000))})
            assert resp.status_code == 413 and resp.json()["error"]["code"] == "too_large"
            resp = client.post("/jobs", content=chunked_upload(MAX_UPLOAD + 100_000),
                               headers={"content-type": "multipart/form-data; boundary=b"})
            assert resp.status_code == 413 and resp.json()["error"]["code"] == "too_large"

            resp = client.post("/jobs", json={"url": f"http://127.0.0.2:{trap.getsockname()[1]}/report.txt"})
            assert resp.status_code == 403 and resp.json()["error"]["code"] == "url_not_allowed"
            assert "127.0.0.2" in resp.json()["error"]["message"]
            with pytest.raises(BlockingIOError):
                trap.accept()  # refused before any connection was made
            for url in ("file:///etc/passwd", "http://10.0.0.1/report.txt", "not a url"):
                resp = client.post("/jobs", json={"url": url})
                assert resp.status_code == 403, (url, resp.text)
            assert client.post("/jobs", json={"link": "x"}).status_code == 422
            assert client.post("/jobs", content=b"x", headers={"content-type": "text/plain"}).status_code == 415

            for path in ("/reports/../../etc/passwd", "/reports/..%2F..%2Fetc%2Fpasswd", "/reports/" + "z" * 64,
                         "/reports/%2e%2e%2fetc%2fpasswd"):
                resp = client.get(path)
                assert 400 <= resp.status_code < 500, (path, resp.status_code)
                assert "error" in resp.json(), path
            for job_id in ("not-a-job", "0" * 31, "G" * 32, "%2e%2e"):
                resp = client.get(f"/jobs/{job_id}")
                assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_request", job_id
            resp = client.get("/jobs/" + "0" * 32)
            assert resp.status_code == 404 and resp.json()["error"]["code"] == "unknown_job"

            assert client.get("/health").json()["status"] == "ok"
            assert client.get("/health").status_code == 200
    finally:
        trap.close()


def test_token_is_required_when_set(tmp_path: Path) -> None:
    settings = load_service_settings(tmp_path / "out", token="s3cret", redis_url=f"redis://127.0.0.1:{free_port()}/0")
    job = "/jobs/" + "0" * 32

    async def statuses() -> list[int]:
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return [
                (await client.get(job)).status_code,
                (await client.get(job, headers={"Authorization": "Bearer wrong"})).status_code,
                (await client.get(job, headers={"Authorization": "Bearer s3cret"})).status_code,
                (await client.get("/health")).status_code,  # no Redis there: reported, not a crash
            ]

    assert asyncio.run(statuses()) == [401, 401, 404, 503]


def test_serve_refuses_to_listen_off_loopback_without_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INGEST_TOKEN", raising=False)
    assert ingest_main(["serve", "--out", str(tmp_path / "out"), "--host", "0.0.0.0"]) == 2
