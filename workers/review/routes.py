"""The review router: the queue, a report's page, the JSON endpoints its script calls (state, decisions,
context lines, crops), the findings pages and the static files."""

# No `from __future__ import annotations`: FastAPI reads the annotations of the route functions.
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ingest.contract import report_to_dict
from ingest.layouts import load_layouts
from ingest.settings import Settings, load_settings
from workers.config import ServiceSettings
from workers.corrections import Conflict, ReviewError, layout_of
from workers.db import Database
from workers.review.findings import add_findings_pages
from workers.review.pages import ASSETS, Pages
from workers.review.queue import filter_entries
from workers.review.view import Reports, cell_labels, grids
from workers.storage import storage_for

STATIC = {"review.js": "text/javascript", "review.css": "text/css", "findings.css": "text/css"}


def review_router(service: ServiceSettings, settings: Settings | None = None) -> APIRouter:
    """The review pages and their JSON endpoints, for the service's reports (folder or database)."""
    db = Database(service.database_url)
    reports = Reports(storage_for(service.out, db), db, settings or load_settings())
    pages = Pages(service.token)
    router = APIRouter(prefix="/review", include_in_schema=False)
    _add_pages(router, reports, pages)
    pages.add_login(router)
    _add_api(router, reports, pages)

    layouts = {layout.template: layout for layout in load_layouts(reports.settings.layouts_dir)}

    def labels(template: str) -> dict[str, tuple[str, str]]:
        known = cell_labels(layouts[template]) if template in layouts else {}
        return {key: (label.row, label.column) for key, label in known.items()}

    if service.out is not None:  # the findings pages read the folder's result files
        add_findings_pages(router, pages.page, service.out, reports.settings, labels)

    @router.get("/static/{file}")
    async def static(file: str) -> Response:
        if file not in STATIC:
            raise HTTPException(404, f"no static file {file}")
        return FileResponse(ASSETS / "static" / file, media_type=STATIC[file])

    return router


def _add_pages(router: APIRouter, reports: Reports, pages: Pages) -> None:
    """The queue and a report's page."""

    @router.get("")
    async def queue(request: Request, agency: str = "", year: str = "", format: str = "",
                    status: str = "to review") -> Response:
        entries = await run_in_threadpool(reports.entries)
        shown = filter_entries(entries, agency.strip(), year.strip(), format, status)
        return pages.page(
            request, "queue.html", entries=shown, total=len(entries),
            formats=sorted({e.format for e in entries if e.format}),
            years=sorted({e.year for e in entries if e.year}, reverse=True),
            wanted={"agency": agency, "year": year, "format": format, "status": status},
            quote=quote,
        )

    @router.get("/reports/{name}")
    async def report_page(request: Request, name: str) -> Response:
        report = await run_in_threadpool(reports.load, name)
        layout = layout_of(report, reports.settings.layouts_dir)
        state = await run_in_threadpool(reports.state, name, report)
        return pages.page(
            request, "report.html", name=name, payload=report_to_dict(report), grids=grids(layout, set(report.cells)),
            state=state, cells=state["cells"],
        )


def _add_api(router: APIRouter, reports: Reports, pages: Pages) -> None:
    """The JSON endpoints of a report's page: its state, a decision on a cell, a cell's context and crop."""
    Reviewer = Annotated[str, Depends(pages.api_reviewer)]

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
            report, _ = await run_in_threadpool(reports.log.decide, name, key, action, value, version, reviewer)
        except Conflict as exc:
            state = await run_in_threadpool(lambda: reports.state(name, reports.load(name)))
            body = {"error": {"code": "conflict", "message": str(exc)}, "state": state}
            return JSONResponse(body, 409)
        except ReviewError as exc:
            return JSONResponse({"error": {"code": "invalid_value", "message": str(exc)}}, 422)
        return JSONResponse(await run_in_threadpool(reports.state, name, report))

    @router.get("/api/reports/{name}/cells/{key}/context")
    async def context(name: str, key: str, reviewer: Reviewer) -> dict[str, list[str]]:
        return {"lines": await run_in_threadpool(reports.context, name, key)}

    @router.get("/api/reports/{name}/cells/{key}/crop.png")
    async def crop(name: str, key: str, reviewer: Reviewer) -> Response:
        png = await run_in_threadpool(reports.crop, name, key)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})
