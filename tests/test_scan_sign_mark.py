"""A minus worn to a speck before a number is seen, so the number's reading without a sign is
flagged; digits, decimal points and specks elsewhere are not taken for one."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ingest.scan.ocr.sign_mark import mark_before_digits


def _crop(text: str, speck: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """A 30-px-high value crop of `text`; `speck` (x, y, w, h) inks a small box as well."""
    crop = np.full((30, 60), 255, np.uint8)
    cv2.putText(crop, text, (14, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.55, 0, 2)
    if speck is not None:
        x, y, w, h = speck
        crop[y:y + h, x:x + w] = 0
    return crop


@pytest.mark.parametrize(("text", "speck", "seen"), [
    ("3", (8, 14, 4, 3), True),  # fax seed 963's worn minus: 4 x 3 px at mid-height
    ("3", None, False),
    ("10", None, False),
    ("0.5", None, False),
    ("3", (8, 21, 4, 2), False),  # on the baseline: a point or dirt, not a minus
    ("3", (8, 14, 1, 1), False),  # a pixel of speckle
    ("3", (2, 14, 4, 3), False),  # far from the digits
])
def test_mark_before_digits(text: str, speck: tuple[int, int, int, int] | None, seen: bool) -> None:
    assert mark_before_digits(_crop(text, speck)) is seen
