"""Review pages: the queue of reports with flagged cells, and a keyboard-first view to confirm or correct them.

`review_router(settings)` is included by `workers.api.create_app`; it needs the output folder only (no Redis).
Pages are rendered by Jinja2 (autoescaped); the page's script fetches JSON and writes document text with
textContent only. Decisions go through `workers.corrections.ReviewLog`.
"""

# No `from __future__ import annotations`: FastAPI reads the annotations of the route functions.
import hmac
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlencode

import pypdfium2
from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security.utils import get_authorization_scheme_param
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from PIL import Image, ImageDraw
from starlette.concurrency import run_in_threadpool

from ingest.detect import detect
from ingest.errors import IngestError
from ingest.labels import label_core
from ingest.layouts import TemplateLayout
from ingest.names import visible
from ingest.output import page_image_path
from ingest.scan.images import pdf_pages
from ingest.settings import Settings, load_settings
from workers.config import ServiceSettings
from workers.corrections import Conflict, ReviewError, ReviewLog, layout_of

HERE = Path(__file__).resolve().parent
STATIC = {"review.js": "text/javascript", "review.css": "text/css"}
# A report is named by its JSON file in the output folder (no path, not hidden).
REPORT_NAME = r"^[^/\\.][^/\\]*\.json$"
_TOKEN_COOKIE = "ingest_token"
_REVIEWER_COOKIE = "reviewer"
# Scripts and styles from this server only: a document's text can never run as code.
_CSP = "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"
# Confidence below this (and below the review threshold) is shown as low.
LOW_CONFIDENCE = 0.6
_CONTEXT_LINES = 3


@dataclass(frozen=True)
class QueueEntry:
    name: str
    agency: str | None
    year: int | None
    format: str | None
    template: str | None
    to_review: int
    reviewed: int
    min_confidence: float | None
    broken: int

    @property
    def status(self) -> str:
        return "to review" if self.to_review else "done"


@dataclass(frozen=True)
class GridRow:
    label: str
    group: str | None
    keys: list[str | None]


@dataclass(frozen=True)
class Grid:
    heading: str
    columns: list[tuple[str | None, str]]  # (group heading, label)
    rows: list[GridRow]


@dataclass(frozen=True)
class CellLabels:
    row: str
    column: str


def _entry(name: str, payload: dict[str, Any]) -> QueueEntry | None:
    cells = payload.get("cells")
    if not isinstance(cells, dict) or "error" in payload:
        return None
    flagged = [c for c in cells.values() if c.get("review")]
    fields = [k for k in (payload.get("review") or {}).get("cells", []) if k not in cells]
    meta = payload.get("report") or {}
    return QueueEntry(
        name=name,
        agency=meta.get("agency"),
        year=meta.get("year"),
        format=(payload.get("source") or {}).get("format"),
        template=payload.get("template"),
        to_review=len(flagged) + len(fields),
        reviewed=sum(1 for c in cells.values() if c.get("reviewed")),
        min_confidence=min((float(c.get("confidence", 0)) for c in flagged), default=None),
        broken=sum(1 for c in payload.get("checks", ()) if not c.get("ok")),
    )


@lru_cache(maxsize=4096)
def _cached_entry(path: Path, mtime_ns: int, size: int) -> QueueEntry | None:
    try:
        return _entry(path.name, json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def queue_entries(out: Path) -> list[QueueEntry]:
    """Every report in the folder, most urgent first: most cells to review, then lowest confidence."""
    entries = []
    for path in out.glob("*.json"):
        if path.name.startswith("."):
            continue
        stat = path.stat()
        entry = _cached_entry(path, stat.st_mtime_ns, stat.st_size)
        if entry is not None:
            entries.append(entry)
    return sorted(entries, key=lambda e: (-e.to_review, e.min_confidence if e.min_confidence is not None else 1,
                                          -e.broken, e.name))


def filter_entries(entries: list[QueueEntry], agency: str, year: str, fmt: str, status: str) -> list[QueueEntry]:
    return [
        e for e in entries
        if (not agency or agency in (e.agency or ""))
        and (not year or str(e.year) == year)
        and (not fmt or e.format == fmt)
        and (not status or e.status == status)
    ]


def _split_group(label: str) -> tuple[str, str]:
    """'行政诉讼 复议后起诉 结果维持' -> ('行政诉讼 复议后起诉', '结果维持')."""
    head, _, last = label.rpartition(" ")
    return head, last


def _present(key: str | None, keys: set[str]) -> str | None:
    return key if key in keys else None


def grids(layout: TemplateLayout, keys: set[str]) -> list[Grid]:
    """The template's sections as tables over the cells present: rows and columns labelled as printed."""
    out = []
    for section in layout.sections:
        rows = [row for row in section.rows if any(k in keys for k in row.cell_keys())]
        heading = section.headings[0] if section.headings else section.id
        if len(rows) == 1 and rows[0].key == "":
            # Section 四 is one printed row of 15 cells: shown as one row per group.
            row = rows[0]
            groups = list(dict.fromkeys(c.key.rpartition(".")[0] for c in row.columns))
            suffixes = list(dict.fromkeys(c.key.rpartition(".")[2] for c in row.columns))
            by_key = {c.key: c for c in row.columns}
            columns: list[tuple[str | None, str]] = [
                (None, _split_group(by_key[f"{groups[0]}.{s}"].label)[1]) for s in suffixes
            ]
            grid_rows = [
                GridRow(_split_group(by_key[f"{g}.{suffixes[0]}"].label)[0], None,
                        [_present(f"{section.id}.{g}.{s}", keys) for s in suffixes])
                for g in groups
            ]
            out.append(Grid(heading, columns, grid_rows))
            continue
        columns_seen = list({c.key: c for row in rows for c in row.columns}.values())
        grid_rows = []
        for row in rows:
            own = {c.key: row.cell_key(c) for c in row.columns}
            label = row.labels[0].text if row.labels else row.key
            grid_rows.append(GridRow(label, row.group, [_present(own.get(c.key), keys) for c in columns_seen]))
        out.append(Grid(heading, [(c.group, c.label) for c in columns_seen], grid_rows))
    return out


def cell_labels(layout: TemplateLayout) -> dict[str, CellLabels]:
    """Row and column label of every cell key of the template."""
    labels = {}
    for row in layout.rows():
        for column in row.columns:
            if row.key == "":
                group, name = _split_group(column.label)
                labels[row.cell_key(column)] = CellLabels(group, name)
            else:
                label = row.labels[0].text if row.labels else row.key
                row_label = f"{row.group} {label}" if row.group else label
                column_label = f"{column.group} · {column.label}" if column.group else column.label
                labels[row.cell_key(column)] = CellLabels(row_label, column_label)
    return labels


def confidence_class(cell: dict[str, Any], threshold: float) -> str:
    confidence = float(cell.get("confidence", 0))
    if confidence >= threshold:
        return "conf-high"
    return "conf-mid" if confidence >= LOW_CONFIDENCE else "conf-low"


def suggestion_of(key: str, cell: dict[str, Any], checks: list[dict[str, Any]]) -> tuple[Any, str | None]:
    """The value proposed for a cell and where it comes from (the reader, or a broken relation)."""
    if cell.get("suggestion") is not None:
        return cell["suggestion"], "reader"
    for check in checks:
        if not check.get("ok") and key in (check.get("suggestion") or {}):
            return check["suggestion"][key], check["id"]
    return None, None


class Reports:
    """The report JSONs of one output folder, and what a reviewer is shown of them."""

    def __init__(self, out: Path, settings: Settings) -> None:
        self.out = out
        self.settings = settings
        self.log = ReviewLog(out, settings.layouts_dir)

    def path(self, name: str) -> Path:
        path = (self.out / name).resolve()
        if not re.match(REPORT_NAME, name) or path.parent != self.out.resolve() or not path.is_file():
            raise HTTPException(404, f"no report {name}")
        return path

    def load(self, name: str) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.path(name).read_text(encoding="utf-8"))
        if "error" in payload or not isinstance(payload.get("cells"), dict):
            raise HTTPException(404, f"{name} is an error report: nothing to review")
        return payload

    def state(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Everything the page's script needs about a report, as JSON."""
        layout = layout_of(payload, self.settings.layouts_dir)
        labels = cell_labels(layout)
        versions = self.log.versions(name)
        checks = payload.get("checks", [])
        has_pages = self._page_source(name, payload) is not None
        order = [k for grid in grids(layout, set(payload["cells"])) for row in grid.rows for k in row.keys if k]
        cells = {}
        for key in order:
            cell = payload["cells"][key]
            suggestion, suggested_by = suggestion_of(key, cell, checks)
            names = labels.get(key, CellLabels(key, ""))
            cells[key] = {
                **{k: cell.get(k) for k in ("value", "text", "confidence", "review", "reviewed", "illegible",
                                             "read_value", "reviewed_by", "unit", "notes", "page")},
                "suggestion": suggestion,
                "suggested_by": suggested_by,
                "version": versions.get(key, 0),
                "row": names.row,
                "column": names.column,
                "level": confidence_class(cell, self.settings.review_threshold),
                "crop": (f"/review/api/reports/{quote(name)}/cells/{key}/crop.png"
                         if has_pages and cell.get("page") and cell.get("bbox") else None),
            }
        return {
            "report": name,
            "cells": cells,
            "order": order,
            "checks": checks,
            "next": self._next_report(name),
        }

    def _next_report(self, name: str) -> str | None:
        for entry in queue_entries(self.out):
            if entry.to_review and entry.name != name:
                return f"/review/reports/{quote(entry.name)}"
        return None

    def _page_source(self, name: str, payload: dict[str, Any]) -> Path | None:
        """Where page images come from: the scan reader's kept PNGs, else the stored source PDF."""
        pages = self.out / f"{name.removesuffix('.json')}.pages"
        if pages.is_dir():
            return pages
        blob = self._blob(payload)
        if blob is not None and (payload.get("source") or {}).get("format") in ("pdf_text", "pdf_scanned"):
            return blob
        return None

    def _blob(self, payload: dict[str, Any]) -> Path | None:
        sha = str((payload.get("source") or {}).get("sha256") or "")
        if not re.fullmatch(r"[0-9a-f]{64}", sha):
            return None
        blob = self.out / ".store" / sha[:2] / sha
        return blob if blob.is_file() else None

    def crop(self, name: str, key: str) -> bytes:
        """A PNG of the page around the cell, the cell boxed in red."""
        payload = self.load(name)
        cell = payload["cells"].get(key)
        source = self._page_source(name, payload)
        if cell is None or source is None or not cell.get("page") or not cell.get("bbox"):
            raise HTTPException(404, f"no page image for {key}")
        fmt = str((payload.get("source") or {}).get("format"))
        image, scale = _page_image(source, source.stat().st_mtime_ns, int(cell["page"]), fmt, self.settings)
        return _crop_png(image, [float(v) * scale for v in cell["bbox"]])

    def context(self, name: str, key: str) -> list[str]:
        """The source lines around the cell's row label (for formats without page images)."""
        payload = self.load(name)
        blob = self._blob(payload)
        layout = layout_of(payload, self.settings.layouts_dir)
        labels = cell_labels(layout).get(key)
        if blob is None or labels is None:
            return []
        lines = _document_lines(blob, blob.stat().st_mtime_ns, self.settings)
        wanted = label_core(labels.row.split(" ")[-1])[:8]
        for i, line in enumerate(lines):
            if wanted and wanted in label_core(line):
                return lines[max(0, i - 1): i + _CONTEXT_LINES]
        return []


@lru_cache(maxsize=8)
def _page_image(source: Path, mtime_ns: int, page: int, fmt: str, settings: Settings) -> tuple[Image.Image, float]:
    """The page the cell's bbox refers to, and the factor from bbox units to its pixels."""
    if source.is_dir():
        return Image.open(page_image_path(source, page)).convert("RGB"), 1.0
    data = source.read_bytes()
    if fmt == "pdf_scanned":
        # The scan reader's own rendering (before deskewing): bboxes are in its pixels.
        _, bgr = next(pdf_pages(data, settings, [page]))
        return Image.fromarray(bgr[:, :, ::-1].copy()), 1.0
    pdf = pypdfium2.PdfDocument(data)
    try:
        scale = 2.0  # bboxes of text PDFs are in points
        return pdf[page - 1].render(scale=scale).to_pil().convert("RGB"), scale
    finally:
        pdf.close()


def _crop_png(image: Image.Image, box: list[float]) -> bytes:
    x0, y0, x1, y1 = box
    pad_x, pad_y = max(3 * (x1 - x0), 160), max(3 * (y1 - y0), 70)
    area = (max(0, int(x0 - pad_x)), max(0, int(y0 - pad_y)),
            min(image.width, int(x1 + pad_x)), min(image.height, int(y1 + pad_y)))
    crop = image.crop(area)
    ImageDraw.Draw(crop).rectangle((x0 - area[0] - 3, y0 - area[1] - 3, x1 - area[0] + 3, y1 - area[1] + 3),
                                   outline=(220, 0, 0), width=3)
    crop.thumbnail((900, 500))
    buffer = io.BytesIO()
    crop.save(buffer, "PNG")
    return buffer.getvalue()


@lru_cache(maxsize=16)
def _document_lines(blob: Path, mtime_ns: int, settings: Settings) -> list[str]:
    from ingest.readers import reader_for  # the readers pull in OCR engines: loaded only when asked

    data = blob.read_bytes()
    try:
        detected = detect(data)
        return [line for line in reader_for(detected.format).read(data, detected, settings).lines() if line.strip()]
    except IngestError:
        return []


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
    """The review pages and their JSON endpoints, for the service's output folder."""
    reports = Reports(service.out, settings or load_settings())
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
        entries = await run_in_threadpool(queue_entries, service.out)
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
        reports.path(name)
        try:
            payload, _ = await run_in_threadpool(reports.log.decide, name, key, action, value, version, reviewer)
        except Conflict as exc:
            state = await run_in_threadpool(lambda: reports.state(name, reports.load(name)))
            body = {"error": {"code": "conflict", "message": str(exc)}, "state": state}
            return JSONResponse(body, 409)
        except ReviewError as exc:
            return JSONResponse({"error": {"code": "invalid_value", "message": str(exc)}}, 422)
        return JSONResponse(await run_in_threadpool(reports.state, name, payload))

    @router.get("/api/reports/{name}/cells/{key}/context")
    async def context(name: str, key: str, reviewer: Reviewer) -> dict[str, list[str]]:
        return {"lines": await run_in_threadpool(reports.context, name, key)}

    @router.get("/api/reports/{name}/cells/{key}/crop.png")
    async def crop(name: str, key: str, reviewer: Reviewer) -> Response:
        png = await run_in_threadpool(reports.crop, name, key)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})

    @router.get("/static/{file}")
    async def static(file: str) -> Response:
        if file not in STATIC:
            raise HTTPException(404, f"no static file {file}")
        return FileResponse(HERE / "static" / file, media_type=STATIC[file])

    return router
