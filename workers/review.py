"""Review pages: the queue of reports with flagged cells, and a keyboard-first view to confirm or correct them.

`review_router(settings)` is included by `workers.api.create_app`; it needs the service's reports only (no
Redis). What the pages show is built by `workers.review_reports`. Pages are rendered by Jinja2 (autoescaped);
the page's script fetches JSON and writes document text with textContent only. Decisions go through
`workers.corrections.ReviewLog`.
"""

# No `from __future__ import annotations`: FastAPI reads the annotations of the route functions.
import hmac
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlencode

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security.utils import get_authorization_scheme_param
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from ingest.errors import ErrorCode
from ingest.layouts import load_layouts
from ingest.names import visible
from ingest.settings import Settings, load_settings
from workers.config import ServiceSettings
from workers.corrections import Conflict, ReviewError, layout_of
from workers.db import Database
from workers.findings_pages import add_findings_pages
from workers.review_reports import Reports, cell_labels, filter_entries, grids
from workers.storage import storage_for

HERE = Path(__file__).resolve().parent
STATIC = {"review.js": "text/javascript", "review.css": "text/css", "findings.css": "text/css"}
_TOKEN_COOKIE = "ingest_token"
_REVIEWER_COOKIE = "reviewer"
# Scripts and styles from this server only: a document's text can never run as code.
_CSP = "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"


def _shown(value: Any) -> Any:
    """Every value a page prints, without the bidirectional controls that could disguise a name."""
    if isinstance(value, Markup):
        return Markup(visible(str(value)))
    return visible(value) if isinstance(value, str) else value


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True), finalize=_shown
    )
    env.globals["static"] = lambda name: f"/review/static/{name}"
    return env


def _loopback_safe_next(target: str) -> str:
    return target if target.startswith("/review") and not target.startswith("//") else "/review"


def review_router(service: ServiceSettings, settings: Settings | None = None) -> APIRouter:
    """The review pages and their JSON endpoints, for the service's reports (folder or database)."""
    db = Database(service.database_url)
    reports = Reports(storage_for(service.out, db), db, settings or load_settings())
    env = _environment()
    router = APIRouter(prefix="/review", include_in_schema=False)

    def authorized(request: Request) -> bool:
        if service.token is None:
            return True
        # The scheme is case-insensitive (RFC 7235), parsed as the API's HTTPBearer parses it.
        scheme, given = get_authorization_scheme_param(request.headers.get("authorization"))
        given = (given if scheme.lower() == "bearer" else "") or request.cookies.get(_TOKEN_COOKIE, "")
        return hmac.compare_digest(given.encode(), service.token.encode())

    def reviewer_of(request: Request) -> str:
        cookie = unquote(request.cookies.get(_REVIEWER_COOKIE, ""))
        return (request.headers.get("x-reviewer") or cookie).strip()[:80]

    def api_reviewer(request: Request) -> str:
        if not authorized(request):
            raise HTTPException(401, "review needs the service token: sign in at /review/login")
        return reviewer_of(request)

    Reviewer = Annotated[str, Depends(api_reviewer)]

    def page(request: Request, template: str, **context: Any) -> Response:
        if not authorized(request) or not reviewer_of(request):
            return RedirectResponse(f"/review/login?{urlencode({'next': request.url.path})}", 303)
        html = env.get_template(template).render(reviewer=reviewer_of(request), **context)
        return HTMLResponse(html, headers={"Content-Security-Policy": _CSP, "Cache-Control": "no-store"})

    @router.get("")
    async def queue(request: Request, agency: str = "", year: str = "", format: str = "",
                    status: str = "to review") -> Response:
        entries = await run_in_threadpool(reports.entries)
        shown = filter_entries(entries, agency.strip(), year.strip(), format, status)
        return page(
            request, "queue.html", entries=shown, total=len(entries),
            formats=sorted({e.format for e in entries if e.format}),
            years=sorted({e.year for e in entries if e.year}, reverse=True),
            wanted={"agency": agency, "year": year, "format": format, "status": status},
            quote=quote,
        )

    @router.get("/login")
    async def login_form(request: Request, next: str = "/review") -> Response:
        html = env.get_template("login.html").render(
            next=_loopback_safe_next(next), needs_token=service.token is not None,
            reviewer=reviewer_of(request), failed=False,
        )
        return HTMLResponse(html, headers={"Content-Security-Policy": _CSP})

    @router.post("/login")
    async def login(name: Annotated[str, Form()], token: Annotated[str, Form()] = "",
                    next: Annotated[str, Form()] = "/review") -> Response:
        name = name.strip()[:80]
        if not name or (service.token is not None and not hmac.compare_digest(token.encode(), service.token.encode())):
            html = env.get_template("login.html").render(
                next=_loopback_safe_next(next), needs_token=service.token is not None, reviewer=name, failed=True,
            )
            return HTMLResponse(html, 401, headers={"Content-Security-Policy": _CSP})
        response = RedirectResponse(_loopback_safe_next(next), 303)
        cookie = {"httponly": True, "samesite": "strict", "path": "/review", "max_age": 30 * 24 * 3600}
        response.set_cookie(_REVIEWER_COOKIE, quote(name), **cookie)  # type: ignore[arg-type]
        if service.token is not None:
            response.set_cookie(_TOKEN_COOKIE, token, **cookie)  # type: ignore[arg-type]
        return response

    @router.get("/reports/{name}")
    async def report_page(request: Request, name: str) -> Response:
        payload = await run_in_threadpool(reports.load, name)
        layout = layout_of(payload, reports.settings.layouts_dir)
        state = await run_in_threadpool(reports.state, name, payload)
        return page(
            request, "report.html", name=name, payload=payload, grids=grids(layout, set(payload["cells"])),
            state=state, cells=state["cells"],
        )

    @router.get("/api/reports/{name}")
    async def report_state(name: str, reviewer: Reviewer) -> dict[str, Any]:
        return await run_in_threadpool(lambda: reports.state(name, reports.load(name)))

    @router.post("/api/reports/{name}/cells/{key}")
    async def decide(
        request: Request, name: str, key: str, reviewer: Reviewer,
        action: Annotated[str, Body()], version: Annotated[int, Body()], value: Annotated[str, Body()] = "",
    ) -> Response:
        # A JSON body only: a cross-site form cannot post one without a CORS preflight this server refuses.
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise HTTPException(415, "send the decision as JSON")
        if not reviewer:
            raise HTTPException(401, "say who you are: the X-Reviewer header, or sign in at /review/login")
        await run_in_threadpool(reports.load, name)
        try:
            payload, _ = await run_in_threadpool(reports.log.decide, name, key, action, value, version, reviewer)
        except Conflict as exc:
            state = await run_in_threadpool(lambda: reports.state(name, reports.load(name)))
            body = {"error": {"code": ErrorCode.CONFLICT, "message": str(exc)}, "state": state}
            return JSONResponse(body, 409)
        except ReviewError as exc:
            return JSONResponse({"error": {"code": ErrorCode.INVALID_VALUE, "message": str(exc)}}, 422)
        return JSONResponse(await run_in_threadpool(reports.state, name, payload))

    @router.get("/api/reports/{name}/cells/{key}/context")
    async def context(name: str, key: str, reviewer: Reviewer) -> dict[str, list[str]]:
        return {"lines": await run_in_threadpool(reports.context, name, key)}

    @router.get("/api/reports/{name}/cells/{key}/crop.png")
    async def crop(name: str, key: str, reviewer: Reviewer) -> Response:
        png = await run_in_threadpool(reports.crop, name, key)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})

    layouts = {layout.template: layout for layout in load_layouts(reports.settings.layouts_dir)}

    def labels(template: str) -> dict[str, tuple[str, str]]:
        known = cell_labels(layouts[template]) if template in layouts else {}
        return {key: (label.row, label.column) for key, label in known.items()}

    if service.out is not None:  # the findings pages read the folder's result files
        add_findings_pages(router, page, service.out, reports.settings, labels)

    @router.get("/static/{file}")
    async def static(file: str) -> Response:
        if file not in STATIC:
            raise HTTPException(404, f"no static file {file}")
        return FileResponse(HERE / "static" / file, media_type=STATIC[file])

    return router
