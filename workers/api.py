"""The HTTP API: submit documents (upload or URL), follow their jobs, read their reports.

Built by `create_app(settings)`; other modules may add routes (e.g. review pages) to the app it returns.
"""

# No `from __future__ import annotations` here: FastAPI reads the annotations of the route
# functions, and the dependencies they name are local to create_app.
import asyncio
import functools
import hmac
import io
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

import redis
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ingest.errors import ErrorCode
from workers.client import Service, Submission
from workers.config import ServiceSettings
from workers.fetch import FetchFailed, FetchRefused, FetchTooLarge, fetch
from workers.review import review_router
from workers.store import FINAL, DocumentRow

JOB_ID_PATTERN = r"^[0-9a-f]{32}$"
REPORT_ID_PATTERN = r"^([0-9a-f]{32}|[0-9a-f]{64})$"
# Room for the multipart envelope around an upload of the maximum size.
_ENVELOPE_BYTES = 64 * 1024


class ApiError(HTTPException):
    """An error answered as {"error": {"code", "message"}}."""

    def __init__(self, status: int, code: ErrorCode, message: str) -> None:
        super().__init__(status, message)
        self.code = code


class FetchRequest(BaseModel):
    url: str
    force: bool = False


class ErrorOut(BaseModel):
    code: str | None
    message: str | None


class JobOut(BaseModel):
    id: str
    sha256: str
    name: str
    status: str
    progress: str | None = None
    error: ErrorOut | None = None
    report: str | None = None
    enqueued: bool | None = None
    submitted_at: float
    finished_at: float | None = None


class ErrorBody(BaseModel):
    error: ErrorOut


# Every error answers {"error": {"code", "message"}}; documented as such in the spec.
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (401, 403, 404, 409, 413, 415, 422, 502, 503)
}


class HealthOut(BaseModel):
    status: str
    redis: str
    queued: int | None = None


def _job_out(row: DocumentRow, job_id: str, progress: str | None = None, enqueued: bool | None = None) -> JobOut:
    return JobOut(
        id=job_id,
        sha256=row.sha256,
        name=row.name,
        status=row.status if row.job_id == job_id else "superseded",
        progress=progress,
        error=ErrorOut(code=row.error_code, message=row.error) if row.error_code else None,
        report=f"/reports/{row.sha256}" if row.status in ("done", "error") else None,
        enqueued=enqueued,
        submitted_at=row.submitted_at,
        finished_at=row.finished_at,
    )


class BodyLimit:
    """Refuse request bodies over the limit (413) while they stream in, before anything is stored."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = f"the request body is over the limit of {self.limit} bytes"
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            answer = JSONResponse({"error": {"code": ErrorCode.TOO_LARGE, "message": too_large}}, 413)
            await answer(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                # Raised inside the route's body read: the app's error handler answers it.
                raise ApiError(413, ErrorCode.TOO_LARGE, too_large)
            return message

        await self.app(scope, limited, send)


def create_app(settings: ServiceSettings) -> FastAPI:
    """The FastAPI application of the service for one output folder."""
    service = Service(settings)
    app = FastAPI(
        title="ingest",
        summary="Government information-disclosure annual reports to JSON",
        version="1",
    )
    app.state.service = service
    bearer = HTTPBearer(auto_error=False)
    # URL fetches run on threads of their own, so slow servers cannot take the threads every other
    # request needs (/health, /jobs/…); past the waiting limit a fetch is refused at once (503).
    fetchers = ThreadPoolExecutor(settings.fetch_concurrency, thread_name_prefix="ingest-fetch")
    fetches_pending = 0

    def authorized(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if settings.token is None:
            return
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode(), settings.token.encode()):
            raise ApiError(401, ErrorCode.UNAUTHORIZED, "a valid `Authorization: Bearer <token>` header is required")

    guarded = [Depends(authorized)]

    @app.exception_handler(StarletteHTTPException)  # also the router's own 404/405
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        routing = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}
        code = exc.code if isinstance(exc, ApiError) else routing.get(exc.status_code, ErrorCode.HTTP_ERROR)
        return JSONResponse({"error": {"code": code, "message": str(exc.detail)}}, exc.status_code, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()]
        message = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in details)
        return JSONResponse({"error": {"code": ErrorCode.INVALID_REQUEST, "message": message, "details": details}}, 422)

    @app.exception_handler(redis.exceptions.ConnectionError)
    async def redis_down(request: Request, exc: redis.exceptions.ConnectionError) -> JSONResponse:
        return JSONResponse({"error": {"code": ErrorCode.REDIS_UNAVAILABLE, "message": str(exc)}}, 503)

    @app.post(
        "/jobs",
        dependencies=guarded,
        status_code=202,
        response_model=JobOut,
        summary="Submit a document: a multipart upload (`file`) or JSON {\"url\": …} for the server to fetch",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {"file": {"type": "string", "format": "binary"}},
                            "required": ["file"],
                        }
                    },
                    "application/json": {"schema": FetchRequest.model_json_schema()},
                },
            },
            "responses": {"200": {"description": "The content was already known: its existing job"}},
        },
        responses=ERRORS,
    )
    async def create_job(request: Request, force: bool = False) -> Any:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            submission = await _upload(request, force)
        elif content_type.startswith("application/json"):
            submission = await _fetch(request, force)
        else:
            raise ApiError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                           "send multipart/form-data with `file`, or JSON {\"url\"}")
        row = await run_in_threadpool(service.index.get, submission.sha256)
        assert row is not None
        body = _job_out(row, submission.job_id, enqueued=submission.enqueued).model_dump(mode="json")
        return JSONResponse(body, 202 if submission.enqueued else 200)

    async def _upload(request: Request, force: bool) -> Submission:
        form = await request.form(max_files=1)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(422, ErrorCode.INVALID_REQUEST, "the multipart form needs a `file` part")
        try:
            return await run_in_threadpool(service.submit_stream, upload.file, upload.filename or "upload", force)
        except OverflowError as exc:
            limit = settings.max_upload_bytes
            raise ApiError(413, ErrorCode.TOO_LARGE, f"the file is over the limit of {limit} bytes") from exc
        finally:
            await upload.close()

    async def _fetch(request: Request, force: bool) -> Submission:
        nonlocal fetches_pending
        try:
            wanted = FetchRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            reason = exc.errors()[0]["msg"]
            raise ApiError(422, ErrorCode.INVALID_REQUEST, f"expected JSON {{\"url\": …}}: {reason}") from exc
        if fetches_pending >= settings.fetch_concurrency + settings.fetch_waiting:
            busy = f"{fetches_pending} URL fetches are under way or waiting; try again later"
            raise ApiError(503, ErrorCode.BUSY, busy)
        fetches_pending += 1
        try:
            fetched = await asyncio.get_running_loop().run_in_executor(fetchers, functools.partial(
                fetch, wanted.url, settings.fetch_allow, settings.max_upload_bytes,
                settings.fetch_timeout, settings.fetch_max_redirects,
            ))
        except FetchRefused as exc:
            raise ApiError(403, ErrorCode.URL_NOT_ALLOWED, str(exc)) from exc
        except FetchTooLarge as exc:
            raise ApiError(413, ErrorCode.TOO_LARGE, str(exc)) from exc
        except FetchFailed as exc:
            raise ApiError(502, ErrorCode.FETCH_FAILED, str(exc)) from exc
        finally:
            fetches_pending -= 1
        return await run_in_threadpool(
            service.submit_stream, io.BytesIO(fetched.data), fetched.name, force or wanted.force
        )

    @app.get(
        "/jobs/{job_id}", dependencies=guarded, response_model=JobOut, responses=ERRORS,
        summary="A job's status, stage and error",
    )
    async def get_job(job_id: Annotated[str, PathParam(pattern=JOB_ID_PATTERN)]) -> JobOut:
        state = await run_in_threadpool(service.state, job_id)
        if state is None:
            raise ApiError(404, ErrorCode.UNKNOWN_JOB, f"no job {job_id}")
        return _job_out(state.document, job_id, state.progress)

    @app.get(
        "/reports/{report_id}",
        dependencies=guarded,
        summary="The JSON report of a job id or of a document's sha256",
        responses={200: {"content": {"application/json": {}}, "description": "The report (see the schema spec)"},
                   **ERRORS},
    )
    async def get_report(report_id: Annotated[str, PathParam(pattern=REPORT_ID_PATTERN)]) -> Response:
        lookup = service.index.by_job if len(report_id) == 32 else service.index.get
        row = await run_in_threadpool(lookup, report_id)
        if row is None:
            raise ApiError(404, ErrorCode.UNKNOWN_REPORT, f"no document or job {report_id}")
        if row.status not in FINAL or row.report is None:
            raise ApiError(409, ErrorCode.NOT_READY, f"{row.name} is {row.status}: no report yet")
        data = await run_in_threadpool(service.storage.result_bytes, row)
        if data is None:
            raise ApiError(404, ErrorCode.UNKNOWN_REPORT, f"the report of {row.name} is missing")
        return Response(data, media_type="application/json")

    @app.get("/health", response_model=HealthOut, summary="Liveness and Redis reachability")
    async def health() -> JSONResponse:
        try:
            queued = await run_in_threadpool(lambda: service.queue.count)
        except redis.exceptions.RedisError as exc:
            return JSONResponse(HealthOut(status="degraded", redis=str(exc)).model_dump(), 503)
        return JSONResponse(HealthOut(status="ok", redis="ok", queued=queued).model_dump())

    app.include_router(review_router(settings))
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + _ENVELOPE_BYTES)
    return app
