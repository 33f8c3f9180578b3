"""A result JSON (the contract's shape, see ingest/output.py) scored against its truth."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from tests.bench.truth import ReportTruth, Value

# Confidence bins of the reliability table: [low, high), the last one closed. Most cells are
# near 1, so the top is cut finer.
BINS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 0.99), (0.99, 0.999), (0.999, 1.0))


@dataclass(frozen=True)
class CellScore:
    key: str
    truth: Value
    got: Any  # the result's value; "<missing>" when the result has no such key
    confidence: float | None
    review: bool
    right: bool
    # The evidence class the confidence was looked up by (ingest/evidence.py), when given.
    evidence: str | None = None

    @property
    def silent(self) -> bool:
        """Wrong, yet not flagged for review: the error nobody will look at."""
        return not self.right and not self.review


@dataclass
class DocScore:
    file: str
    error: str | None  # the error code of an error JSON
    cells: list[CellScore] = field(default_factory=list)
    template_right: bool = False
    agency_right: bool = False
    year_right: bool = False
    pages: int = 1


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def same_value(truth: Value, got: Any) -> bool:
    """None equals only None; numbers compare as Decimal(str(x))."""
    if truth is None or got is None or isinstance(got, bool):
        return truth is None and got is None
    want, have = _decimal(truth), _decimal(got)
    return want is not None and have is not None and want == have


def _no_spaces(text: Any) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def score_result(result: dict[str, Any], truth: ReportTruth, visible: set[str] | None = None) -> DocScore:
    """Every truth cell (or only the visible ones) judged against the result."""
    keys = [k for k in truth.cells if visible is None or k in visible]
    source = result.get("source", {})
    doc = DocScore(file=str(source.get("file", "")), error=None, pages=int(source.get("pages") or 1))
    if "error" in result:
        doc.error = str(result["error"].get("code", "error"))
        doc.cells = [CellScore(k, truth.cells[k], None, None, True, False) for k in keys]
        return doc
    cells = result.get("cells", {})
    for key in keys:
        cell = cells.get(key)
        if cell is None:
            doc.cells.append(CellScore(key, truth.cells[key], "<missing>", None, True, False))
            continue
        got = cell.get("value")
        doc.cells.append(CellScore(key, truth.cells[key], got, cell.get("confidence"), bool(cell.get("review")),
                                   same_value(truth.cells[key], got), cell.get("evidence")))
    meta = result.get("report") or {}
    doc.template_right = result.get("template") == truth.template
    doc.agency_right = _no_spaces(meta.get("agency")) == _no_spaces(truth.agency)
    doc.year_right = meta.get("year") == truth.year
    return doc


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    cells: int
    right: int
    confidence_sum: float

    @property
    def share_right(self) -> float | None:
        return self.right / self.cells if self.cells else None

    @property
    def mean_confidence(self) -> float | None:
        return self.confidence_sum / self.cells if self.cells else None

    @property
    def gap(self) -> float | None:
        """|mean confidence − share right| of the bin."""
        if self.mean_confidence is None or self.share_right is None:
            return None
        return abs(self.mean_confidence - self.share_right)


def calibration(cells: list[CellScore]) -> list[CalibrationBin]:
    """Cells, share right and mean confidence per confidence bin (cells without a confidence are left out)."""
    out = []
    for i, (low, high) in enumerate(BINS):
        last = i == len(BINS) - 1
        inside = [c for c in cells if c.confidence is not None
                  and low <= c.confidence and (c.confidence < high or (last and c.confidence <= high))]
        out.append(CalibrationBin(low, high, len(inside), sum(c.right for c in inside),
                                  sum(c.confidence or 0.0 for c in inside)))
    return out


def expected_calibration_error(bins: list[CalibrationBin]) -> float | None:
    """The cell-weighted mean gap between confidence and share right over the bins."""
    total = sum(b.cells for b in bins)
    return sum(b.cells * (b.gap or 0.0) for b in bins) / total if total else None


@dataclass(frozen=True)
class TradeOff:
    """What one review threshold gives: the share of cells flagged and the wrong cells not flagged."""

    threshold: float
    review_pct: float
    silent_errors: int


def trade_offs(cells: list[CellScore], thresholds: list[float]) -> list[TradeOff]:
    """Review rate against silent errors for each threshold (flag below it; other flags kept aside)."""
    scored = [(c.confidence if c.confidence is not None else 0.0, c.right) for c in cells]
    out = []
    for t in thresholds:
        flagged = sum(conf < t for conf, _ in scored)
        silent = sum(conf >= t and not right for conf, right in scored)
        out.append(TradeOff(t, 100 * flagged / len(scored) if scored else 0.0, silent))
    return out
