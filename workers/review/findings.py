"""Review pages for findings: the list across reports (filterable by kind) and a body's reports
across years side by side. Added to the review router by `add_findings_pages`."""

# No `from __future__ import annotations`: FastAPI reads the annotations of the route functions.
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ingest.export import converted, read_results
from ingest.findings.audit import AuditRow, audit, year_report
from ingest.findings.rules import load_rules
from ingest.findings.years import body_key, group_bodies
from ingest.models import CellReading
from ingest.settings import Settings

Page = Callable[..., Response]


@dataclass(frozen=True)
class BodyColumn:
    """One report of a body, a column of the side-by-side page."""

    name: str
    year: int
    template: str
    cells: dict[str, CellReading]


def finding_rows(out: Path, settings: Settings, kind: str = "", agency: str = "") -> tuple[list[AuditRow], list[str]]:
    """The findings of the folder (cross-year ones included) of a kind and agency, and every kind seen."""
    rows = audit(read_results(out), settings)
    kinds = sorted({str(r.finding.get("kind")) for r in rows})
    shown = [r for r in rows
             if (not kind or r.finding.get("kind") == kind) and (not agency or agency in (r.agency or ""))]
    return shown, kinds


def body_columns(out: Path, settings: Settings, body: str) -> tuple[str, list[BodyColumn], list[AuditRow]]:
    """A body's reports by year (its longest name, the reports, their findings)."""
    results = converted(read_results(out))
    by_path = {r.path: r.report for r in results}
    views = [v for r in results if (v := year_report(r.path, r.report, 0.0))]
    group = next((g for k, g in group_bodies(views).items() if k == body or body in {body_key(v.agency) for v in g}),
                 None)
    if group is None:
        raise HTTPException(404, f"no reports of {body}")
    group = sorted(group, key=lambda v: (v.year, v.file))
    columns = [BodyColumn(v.file, v.year, v.template, by_path[v.file].cells) for v in group]
    files = {v.file for v in group}
    findings = [r for r in audit(read_results(out), settings) if r.file in files]
    return max((v.agency for v in group), key=len), columns, findings


def add_findings_pages(router: APIRouter, page: Page, out: Path, settings: Settings,
                       labels: Callable[[str], dict[str, tuple[str, str]]]) -> None:
    """`/review/findings` and `/review/bodies/{body}` on the review router; `labels(template)` gives
    the (row, column) labels of a template's cells."""
    kinds_zh = {k: v.title for k, v in load_rules(settings.layouts_dir).kinds.items()}

    @router.get("/findings")
    async def findings_list(request: Request, kind: str = "", agency: str = "") -> Response:
        rows, kinds = await run_in_threadpool(finding_rows, out, settings, kind.strip(), agency.strip())
        return page(request, "findings.html", rows=rows, kinds=kinds, kinds_zh=kinds_zh,
                    wanted={"kind": kind, "agency": agency}, quote=quote, body_key=body_key)

    @router.get("/bodies/{body}")
    async def body_page(request: Request, body: str) -> Response:
        name, columns, findings = await run_in_threadpool(body_columns, out, settings, body)
        rows: list[tuple[str, str, str]] = []
        for c in columns:  # every key once, labelled by the first report that has it
            names = labels(c.template)
            rows += [(k, *names.get(k, (k, ""))) for k in c.cells if k not in {r[0] for r in rows}]
        return page(request, "body.html", name=name, columns=columns, rows=rows, findings=findings,
                    kinds_zh=kinds_zh, quote=quote)
