"""The benchmark: generated reports through the real pipeline, scored against their truth.

    python -m bench [--formats text,docx,...] [--styles webpage,...] [--n 20] [--seed 1]
                          [--corpus DIR] [--jobs N] [--json] [--show-errors K] [--no-baseline] [--findings]
                          [--plot DIR]

Prints per format (and per renderer variant, e.g. the text style): documents, cells,
cell accuracy, silent errors (wrong and not flagged), review rate, error JSONs,
template/agency/year accuracy with their silent errors (wrong and not in review.cells) and
the share of them flagged, the ambiguous cells (not scored) left unflagged and those whose printed value
is neither the result's value nor among its `candidates`, median seconds per document
and per page, peak RSS; findings (ingest/findings/) per kind, recall and false ones
(`--findings` plants contradictions to find: bench/plant.py). Documents whose truth
records forms (the web-page text style) are broken down by form too, with the longest runs of
glued digits they print. Then per format a reliability table (confidence bins: cells, mean
confidence, share right) with its expected calibration error, and review rate against silent
errors by threshold (bench/reliability.py; `--plot DIR` draws both); the same over the reports'
agency, year and template.
For scans and images (`--baseline`, on by default for them) the same worker also reads the
same pages with whole-page Tesseract (ingest/scan/baseline.py): its median seconds per page
stand beside the pipeline's, and its CPU seconds per page (user + system, Tesseract's
processes included; over all the group's pages) beside the pipeline's. The pipeline's figure is
taken in processes set up beforehand; so each such format's documents are also converted by one
`ingest run --jobs 1` in a fresh process (bench/cli_run.py), and its CPU seconds per page, start-up
included, stand beside the baseline's with their ratio ("run/base") and that process's peak RSS.
A measurement, not a test: nothing here asserts on speed or accuracy.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.cli_run import CommandCost, run_cost
from bench.conversions import baseline_timed, convert_timed, prepare_worker
from bench.corpus import CorpusItem, generate_corpus, load_corpus, parse_formats, parse_styles
from bench.findings import print_findings, score_findings
from bench.reliability import by_format, field_scores, plot, print_calibration
from bench.render_webpage import STYLE as WEBPAGE
from bench.score import DocScore, score_result
from ingest.errors import ErrorCode
from ingest.settings import load_settings


@dataclass
class Run:
    """One document converted and scored."""

    item: CorpusItem
    score: DocScore
    seconds: float
    peak_rss_mb: float
    # CPU seconds (user + system, tools it started included).
    cpu_seconds: float = 0.0
    # Whole-page Tesseract on the same pages (scans only): seconds and CPU seconds per page.
    baseline_s_per_page: float | None = None
    baseline_cpu_per_page: float | None = None
    # The result JSON, for scoring its findings.
    result: dict[str, Any] = field(default_factory=dict)

# Formats whose documents are page images: the ones the OCR baseline applies to.
SCAN_FORMATS = ("pdf_scanned", "image", "pdf_turned", "fax", "fax_tiff", "photo", "browser_scan")


def run_corpus(items: list[CorpusItem], jobs: int, baseline: bool | None = None) -> list[Run]:
    """Convert every document on `jobs` processes and score each result; time the whole-page
    baseline on scans too (when `baseline` is None) or on every document (True)."""
    runs: list[Run] = []
    # Worker processes set up as `ingest run` sets up its own (threads, memory, OCR models), but
    # started from a fresh server process: this one has run the generator's OpenCV on many threads,
    # and a child forked from it hung at its first OpenCV call (photos, seed 59).
    with ProcessPoolExecutor(max_workers=max(1, jobs), initializer=prepare_worker,
                             mp_context=multiprocessing.get_context("forkserver"),
                             initargs=(load_settings(),)) as pool:
        futures = [(item, pool.submit(convert_timed, item.document)) for item in items]
        timed = [item for item in items if baseline or (baseline is None and item.format in SCAN_FORMATS)]
        # Queued behind the conversions: both run `jobs` at a time on the same machine.
        baselines = {item.document: pool.submit(baseline_timed, item.document) for item in timed}
        for item, future in futures:
            try:
                result, seconds, rss, cpu = future.result()
            except BrokenProcessPool:
                result = {"source": {"file": item.document.name},
                          "error": {"code": ErrorCode.WORKER_CRASHED, "message": "the converting process died"}}
                seconds, rss, cpu = 0.0, 0.0, 0.0
            score = score_result(result, item.truth(), item.visible_keys())
            runs.append(Run(item, score, seconds, rss, cpu, result=result))
        for run in runs:
            if run.item.document in baselines:
                try:
                    timed_base = baselines[run.item.document].result()
                except BrokenProcessPool:
                    timed_base = None
                if timed_base:
                    run.baseline_s_per_page, run.baseline_cpu_per_page = timed_base
    return runs


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _per_page(timed: list[tuple[float, int]]) -> float | None:
    pages = sum(p for _, p in timed)
    return round(sum(t for t, _ in timed) / pages, 4) if pages else None


def summarize(name: str, runs: list[Run], command: CommandCost | None = None) -> dict[str, Any]:
    """The figures of one group of documents; `command`: what converting all of them with one
    `ingest run` cost."""
    cells = [c for r in runs for c in r.score.cells]
    right = sum(c.right for c in cells)
    silent = sum(c.silent for c in cells)
    docs = len(runs)
    base = [r.baseline_s_per_page for r in runs if r.baseline_s_per_page is not None]
    base_cpu = _per_page([(r.baseline_cpu_per_page * r.score.pages, r.score.pages)
                          for r in runs if r.baseline_cpu_per_page is not None])
    run_cpu = _per_page([(command.cpu_seconds, sum(r.score.pages for r in runs))]) if command else None
    return {
        "group": name,
        "documents": docs,
        "cells": len(cells),
        "accuracy_pct": _pct(right, len(cells)),
        "silent_errors": silent,
        "silent_pct": _pct(silent, len(cells)),
        "review_pct": _pct(sum(c.review for c in cells), len(cells)),
        "errors": sum(r.score.error is not None for r in runs),
        "template_pct": _pct(sum(r.score.template_right for r in runs), docs),
        "agency_pct": _pct(sum(r.score.agency_right for r in runs), docs),
        "agency_silent": sum(r.score.agency_silent for r in runs),
        "year_pct": _pct(sum(r.score.year_right for r in runs), docs),
        "year_silent": sum(r.score.year_silent for r in runs),
        "template_silent": sum(r.score.template_silent for r in runs),
        # Agency, year and template flagged, of three per report.
        "fields_review_pct": _pct(sum(r.score.fields_flagged for r in runs), 3 * docs),
        "ambiguous": sum(r.score.ambiguous for r in runs),
        "ambiguous_unflagged": sum(r.score.ambiguous_unflagged for r in runs),
        "ambiguous_not_offered": sum(r.score.ambiguous_not_offered for r in runs),
        "median_s_per_doc": round(statistics.median(r.seconds for r in runs), 4) if runs else None,
        "median_s_per_page": round(statistics.median(r.seconds / r.score.pages for r in runs), 4) if runs else None,
        "baseline_s_per_page": round(statistics.median(base), 4) if base else None,
        # CPU over the whole group (all its pages): less swayed by other load than seconds.
        "cpu_s_per_page": _per_page([(r.cpu_seconds, r.score.pages) for r in runs]),
        "baseline_cpu_s_per_page": base_cpu,
        # One `ingest run` over the group, start-up included, against the baseline's CPU.
        "run_cpu_s_per_page": run_cpu,
        "run_vs_baseline": round(run_cpu / base_cpu, 3) if run_cpu is not None and base_cpu else None,
        "run_rss_mb": round(command.peak_rss_mb, 1) if command else None,
        "peak_rss_mb": round(max((r.peak_rss_mb for r in runs), default=0.0), 1),
    }


def groups(runs: list[Run]) -> list[tuple[str, list[Run]]]:
    """Each format, then each of its variants when the renderer recorded any; text mixing web
    pages with the line styles also gets the line styles together (the figures they had alone)."""
    out: list[tuple[str, list[Run]]] = []
    for fmt in dict.fromkeys(r.item.format for r in runs):
        of_format = [r for r in runs if r.item.format == fmt]
        out.append((fmt, of_format))
        lines = [r for r in of_format if r.item.variant != WEBPAGE]
        if 0 < len(lines) < len(of_format):
            out.append((f"  {fmt}/line styles", lines))
        for variant in sorted({r.item.variant for r in of_format if r.item.variant}):
            out.append((f"  {fmt}/{variant}", [r for r in of_format if r.item.variant == variant]))
    if len(out) > 1:
        out.append(("all", runs))
    return out


def wrong_cells(runs: list[Run], limit: int) -> list[dict[str, Any]]:
    """Up to `limit` wrong cells, silent ones first."""
    wrong = [(r, c) for r in runs for c in r.score.cells if not c.right]
    wrong.sort(key=lambda rc: (not rc[1].silent, rc[0].item.document.name))
    return [
        {"file": r.item.document.name, "key": c.key, "truth": _plain(c.truth), "got": c.got,
         "confidence": c.confidence, "review": c.review, "error": r.score.error}
        for r, c in wrong[:limit]
    ]


def error_patterns(runs: list[Run], top: int = 15) -> dict[str, list[tuple[str, int]]]:
    """Where the wrong cells cluster: by template row, by variant, by error code."""
    wrong = [(r, c) for r in runs for c in r.score.cells if not c.right]
    by_row = Counter(c.key.rsplit(".", 1)[0] if not c.key.startswith("s4.") else "s4" for _, c in wrong)
    by_variant = Counter(f"{r.item.format}/{r.item.variant or '-'}" for r, _ in wrong)
    by_error = Counter(r.score.error for r in runs if r.score.error)
    return {"rows": by_row.most_common(top), "variants": by_variant.most_common(top),
            "error_codes": by_error.most_common(top)}


def _plain(value: Any) -> Any:
    return str(value) if value is not None and not isinstance(value, int) else value


_COLUMNS = [
    ("group", "group", 24), ("documents", "docs", 5), ("cells", "cells", 7), ("accuracy_pct", "acc%", 7),
    ("silent_errors", "silent", 7), ("silent_pct", "sil%", 6), ("review_pct", "review%", 8), ("errors", "errJSON", 7),
    ("template_pct", "tmpl%", 6), ("agency_pct", "agency%", 8), ("agency_silent", "agSil", 5),
    ("year_pct", "year%", 6), ("year_silent", "yrSil", 5), ("template_silent", "tmSil", 5),
    ("fields_review_pct", "fldRev%", 7), ("ambiguous", "ambig", 5),
    ("ambiguous_unflagged", "ambUnfl", 7), ("ambiguous_not_offered", "ambMiss", 7),
    ("median_s_per_doc", "s/doc", 7), ("median_s_per_page", "s/page", 7),
    ("baseline_s_per_page", "base s/p", 8), ("cpu_s_per_page", "CPU s/p", 7),
    ("baseline_cpu_s_per_page", "base CPU", 8), ("peak_rss_mb", "RSS MB", 7),
    ("run_cpu_s_per_page", "run CPU", 7), ("run_vs_baseline", "run/base", 8), ("run_rss_mb", "run MB", 7),
]


def _table(rows: Iterable[dict[str, Any]], columns: list[tuple[str, str, int]] | None = None) -> str:
    columns = columns or _COLUMNS

    def fmt(value: Any, width: int, left: bool) -> str:
        text = "-" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)
        return text.ljust(width) if left else text.rjust(width)

    lines = [" ".join(fmt(title, w, key == "group") for key, title, w in columns)]
    lines += [" ".join(fmt(row[key], w, key == "group") for key, _, w in columns) for row in rows]
    return "\n".join(lines)


_FORM_COLUMNS = [c for c in _COLUMNS if c[0] in (
    "group", "documents", "cells", "accuracy_pct", "silent_errors", "review_pct", "errors", "template_pct",
    "agency_pct", "agency_silent", "year_pct", "year_silent", "template_silent", "fields_review_pct", "ambiguous",
    "ambiguous_unflagged",
    "ambiguous_not_offered")]


def by_form(runs: list[Run]) -> list[dict[str, Any]]:
    """The figures of the documents showing each form their truths record."""
    forms: dict[str, list[Run]] = {}
    for run in runs:
        for form in dict.fromkeys(run.item.raw_truth().get("forms") or []):
            forms.setdefault(form, []).append(run)
    return [summarize(form, group) for form, group in sorted(forms.items())]


def longest_runs(runs: list[Run]) -> dict[str, dict[str, float]]:
    """Per section, the worst case over the documents: the longest piece of glued digits
    (characters, cells it holds) and log10 of the ways to split the section's runs."""
    out: dict[str, dict[str, float]] = {}
    for run in runs:
        for section, figures in (run.item.raw_truth().get("runs") or {}).items():
            worst = out.setdefault(section, {"chars": 0, "cells": 0, "splits_log10": 0.0})
            for name, value in figures.items():
                worst[name] = max(worst[name], value)
    return out


def command_costs(runs: list[Run]) -> dict[str, CommandCost]:
    """Per format whose documents had the baseline: one `ingest run --jobs 1` over them, after the
    benchmark's own processes are done (so that the two do not share the cores)."""
    formats = dict.fromkeys(r.item.format for r in runs if r.baseline_cpu_per_page is not None)
    return {fmt: run_cost([r.item.document for r in runs if r.item.format == fmt]) for fmt in formats}


def report(runs: list[Run], show_errors: int, costs: dict[str, CommandCost] | None = None) -> dict[str, Any]:
    cells_of = {fmt: [c for r in runs if r.item.format == fmt for c in r.score.cells]
                for fmt in dict.fromkeys(r.item.format for r in runs)}
    settings = load_settings()
    out: dict[str, Any] = {
        "groups": [summarize(name, group, (costs or {}).get(name)) for name, group in groups(runs)],
        "calibration": by_format(cells_of, settings.review.cell_threshold),
        "field_calibration": by_format(field_scores([(r.result, r.score) for r in runs]),
                                       settings.review.report_threshold),
        "findings": score_findings([(r.item.document.name, r.item.format, r.item.truth(),
                                     r.item.visible_keys(), r.result) for r in runs]),
    }
    forms = by_form(runs)
    if forms:
        out["forms"] = forms
        out["longest_runs"] = longest_runs(runs)
    if show_errors:
        out["wrong_cells"] = wrong_cells(runs, show_errors)
        out["wrong_meta"] = wrong_meta(runs, show_errors)
        out["error_patterns"] = error_patterns(runs)
    return out


def wrong_meta(runs: list[Run], limit: int) -> list[dict[str, Any]]:
    """Up to `limit` wrong agencies and years, silent ones first."""
    wrong = []
    for r in runs:
        truth = r.item.truth()
        if not r.score.agency_right and r.score.error is None:
            wrong.append({"file": r.item.document.name, "field": "agency", "truth": truth.agency,
                          "got": r.score.agency, "silent": r.score.agency_silent})
        if not r.score.year_right and r.score.error is None:
            wrong.append({"file": r.item.document.name, "field": "year", "truth": truth.year,
                          "got": r.score.year, "silent": r.score.year_silent})
    wrong.sort(key=lambda w: (not w["silent"], w["file"]))
    return wrong[:limit]


def print_report(out: dict[str, Any]) -> None:
    print(_table(out["groups"]))
    print_calibration(out["calibration"])
    print_calibration(out["field_calibration"], "reports")
    print_findings(out["findings"])
    if "forms" in out:
        print("\nby form (documents showing it; a document shows several)")
        print(_table(out["forms"], _FORM_COLUMNS))
        print("\nlongest glued digit runs: section: characters, cells, log10 splits before cross-row relations")
        for section, worst in out["longest_runs"].items():
            print(f"  {section}: {worst['chars']:.0f}, {worst['cells']:.0f}, {worst['splits_log10']:.2f}")
    if "wrong_cells" in out:
        print("\nwrong cells (silent first): file | key | truth | got | confidence | review")
        for w in out["wrong_cells"]:
            tail = f" | error {w['error']}" if w["error"] else ""
            print(f"  {w['file']} | {w['key']} | {w['truth']} | {w['got']} | {w['confidence']} | {w['review']}{tail}")
        print("\nwrong agency / year (silent first): file | field | truth | got | silent")
        for w in out["wrong_meta"]:
            print(f"  {w['file']} | {w['field']} | {w['truth']} | {w['got']} | {w['silent']}")
        for name, counts in out["error_patterns"].items():
            if counts:
                print(f"\nwrong cells by {name}: " + ", ".join(f"{k} {n}" for k, n in counts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--formats", type=parse_formats,
                        help="comma-separated; default text when generating, every format of --corpus")
    parser.add_argument("--styles", type=parse_styles,
                        help="text styles to generate, n of them (default: the five line styles and web pages)")
    parser.add_argument("--n", type=int, default=20, help="documents per format")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="score this corpus (documents/ + truth/) instead of generating one")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show-errors", type=int, default=0, metavar="K", help="list up to K wrong cells")
    parser.add_argument("--plot", type=Path, metavar="DIR",
                        help="draw calibration-reliability.png and review-tradeoff.png here")
    parser.add_argument("--findings", action="store_true",
                        help="plant findings in the generated reports (contradictions, pairs of years)")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=None,
                        help="time whole-page Tesseract on the same pages (default: for pdf_scanned and image)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        if args.corpus:
            items = [i for i in load_corpus(args.corpus) if args.formats is None or i.format in args.formats]
        else:
            items = generate_corpus(Path(tmp), args.formats or ["text"], args.n, args.seed, args.styles,
                                    plant=args.findings)
        runs = run_corpus(items, args.jobs, args.baseline)
        out = report(runs, args.show_errors, command_costs(runs))
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print_report(out)
    if args.plot:
        for png in plot(out["calibration"], args.plot):
            print(f"drew {png}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
