"""Which inside lines of a scanned prose paragraph hold a number: only those are read (the
narrative's 收到政府信息公开申请75件 is checked against the tables, ingest/findings/), the rest of
the prose is left unread as before, since reading every line would cost as much as a table.

A digit in a Chinese font is a single stroke shape shorter than the characters around it,
standing on their baseline, narrower than it is tall, with no other ink above or below it.
A Chinese character spans the line's height, or is made of several shapes stacked or side by
side within its square. Looked for on the line's ink alone, without OCR.
"""

from __future__ import annotations

import cv2
import numpy as np

from ingest.scan.lines import Box

# A digit's height as a share of its line's (the line's box is a Chinese character tall).
_DIGIT_HEIGHT = (0.5, 0.88)
# Its width as a share of its own height: from a 1 to a 0 or 8.
_DIGIT_WIDTH = (0.08, 0.8)
# How far above the line's bottom a digit's foot may stand, and how far below its top it starts.
_FOOT = 0.2
_BELOW_TOP = 0.1


def holds_digits(ink: np.ndarray, box: Box) -> bool:
    """Whether the text line in `box` of the ink mask has a shape that looks like a digit."""
    x0, y0, x1, y1 = box
    line = (ink[y0:y1, x0:x1] > 0).astype(np.uint8)
    height = y1 - y0
    if height < 6 or line.shape[1] == 0:
        return False
    n, _, stats, _ = cv2.connectedComponentsWithStats(line, connectivity=8)
    for i in range(1, n):
        left, top, width, tall = (int(v) for v in stats[i, :4])
        if not _DIGIT_HEIGHT[0] * height <= tall <= _DIGIT_HEIGHT[1] * height:
            continue
        if not _DIGIT_WIDTH[0] * tall <= width <= _DIGIT_WIDTH[1] * tall:
            continue
        if top < _BELOW_TOP * height or top + tall < (1 - _FOOT) * height:
            continue
        # Alone in its columns: no other shape of the line above or below it (a radical's would be).
        column = line[:, left:left + width].copy()
        column[top:top + tall] = 0
        if not column.any():
            return True
    return False
