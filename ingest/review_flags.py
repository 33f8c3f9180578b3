"""What a person must look at in a result, and why: cells, agency, year, template."""

from __future__ import annotations

from ingest.field_evidence import FieldEvidence
from ingest.models import AGENCY_FIELD, TEMPLATE_FIELD, YEAR_FIELD, Report, ReviewReason
from ingest.settings import Settings


def field_unsure(confidence: float, evidence: str | None, threshold: float) -> bool:
    """Whether an agency, year or template is flagged: below the threshold, or read from
    evidence that is looked at whatever its confidence (FieldEvidence.must_review)."""
    return confidence < threshold or (evidence is not None and FieldEvidence.parse(evidence).must_review())


def flag_template_dependent(report: Report, read_otherwise: dict[str, list[str]], settings: Settings) -> None:
    """Flag the cells another template reads differently (`read_otherwise`: key -> those
    templates) when the template itself is unsure; under a sure template they stand."""
    if not field_unsure(report.template_confidence, report.template_evidence, settings.review.report_threshold):
        return
    for key, templates in read_otherwise.items():
        cell = report.cells[key]
        cell.review = True
        cell.notes.append(f"read otherwise under template {', '.join(templates)}, and the template is unsure")


def flag_report(report: Report, settings: Settings, one_page: bool = False) -> None:
    """Set the report-level fields below the review threshold and every reason for review
    (`one_page`: a lone photographed or scanned page, which shows only part of a report)."""
    threshold = settings.review.report_threshold
    meta = report.report
    fields: list[str] = []
    reasons: list[ReviewReason] = []
    missing = {k for k, c in report.cells.items() if not c.found}
    if missing:
        reasons.append(ReviewReason(
            "cells_not_found",
            f"{len(missing)} of {len(report.cells)} template cells were not found in the document "
            + ("(a single page shows only part of a report)" if one_page
               else "(a table or row is missing, cut short or unreadable)") + f"{_by_section(report, missing)}: "
            "each is null with review: true"))
    unsure = sum(1 for k, c in report.cells.items() if c.review and k not in missing)
    if unsure:
        reasons.append(ReviewReason("cells_flagged", f"{unsure} cells were read with low confidence"))
    evidence = "; ".join(meta.evidence) if meta and meta.evidence else "no evidence found"
    if meta is None or field_unsure(meta.agency_confidence, meta.agency_evidence, threshold):
        fields.append(AGENCY_FIELD)
        agency = meta.agency if meta else None
        reasons.append(ReviewReason("agency_unsure", f"agency {agency!r} is unsure ({evidence})"))
    if meta is None or field_unsure(meta.year_confidence, meta.year_evidence, threshold):
        fields.append(YEAR_FIELD)
        reasons.append(ReviewReason("year_unsure", f"year {meta.year if meta else None!r} is unsure ({evidence})"))
    if field_unsure(report.template_confidence, report.template_evidence, threshold):
        fields.append(TEMPLATE_FIELD)
        reasons.append(ReviewReason(
            "template_unsure",
            f"template {report.template} is unsure: the document prints few of its header words or "
            "only rows every template prints alike, or its year is before the template was issued"))
    report.flagged_fields = fields
    report.review_reasons = reasons


def _by_section(report: Report, missing: set[str]) -> str:
    """Which sections the missing cells are in: those not found at all named first (a page
    that does not hold them), then the rest with how many of their cells are missing."""
    sections: dict[str, list[bool]] = {}
    for key in report.cells:
        sections.setdefault(key.split(".", 1)[0], []).append(key in missing)
    whole = [s for s, lost in sections.items() if all(lost)]
    part = [f"{s} {sum(lost)} of {len(lost)}" for s, lost in sections.items() if any(lost) and not all(lost)]
    named = ([f"no cell of {', '.join(whole)}"] if whole else []) + part
    return f" — {'; '.join(named)}" if named else ""
