"""Findings measured: what each generated report should get (its truth and its plants,
bench/plant.py) against the findings the pipeline gave, per kind; cross-year findings
over each format's reports. Findings pending a review (`pending`: they rest on cells, a year or
a name the reader is unsure of) count as found or false like the others, and are also counted
apart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bench.plant import left_out_rows
from bench.truth import ReportTruth, layout_for
from ingest.checks import run_checks
from ingest.findings.audit import year_report
from ingest.findings.rules import load_rules
from ingest.findings.years import YearReport, cross_year_findings
from ingest.models import CellReading
from ingest.settings import load_settings

Key = tuple[str, str]  # (kind, ref)
# What a single page of a report (an image) must show as findings: its tables' own relations. The
# prose, the other parts and tables, the year and the template's other rows may lie on other pages.
PAGE_KINDS = frozenset({"relation_broken"})


@dataclass
class Expected:
    """The findings a report must get, and those it may get (true of the document, not planted)."""

    required: Counter[Key]
    allowed: set[Key]


def expected_in_report(truth: ReportTruth, visible: set[str] | None = None) -> Expected:
    """What the document prints that is a finding: planted contradictions, the template's
    misuse and relations the truth itself breaks, blanks. Of a partial page (its `visible`
    cells), only the relations it shows whole are asked."""
    partial = visible is not None
    required: Counter[Key] = Counter((p["kind"], p["ref"]) for p in truth.planted)
    if truth.template == "2019" and truth.year >= 2021:
        required["template_outdated", "2019"] += 1
    for deviation in truth.deviations:
        required["template_mixed", deviation] += 1
    cells = {k: CellReading(v, None, 1.0) for k, v in truth.cells.items()}
    checks = [c for c in run_checks(layout_for(truth.template), cells) if not c.ok]
    broken = [c.id for c in checks]
    # A page cut off before a relation's cells (an image of part of a table) cannot show it broken.
    shown = [c.id for c in checks if visible is None or set(c.cells) <= visible]
    required.update(("relation_broken", b) for b in shown)
    # Rows left out: planted (bench/plant.py) or the web-page style's missing 规章 row.
    left_out = left_out_rows(truth) | ({"s2.regulations"} if "missing_row" in truth.forms else set())
    unprinted = tuple(f"{row}." for row in left_out) + (
        ("s3.other.no_fee.", "s3.other.other.") if "merged_other" in truth.forms else ())
    if not partial and any(v is None and not k.startswith(unprinted) for k, v in truth.cells.items()):
        required["cells_blank", ""] += 1
    # The text renderer's own sentence counts requests from the columns: true when 总计 is off.
    allowed = {("prose_table", "requests_received")} if "s3.row_sum.new" in broken else set()
    # Rows the web-page style leaves out: the 规章 row, the values of the merged （六） sub-rows.
    if "missing_row" in truth.forms:  # the style's own: a row planted as left out is in `planted`
        required["row_missing", "s2.regulations"] += 1
    if "merged_other" in truth.forms:
        allowed |= {("row_missing", f"s3.other.{sub}") for sub in ("no_correction", "no_fee", "other")}
    if partial:  # one page of the report: what the rest of it prints may show or not
        allowed |= {key for key in required if key[0] not in PAGE_KINDS}
        allowed |= {("relation_broken", b) for b in broken}
        required = Counter({key: n for key, n in required.items() if key[0] in PAGE_KINDS})
    return Expected(required, allowed)


def _cross_year(reports: Iterable[YearReport]) -> tuple[dict[str, Counter[Key]], set[tuple[str, Key]]]:
    """The cross-year findings by the later report's name, and those pending a review."""
    out: dict[str, Counter[Key]] = {}
    pending: set[tuple[str, Key]] = set()
    for f in cross_year_findings(load_rules(load_settings().layouts_dir), reports):
        out.setdefault(f.reports[-1], Counter())[f.kind, f.ref] += 1
        if f.pending:
            pending.add((f.reports[-1], (f.kind, f.ref)))
    return out, pending


@dataclass
class KindScore:
    expected: int = 0
    found: int = 0
    false: int = 0
    # Of those found / false, how many were pending a review of what they rest on.
    found_pending: int = 0
    false_pending: int = 0


def score_findings(docs: list[tuple[str, str, ReportTruth, set[str] | None, dict[str, Any]]]) -> dict[str, Any]:
    """docs: (name, format, truth, visible cells of a partial page or None, result) each. Recall
    and false findings per kind, and the share of reports with any false finding."""
    kinds: dict[str, KindScore] = {}
    min_confidence = load_settings().review.findings_min_confidence
    with_false: list[str] = []
    falses: list[dict[str, str]] = []
    missed: list[dict[str, str]] = []
    for fmt in dict.fromkeys(d[1] for d in docs):
        of_format = [d for d in docs if d[1] == fmt]
        truth_years, _ = _cross_year(
            YearReport(n, t.agency, t.year, t.template, t.cells) for n, _, t, _, _ in of_format)
        found_years, pending_years = _cross_year(
            v for n, _, _, _, r in of_format if (v := year_report(n, r, min_confidence)))
        for name, _, truth, visible, result in of_format:
            expected = expected_in_report(truth, visible)
            expected.required.update(truth_years.get(name, Counter()))
            own = result.get("findings") or []
            found: Counter[Key] = Counter((f["kind"], f.get("ref", "")) for f in own)
            found.update(found_years.get(name, Counter()))
            pending = {(f["kind"], f.get("ref", "")) for f in own if f.get("pending")}
            pending |= {key for file, key in pending_years if file == name}
            for key, n in expected.required.items():
                score = kinds.setdefault(key[0], KindScore())
                score.expected += n
                score.found += min(n, found[key])
                score.found_pending += min(n, found[key]) if key in pending else 0
                if found[key] < n:
                    missed.append({"file": name, "kind": key[0], "ref": key[1]})
            extra = found - expected.required
            extra = Counter({k: n for k, n in extra.items() if k not in expected.allowed})
            for key, n in extra.items():
                kinds.setdefault(key[0], KindScore()).false += n
                kinds[key[0]].false_pending += n if key in pending else 0
                falses.append({"file": name, "kind": key[0], "ref": key[1], "pending": str(key in pending)})
            if extra:
                with_false.append(name)
    return {
        "kinds": {k: vars(s) | {"recall_pct": round(100 * s.found / s.expected, 1) if s.expected else None}
                  for k, s in sorted(kinds.items())},
        "reports": len(docs),
        "reports_with_false": len(with_false),
        "reports_with_false_pct": round(100 * len(with_false) / len(docs), 2) if docs else None,
        "false_findings": falses,
        "missed_findings": missed,
    }


def print_findings(out: dict[str, Any]) -> None:
    print("\nfindings (kind: expected, found, recall, false; of found and false, pending a review)")
    for kind, s in out["kinds"].items():
        recall = "-" if s["recall_pct"] is None else f"{s['recall_pct']:.1f}%"
        print(f"  {kind:<22} {s['expected']:>5} {s['found']:>5} {recall:>7} {s['false']:>5}"
              f"   pending {s['found_pending']:>4} {s['false_pending']:>4}")
    print(f"  reports with a false finding: {out['reports_with_false']} of {out['reports']}"
          f" ({out['reports_with_false_pct']}%)")
    for what in ("false", "missed"):
        for f in out[f"{what}_findings"][:20]:
            print(f"    {what}: {f['file']} {f['kind']} {f['ref']}")
