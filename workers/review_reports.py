"""What a reviewer is shown of the service's reports: the queue, the grid of a report's cells, page crops.

Reports are named by their result JSON (`<name>.json`); they are files of the output folder or rows of the
database, whichever the service keeps (`workers.storage`).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pypdfium2
from fastapi import HTTPException
from PIL import Image, ImageDraw

from ingest.detect import detect
from ingest.errors import IngestError
from ingest.labels import label_core
from ingest.layouts import TemplateLayout
from ingest.scan.images import pdf_pages
from ingest.settings import Settings
from workers.corrections import ReviewLog, content_key, layout_of
from workers.db import Database
from workers.storage import FolderStorage, Storage

# Confidence below this (and below the review threshold) is shown as low.
LOW_CONFIDENCE = 0.6
_CONTEXT_LINES = 3
_PDF_FORMATS = ("pdf_text", "pdf_scanned")


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


def queue_entries(storage: Storage) -> list[QueueEntry]:
    """Every report, most urgent first: most cells to review, then lowest confidence."""
    entries = []
    if isinstance(storage, FolderStorage):
        for path in storage.out.glob("*.json"):
            if path.name.startswith("."):
                continue
            stat = path.stat()
            entries.append(_cached_entry(path, stat.st_mtime_ns, stat.st_size))
    else:
        entries.extend(_entry(name, payload) for name, payload in storage.reports())
    return sorted((e for e in entries if e is not None),
                  key=lambda e: (-e.to_review, e.min_confidence if e.min_confidence is not None else 1, -e.broken,
                                 e.name))


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
    """The service's reports, and what a reviewer is shown of them."""

    def __init__(self, storage: Storage, db: Database, settings: Settings) -> None:
        self.storage = storage
        self.db = db
        self.settings = settings
        self.log = ReviewLog(db, storage, settings.layouts_dir)

    def entries(self) -> list[QueueEntry]:
        return queue_entries(self.storage)

    def load(self, name: str) -> dict[str, Any]:
        with self.db.read() as conn:
            payload = self.storage.load_report(conn, name)
        if payload is None:
            raise HTTPException(404, f"no report {name}")
        if "error" in payload or not isinstance(payload.get("cells"), dict):
            raise HTTPException(404, f"{name} is an error report: nothing to review")
        return payload

    def state(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Everything the page's script needs about a report, as JSON."""
        layout = layout_of(payload, self.settings.layouts_dir)
        labels = cell_labels(layout)
        versions = self.log.versions(content_key(name, payload))
        checks = payload.get("checks", [])
        has_pages = self._has_pages(name, payload)
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
                "level": confidence_class(cell, self.settings.cell_review_threshold),
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
        for entry in self.entries():
            if entry.to_review and entry.name != name:
                return f"/review/reports/{quote(entry.name)}"
        return None

    def _has_pages(self, name: str, payload: dict[str, Any]) -> bool:
        """Page images come from the scan reader's kept pages, else from the stored source PDF."""
        sha, fmt = _source(payload)
        if self.storage.has_page_images(name, sha):
            return True
        return fmt in _PDF_FORMATS and self.storage.has_input(sha)

    def crop(self, name: str, key: str) -> bytes:
        """A PNG of the page around the cell, the cell boxed in red."""
        payload = self.load(name)
        cell = payload["cells"].get(key)
        if cell is None or not cell.get("page") or not cell.get("bbox"):
            raise HTTPException(404, f"no page image for {key}")
        sha, fmt = _source(payload)
        kept = self.storage.page_image(name, sha, int(cell["page"]))
        if kept is not None:
            image, scale = Image.open(io.BytesIO(kept)).convert("RGB"), 1.0
        elif fmt in _PDF_FORMATS and sha:
            image, scale = _pdf_page(self.storage, sha, int(cell["page"]), fmt, self.settings)
        else:
            raise HTTPException(404, f"no page image for {key}")
        return _crop_png(image, [float(v) * scale for v in cell["bbox"]])

    def context(self, name: str, key: str) -> list[str]:
        """The source lines around the cell's row label (for formats without page images)."""
        payload = self.load(name)
        sha, _ = _source(payload)
        layout = layout_of(payload, self.settings.layouts_dir)
        labels = cell_labels(layout).get(key)
        if not sha or labels is None:
            return []
        lines = _document_lines(self.storage, sha, self.settings)
        wanted = label_core(labels.row.split(" ")[-1])[:8]
        for i, line in enumerate(lines):
            if wanted and wanted in label_core(line):
                return lines[max(0, i - 1): i + _CONTEXT_LINES]
        return []


def _source(payload: dict[str, Any]) -> tuple[str, str]:
    """The report's source: (sha256 if it is one, else "", format)."""
    source = payload.get("source") or {}
    sha = str(source.get("sha256") or "")
    return (sha if re.fullmatch(r"[0-9a-f]{64}", sha) else ""), str(source.get("format"))


@lru_cache(maxsize=8)
def _pdf_page(storage: Storage, sha256: str, page: int, fmt: str, settings: Settings) -> tuple[Image.Image, float]:
    """The stored PDF's page the cell's bbox refers to, and the factor from bbox units to its pixels."""
    data = storage.input_bytes(sha256)
    if data is None:
        raise HTTPException(404, "the source document is not stored")
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
def _document_lines(storage: Storage, sha256: str, settings: Settings) -> list[str]:
    from ingest.readers import reader_for  # the readers pull in OCR engines: loaded only when asked

    data = storage.input_bytes(sha256)
    if data is None:
        return []
    try:
        detected = detect(data)
        return [line for line in reader_for(detected.format).read(data, detected, settings).lines() if line.strip()]
    except IngestError:
        return []
