"""A minus worn to a speck before a number is seen, so the number's reading without a sign is
flagged, and a minus one engine left out is the value's; digits, decimal points and specks
elsewhere are not taken for one."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import _sign_checked
from ingest.scan.ocr.sign_mark import mark_before_digits, with_faint_minus
from ingest.settings import Settings


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
    ("3", (9, 13, 1, 3), True),  # fresh seed 4177's fax TIFF 5: a fax's minus worn to 1 x 3 px
    ("3", (8, 14, 1, 1), False),  # a pixel of speckle
    ("3", (8, 14, 2, 1), False),
    ("3", (2, 14, 4, 3), False),  # far from the digits
])
def test_mark_before_digits(text: str, speck: tuple[int, int, int, int] | None, seen: bool) -> None:
    assert mark_before_digits(_crop(text, speck)) is seen


@pytest.mark.parametrize(("first", "second", "speck", "value", "sure"), [
    ("-3", "3", (8, 14, 4, 3), "-3", True),  # one engine left the minus out: the mark settles it
    ("3", "-3", (8, 14, 4, 3), "-3", True),
    ("-3", "3", None, "-3", False),  # no mark before the digits: either may be right
    ("3", "3", (8, 14, 4, 3), "3", False),  # both left a worn minus out
    ("-3", "8", (8, 14, 4, 3), "-3", False),
])
def test_a_minus_one_engine_left_out(settings: Settings, first: str, second: str,
                                     speck: tuple[int, int, int, int] | None, value: str, sure: bool) -> None:
    reading = _sign_checked(CellText(first, 0.96), CellText(second, 0.62), _crop("3", speck), settings)
    assert reading.text == value
    assert (reading.confidence >= settings.review.cell_threshold) is sure


def _faint_cell(minus: int | None) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A light print's cell (gray, paper 248, blurred) holding a 3 of gray 150 and, where
    `minus` is a gray level, a minus that faint before it; with the 3's box as the binarised
    ink (cut at 190) gives it."""
    cell = np.full((60, 120), 248, np.uint8)
    cv2.putText(cell, "3", (60, 40), cv2.FONT_HERSHEY_SIMPLEX, 0.7, 150, 2, cv2.LINE_AA)
    if minus is not None:
        cell[29:33, 46:56] = minus
    blurred = cv2.GaussianBlur(cell, (5, 5), 1.2)
    rows, cols = np.flatnonzero((blurred < 190).any(axis=1)), np.flatnonzero((blurred < 190).any(axis=0))
    return blurred, (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)


@pytest.mark.parametrize(("minus", "widened"), [
    (200, True),  # fresh seed 4949's browser scan 4: "-3" in a light print, its minus over the ink's cut
    (None, False),
    (240, False),  # the paper's own grain
])
def test_a_minus_fainter_than_the_ink_widens_the_values_box(minus: int | None, widened: bool) -> None:
    cell, box = _faint_cell(minus)
    x0, y0, x1, y1 = with_faint_minus(cell, box)
    assert (y0, x1, y1) == box[1:]
    assert (x0 < 52) is widened and (x0 == box[0]) is not widened


def test_a_minus_speck_before_a_digit_broken_into_pieces() -> None:
    # Fresh seed 1010's fax TIFF 0: a standard fax's threshold broke -3's 3 into its body, its
    # top bar and its foot, these a pixel left of the body, and wore the minus to a speck. From
    # the body, the speck was too far off to be a minus: 3 read sure, a silent error.
    crop = np.full((30, 100), 255, np.uint8)
    crop[5:22, 65:71] = 0  # the 3's body
    crop[5:8, 61:64] = 0  # its top bar's left end
    crop[20:22, 60:64] = 0  # its foot's left end
    speck = crop.copy()
    speck[14:18, 53:57] = 0
    assert mark_before_digits(speck)
    assert not mark_before_digits(crop)
