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

from ingest.tables.model import PixelBox as Box

# Where a digit stands, in shares of the line's height, against the line's Chinese characters
# (the shapes nearly the line's height): its top a little below theirs, its foot a little above
# theirs (they descend below the digits' baseline); it is narrower than it is tall.
_CHARACTER = 0.8
_TOP_BELOW = (0.03, 0.2)
_FOOT_ABOVE = (0.03, 0.16)
_WIDTH = (0.25, 0.72)


# A claim's phrase runs up to this many characters before its number (收到政府信息公开申请75件):
# a number nearer a line's start than that may have its phrase on the line above.
_PHRASE = 14


def first_digit(ink: np.ndarray, box: Box) -> int | None:
    """Where (pixels from the line's left) the text line in `box` of the ink mask has its first
    shape that looks like a digit: of a digit's height and place, alone in its columns (no other
    shape above, below or beside it within its width, as a character's parts are). None: none."""
    x0, y0, x1, y1 = box
    line = (ink[y0:y1, x0:x1] > 0).astype(np.uint8)
    height = y1 - y0
    if height < 6 or line.shape[1] == 0:
        return None
    n, _, stats, _ = cv2.connectedComponentsWithStats(line, connectivity=8)
    shapes = [tuple(int(v) for v in stats[i, :4]) for i in range(1, n)]
    characters = [(top, top + tall) for _, top, _, tall in shapes if tall >= _CHARACTER * height]
    if not characters:
        return None
    roof = float(np.median([c[0] for c in characters]))
    base = float(np.median([c[1] for c in characters]))
    found = []
    for i, (left, top, width, tall) in enumerate(shapes):
        below, above = (top - roof) / height, (base - top - tall) / height
        if not (_TOP_BELOW[0] <= below <= _TOP_BELOW[1] and _FOOT_ABOVE[0] <= above <= _FOOT_ABOVE[1]
                and _WIDTH[0] * tall <= width <= _WIDTH[1] * tall):
            continue
        if not any(j != i and a < left + width and a + w > left for j, (a, _, w, _) in enumerate(shapes)):
            found.append(left)
    return min(found, default=None)


def lines_to_read(ink: np.ndarray, lines: list[Box], kept: list[Box]) -> list[Box]:
    """The lines to OCR: those `kept` (headings, titles, a paragraph's last line…), each inside
    line of a paragraph that holds a digit, and the line above one whose number comes within a
    phrase's length of its start (the phrase that says what it counts may begin up there)."""
    read = [b in kept for b in lines]
    for i, box in enumerate(lines):
        if read[i] and box in kept:
            continue
        at = first_digit(ink, box)
        if at is not None:
            read[i] = True
            if i > 0 and at < _PHRASE * (box[3] - box[1]):
                read[i - 1] = True
    return [b for b, chosen in zip(lines, read, strict=True) if chosen]
