"""A result JSON (the contract's shape, see ingest/output.py) scored against its truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from bench.truth import ReportTruth, Value

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
    # Keys the truth lists as ambiguous: not scored; those the result did not flag.
    ambiguous: int = 0
    ambiguous_unflagged: int = 0
    # Ambiguous keys whose printed value is neither the result's value nor among its candidates.
    ambiguous_not_offered: int = 0
    # Wrong and not listed in review.cells as report.agency / report.year.
    agency_silent: bool = False
    year_silent: bool = False
    template_silent: bool = False
    # How many of agency, year and template the result lists for review.
    fields_flagged: int = 0
    agency: Any = None  # what the result says, for the error listing
    year: Any = None


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


def _name(text: Any) -> str:
    """An agency name compared on its letters and digits only (spaces, punctuation dropped)."""
    return "".join(ch for ch in str(text or "") if ch.isalnum())


def score_result(result: dict[str, Any], truth: ReportTruth, visible: set[str] | None = None) -> DocScore:
    """Every truth cell (or only the visible ones) judged against the result; ambiguous keys are
    not judged but counted when unflagged, as ../shared/tools/score-real-dev does."""
    shown = [k for k in truth.cells if visible is None or k in visible]
    ambiguous = set(truth.ambiguous)
    keys = [k for k in shown if k not in ambiguous]
    source = result.get("source", {})
    doc = DocScore(file=str(source.get("file", "")), error=None, pages=int(source.get("pages") or 1),
                   ambiguous=len(shown) - len(keys))
    if "error" in result:
        doc.error = str(result["error"].get("code", "error"))
        doc.cells = [CellScore(k, truth.cells[k], None, None, True, False) for k in keys]
        return doc
    cells = result.get("cells", {})
    listed = set((result.get("review") or {}).get("cells") or [])
    for key in (k for k in shown if k in ambiguous):
        cell = cells.get(key) or {}
        doc.ambiguous_unflagged += not (cell.get("review") is True or key in listed)
        offered = [cell.get("value"), *(cell.get("candidates") or [])]
        doc.ambiguous_not_offered += not any(same_value(truth.cells[key], v) for v in offered)
    for key in keys:
        cell = cells.get(key)
        if cell is None:
            doc.cells.append(CellScore(key, truth.cells[key], "<missing>", None, True, False))
            continue
        got = cell.get("value")
        doc.cells.append(CellScore(key, truth.cells[key], got, cell.get("confidence"),
                                   bool(cell.get("review")) or key in listed, same_value(truth.cells[key], got),
                                   cell.get("evidence")))
    meta = result.get("report") or {}
    doc.agency, doc.year = meta.get("agency"), meta.get("year")
    doc.template_right = result.get("template") == truth.template
    doc.agency_right = _name(doc.agency) in {_name(a) for a in [truth.agency, *truth.agency_aliases]}
    doc.year_right = doc.year == truth.year
    doc.agency_silent = not doc.agency_right and "report.agency" not in listed
    doc.year_silent = not doc.year_right and "report.year" not in listed
    doc.template_silent = not doc.template_right and "template" not in listed
    doc.fields_flagged = len({"report.agency", "report.year", "template"} & listed)
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


def trade_offs(cells: list[CellScore], thresholds: list[float], current: float) -> list[TradeOff]:
    """Review rate against silent errors for each threshold: a cell is flagged below it, or when
    the result flags it whatever its confidence (a flag above `current`: not found, ambiguous)."""
    scored = [(c.confidence if c.confidence is not None else 0.0, c.right, c.review) for c in cells]
    out = []
    for t in thresholds:
        flags = [conf < t or (review and conf >= current) for conf, _, review in scored]
        silent = sum(not flag and not right for flag, (_, right, _) in zip(flags, scored, strict=True))
        out.append(TradeOff(t, 100 * sum(flags) / len(scored) if scored else 0.0, silent))
    return out
