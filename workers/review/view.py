"""What a reviewer is shown of a report: its cells as the printed tables, and the state the page's script
works from (values, confidence, suggestions, versions).

Reports are named by their result JSON (`<name>.json`); they are files of the output folder or rows of the
database, whichever the service keeps (`workers.storage`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException

from ingest.contract import JsonNumber, MalformedResult, cell_to_dict, check_to_dict, json_number, report_from_dict
from ingest.layouts import TemplateLayout
from ingest.models import CellReading, CheckResult, Report
from ingest.settings import Settings
from workers.corrections import ReviewLog, content_key, layout_of
from workers.db import Database
from workers.review.media import has_pages, page_crop
from workers.review.queue import QueueEntry, queue_entries
from workers.review.source import context_lines
from workers.storage import Storage

# Confidence below this (and below the review threshold) is shown as low.
LOW_CONFIDENCE = 0.6
# What the page's script is given of each cell, as the result's JSON has it.
_STATE_FIELDS = ("value", "text", "confidence", "review", "reviewed", "illegible", "read_value", "reviewed_by",
                 "unit", "notes", "page")


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


def confidence_class(cell: CellReading, threshold: float) -> str:
    if not cell.found:
        return "conf-low"
    if cell.confidence >= threshold:
        return "conf-high"
    return "conf-mid" if cell.confidence >= LOW_CONFIDENCE else "conf-low"


def suggestion_of(key: str, cell: CellReading, checks: list[CheckResult]) -> tuple[JsonNumber | None, str | None]:
    """The value proposed for a cell and where it comes from (the reader, or a broken relation)."""
    if cell.suggestion is not None:
        return json_number(cell.suggestion), "reader"
    for check in checks:
        if not check.ok and check.suggestion and key in check.suggestion:
            return json_number(check.suggestion[key]), check.id
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

    def load(self, name: str) -> Report:
        with self.db.read() as conn:
            payload = self.storage.load_report(conn, name)
        if payload is None:
            raise HTTPException(404, f"no report {name}")
        try:
            report = report_from_dict(payload)
        except MalformedResult as exc:
            raise HTTPException(404, f"{name} is not a result: {exc}") from exc
        if report.error is not None:
            raise HTTPException(404, f"{name} is an error report: nothing to review")
        return report

    def state(self, name: str, report: Report) -> dict[str, Any]:
        """Everything the page's script needs about a report, as JSON."""
        layout = layout_of(report, self.settings.layouts_dir)
        labels = cell_labels(layout)
        versions = self.log.versions(content_key(name, report))
        with_pages = has_pages(self.storage, name, report)
        order = [k for grid in grids(layout, set(report.cells)) for row in grid.rows for k in row.keys if k]
        cells = {}
        for key in order:
            cell = report.cells[key]
            written = cell_to_dict(cell)
            suggestion, suggested_by = suggestion_of(key, cell, report.checks)
            names = labels.get(key, CellLabels(key, ""))
            cells[key] = {
                **{k: written.get(k) for k in _STATE_FIELDS},
                "suggestion": suggestion,
                "suggested_by": suggested_by,
                "version": versions.get(key, 0),
                "row": names.row,
                "column": names.column,
                "level": confidence_class(cell, self.settings.review.cell_threshold),
                "crop": (f"/review/api/reports/{quote(name)}/cells/{key}/crop.png"
                         if with_pages and cell.page and cell.bbox else None),
            }
        return {
            "report": name,
            "cells": cells,
            "order": order,
            "checks": [check_to_dict(c) for c in report.checks],
            "next": self._next_report(name),
        }

    def _next_report(self, name: str) -> str | None:
        for entry in self.entries():
            if entry.to_review and entry.name != name:
                return f"/review/reports/{quote(entry.name)}"
        return None

    def crop(self, name: str, key: str) -> bytes:
        """A PNG of the page around the cell, the cell boxed in red."""
        return page_crop(self.storage, self.settings, name, self.load(name), key)

    def context(self, name: str, key: str) -> list[str]:
        """The source lines around the cell's row label (for formats without page images)."""
        report = self.load(name)
        labels = cell_labels(layout_of(report, self.settings.layouts_dir)).get(key)
        return context_lines(self.storage, self.settings, report, labels.row if labels else None)
