"""The review queue: every report of the service with what is left to review, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.contract import read_result
from ingest.models import Report, ReportMeta
from workers.storage import FolderStorage, Storage


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


def _entry(name: str, report: Report) -> QueueEntry | None:
    if report.error is not None:
        return None
    flagged = [c for c in report.cells.values() if c.review]
    meta = report.report or ReportMeta(None, None)
    return QueueEntry(
        name=name,
        agency=meta.agency,
        year=meta.year,
        format=report.source.format,
        template=report.template,
        to_review=len(flagged) + len(report.flagged_fields),
        reviewed=sum(1 for c in report.cells.values() if c.reviewed),
        min_confidence=min((c.confidence for c in flagged), default=None),
        broken=sum(1 for c in report.checks if not c.ok),
    )


@lru_cache(maxsize=4096)
def _cached_entry(path: Path, mtime_ns: int, size: int) -> QueueEntry | None:
    try:
        report = read_result(path)
        return None if report is None else _entry(path.name, report)
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
        entries.extend(_entry(name, report) for name, report in storage.reports())
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
