"""Calibrated confidence: P(value right | evidence), counted on the benchmark's generated corpus.

The model is a table of (right, cells) per evidence class (ingest/evidence.py), with and
without the format. A class's probability is its share right shrunk by `smoothing`
pseudo-cells toward what the reader and mapper claim for that evidence; the class of one
format is shrunk toward the class over all formats. So a class seen a few times keeps
close to the reader's own claim, and a class never seen is worth that claim alone.
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

MODEL_PATH = Path(__file__).resolve().parent / "calibration.json"
# Used only when no model file exists (a checkout that lost it): the pre-calibration rule.
_FALLBACK_THRESHOLD = 0.9


@dataclass(frozen=True)
class CalibrationModel:
    counts: dict[str, tuple[int, int]]
    smoothing: float
    review_threshold: float
    fitted_on: dict[str, Any] = field(default_factory=dict)

    def probability(self, evidence: Evidence) -> float:
        """P(right) of a cell with this evidence."""
        p = evidence.claimed()
        for key in evidence.classes():
            right, cells = self.counts.get(key, (0, 0))
            p = (right + self.smoothing * p) / (cells + self.smoothing)
        return p

    def to_json(self) -> dict[str, Any]:
        return {
            "smoothing": self.smoothing,
            "review_threshold": self.review_threshold,
            "fitted_on": self.fitted_on,
            "counts": {k: list(v) for k, v in sorted(self.counts.items())},
        }

    @staticmethod
    def from_json(raw: dict[str, Any]) -> CalibrationModel:
        counts = {k: (int(v[0]), int(v[1])) for k, v in raw["counts"].items()}
        return CalibrationModel(counts, float(raw["smoothing"]), float(raw["review_threshold"]),
                                dict(raw.get("fitted_on", {})))


def fit(samples: Iterable[tuple[Evidence, bool]], smoothing: float = 5.0) -> CalibrationModel:
    """Count right and all cells per evidence class at every level (threshold set apart)."""
    counts: dict[str, list[int]] = {}
    for evidence, right in samples:
        for key in evidence.classes():
            seen = counts.setdefault(key, [0, 0])
            seen[0] += int(right)
            seen[1] += 1
    return CalibrationModel({k: (v[0], v[1]) for k, v in counts.items()}, smoothing, _FALLBACK_THRESHOLD)


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
    """The review threshold chosen on the benchmark (see the model's `fitted_on`)."""
    model = load()
    return model.review_threshold if model is not None else _FALLBACK_THRESHOLD
