"""The findings of one converted report, from its document and its mapped cells."""

from __future__ import annotations

from ingest.evidence import OCR_FORMATS
from ingest.findings.contradictions import contradictions
from ingest.findings.contradictions import sure as settled
from ingest.findings.prose import read_claims
from ingest.findings.rules import load_rules
from ingest.findings.template import (
    period_findings,
    section_findings,
    table_findings,
    tables_read,
    template_findings,
)
from ingest.layouts import TemplateLayout
from ingest.models import Document, Paragraph, Report
from ingest.settings import Settings


def add_findings(document: Document, report: Report, layout: TemplateLayout, settings: Settings) -> None:
    """Set the report's findings — template departures, relations broken, prose that contradicts
    the tables — and the prose claims they were read from. On the cells as the checks left
    them: a contradiction involving a cell read unsure (or flagged) may be the reader's, left to
    that cell's review flag. A page that may show only part of a report is not faulted for the
    parts it does not show."""
    rules = load_rules(settings.layouts_dir)
    sure = {key for key, cell in report.cells.items() if settled(cell, settings.review.findings_min_confidence)}
    year = report.report.year if report.report else None
    prose = "\n".join(b.text for b in document.blocks if isinstance(b, Paragraph))
    unsure = frozenset(report.flagged_fields)
    out = template_findings(rules, layout.template, year, report.template_deviations, unsure)
    out += period_findings(rules, prose, year, unsure)
    if not document.may_be_partial:
        out += section_findings(rules, "\n".join(document.lines()), tables_read(layout, report.cells),
                                document.format in OCR_FORMATS)
        out += table_findings(rules, layout, report.cells, sure)
    report.prose_claims = read_claims(document.blocks, rules, layout.template, year)
    out += contradictions(rules, layout, report.cells, sure, report.checks, report.prose_claims,
                          document.format not in OCR_FORMATS)
    report.findings = out
