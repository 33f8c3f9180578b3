"""`ingest stats`: a folder of results summed up per year and template, and a plot of requests."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.export import Result, ResultsOf, add_source_arguments, converted
from ingest.findings.audit import audit, count_by_kind
from ingest.models import CellReading, Report, ReportMeta
from ingest.settings import load_settings

if TYPE_CHECKING:
    from matplotlib.figure import Figure

RECEIVED = "s3.new.total"
GRANTED = "s3.granted.total"
DENIED = "s3.denied.*.total"
# Chinese labels need a CJK font; the first one installed is used (Debian: fonts-noto-cjk).
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "DejaVu Sans"]


def _cjk_fonts() -> AbstractContextManager[None]:
    import matplotlib.pyplot as plt

    return plt.rc_context({"font.family": "sans-serif", "font.sans-serif": CJK_FONTS, "axes.unicode_minus": False})


def _sum(cells: dict[str, CellReading], pattern: str) -> int | None:
    """The sum of the whole, non-blank values of the cells matching `pattern`; None when there are none."""
    values = [c.value for k, c in cells.items() if fnmatchcase(k, pattern)]
    numbers = [v for v in values if isinstance(v, int)]
    return sum(numbers) if numbers else None


# The summary's columns after year and template: each one's header and what a report adds to it.
COLUMNS: dict[str, Callable[[Report], int]] = {
    "reports": lambda report: 1,
    "cells flagged": lambda report: sum(1 for c in report.cells.values() if c.review),
    "relations broken": lambda report: sum(1 for c in report.checks if not c.ok),
    "received": lambda report: _sum(report.cells, RECEIVED) or 0,
    "granted": lambda report: _sum(report.cells, GRANTED) or 0,
    "denied": lambda report: _sum(report.cells, DENIED) or 0,
}


def report_counts(report: Report) -> Counter[str]:
    """One report's contribution to every column of the summary."""
    return Counter({header: count(report) for header, count in COLUMNS.items()})


@dataclass
class Summary:
    # Per (year, template), the columns' sums.
    groups: dict[tuple[int | None, str], Counter[str]]
    errors: Counter[str]
    # Findings by kind, those across a body's years included (see `ingest audit`).
    findings: Counter[str] = field(default_factory=Counter)

    def total(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for group in self.groups.values():
            total.update(group)  # not `+`: that drops the columns at zero
        return total


def summarize(results: Iterable[Result]) -> Summary:
    """Per (year, template): reports, flagged cells, broken relations and request totals; errors by code."""
    results = list(results)
    groups: dict[tuple[int | None, str], Counter[str]] = {}
    for result in converted(results):
        meta = result.report.report or ReportMeta(None, None)
        key = (meta.year, str(result.report.template))
        groups.setdefault(key, Counter()).update(report_counts(result.report))
    errors = Counter(r.report.error.code for r in results if r.report.error is not None)
    ordered = dict(sorted(groups.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or 0, kv[0][1])))
    return Summary(ordered, errors, count_by_kind(audit(results, load_settings())))


_HEADERS = ("year", "template", *COLUMNS)


def format_summary(summary: Summary) -> str:
    """The summary as a plain-text table, numbers right-aligned, a total line last."""

    def line(year: str, template: str, sums: Counter[str]) -> list[str]:
        return [year, template, *(f"{sums[header]:,}" for header in COLUMNS)]

    rows = [line("—" if y is None else str(y), t, g) for (y, t), g in summary.groups.items()]
    rows.append(line("all", "", summary.total()))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(_HEADERS)]

    def render(cells: Iterable[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in pairs)  # text left, numbers right

    out = [render(_HEADERS), "  ".join("-" * w for w in widths), *map(render, rows[:-1])]
    out += ["  ".join("-" * w for w in widths), render(rows[-1])]
    out.append("received = s3.new.total, granted = s3.granted.total, denied = sum of s3.denied.*.total")
    if summary.findings:
        kinds = ", ".join(f"{kind} {n}" for kind, n in summary.findings.most_common())
        out.append(f"findings: {sum(summary.findings.values())} ({kinds}; list them with `ingest audit`)")
    if summary.errors:
        codes = ", ".join(f"{code} {n}" for code, n in summary.errors.most_common())
        out.append(f"failed reports: {sum(summary.errors.values())} ({codes})")
    return "\n".join(out)


def requests_per_report(results: Iterable[Result]) -> list[tuple[str, int]]:
    """(agency and year, requests received) for every report that prints the number, most first.

    Reports sharing agency and year (a report and its correction, two offices of one name) are
    told apart by their source file: each keeps a label, and a bar, of its own.
    """
    found = []
    for result in converted(results):
        received = _sum(result.report.cells, RECEIVED)
        if received is None:
            continue
        meta = result.report.report or ReportMeta(None, None)
        source = result.report.source.file or result.path
        name = meta.agency or source
        found.append((f"{name} {meta.year or ''}".strip(), source, received))
    shared = Counter(label for label, _, _ in found)
    pairs = [(f"{label} · {source}" if shared[label] > 1 else label, n) for label, source, n in found]
    return sorted(pairs, key=lambda p: -p[1])


def plot_requests(results: Iterable[Result], path: Path, max_bars: int = 40) -> int:
    """A PNG of the requests received per report: the largest as bars by agency, all as a histogram.

    Returns the number of reports plotted.
    """
    import matplotlib.pyplot as plt

    pairs = requests_per_report(results)
    with _cjk_fonts():  # also while saving: tick labels are drawn then
        fig = requests_figure(pairs, max_bars)
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return len(pairs)


def requests_figure(pairs: list[tuple[str, int]], max_bars: int = 40) -> Figure:
    """The histogram of all reports' requests and the bars of the largest, each bar labelled with its number."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    bars = pairs[:max_bars][::-1]  # largest at the top
    with _cjk_fonts():
        fig, (hist, bar) = plt.subplots(
            1, 2, figsize=(13, max(3.5, 0.32 * len(bars) + 1.5)), width_ratios=(1, 1.6), layout="constrained"
        )
        counts = [n for _, n in pairs] or [0]
        # Requests per body span orders of magnitude (a township 0, a ministry thousands): log bins.
        edges = np.unique(np.concatenate([[0, 1], np.geomspace(1, max(counts) + 1, 20).round()]))
        hist.hist(counts, bins=edges, color="#4c72b0")
        hist.set_xscale("symlog", linthresh=1)
        hist.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))  # 1, 10, 100, not 10^0
        hist.set(title=f"全部 {len(pairs)} 份报告", xlabel="本年新收申请数量 (s3.new.total)", ylabel="报告数")
        # Numeric positions, not names as categories: bars of equal names would share one position.
        positions = np.arange(len(bars))
        bar.barh(positions, [n for _, n in bars], color="#4c72b0")
        bar.set_yticks(positions, [name for name, _ in bars])
        for y, (_, n) in zip(positions, bars, strict=True):
            bar.annotate(f"{n:,}", (n, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
        shown = f"前 {len(bars)} 份" if len(pairs) > len(bars) else "各报告"
        bar.set(title=f"本年新收政府信息公开申请数量（{shown}）", xlabel="申请数量")
        bar.tick_params(axis="y", labelsize=8)
        for axis in (hist.yaxis, bar.xaxis):  # counts of requests and reports are whole numbers
            axis.set_major_locator(MaxNLocator(integer=True))
    return fig


def _stats_command(results_of: ResultsOf, args: argparse.Namespace) -> int:
    results = results_of("stats", args)
    if results is None:
        return 2
    print(format_summary(summarize(results)))
    if args.plot:
        plotted = plot_requests(results, Path(args.plot))
        print(f"plot of {plotted} reports -> {args.plot}")
    return 0


def add_stats_command(sub: argparse._SubParsersAction[argparse.ArgumentParser], results_of: ResultsOf) -> None:
    """`ingest stats OUT_DIR|--db URL [--plot FILE.png]`."""
    cmd = sub.add_parser("stats", help="reports, flagged cells and request totals per year and template")
    add_source_arguments(cmd)
    cmd.add_argument("--plot", metavar="FILE.png", help="also draw the requests received per report")
    cmd.set_defaults(handler=partial(_stats_command, results_of))
