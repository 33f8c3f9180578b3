"""A mark before a number that its reading leaves out: a minus worn to a dot.

A black-and-white 150-dpi scan wears a thin minus down to a speck of a few pixels, and both
engines read "-3" as "3" with full scores (fax seed 963: s2 本年增/减 -3 read 3, a silent
error). The speck still stands where a minus stands: just before the first digit, at the
digits' middle height, short and flat beside them."""

from __future__ import annotations

import cv2
import numpy as np

# Components at least this share of the tallest one's height are digits.
_DIGIT_SHARE = 0.6
# A minus (worn or whole) is at most this tall and this long, in digit heights, lies within
# this gap of the first digit, and its middle in this band of the digits' height (from the top).
_MAX_HEIGHT = 0.35
_MAX_LENGTH = 0.8
_MAX_GAP = 0.45
_MIDDLE_BAND = (0.3, 0.75)
# Fewer pixels than this are a scan's speckle, not print. A standard-resolution fax TIFF wears
# a minus to 1 x 3 px once stretched to square pixels (fresh seed 4177's fax TIFF 5: "-3" read
# a sure "3" beside a speck of 3 px, a silent error).
_MIN_PIXELS = 3
# Paper kept above and below a value's line, when its minus is looked for, for Otsu to weigh.
_MARGIN = 3


def _marks_before_digits(crop: np.ndarray) -> np.ndarray:
    """The stats rows of a gray crop's ink (cut at its own Otsu level) that stand where a minus would."""
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    marks: np.ndarray = stats[1:count][minus_marks(stats[1:count])]
    return marks


def mark_before_digits(crop: np.ndarray) -> bool:
    """Whether a gray value crop (dark ink on light paper) holds a short flat mark just before
    its first digit, at the digits' middle height, where a minus would stand."""
    return len(_marks_before_digits(crop)) > 0


def with_faint_minus(gray: np.ndarray, line: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A one-line value's box in its cell's `gray` (x0, y0, x1, y1), widened left to a minus
    fainter than the page's ink cut. A light print's minus is binarised to a speck or nothing
    and left out of the value's crop: fresh seed 4949's browser scan 4 read "-3" as a sure "3".
    Cut at the crop's own level, beside digits as faint, it shows."""
    x0, y0, x1, y1 = line
    left = max(0, x0 - round((_MAX_GAP + _MAX_LENGTH) * (y1 - y0)))
    top = max(0, y0 - _MARGIN)
    marks = _marks_before_digits(gray[top:y1 + _MARGIN, left:x1 + _MARGIN])
    # Only a mark left out of the box: one the ink kept, cut a pixel wider, changes nothing.
    lost = marks[left + marks[:, cv2.CC_STAT_LEFT] + marks[:, cv2.CC_STAT_WIDTH] <= x0]
    if not len(lost):
        return line
    return left + int(lost[:, cv2.CC_STAT_LEFT].min()), y0, x1, y1


def minus_marks(stats: np.ndarray, may_be_digit: np.ndarray | None = None) -> np.ndarray:
    """Which of a value's ink components (OpenCV's stats rows, the background's left out)
    stand where a minus would: short, just before the first digit, at the digits' middle
    height. Digits are the tallest of those that `may_be_digit` (all by default)."""
    candidates = np.ones(len(stats), bool) if may_be_digit is None else may_be_digit
    if len(stats) < 2 or not candidates.any():
        return np.zeros(len(stats), bool)
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    height = int(h[candidates].max())
    digits = candidates & (h >= _DIGIT_SHARE * height)
    first = int(np.argmin(np.where(digits, x, np.iinfo(np.int32).max)))
    top = int(y[first])
    middle = y + h / 2
    in_band = (middle >= top + _MIDDLE_BAND[0] * height) & (middle <= top + _MIDDLE_BAND[1] * height)
    # A digit the scan's threshold broke starts at its leftmost piece: a standard fax's 3, its
    # top bar and foot apart, a pixel left of its body (fresh seed 1010's fax TIFF 0: the speck
    # of -3's minus measured from the body was too far off, and 3 went unflagged). Only pieces
    # at its top or foot: a minus stands at the middle.
    pieces = ~digits & ~in_band & (x + w >= x[first] - 1) & (x < x[first])
    start = int(x[pieces].min(initial=x[first]))
    mark: np.ndarray = (~digits & (area >= _MIN_PIXELS) & (h <= _MAX_HEIGHT * height) & (w <= _MAX_LENGTH * height)
                        & (x + w <= start + 1) & (start - (x + w) <= _MAX_GAP * height) & in_band)
    return mark
