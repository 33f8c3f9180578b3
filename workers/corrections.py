"""Reviewers' decisions on cells: applied to the report JSON, kept in the index and in an append-only audit log.

Nothing is lost: the JSON keeps the value first read in `read_value`, every decision is a row of the
`corrections` table (in the service's index.sqlite) and a line of OUT/audit.log. A cell's version is the
number of decisions recorded for it: an edit made on an older version is refused (Conflict), never applied.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ingest.checks import run_checks
from ingest.labels import nfkc
from ingest.layouts import ColumnLayout, TemplateLayout, load_layouts
from ingest.models import CellReading, CheckResult, Number
from ingest.output import write_json_atomic

ACTIONS = ("accept", "correct", "illegible")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    cell TEXT NOT NULL,
    action TEXT NOT NULL,
    read_value TEXT,
    previous_value TEXT,
    value TEXT,
    reviewer TEXT NOT NULL,
    at REAL NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_cell ON corrections(report, cell);
"""
# Typed values at or past this are typing slips (no report counts that much), and past 2**53 a
# float64 (the long Parquet's value column) could not hold them exactly.
REVIEW_VALUE_LIMIT = 10**15
_INT = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+(?:\.\d+)?$")


class ReviewError(ValueError):
    """A decision that cannot be applied (unknown cell, value not a number of the column's type)."""


class Conflict(Exception):
    """The cell changed since the reviewer saw it."""

    def __init__(self, cell: dict[str, Any], version: int, last: Correction | None) -> None:
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


def json_number(value: Number | None) -> int | float | None:
    """A value as the report JSON writes it: decimals printed without a point stay integers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    return value


def number_of(raw: object) -> Number | None:
    """A JSON cell value back as a number (floats as the decimals they were written from)."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    return Decimal(str(raw))


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


def layout_of(payload: Mapping[str, Any], layouts_dir: Path) -> TemplateLayout:
    for layout in load_layouts(layouts_dir):
        if layout.template == payload.get("template"):
            return layout
    raise ReviewError(f"unknown template {payload.get('template')!r}")


def columns_by_key(layout: TemplateLayout) -> dict[str, ColumnLayout]:
    return {row.cell_key(column): column for row in layout.rows() for column in row.columns}


def check_dict(check: CheckResult) -> dict[str, Any]:
    out: dict[str, Any] = {"id": check.id, "ok": check.ok, "detail": check.detail, "cells": check.cells}
    if check.suggestion:
        out["suggestion"] = {k: json_number(v) for k, v in check.suggestion.items()}
    return out


def recheck(payload: dict[str, Any], layout: TemplateLayout) -> None:
    """Evaluate the relations again on the cells' current values (corrections included)."""
    cells = {
        key: CellReading(number_of(cell.get("value")), cell.get("text"), float(cell.get("confidence", 0)))
        for key, cell in payload["cells"].items()
    }
    payload["checks"] = [check_dict(c) for c in run_checks(layout, cells)]


def refresh_review_list(payload: dict[str, Any]) -> None:
    review = payload.get("review") or {}
    # Report-level fields (report.agency, report.year, template) stay listed: no cell decides them.
    fields = [key for key in review.get("cells", []) if key not in payload["cells"]]
    flagged = fields + [key for key, cell in payload["cells"].items() if cell.get("review")]
    payload["review"] = {**review, "needed": bool(flagged), "cells": flagged}


def _decide(cell: dict[str, Any], action: str, value: Number | None, reviewer: str) -> None:
    cell.setdefault("read_value", cell.get("value"))
    if action == "correct":
        cell["value"] = json_number(value)
    elif action == "illegible":
        # Exports read `value`: an illegible cell is unknown, never a number someone guessed.
        cell["value"] = None
    if action == "illegible":
        cell["illegible"] = True
    else:
        cell.pop("illegible", None)
    cell["review"] = False
    cell["reviewed"] = True
    cell["reviewed_by"] = reviewer


def _stored(value: Number | None) -> str | None:
    return None if value is None else json.dumps(json_number(value))


def _loaded(text: str | None) -> Number | None:
    return None if text is None else number_of(json.loads(text))


class ReviewLog:
    """The corrections of every report in one output folder."""

    def __init__(self, out: Path, layouts_dir: Path) -> None:
        self.out = out
        self.layouts_dir = layouts_dir
        self.db_path = out / "index.sqlite"
        self.audit_path = out / "audit.log"
        out.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    def versions(self, report: str) -> dict[str, int]:
        """The version (number of decisions) of every cell of a report that has one."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT cell, COUNT(*) AS n FROM corrections WHERE report = ? GROUP BY cell", (report,)
            ).fetchall()
        return {row["cell"]: row["n"] for row in rows}

    def history(self, report: str, cell: str | None = None) -> list[Correction]:
        with self._connect() as db:
            return self._history(db, report, cell)

    @staticmethod
    def _history(db: sqlite3.Connection, report: str, cell: str | None) -> list[Correction]:
        query = "SELECT * FROM corrections WHERE report = ?" + (" AND cell = ?" if cell else "") + " ORDER BY id"
        rows = db.execute(query, (report, cell) if cell else (report,)).fetchall()
        return [
            Correction(
                r["report"], r["sha256"], r["cell"], r["action"], _loaded(r["read_value"]),
                _loaded(r["previous_value"]), _loaded(r["value"]), r["reviewer"], r["at"], r["version"],
            )
            for r in rows
        ]

    def decide(
        self, report: str, key: str, action: str, text: str, seen_version: int, reviewer: str
    ) -> tuple[dict[str, Any], int]:
        """Apply one decision to the report `OUT/<report>`; returns the new JSON and the cell's new version.

        The write transaction is taken first, so two reviewers' decisions on one cell are serialized and
        the second, made on the version the first replaced, raises Conflict.
        """
        if action not in ACTIONS:
            raise ReviewError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
        path = self.out / report
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                payload = json.loads(path.read_text(encoding="utf-8"))
                cell = payload.get("cells", {}).get(key)
                if cell is None:
                    raise ReviewError(f"{report} has no cell {key}")
                history = self._history(db, report, key)
                if seen_version != len(history):
                    raise Conflict(cell, len(history), history[-1] if history else None)
                layout = layout_of(payload, self.layouts_dir)
                value = parse_value(text, columns_by_key(layout)[key]) if action == "correct" else None
                previous = number_of(cell.get("value"))
                read = number_of(cell.get("read_value", cell.get("value")))
                _decide(cell, action, value, reviewer)
                recheck(payload, layout)
                refresh_review_list(payload)
                decision = Correction(
                    report, str(payload["source"].get("sha256", "")), key, action, read, previous,
                    number_of(cell["value"]), reviewer, time.time(), len(history) + 1,
                )
                db.execute(
                    "INSERT INTO corrections (report, sha256, cell, action, read_value, previous_value, value,"
                    " reviewer, at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (report, decision.sha256, key, action, _stored(read), _stored(previous),
                     _stored(decision.value), reviewer, decision.at, decision.version),
                )
                write_json_atomic(path, payload)
                self._append_audit(decision)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        return payload, decision.version

    def _append_audit(self, decision: Correction) -> None:
        # O_APPEND: each line lands whole at the end, whoever else appends.
        fd = os.open(self.audit_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, decision.audit_line().encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
