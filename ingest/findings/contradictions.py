"""Numbers that contradict each other — a relation broken, prose against a table — found only on
cells read sure, and found again on a result's JSON once a reviewer's decision changed a cell."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ingest.checks import run_checks
from ingest.contract import as_report, finding_from_dict, finding_to_dict
from ingest.findings.prose import prose_findings
from ingest.findings.rules import FindingRules, load_rules
from ingest.findings.template import relation_findings
from ingest.layouts import TemplateLayout
from ingest.models import CellReading, CheckResult, Finding, Number, ProseClaim, Report
from ingest.settings import Settings

# The kinds found again after a decision; the others do not depend on a cell's value.
RECOMPUTED = ("relation_broken", "prose_table")


def counts(layout: TemplateLayout) -> set[str]:
    """The keys of the cells that can never be below zero (every column but the signed ones)."""
    return {row.cell_key(c) for row in layout.rows() for c in row.columns if not c.signed}


def surely_broken(check: CheckResult, values: Mapping[str, Number | None], sure: set[str],
                  never_negative: set[str]) -> bool:
    """Whether the relation is broken whatever its unsure cells hold: all of them on one side
    and never negative, and that side's sure cells alone already more than the other side."""
    unsure = [k for k in check.cells if k not in sure]
    if not unsure:
        return True
    left = set(check.left)
    on_left = unsure[0] in left
    if any((k in left) != on_left or k not in never_negative for k in unsure):
        return False
    grows = [k for k in check.cells if (k in left) == on_left and k in sure]
    other = [values.get(k) for k in check.cells if (k in left) != on_left]
    if all(v is None for v in other):
        return False
    known = sum((Decimal(v) for k in grows if (v := values.get(k)) is not None), start=Decimal(0))
    return known > sum((Decimal(v) for v in other if v is not None), start=Decimal(0))


def contradictions(rules: FindingRules, layout: TemplateLayout, values: Mapping[str, Number | None], sure: set[str],
                   checks: Iterable[CheckResult], claims: list[ProseClaim]) -> list[Finding]:
    """Relations broken and prose contradicting the tables, on the cells read sure: one that
    rests on an unsure cell may be the reader's error, left to that cell's review flag."""
    never_negative = counts(layout)
    broken = [c for c in checks if not c.ok and c.applies and surely_broken(c, values, sure, never_negative)]
    prose = [f for f in prose_findings(claims, values, rules) if sure.issuperset(f.cells)]
    return relation_findings(rules, broken) + prose


def sure(cell: CellReading, min_confidence: float) -> bool:
    """Whether a cell can bear a finding: reviewed by a person, or read sure and not flagged."""
    return cell.reviewed or (cell.confidence >= min_confidence and not cell.review)


def current_findings(result: Report | Mapping[str, Any], rules: FindingRules, layouts: Iterable[TemplateLayout],
                     min_confidence: float) -> list[dict[str, Any]]:
    """A result's findings with its contradictions found again on its cells as they stand: a
    reviewed cell is sure, a cell still flagged is not."""
    report = as_report(result)
    layout = next((t for t in layouts if t.template == report.template), None)
    if report.error is not None or layout is None:
        return [finding_to_dict(f) for f in report.findings]
    values = {k: c.value for k, c in report.cells.items()}
    settled = {k for k, c in report.cells.items() if sure(c, min_confidence)}
    checks = run_checks(layout, report.cells)
    found = contradictions(rules, layout, values, settled, checks, report.prose_claims)
    kept = [f for f in report.findings if f.kind not in RECOMPUTED]
    return [finding_to_dict(f) for f in kept + found]


def refresh_findings(result: Report | dict[str, Any], layout: TemplateLayout, settings: Settings) -> None:
    """After a reviewer's decision: the result's contradictions found again (one mended by a
    correction is gone, one a correction makes or a reviewed cell settles is listed), in the
    typed report or the JSON object given."""
    rules = load_rules(settings.layouts_dir)
    found = current_findings(result, rules, [layout], settings.review.findings_min_confidence)
    if isinstance(result, Report):
        result.findings = [finding_from_dict(f) for f in found]
    else:
        result["findings"] = found
