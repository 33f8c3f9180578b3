"""Every error code is produced by some real bad input or fault, and the service's client takes a failed
job's code from what the job recorded, never from its traceback's text."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import pickle
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis import Redis
from rq.job import Job

from bench.redis_server import RedisServer, free_port, running_redis
from ingest.errors import ErrorCode, InputError, ToolError
from ingest.export import read_results
from ingest.output import write_report
from ingest.runner import convert_report, convert_to
from ingest.settings import load_settings
from tests.conftest import SEEDS
from tests.test_bad_office_input import _bad_files
from workers.api import create_app
from workers.client import Service
from workers.config import ServiceSettings, load_service_settings
from workers.jobs import result_name
from workers.pool import worker_class

LETTER = "关于召开2023年度工作会议的通知\n各单位：定于下周一上午召开会议。\n"
OLD_FORMAT = "某某局2017年政府信息公开工作年度报告\n指标名称 计量单位 统计数\n主动公开政府信息数 条 12\n"
# A single-file web page (as Word saves one) whose HTML part is bytes of no text encoding.
_GARBAGE = bytes(random.Random(1).choices(range(1, 32), k=3000))
MHT_OF_GARBAGE = (
    "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\nA single-file web page: <html>\r\n"
    "--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + base64.encodebytes(_GARBAGE).decode() + "\r\n--b--\r\n"
).encode()

# Codes a document converted by the library gives: its input (bytes; the name of one of the bad Word and web
# files of tests/test_bad_office_input.py; None: no file at all) and the settings it is converted with.
DOCUMENTS: dict[ErrorCode, tuple[bytes | str | None, dict[str, object]]] = {
    ErrorCode.EMPTY_FILE: (b"", {}),
    ErrorCode.FILE_TOO_LARGE: (SEEDS[0].read_bytes(), {"limits": {"file_bytes": 100}}),
    ErrorCode.UNREADABLE_FILE: (None, {}),
    ErrorCode.UNKNOWN_FORMAT: (random.Random(2).randbytes(5000), {}),
    ErrorCode.UNDECODABLE_TEXT: (MHT_OF_GARBAGE, {}),
    ErrorCode.PASSWORD_PROTECTED: ("locked.docx", {}),
    ErrorCode.DAMAGED_DOCUMENT: ("damaged.docx", {}),
    ErrorCode.ATTACHMENT_ONLY: ("link-only.html", {}),
    ErrorCode.NOT_A_REPORT: (LETTER.encode(), {}),
    ErrorCode.OLD_FORMAT: (OLD_FORMAT.encode(), {}),
    ErrorCode.TOOL_FAILED: ("broken.doc", {}),
    ErrorCode.TOOL_TIMEOUT: ("broken.doc", {"tools": {"soffice_timeout": 0.01}}),  # no time to open it
    ErrorCode.INTERNAL_ERROR: (SEEDS[0].read_bytes(), {"layouts_dir": Path("/nonexistent/layouts")}),
}
# Produced by slower tests elsewhere (a minute of service each): code -> test that asserts it.
ELSEWHERE = {
    ErrorCode.JOB_TIMEOUT: ("tests/test_job_timeout.py", "test_a_job_over_its_time_limit_is_retried_then_listed"),
    ErrorCode.WORKER_CRASHED: ("tests/test_service_store.py", "test_a_crashed_job_is_kept_failed_and_can_be_requeued"),
    ErrorCode.BUSY: ("tests/test_fetch_stall.py", "answered.count(503)"),
    ErrorCode.CONFLICT: ("tests/test_review_api.py", "test_a_stale_edit_gets_409_and_changes_nothing"),
}
# Answers of the HTTP API (and its review pages) to bad requests, in the order `test_each_http_error_code…` asks.
HTTP_CODES = [ErrorCode.NOT_FOUND, ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
              ErrorCode.INVALID_REQUEST, ErrorCode.TOO_LARGE, ErrorCode.URL_NOT_ALLOWED, ErrorCode.UNKNOWN_JOB,
              ErrorCode.UNKNOWN_REPORT, ErrorCode.NOT_READY, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_VALUE]
HTTP_CODES_WITH_TOKEN = [ErrorCode.UNAUTHORIZED, ErrorCode.FETCH_FAILED, ErrorCode.REDIS_UNAVAILABLE,
                         ErrorCode.HTTP_ERROR]


def _produced(code: ErrorCode, tmp_path: Path) -> str | None:
    given, overrides = DOCUMENTS[code]
    folder = tmp_path / "in"
    folder.mkdir()
    if isinstance(given, str):
        _bad_files(folder)
        path = folder / given
    else:
        path = folder / "input.bin"
        if given is not None:
            path.write_bytes(given)
    error = convert_report(path, load_settings(**overrides)).error
    if error is None:
        return None
    assert error.message.startswith(path.name), error.message
    return error.code


@pytest.mark.parametrize("code", list(DOCUMENTS), ids=str)
def test_each_document_error_code_comes_from_a_real_bad_input(code: ErrorCode, tmp_path: Path) -> None:
    assert _produced(code, tmp_path) == code


def test_a_result_that_cannot_be_written_or_read_has_its_code(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    outcome = convert_to(SEEDS[0], not_a_folder / "seed.json", load_settings())
    assert outcome.error_code == ErrorCode.WRITE_FAILED and outcome.write_error

    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "cut.json").write_text('{"schema": "gov-disc', encoding="utf-8")
    [result] = read_results(tmp_path / "out")
    assert result.report.error is not None and result.report.error.code == ErrorCode.UNREADABLE_RESULT


def _api_codes(settings: ServiceSettings, requests: list[tuple[str, str, dict[str, object]]]) -> list[str]:
    app = create_app(settings)
    app.state.service.index.claim("ab" * 32, "queued.txt", 10)  # a document with no report yet
    assert settings.out is not None
    write_report(convert_report(SEEDS[0], load_settings()), settings.out / "seed.json")

    async def answers() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            codes = []
            for method, url, options in requests:
                answer = await client.request(method, url, **options)  # type: ignore[arg-type]
                codes.append(answer.json()["error"]["code"])
            return codes

    return asyncio.run(answers())


def test_each_http_error_code_comes_from_a_real_request(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/report.docx"
    settings = load_service_settings(tmp_path / "out", redis_url=f"redis://127.0.0.1:{free_port()}/0",
                                     max_upload_bytes=10, fetch_allow=(), token=None)
    upload: dict[str, object] = {"files": {"file": ("a.txt", b"0123456789" * 10_000)}}
    decision = "/review/api/reports/seed.json/cells/s3.new.total"
    codes = _api_codes(settings, [
        ("GET", "/nowhere", {}),
        ("DELETE", "/health", {}),
        ("POST", "/jobs", {"content": b"x", "headers": {"content-type": "text/plain"}}),
        ("POST", "/jobs", {"files": {"other": ("a.txt", b"x")}}),
        ("POST", "/jobs", upload),
        ("POST", "/jobs", {"json": {"url": closed}}),
        ("GET", "/jobs/" + "0" * 32, {}),
        ("GET", "/reports/" + "0" * 64, {}),
        ("GET", "/reports/" + "ab" * 32, {}),
        ("GET", "/jobs/not-a-job-id", {}),
        ("POST", decision, {"json": {"action": "correct", "value": "1x", "version": 0},
                            "headers": {"x-reviewer": "ann"}}),
    ])
    assert codes == HTTP_CODES

    allowed = load_service_settings(tmp_path / "out", redis_url=settings.redis_url, token="s3cret",
                                    fetch_allow=(ipaddress.ip_network("127.0.0.1/32"),))
    bearer = {"headers": {"Authorization": "Bearer s3cret"}}
    codes = _api_codes(allowed, [
        ("GET", "/jobs/" + "0" * 32, {}),
        ("POST", "/jobs", {"json": {"url": closed}, **bearer}),
        ("POST", "/jobs", {"files": {"file": ("a.txt", b"x")}, **bearer}),
        ("GET", "/review/api/reports/seed.json", {}),  # the review pages' own 401
    ])
    assert codes == HTTP_CODES_WITH_TOKEN


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path / "redis") as server:
        yield server


def test_the_client_reads_the_code_a_failed_job_recorded(tmp_path: Path, redis_server: RedisServer) -> None:
    """Two jobs fail for good (no retries); their names and tracebacks carry other codes' words."""
    out = tmp_path / "out"
    service = Service(load_service_settings(out, redis_url=redis_server.url, retry_backoff=()))
    folder = tmp_path / "in"
    folder.mkdir()
    _bad_files(folder)
    # soffice fails on it: the job raises ToolError, its message naming the file.
    misnamed_doc = folder / "ToolTimeout JobTimeoutException.doc"
    (folder / "broken.doc").rename(misnamed_doc)
    # Its result's place is taken by a folder: writing the result fails (an OSError), a plain job failure.
    blocked = folder / "ToolTimeout Work-horse terminated AbandonedJobError.txt"
    blocked.write_bytes(SEEDS[0].read_bytes())
    tool_job = service.submit_file(misnamed_doc)
    blocked_job = service.submit_file(blocked)
    (out / result_name(blocked.name, blocked_job.sha256)).mkdir(parents=True)

    connection = Redis.from_url(redis_server.url)
    worker_class(service.settings)([service.settings.queue], connection=connection).work(burst=True)

    traces = {job_id: Job.fetch(job_id, connection=connection).latest_result() for job_id in
              (tool_job.job_id, blocked_job.job_id)}
    assert all(r is not None and "ToolTimeout" in str(r.exc_string) for r in traces.values())
    codes = {s.job_id: _state_code(service, s.job_id) for s in (tool_job, blocked_job)}
    assert codes == {tool_job.job_id: ErrorCode.TOOL_FAILED, blocked_job.job_id: ErrorCode.JOB_FAILED}
    assert {f.job_id for f in service.failed()} == set(codes)


def _state_code(service: Service, job_id: str) -> str | None:
    state = service.state(job_id)
    assert state is not None and state.document.status == "failed", state
    return state.document.error_code


def test_every_code_is_produced_by_a_test() -> None:
    """The tests above, and the slower ones named in ELSEWHERE, between them produce every code."""
    here = {*DOCUMENTS, *HTTP_CODES, *HTTP_CODES_WITH_TOKEN, ErrorCode.WRITE_FAILED,
            ErrorCode.UNREADABLE_RESULT, ErrorCode.JOB_FAILED}
    root = Path(__file__).resolve().parent.parent
    for code, (file, marker) in ELSEWHERE.items():
        source = (root / file).read_text(encoding="utf-8")
        assert marker in source, (code, file)
    assert set(ErrorCode) == here | set(ELSEWHERE)


def test_an_error_keeps_its_code_and_message_across_processes() -> None:
    """A conversion's exception may be pickled to the parent process: its code and message come back."""
    for error in (InputError(ErrorCode.OLD_FORMAT, "a 2017 report"), ToolError(ErrorCode.TOOL_TIMEOUT, "slow")):
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), again.code, again.message, str(again)) == (
            type(error), error.code, error.message, error.message)
