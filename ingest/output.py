"""The JSON document of the contract, written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ingest.models import CellReading, CheckResult, Finding, Number, ProseSpan, Report, ReportMeta

SCHEMA = "gov-disclosure-report/1"
# Writes a report's JSON object to its path (atomically).
JsonWriter = Callable[[Path, dict[str, Any]], None]


def _number(value: Number | None) -> int | float | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    return value


def _cell(cell: CellReading) -> dict[str, Any]:
    out: dict[str, Any] = {
        "value": _number(cell.value),
        "text": cell.text,
        "confidence": cell.confidence,
    }
    if cell.page is not None:
        out["page"] = cell.page
    if cell.bbox is not None:
        out["bbox"] = cell.bbox.as_list()
    if cell.unit is not None:
        out["unit"] = cell.unit
    out["review"] = cell.review
    if cell.suggestion is not None:
        out["suggestion"] = _number(cell.suggestion)
    if cell.candidates:
        out["candidates"] = [_number(v) for v in cell.candidates]
    if cell.notes:
        out["notes"] = cell.notes
    if cell.evidence is not None:
        out["evidence"] = cell.evidence
    return out


def check_to_dict(check: CheckResult) -> dict[str, Any]:
    """A relation's check as the contract's JSON object."""
    out: dict[str, Any] = {"id": check.id, "ok": check.ok, "detail": check.detail, "cells": check.cells}
    if check.suggestion:
        out["suggestion"] = {k: _number(v) for k, v in check.suggestion.items()}
    if not check.applies:
        out["applies"] = False
    if not check.ok:
        # The cells whose reading may explain the break; none: the document is inconsistent as printed.
        out["suspects"] = check.suspects
    return out


def span_to_dict(span: ProseSpan) -> dict[str, Any]:
    """Where a phrase of the prose is: its text, paragraph, characters and page."""
    out: dict[str, Any] = {"text": span.text, "block": span.block, "start": span.start, "end": span.end}
    if span.page is not None:
        out["page"] = span.page
    return out


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as the contract's JSON object (also used for cross-year findings)."""
    out: dict[str, Any] = {"kind": finding.kind, "severity": finding.severity, "message": finding.message}
    if finding.ref:
        out["ref"] = finding.ref
    out["cells"] = finding.cells
    if finding.prose is not None:
        out["prose"] = span_to_dict(finding.prose)
    if finding.reports:
        out["reports"] = finding.reports
    return out


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as the contract's JSON object."""
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "source": {
            "file": report.source.file,
            "sha256": report.source.sha256,
            "format": report.source.format,
            "pages": report.source.pages,
        },
    }
    if report.error is not None:
        out["error"] = {"code": report.error.code, "message": report.error.message}
        return out
    flagged = report.flagged_fields + [key for key, cell in report.cells.items() if cell.review]
    meta = report.report or ReportMeta(None, None)
    out.update(
        {
            "template": report.template,
            "report": {"agency": meta.agency, "year": meta.year,
                       "agency_confidence": meta.agency_confidence, "year_confidence": meta.year_confidence,
                       "template_confidence": report.template_confidence},
            "cells": {key: _cell(cell) for key, cell in report.cells.items()},
            "checks": [check_to_dict(c) for c in report.checks],
            "review": {"needed": bool(flagged), "cells": flagged,
                       "reasons": [{"code": r.code, "message": r.message} for r in report.review_reasons]},
        }
    )
    if report.template_deviations:
        out["template_deviations"] = report.template_deviations
    out["findings"] = [finding_to_dict(f) for f in report.findings]
    out["prose_claims"] = [{"claim": c.claim, "value": c.value, "prose": span_to_dict(c.span)}
                           for c in report.prose_claims]
    return out


def page_images_dir(json_path: Path) -> Path:
    """Where the page images of a result live: `<stem>.pages/` beside its JSON."""
    return json_path.with_name(json_path.name.removesuffix(".json") + ".pages")


def page_image_path(folder: Path, number: int) -> Path:
    """A page image in a result's page-image folder (JPEG, as the scan reader encodes them)."""
    return folder / f"page-{number}.jpg"


def write_report(report: Report, path: Path, write_json: JsonWriter | None = None) -> None:
    """The result's page images (if any), then its JSON, each written atomically.

    `write_json` replaces the plain atomic write (the service's passes reviewers' decisions on).
    """
    if report.page_images:
        folder = page_images_dir(path)
        folder.mkdir(parents=True, exist_ok=True)
        for number, image in sorted(report.page_images.items()):
            _write_bytes_atomic(page_image_path(folder, number), image)
    (write_json or write_json_atomic)(path, report_to_dict(report))


# File systems allow 255 bytes per name; names made here keep room for what is added to them.
NAME_BYTES = 200


def fit_name(text: str, limit: int = NAME_BYTES) -> str:
    """`text` cut (at a character boundary) to at most `limit` bytes of UTF-8."""
    return text.encode()[:limit].decode(errors="ignore")


def _umask() -> int:
    # /proc tells without changing it (os.umask would, for a moment, for every thread).
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temporary(path: Path) -> tuple[int, str]:
    """A temporary file beside `path`, with the mode a new file gets (mkstemp's is always 0600)."""
    # Named after the target but short: a 250-byte target name must not give a 260-byte temporary one.
    fd, tmp = tempfile.mkstemp(prefix=f".{fit_name(path.name, 40)}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_umask())
    return fd, tmp


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, payload: dict[str, Any]) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
