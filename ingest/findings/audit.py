"""`ingest audit RESULTS [--to findings.csv|.xlsx]`: every finding of a folder of results, the
cross-year ones added, listed and counted by kind."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.contract import as_report, finding_to_dict
from ingest.export import Result, converted, read_results
from ingest.findings.contradictions import current_findings, sure
from ingest.findings.readings import alternatives
from ingest.findings.rules import load_rules
from ingest.findings.years import YearReport, cross_year_findings
from ingest.layouts import load_layouts
from ingest.models import AGENCY_FIELD, YEAR_FIELD, Report, ReportMeta
from ingest.settings import Settings, load_settings
from ingest.sheets import Column, Table, write_csv, write_xlsx

COLUMNS = [
    Column("file", "报告文件", "str"),
    Column("agency", "机关", "str"),
    Column("year", "年度", "int"),
    Column("kind", "类别", "str"),
    Column("severity", "严重程度", "str"),
    Column("message", "说明", "str"),
    Column("cells", "相关单元格", "str"),
    Column("prose", "正文原文", "str"),
    Column("reports", "相关报告", "str"),
    Column("pending", "待复核", "str"),
]


@dataclass(frozen=True)
class AuditRow:
    """A finding and the report it is about (for a cross-year one, the later year's)."""

    file: str
    agency: str | None
    year: int | None
    finding: dict[str, Any]

    def fields(self) -> list[Any]:
        f = self.finding
        prose = f.get("prose") or {}
        return [self.file, self.agency, self.year, f.get("kind"), f.get("severity"), f.get("message"),
                " ".join(f.get("cells") or []), prose.get("text"), " ".join(f.get("reports") or []),
                " ".join(f.get("pending") or [])]


def year_report(path: str, result: Report | Mapping[str, Any], min_confidence: float) -> YearReport | None:
    """The cross-year view of a converted result: its cells as read, those not read sure (and
    not reviewed by a person) named, so that a finding on them is pending their review; None
    when its agency or year is unknown."""
    report = as_report(result)
    meta = report.report or ReportMeta(None, None)
    listed = set(report.flagged_fields)
    if report.error is not None or not meta.agency or not meta.year:
        return None
    values = {k: c.value for k, c in report.cells.items()}
    unsure = frozenset(k for k, c in report.cells.items() if not sure(c, min_confidence))
    could_be = {k: frozenset(int(p) if p else None for p in alternatives(c) if not p or p.isdigit())
                for k, c in report.cells.items() if k in unsure and c.candidates}
    suspect = frozenset(k for c in report.checks if c.applies and not c.ok for k in c.suspects if k in unsure)
    return YearReport(path, meta.agency, meta.year, str(report.template), values, name_unsure=AGENCY_FIELD in listed,
                      unsure=unsure, year_unsure=YEAR_FIELD in listed, could_be=could_be, suspect=suspect)


def audit(results: list[Result], settings: Settings) -> list[AuditRow]:
    """Each report's own findings (relations as they stand after review), then the findings
    across each body's years."""
    rows = []
    rules = load_rules(settings.layouts_dir)
    layouts = load_layouts(settings.layouts_dir)
    min_confidence = settings.review.findings_min_confidence
    by_path: dict[str, Result] = {}
    for result in converted(results):
        by_path[result.path] = result
        meta = result.report.report or ReportMeta(None, None)
        for own in current_findings(result.report, rules, layouts, min_confidence):
            rows.append(AuditRow(result.path, meta.agency, meta.year, own))
    views = [v for r in converted(results) if (v := year_report(r.path, r.report, min_confidence))]
    for finding in cross_year_findings(rules, views):
        later = by_path[finding.reports[-1]].report.report or ReportMeta(None, None)
        rows.append(AuditRow(finding.reports[-1], later.agency, later.year, finding_to_dict(finding)))
    return rows


def count_by_kind(rows: list[AuditRow]) -> Counter[str]:
    return Counter(str(r.finding.get("kind")) for r in rows)


def write_table(rows: list[AuditRow], target: Path) -> None:
    """The findings as a .csv or .xlsx table with Chinese headers, written whole or not at all."""
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"{target}: unknown format; use .csv or .xlsx")
    table = Table(COLUMNS, [r.fields() for r in rows])
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial{suffix}")
    try:
        if suffix == ".csv":
            write_csv(table, partial, "zh")
        else:
            write_xlsx([("findings", table)], partial, "zh")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _audit_command(args: argparse.Namespace) -> int:
    out_dir = Path(args.out_dir)
    if not out_dir.is_dir():
        print(f"ingest audit: {out_dir}: no such folder", file=sys.stderr)
        return 2
    rows = audit(read_results(out_dir), load_settings())
    if args.to:
        try:
            write_table(rows, Path(args.to))
        except (ValueError, OSError) as exc:
            print(f"ingest audit: {exc}", file=sys.stderr)
            return 2
    else:
        for r in rows:
            print(f"{r.file}\t{r.finding.get('kind')}\t{r.finding.get('severity')}\t{r.finding.get('message')}")
    counts = ", ".join(f"{kind} {n}" for kind, n in count_by_kind(rows).most_common()) or "none"
    print(f"{len(rows)} findings ({counts})" + (f" -> {args.to}" if args.to else ""))
    return 0


def add_audit_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`ingest audit OUT_DIR [--to FILE]`."""
    cmd = sub.add_parser("audit", help="findings of a folder of results, with those across a body's years")
    cmd.add_argument("out_dir", metavar="OUT_DIR", help="folder of result JSONs (searched recursively)")
    cmd.add_argument("--to", metavar="FILE", help="write the findings to a .csv or .xlsx table")
    cmd.set_defaults(handler=_audit_command)
