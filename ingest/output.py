"""The JSON document of the contract, written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from ingest.models import CellReading, CheckResult, Number, Report

SCHEMA = "gov-disclosure-report/1"


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
    if cell.notes:
        out["notes"] = cell.notes
    if cell.evidence is not None:
        out["evidence"] = cell.evidence
    return out


def _check(check: CheckResult) -> dict[str, Any]:
    out: dict[str, Any] = {"id": check.id, "ok": check.ok, "detail": check.detail, "cells": check.cells}
    if check.suggestion:
        out["suggestion"] = {k: _number(v) for k, v in check.suggestion.items()}
    if not check.applies:
        out["applies"] = False
    if not check.ok:
        # The cells whose reading may explain the break; none: the document is inconsistent as printed.
        out["suspects"] = check.suspects
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
    flagged = [key for key, cell in report.cells.items() if cell.review]
    out.update(
        {
            "template": report.template,
            "report": {"agency": report.report.agency if report.report else None,
                       "year": report.report.year if report.report else None},
            "cells": {key: _cell(cell) for key, cell in report.cells.items()},
            "checks": [_check(c) for c in report.checks],
            "review": {"needed": bool(flagged), "cells": flagged},
        }
    )
    if report.template_deviations:
        out["template_deviations"] = report.template_deviations
    return out


def page_images_dir(json_path: Path) -> Path:
    """Where the page images of a result live: `<stem>.pages/` beside its JSON."""
    return json_path.with_name(json_path.name.removesuffix(".json") + ".pages")


def page_image_path(folder: Path, number: int) -> Path:
    """A page image in a result's page-image folder (JPEG, as the scan reader encodes them)."""
    return folder / f"page-{number}.jpg"


def write_report(report: Report, path: Path) -> None:
    """The result's page images (if any), then its JSON, each written atomically."""
    if report.page_images:
        folder = page_images_dir(path)
        folder.mkdir(parents=True, exist_ok=True)
        for number, image in sorted(report.page_images.items()):
            _write_bytes_atomic(page_image_path(folder, number), image)
    write_json_atomic(path, report_to_dict(report))


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
