"""Text lines in an ink mask: bands of rows with ink, and each band's horizontal extent."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from ingest.tables.model import PixelBox as Box


def line_boxes(ink: np.ndarray, min_height: int, min_gap: int = 1) -> list[Box]:
    """Boxes (x0, y0, x1, y1) of the text lines of an ink mask, top to bottom.

    A band shorter than `min_height` is noise (a speck, the rest of a rule)."""
    rows = (ink > 0).sum(axis=1)
    inked = np.flatnonzero(rows > 0)
    boxes: list[Box] = []
    if inked.size == 0:
        return boxes
    starts = [int(inked[0])]
    ends = []
    for a, b in pairwise(inked):
        if b - a > min_gap:
            ends.append(int(a) + 1)
            starts.append(int(b))
    ends.append(int(inked[-1]) + 1)
    for y0, y1 in zip(starts, ends, strict=True):
        if y1 - y0 < min_height:
            continue
        cols = np.flatnonzero((ink[y0:y1] > 0).any(axis=0))
        boxes.append((int(cols[0]), y0, int(cols[-1]) + 1, y1))
    return boxes


def has_ink(ink: np.ndarray, min_height: int) -> bool:
    """Whether a cell holds a mark at least `min_height` tall (specks and rule rests are not)."""
    rows = (ink > 0).any(axis=1)
    cols = (ink > 0).any(axis=0)
    if not rows.any():
        return False
    tall = np.flatnonzero(rows)
    return int(tall[-1] - tall[0] + 1) >= min_height and int(cols.sum()) >= 2
