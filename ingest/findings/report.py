"""The findings of one converted report, from its document and its mapped cells."""

from __future__ import annotations

from ingest.findings.prose import prose_findings, read_claims
from ingest.findings.rules import load_rules
from ingest.findings.template import (
    period_findings,
    relation_findings,
    section_findings,
    table_findings,
    template_findings,
)
from ingest.layouts import TemplateLayout
from ingest.models import Document, Finding, Paragraph, Report
from ingest.settings import Settings

# Kinds that contradict numbers: not reported when a cell they rest on was read unsure.
SURE_ONLY = ("relation_broken", "prose_table")


def find_in_report(document: Document, report: Report, layout: TemplateLayout, settings: Settings) -> list[Finding]:
    """Template departures, relations broken, and prose that contradicts the tables, from the
    cells as read (before the checks lower confidences). A contradiction involving a cell read
    unsure may be the reader's: it is left to that cell's review flag. A page that may show only
    part of a report is not faulted for the parts it does not show."""
    rules = load_rules(settings.layouts_dir)
    values = {key: cell.value for key, cell in report.cells.items()}
    unsure = {key for key, cell in report.cells.items() if cell.confidence < settings.findings_min_confidence}
    year = report.report.year if report.report else None
    prose = "\n".join(b.text for b in document.blocks if isinstance(b, Paragraph))
    out = template_findings(rules, layout.template, year, report.template_deviations)
    out += period_findings(rules, prose, year)
    if not document.may_be_partial:
        out += section_findings(rules, "\n".join(document.lines()))
        out += table_findings(rules, layout, report.cells)
    out += relation_findings(rules, report.checks)
    out += prose_findings(read_claims(document.blocks, rules, layout.template, year), values, rules)
    return [f for f in out if f.kind not in SURE_ONLY or not unsure.intersection(f.cells)]
