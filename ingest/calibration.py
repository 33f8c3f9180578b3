"""Calibrated confidence: P(value right | evidence), counted on the benchmark's generated corpus.

The model is a table of (right, cells) per evidence class (ingest/evidence.py), with and
without the format. A class's probability is its share right shrunk by `smoothing`
pseudo-cells toward what the reader and mapper claim for that evidence; the class of one
format is shrunk toward the class over all formats. So a class seen a few times keeps
close to the reader's own claim, and a class never seen is worth that claim alone.
Agency, year and template get theirs the same way from a table of their own classes
(ingest/field_evidence.py), counted per report, with a review threshold of their own.
Stored as data in calibration.json beside this module; refitted by
`python -m bench.calibrate`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.evidence import Evidence
from ingest.field_evidence import FieldEvidence

MODEL_PATH = Path(__file__).resolve().parent / "calibration.json"
# Used only when no model file exists (a checkout that lost it): the pre-calibration rule.
_FALLBACK_THRESHOLD = 0.9

Counts = dict[str, tuple[int, int]]


# A format's own class seen fewer times than this may make a cell less likely right than the
# class over all formats, never likelier: eight browser-print cells placed by guess, all right,
# took their class from 0.92 to 0.97, past the review threshold, and the ninth was wrong (seed 733).
RAISE_MIN_CELLS = 30


def _shrunk(counts: Counts, keys: Iterable[str], claimed: float, smoothing: float) -> float:
    """The share right of the finest class, each class shrunk toward the coarser one before it;
    a finer class seen fewer than `RAISE_MIN_CELLS` times only lowers it."""
    p = claimed
    for level, key in enumerate(keys):
        right, seen = counts.get(key, (0, 0))
        shrunk = (right + smoothing * p) / (seen + smoothing)
        p = shrunk if level == 0 or seen >= RAISE_MIN_CELLS else min(p, shrunk)
    return p


@dataclass(frozen=True)
class CalibrationModel:
    counts: Counts
    smoothing: float
    review_threshold: float
    fitted_on: dict[str, Any] = field(default_factory=dict)
    # Agency, year and template: counts per class of ingest/field_evidence.py, and the threshold
    # below which they are flagged.
    field_counts: Counts = field(default_factory=dict)
    field_review_threshold: float = _FALLBACK_THRESHOLD

    def probability(self, evidence: Evidence) -> float:
        """P(right) of a cell with this evidence."""
        return _shrunk(self.counts, evidence.classes(), evidence.claimed(), self.smoothing)

    def field_probability(self, evidence: FieldEvidence, claimed: float) -> float:
        """P(right) of an agency, year or template with this evidence (`claimed`: the hand rules' value)."""
        return _shrunk(self.field_counts, evidence.classes(), claimed, self.smoothing)

    def to_json(self) -> dict[str, Any]:
        return {
            "smoothing": self.smoothing,
            "review_threshold": self.review_threshold,
            "fitted_on": self.fitted_on,
            "counts": {k: list(v) for k, v in sorted(self.counts.items())},
            "fields": {"review_threshold": self.field_review_threshold,
                       "counts": {k: list(v) for k, v in sorted(self.field_counts.items())}},
        }

    @staticmethod
    def from_json(raw: dict[str, Any]) -> CalibrationModel:
        fields_raw = raw.get("fields") or {}
        return CalibrationModel(_counts(raw["counts"]), float(raw["smoothing"]), float(raw["review_threshold"]),
                                dict(raw.get("fitted_on", {})), _counts(fields_raw.get("counts") or {}),
                                float(fields_raw.get("review_threshold", _FALLBACK_THRESHOLD)))


def _counts(raw: dict[str, Any]) -> Counts:
    return {k: (int(v[0]), int(v[1])) for k, v in raw.items()}


def count(samples: Iterable[tuple[Iterable[str], bool]]) -> Counts:
    """Right and all samples per class key, every sample counted in each of its classes."""
    counts: dict[str, list[int]] = {}
    for keys, right in samples:
        for key in keys:
            seen = counts.setdefault(key, [0, 0])
            seen[0] += int(right)
            seen[1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def fit(samples: Iterable[tuple[Evidence, bool]], smoothing: float = 5.0) -> CalibrationModel:
    """Count right and all cells per evidence class at every level (thresholds and fields set apart)."""
    return CalibrationModel(count((e.classes(), right) for e, right in samples), smoothing, _FALLBACK_THRESHOLD)


def zero_silent_threshold(scored: Iterable[tuple[float, bool]], floor: float) -> float:
    """The lowest threshold (flag below it) that flags every wrong cell: the lowest review
    rate with no silent error on these cells; never below `floor`."""
    wrong = [conf for conf, right in scored if not right]
    return max(floor, round(max(wrong, default=0.0) + 5e-5, 5))


def save(model: CalibrationModel, path: Path = MODEL_PATH) -> None:
    path.write_text(json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load(path: Path = MODEL_PATH) -> CalibrationModel | None:
    """The stored model, or None when there is none."""
    if not path.exists():
        return None
    return CalibrationModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def default_review_threshold() -> float:
    """The cells' review threshold chosen on the benchmark (see the model's `fitted_on`)."""
    model = load()
    return model.review_threshold if model is not None else _FALLBACK_THRESHOLD


def default_field_review_threshold() -> float:
    """The review threshold of agency, year and template chosen on the benchmark."""
    model = load()
    return model.field_review_threshold if model is not None else _FALLBACK_THRESHOLD


def field_confidence(evidence: FieldEvidence, claimed: float) -> float:
    """The calibrated P(right) of a report-level field; the hand rules' claim when no model is stored."""
    model = load()
    p = model.field_probability(evidence, claimed) if model is not None else claimed
    return round(min(1.0, max(0.0, p)), 4)
