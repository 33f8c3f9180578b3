"""Whether confidence means what it says: per format, a reliability table (bins, cells, mean
confidence, share right) with its expected calibration error; review rate against silent
errors over review thresholds; both drawn as PNGs. The same for each report's agency, year
and template (one score per converted report)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.score import CellScore, DocScore, calibration, expected_calibration_error, trade_offs
from ingest.field_evidence import FIELDS

# Bins with fewer cells than this are too small to judge the gap on.
MIN_BIN_CELLS = 30
# Thresholds shown in the trade-off table (the current one is added).
THRESHOLDS = (0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995)


def reliability(cells: list[CellScore]) -> dict[str, Any]:
    """The reliability table of some cells, its ECE and the largest gap over bins of ≥ MIN_BIN_CELLS."""
    bins = calibration(cells)
    judged = [b.gap for b in bins if b.cells >= MIN_BIN_CELLS and b.gap is not None]
    ece = expected_calibration_error(bins)
    return {
        "bins": [
            {"bin": f"[{b.low}, {b.high}{']' if b.high == 1.0 else ')'}", "cells": b.cells,
             "mean_confidence": None if b.mean_confidence is None else round(b.mean_confidence, 4),
             "share_right": None if b.share_right is None else round(b.share_right, 4)}
            for b in bins
        ],
        "ece_pct": None if ece is None else round(100 * ece, 3),
        "max_gap_pct": round(100 * max(judged), 2) if judged else None,
    }


def by_format(cells_of: dict[str, list[CellScore]], threshold: float) -> dict[str, Any]:
    """Reliability per format and over all, and the review trade-off over all cells."""
    every = [c for cells in cells_of.values() for c in cells]
    tables = {fmt: reliability(cells) for fmt, cells in cells_of.items()}
    tables["all"] = reliability(every)
    sweep = sorted({*THRESHOLDS, threshold})
    return {
        "reliability": tables,
        "threshold": threshold,
        "trade_off": {
            fmt: [{"threshold": t.threshold, "review_pct": round(t.review_pct, 3), "silent_errors": t.silent_errors}
                  for t in trade_offs(cells, sweep, threshold)]
            for fmt, cells in [*cells_of.items(), ("all", every)]
        },
    }


def field_scores(scored: list[tuple[dict[str, Any], DocScore]]) -> dict[str, list[CellScore]]:
    """Agency, year and template of every converted report, scored like cells (a field is
    flagged when the result lists it for review)."""
    out: dict[str, list[CellScore]] = {name: [] for name in FIELDS}
    for result, doc in scored:
        if doc.error is not None:
            continue
        meta = result.get("report") or {}
        listed = set((result.get("review") or {}).get("cells") or [])
        right = {"agency": doc.agency_right, "year": doc.year_right, "template": doc.template_right}
        for name in FIELDS:
            flagged = ("template" if name == "template" else f"report.{name}") in listed
            out[name].append(CellScore(name, None, None, meta.get(f"{name}_confidence"), flagged, right[name]))
    return out


def print_calibration(out: dict[str, Any], unit: str = "cells") -> None:
    for fmt, table in out["reliability"].items():
        print(f"\nreliability, {fmt}: ECE {table['ece_pct']}%, largest gap over bins of ≥ {MIN_BIN_CELLS} {unit} "
              f"{table['max_gap_pct']} points")
        print(f"  {'bin':<14} {unit:>7} {'mean conf':>10} {'right':>8}")
        for b in table["bins"]:
            mean = "-" if b["mean_confidence"] is None else f"{100 * b['mean_confidence']:.2f}%"
            share = "-" if b["share_right"] is None else f"{100 * b['share_right']:.2f}%"
            print(f"  {b['bin']:<14} {b['cells']:>7} {mean:>10} {share:>8}")
    print(f"\nreview rate % / silent errors by threshold, {unit} (current {out['threshold']})")
    thresholds = [t["threshold"] for t in next(iter(out["trade_off"].values()))]
    print("  " + f"{'group':<12}" + "".join(f"{t:>14}" for t in thresholds))
    for fmt, sweep in out["trade_off"].items():
        print("  " + f"{fmt:<12}" + "".join(f"{s['review_pct']:>9.2f}/{s['silent_errors']:<4}" for s in sweep))


def plot(out: dict[str, Any], folder: Path) -> list[Path]:
    """calibration-reliability.png (mean confidence against share right per format) and review-tradeoff.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="calibrated")
    for fmt, table in out["reliability"].items():
        points = [(b["mean_confidence"], b["share_right"]) for b in table["bins"] if b["cells"] >= MIN_BIN_CELLS]
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", label=f"{fmt} (ECE {table['ece_pct']}%)")
    ax.set(xlabel="mean confidence", ylabel="share right", title=f"Reliability (bins of ≥ {MIN_BIN_CELLS} cells)")
    ax.legend(fontsize=7)
    reliability_png = folder / "calibration-reliability.png"
    fig.savefig(reliability_png, dpi=110, bbox_inches="tight")
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    for fmt, sweep in out["trade_off"].items():
        ax.plot([s["review_pct"] for s in sweep], [s["silent_errors"] for s in sweep], marker=".", label=fmt)
    ax.set(xscale="symlog", xlabel="cells flagged for review (%)", ylabel="silent errors (wrong, not flagged)",
           title=f"Review rate against silent errors (threshold {out['threshold']})")
    ax.legend(fontsize=7)
    tradeoff_png = folder / "review-tradeoff.png"
    fig.savefig(tradeoff_png, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return [reliability_png, tradeoff_png]
