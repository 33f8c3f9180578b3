"""Reviewers' decisions on cells: applied to the report JSON, kept in the index and in an append-only audit log.

Decisions are data of their own, apart from the conversion output: every decision is a row of the
`corrections` table (in the service's database), keyed by the content's sha256 and the cell key, and a
line of the audit trail (OUT/audit.log, or the `audit` table). Each (re-)conversion of the same content
gets them applied again (`reapply`): the reviewed value stands and the new reading is kept beside it in
`read_value`. A cell's version is the number of decisions recorded for it: an edit made on an older
version is refused (Conflict), never applied.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from ingest.checks import run_checks
from ingest.contract import as_report, check_to_dict, json_number, number_of, report_from_dict, report_to_dict
from ingest.labels import nfkc
from ingest.layouts import ColumnLayout, TemplateLayout, load_layouts
from ingest.models import CellReading, Number, Report
from ingest.output import write_json_atomic
from workers.db import Database, corrections

ACTIONS = ("accept", "correct", "illegible")

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Typed values at or past this are typing slips (no report counts that much), and past 2**53 a
# float64 (the long Parquet's value column) could not hold them exactly.
REVIEW_VALUE_LIMIT = 10**15
_INT = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+(?:\.\d+)?$")


class ReviewError(ValueError):
    """A decision that cannot be applied (unknown cell, value not a number of the column's type)."""


class Conflict(Exception):
    """The cell changed since the reviewer saw it."""

    def __init__(self, cell: CellReading, version: int, last: Correction | None) -> None:
        who = f" by {last.reviewer}" if last else ""
        super().__init__(f"the cell was changed{who} since you saw it (now version {version})")
        self.cell = cell
        self.version = version
        self.last = last


@dataclass(frozen=True)
class Correction:
    report: str
    sha256: str
    cell: str
    action: str
    read_value: Number | None
    previous_value: Number | None
    value: Number | None
    reviewer: str
    at: float
    version: int

    def audit_line(self) -> str:
        record = asdict(self)
        record["at"] = datetime.fromtimestamp(self.at, UTC).isoformat(timespec="milliseconds")
        return json.dumps(record, ensure_ascii=False, default=_json_default) + "\n"


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return json_number(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def parse_value(text: str, column: ColumnLayout) -> Number | None:
    """A typed value (full-width digits allowed); blank is null. Raises ReviewError when it is not a number."""
    compact = nfkc(text).strip().replace(",", "")
    if compact == "":
        return None
    pattern = _DECIMAL if column.type == "decimal" else _INT
    if not pattern.match(compact):
        kind = "a decimal number" if column.type == "decimal" else "a whole number"
        raise ReviewError(f"{text!r} is not {kind}")
    if compact.startswith("-") and not column.signed:
        raise ReviewError(f"{column.label} cannot be negative")
    value: Number = Decimal(compact) if column.type == "decimal" else int(compact)
    if abs(Decimal(value)) >= REVIEW_VALUE_LIMIT:
        raise ReviewError(f"{text!r} is out of range: no count or amount of a report reaches {REVIEW_VALUE_LIMIT:.0e}")
    return value


def layout_of(result: Report | Mapping[str, Any], layouts_dir: Path) -> TemplateLayout:
    """The layout of a result's template (the typed report, or its JSON object)."""
    template = as_report(result).template
    for layout in load_layouts(layouts_dir):
        if layout.template == template:
            return layout
    raise ReviewError(f"unknown template {template!r}")


def columns_by_key(layout: TemplateLayout) -> dict[str, ColumnLayout]:
    return {row.cell_key(column): column for row in layout.rows() for column in row.columns}


def recheck(result: Report | dict[str, Any], layout: TemplateLayout) -> None:
    """Evaluate the relations again on the cells' current values (corrections included).

    Of a result's JSON object (edited by hand, as tests do), the `checks` are replaced in place.
    """
    report = as_report(result)
    report.checks = run_checks(layout, report.cells)
    for check in report.checks:
        # A broken relation's suspects are the cells of it still flagged: reviewed ones are settled.
        check.suspects = [k for k in check.cells if not check.ok and report.cells[k].review]
    if isinstance(result, dict):
        result["checks"] = [check_to_dict(c) for c in report.checks]


def refresh_review_list(payload: dict[str, Any]) -> None:
    """A result's JSON object edited by hand: its review list brought in line with its cells again.

    (The typed report needs none: its JSON lists the flagged cells as they stand.)
    """
    payload["review"] = report_to_dict(report_from_dict(payload))["review"]


def _decide(cell: CellReading, action: str, value: Number | None, reviewer: str) -> None:
    """Set a cell to its reviewed value; the value first read stays in `read_value`."""
    if not cell.reviewed:
        cell.read_value = cell.value
    if action == "correct":
        cell.value = number_of(json_number(value))  # as the JSON holds it: a typed 12.50 is 12.5
    elif action == "illegible":
        # Exports read `value`: an illegible cell is unknown, never a number someone guessed.
        cell.value = None
    cell.illegible = action == "illegible"
    cell.review = False
    cell.reviewed = True
    cell.reviewed_by = reviewer


def content_key(name: str, report: Report) -> str:
    """What decisions are kept under: the content's sha256 (a report without one: its name)."""
    sha = report.source.sha256
    return sha if SHA256.match(sha) else f"report:{name}"


def apply_decisions(report: Report, decisions: list[Correction], layouts_dir: Path) -> int:
    """Apply the last decision on each cell to a freshly converted report; returns the cells reviewed.

    The reviewed value stands whatever the new reading is; that reading is kept in `read_value`.
    A decision on a cell the new conversion does not have is left in the table, unapplied.
    """
    if report.error is not None:
        return 0
    latest = {d.cell: d for d in decisions}
    applied = 0
    for key, decision in latest.items():
        cell = report.cells.get(key)
        if cell is None:
            continue
        _decide(cell, "correct" if decision.action == "accept" else decision.action, decision.value,
                decision.reviewer)
        applied += 1
    if applied:
        recheck(report, layout_of(report, layouts_dir))
    return applied


def _stored(value: Number | None) -> str | None:
    return None if value is None else json.dumps(json_number(value))


def _loaded(text: str | None) -> Number | None:
    return None if text is None else number_of(json.loads(text))


class ReportRecords(Protocol):
    """Where a review reads and writes report JSON and the audit trail (`workers.storage`)."""

    def load_report(self, conn: sa.Connection, name: str, lock: bool = False) -> dict[str, Any] | None: ...

    def store_report(self, conn: sa.Connection, name: str, payload: dict[str, Any]) -> None: ...

    def append_audit(self, conn: sa.Connection, at: float, line: str) -> None: ...


class ReviewLog:
    """The decisions on every report of the service, in its database."""

    def __init__(self, db: Database, records: ReportRecords, layouts_dir: Path) -> None:
        self.db = db
        self.records = records
        self.layouts_dir = layouts_dir

    def versions(self, content: str) -> dict[str, int]:
        """The version (number of decisions) of every cell of a content (`content_key`) that has one."""
        query = (sa.select(corrections.c.cell, sa.func.count()).where(corrections.c.sha256 == content)
                 .group_by(corrections.c.cell))
        with self.db.read() as conn:
            return {cell: int(n) for cell, n in conn.execute(query)}

    def history(self, content: str, cell: str | None = None) -> list[Correction]:
        with self.db.read() as conn:
            return history(conn, content, cell)

    def decide(
        self, report: str, key: str, action: str, text: str, seen_version: int, reviewer: str
    ) -> tuple[Report, int]:
        """Apply one decision to the report named `report`; returns it as it now is and the cell's new version.

        The write transaction (and the report's row, in a database that keeps results) is taken first, so
        two reviewers' decisions on one cell are serialized and the second, made on the version the first
        replaced, raises Conflict.
        """
        if action not in ACTIONS:
            raise ReviewError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
        with self.db.write() as conn:
            payload = self.records.load_report(conn, report, lock=True)
            if payload is None:
                raise ReviewError(f"no report {report}")
            result = report_from_dict(payload)
            cell = result.cells.get(key)
            if cell is None:
                raise ReviewError(f"{report} has no cell {key}")
            content = content_key(report, result)
            past = history(conn, content, key)
            if seen_version != len(past):
                raise Conflict(cell, len(past), past[-1] if past else None)
            layout = layout_of(result, self.layouts_dir)
            value = parse_value(text, columns_by_key(layout)[key]) if action == "correct" else None
            previous = cell.value
            read = cell.read_value if cell.reviewed else cell.value
            _decide(cell, action, value, reviewer)
            recheck(result, layout)
            decision = Correction(
                report, content, key, action, read, previous, cell.value, reviewer, time.time(), len(past) + 1,
            )
            conn.execute(corrections.insert().values(
                report=report, sha256=content, cell=key, action=action, read_value=_stored(read),
                previous_value=_stored(previous), value=_stored(decision.value), reviewer=reviewer,
                at=decision.at, version=decision.version,
            ))
            self.records.store_report(conn, report, report_to_dict(result))
            self.records.append_audit(conn, decision.at, decision.audit_line())
        return result, decision.version


def history(conn: sa.Connection, content: str, cell: str | None = None) -> list[Correction]:
    """The decisions on a content (`content_key`), or on one of its cells, oldest first."""
    query = sa.select(corrections).where(corrections.c.sha256 == content)
    if cell:
        query = query.where(corrections.c.cell == cell)
    return [
        Correction(
            r.report, r.sha256, r.cell, r.action, _loaded(r.read_value), _loaded(r.previous_value),
            _loaded(r.value), r.reviewer, r.at, r.version,
        )
        for r in conn.execute(query.order_by(corrections.c.id))
    ]


def reapply(conn: sa.Connection, name: str, payload: dict[str, Any], layouts_dir: Path) -> dict[str, Any]:
    """A result's JSON object with the decisions recorded for its content applied again (inside the caller's
    write transaction); unchanged when there are none."""
    report = report_from_dict(payload)
    if apply_decisions(report, history(conn, content_key(name, report)), layouts_dir):
        return report_to_dict(report)
    return payload


@dataclass(frozen=True)
class ReviewedWriter:
    """Writes a converted report's JSON file with the decisions recorded for its content applied again.

    Picklable (`ingest run` hands it to its worker processes). The database's write lock is held from reading
    the decisions to renaming the file, so a decision made meanwhile waits and then lands on the new file.
    """

    db_url: str
    layouts_dir: Path

    def __call__(self, path: Path, payload: dict[str, Any]) -> None:
        try:
            with Database(self.db_url).write() as conn:
                write_json_atomic(path, reapply(conn, path.name, payload, self.layouts_dir))
        except sa.exc.OperationalError as exc:  # the folder's index unusable (full, read-only): a write failure
            raise OSError(f"{self.db_url}: {(str(exc.orig) or type(exc.orig).__name__)}") from exc
