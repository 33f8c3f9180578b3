"""Numbers that contradict each other — a relation broken, prose against a table — found on
cells read sure (a break whatever the unsure cells hold, pending their review), and found again
on a result's JSON once a reviewer's decision changed a cell."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ingest.checks import run_checks
from ingest.contract import as_report, finding_from_dict, finding_to_dict
from ingest.evidence import OCR_FORMATS
from ingest.findings.prose import meaning_keys, prose_findings
from ingest.findings.readings import Doubt
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


def contradictions(rules: FindingRules, layout: TemplateLayout, cells: Mapping[str, CellReading], sure: set[str],
                   checks: Iterable[CheckResult], claims: list[ProseClaim], exact: bool) -> list[Finding]:
    """Relations broken and prose contradicting the tables. A relation broken as read over cells
    the reader was unsure of is reported when no reading of them mends it, pending their review
    (`exact`: the format's characters are read exactly, so an unsure cell's doubt is only where
    its row's numbers go, ingest/findings/readings.py); a prose figure only on cells read sure."""
    never_negative = counts(layout)
    doubt = Doubt(cells, sure, exact)
    broken = [c for c in checks if not c.ok and c.applies and doubt.broken_whatever(c, never_negative)]
    values = {k: c.value for k, c in cells.items()}
    return relation_findings(rules, broken, sure) + _prose_whatever(rules, claims, values, sure, doubt)


def _prose_whatever(rules: FindingRules, claims: list[ProseClaim], values: Mapping[str, Number | None],
                    sure: set[str], doubt: Doubt) -> list[Finding]:
    """The prose findings on the cells as read that no reading of their unsure cells mends
    (pending those cells' review)."""
    quoted = {(c.claim, c.span.block, c.span.start): c.value for c in claims}
    means = {c.id: c.means for c in rules.claims}
    out = []
    for found in prose_findings(claims, values, rules):
        pending = [k for k in found.cells if k not in sure]
        if pending and found.prose is not None:
            value = quoted[found.ref, found.prose.block, found.prose.start]
            if any(doubt.may_sum_to(meaning_keys(m, values), value) for m in means[found.ref]):
                continue
            found.pending = pending
            found.message += f"（待复核的单元格{'、'.join(pending)}无论如何读，均不等于正文所述）"
        out.append(found)
    return out


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
    settled = {k for k, c in report.cells.items() if sure(c, min_confidence)}
    checks = run_checks(layout, report.cells)
    found = contradictions(rules, layout, report.cells, settled, checks, report.prose_claims,
                           report.source.format not in OCR_FORMATS)
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
