"""Confidence after the checks, and the review flags."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.models import CellReading, CheckResult
from ingest.settings import Settings


def apply_checks(cells: Mapping[str, CellReading], checks: list[CheckResult], settings: Settings) -> None:
    """Lower the confidence of cells in a broken relation, attach suggestions, set `review`.
    Printed values are never changed."""
    broken: dict[str, list[str]] = {}
    for check in checks:
        if check.ok:
            continue
        for key in check.cells:
            broken.setdefault(key, []).append(check.id)
        for key, value in (check.suggestion or {}).items():
            if cells[key].suggestion is None:
                cells[key].suggestion = value
    for key, ids in broken.items():
        cell = cells[key]
        cell.confidence *= settings.conf_broken_relation
        cell.notes.append("in broken relation " + ", ".join(ids))
    for cell in cells.values():
        cell.confidence = round(min(1.0, max(0.0, cell.confidence)), 3)
        cell.review = cell.confidence < settings.review_threshold
