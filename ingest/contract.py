"""The result contract (docs/report-schema.md): a typed `Report` as its JSON object, and back.

The one place that knows the JSON's shape: the writer (`ingest.output`) calls `report_to_dict`; every
reader of results (export, stats, the audit, the review pages, reviewers' decisions) reads a file through
`read_result` (or its JSON object through `read_result_json`) and an object through `report_from_dict`.
A JSON object that `report_to_dict` wrote comes back unchanged through both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar, cast

from ingest.models import (
    BBox,
    CellReading,
    CheckResult,
    ErrorInfo,
    Finding,
    Format,
    Number,
    ProseClaim,
    ProseSpan,
    Report,
    ReportMeta,
    ReviewReason,
    SourceInfo,
)

SCHEMA = "gov-disclosure-report/1"
JsonNumber = int | float
_T = TypeVar("_T")


class MalformedResult(ValueError):
    """A JSON object that is not a result of the contract (a field missing or of the wrong type)."""


def json_number(value: Number | None) -> JsonNumber | None:
    """A value as the JSON writes it: decimals printed without a point stay integers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    return value


def number_of(raw: object) -> Number | None:
    """A JSON value back as a number (floats as the decimals they were written from); null is None."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise MalformedResult(f"{raw!r} is not a number")
    if isinstance(raw, int):
        return raw
    try:
        return Decimal(str(raw))
    except InvalidOperation as exc:  # nan, infinity
        raise MalformedResult(f"{raw!r} is not a number") from exc


def cell_to_dict(cell: CellReading) -> dict[str, Any]:
    """A cell as the contract's JSON object (a reviewer's decision on it included)."""
    out: dict[str, Any] = {"value": json_number(cell.value), "text": cell.text, "confidence": cell.confidence}
    if cell.page is not None:
        out["page"] = cell.page
    if cell.bbox is not None:
        out["bbox"] = cell.bbox.as_list()
    if cell.unit is not None:
        out["unit"] = cell.unit
    out["review"] = cell.review
    if not cell.found:
        out["found"] = False
    if cell.suggestion is not None:
        out["suggestion"] = json_number(cell.suggestion)
    if cell.candidates:
        out["candidates"] = [json_number(v) for v in cell.candidates]
    if cell.notes:
        out["notes"] = cell.notes
    if cell.evidence is not None:
        out["evidence"] = cell.evidence
    if cell.reviewed:
        out["read_value"] = json_number(cell.read_value)
        if cell.illegible:
            out["illegible"] = True
        out["reviewed"] = True
        out["reviewed_by"] = cell.reviewed_by
    return out


def check_to_dict(check: CheckResult) -> dict[str, Any]:
    """A relation's check as the contract's JSON object."""
    out: dict[str, Any] = {"id": check.id, "ok": check.ok, "detail": check.detail, "cells": check.cells}
    if check.suggestion:
        out["suggestion"] = {k: json_number(v) for k, v in check.suggestion.items()}
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
    if finding.pending:
        out["pending"] = finding.pending
    return out


def flagged_keys(report: Report) -> list[str]:
    """What the result lists for review: report-level fields, then the flagged cells."""
    return report.flagged_fields + [key for key, cell in report.cells.items() if cell.review]


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
    flagged = flagged_keys(report)
    meta = report.report or ReportMeta(None, None)
    out.update(
        {
            "template": report.template,
            "report": {"agency": meta.agency, "year": meta.year,
                       "agency_confidence": meta.agency_confidence, "year_confidence": meta.year_confidence,
                       "template_confidence": report.template_confidence, **_field_classes(report, meta)},
            "cells": {key: cell_to_dict(cell) for key, cell in report.cells.items()},
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


def _field_classes(report: Report, meta: ReportMeta) -> dict[str, str]:
    """The evidence classes the report-level confidences were looked up by, where known."""
    classes = {"agency_evidence": meta.agency_evidence, "year_evidence": meta.year_evidence,
               "template_evidence": report.template_evidence}
    return {k: v for k, v in classes.items() if v is not None}


def is_result(data: object) -> bool:
    """Whether a parsed JSON document says it is a result of this contract."""
    return isinstance(data, dict) and data.get("schema") == SCHEMA


def parse_result(text: str | bytes) -> dict[str, Any] | None:
    """A result's JSON object from its text; None for JSON that is not a result of this contract.

    Raises ValueError (json.JSONDecodeError, UnicodeDecodeError) for text that is not JSON.
    """
    data = json.loads(text)
    return data if is_result(data) else None


def read_result_json(path: Path) -> dict[str, Any] | None:
    """A result file's JSON object (`parse_result`); raises OSError for a file that cannot be read."""
    return parse_result(path.read_bytes())


def read_result(path: Path) -> Report | None:
    """A result file as the typed report; None for a JSON file that is not a result. Raises OSError,
    ValueError (not JSON) or MalformedResult (a result not as the contract says)."""
    data = read_result_json(path)
    return None if data is None else report_from_dict(data)


def as_report(result: Report | Mapping[str, Any]) -> Report:
    """The typed report of a result given either way (a JSON object is read by `report_from_dict`)."""
    return result if isinstance(result, Report) else report_from_dict(result)


def report_from_dict(data: object) -> Report:
    """A result's JSON object as the typed report; raises MalformedResult naming what is wrong."""
    top = _object(data, "the result")
    source = _object(top.get("source") or {}, "source")
    info = SourceInfo(
        _typed(source.get("file"), str, "source.file") or "",
        _typed(source.get("sha256"), str, "source.sha256") or "",
        cast(Format | None, _typed(source.get("format"), str, "source.format")),
        _typed(source.get("pages"), int, "source.pages"),
    )
    if top.get("error") is not None:
        error = _object(top["error"], "error")
        code, message = _typed(error.get("code"), str, "error.code"), _typed(error.get("message"), str, "error.message")
        return Report(source=info, error=ErrorInfo(code or "", message or ""))
    meta = _object(top.get("report") or {}, "report")
    cells = {str(k): _cell(v, f"cells.{k}") for k, v in _object(top.get("cells") or {}, "cells").items()}
    review = _object(top.get("review") or {}, "review")
    return Report(
        source=info,
        template=_typed(top.get("template"), str, "template"),
        template_confidence=_float(meta.get("template_confidence"), "report.template_confidence"),
        template_evidence=_typed(meta.get("template_evidence"), str, "report.template_evidence"),
        report=ReportMeta(
            _typed(meta.get("agency"), str, "report.agency"),
            _typed(meta.get("year"), int, "report.year"),
            _float(meta.get("agency_confidence"), "report.agency_confidence"),
            _float(meta.get("year_confidence"), "report.year_confidence"),
            agency_evidence=_typed(meta.get("agency_evidence"), str, "report.agency_evidence"),
            year_evidence=_typed(meta.get("year_evidence"), str, "report.year_evidence"),
        ),
        cells=cells,
        checks=[_check(c) for c in _list(top.get("checks"), "checks")],
        template_deviations=[str(d) for d in _list(top.get("template_deviations"), "template_deviations")],
        findings=[finding_from_dict(f) for f in _list(top.get("findings"), "findings")],
        prose_claims=[_claim(c) for c in _list(top.get("prose_claims"), "prose_claims")],
        flagged_fields=[str(k) for k in _list(review.get("cells"), "review.cells") if k not in cells],
        review_reasons=[
            ReviewReason(str(r.get("code")), str(r.get("message")))
            for r in (_object(x, "review.reasons") for x in _list(review.get("reasons"), "review.reasons"))
        ],
    )


def _cell(raw: object, where: str) -> CellReading:
    cell = _object(raw, where)
    bbox = _list(cell.get("bbox"), f"{where}.bbox")
    reviewed = bool(cell.get("reviewed"))
    try:
        return CellReading(
            value=number_of(cell.get("value")),
            text=_typed(cell.get("text"), str, f"{where}.text"),
            confidence=_float(cell.get("confidence"), f"{where}.confidence"),
            page=_typed(cell.get("page"), int, f"{where}.page"),
            bbox=BBox(*(_float(v, f"{where}.bbox") for v in bbox)) if bbox else None,
            review=bool(cell.get("review")),
            unit=_typed(cell.get("unit"), str, f"{where}.unit"),
            suggestion=number_of(cell.get("suggestion")),
            candidates=[n for v in _list(cell.get("candidates"), where) if (n := number_of(v)) is not None],
            notes=[str(n) for n in _list(cell.get("notes"), f"{where}.notes")],
            evidence=_typed(cell.get("evidence"), str, f"{where}.evidence"),
            reviewed=reviewed,
            reviewed_by=_typed(cell.get("reviewed_by"), str, f"{where}.reviewed_by"),
            read_value=number_of(cell.get("read_value")) if reviewed else None,
            illegible=reviewed and bool(cell.get("illegible")),
            found=_found(cell),
        )
    except (TypeError, ValueError) as exc:
        raise MalformedResult(f"{where}: {exc}") from exc


def _found(cell: Mapping[str, Any]) -> bool:
    """Whether the mapper found the cell; results written before `found` was stored said it
    with a null value and text at confidence 0."""
    if "found" in cell:
        return bool(cell["found"])
    return not (cell.get("value") is None and cell.get("text") is None and cell.get("confidence") in (0, None))


def _check(raw: object) -> CheckResult:
    check = _object(raw, "checks")
    suggestion = _object(check.get("suggestion") or {}, "checks.suggestion")
    return CheckResult(
        id=str(check.get("id")),
        ok=bool(check.get("ok")),
        detail=str(check.get("detail") or ""),
        cells=[str(k) for k in _list(check.get("cells"), "checks.cells")],
        suggestion={str(k): n for k, v in suggestion.items() if (n := number_of(v)) is not None} or None,
        applies=check.get("applies", True) is not False,
        suspects=[str(k) for k in _list(check.get("suspects"), "checks.suspects")],
    )


def finding_from_dict(raw: object) -> Finding:
    """A finding's JSON object as the typed finding."""
    finding = _object(raw, "findings")
    prose = finding.get("prose")
    span = None if prose is None else _span(prose, "findings.prose")
    return Finding(
        kind=str(finding.get("kind")),
        severity=str(finding.get("severity")),
        message=str(finding.get("message")),
        cells=[str(k) for k in _list(finding.get("cells"), "findings.cells")],
        prose=span,
        ref=str(finding.get("ref") or ""),
        reports=[str(r) for r in _list(finding.get("reports"), "findings.reports")],
        pending=[str(k) for k in _list(finding.get("pending"), "findings.pending")],
    )


def _span(raw: object, where: str) -> ProseSpan:
    p = _object(raw, where)
    return ProseSpan(str(p.get("text")), int(p.get("block") or 0), int(p.get("start") or 0),
                     int(p.get("end") or 0), _typed(p.get("page"), int, f"{where}.page"))


def _claim(raw: object) -> ProseClaim:
    claim = _object(raw, "prose_claims")
    span = _span(claim.get("prose") or {}, "prose_claims.prose")
    return ProseClaim(str(claim.get("claim")), int(claim.get("value") or 0), span)


def _object(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise MalformedResult(f"{where} is not a JSON object")
    return raw


def _list(raw: object, where: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise MalformedResult(f"{where} is not a list")
    return raw


def _typed(raw: object, kind: type[_T], where: str) -> _T | None:
    if raw is None:
        return None
    if not isinstance(raw, kind) or isinstance(raw, bool):
        raise MalformedResult(f"{where}: {raw!r} is not of type {kind.__name__}")
    return raw


def _float(raw: object, where: str) -> float:
    if raw is None:
        return 0.0
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise MalformedResult(f"{where}: {raw!r} is not a number")
    return raw  # an int (a confidence of 0 or 1) stays as written
