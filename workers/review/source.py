"""The source document read again: the lines around a cell's row, for formats without page images."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.detect import detect
from ingest.errors import IngestError
from ingest.labels import label_core
from ingest.models import Report
from ingest.settings import Settings
from workers.storage import Storage

_CONTEXT_LINES = 3
_SHA256 = re.compile(r"[0-9a-f]{64}")


def stored_source(report: Report) -> tuple[str, str]:
    """The report's source: (sha256 if it is one, else "", format)."""
    sha = report.source.sha256
    return (sha if _SHA256.fullmatch(sha) else ""), str(report.source.format)


def context_lines(storage: Storage, settings: Settings, report: Report, row_label: str | None) -> list[str]:
    """The source lines from the one before the row labelled `row_label` (its last word) on."""
    sha, _ = stored_source(report)
    if not sha or row_label is None:
        return []
    lines = _document_lines(storage, sha, settings)
    wanted = label_core(row_label.split(" ")[-1])[:8]
    for i, line in enumerate(lines):
        if wanted and wanted in label_core(line):
            return lines[max(0, i - 1): i + _CONTEXT_LINES]
    return []


@lru_cache(maxsize=16)
def _document_lines(storage: Storage, sha256: str, settings: Settings) -> list[str]:
    from ingest.readers import reader_for  # the readers pull in OCR engines: loaded only when asked

    data = storage.input_bytes(sha256)
    if data is None:
        return []
    try:
        detected = detect(data, settings)
    except IngestError:
        return []
    try:
        return [line for line in reader_for(detected.format).read(data, detected, settings).lines() if line.strip()]
    except IngestError:
        return []
    finally:
        if detected.pdf is not None:
            detected.pdf.close()
