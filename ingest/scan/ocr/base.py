"""The engine interface: a batch of single-cell (or single-line) images in, text and score out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

Kind = Literal["label", "number"]


@dataclass(frozen=True)
class CellText:
    text: str
    # The engine's own probability that `text` is right, in [0, 1].
    confidence: float


class OcrEngine(Protocol):
    name: str
    # Reads labels and numbers alike (one model for all text): a label reading is a number reading.
    kind_blind: bool

    def read_lines(self, images: list[np.ndarray], kind: Kind) -> list[CellText]:
        """One reading per gray image (white paper, dark ink): Chinese labels or numbers."""
        ...
