"""Cell borders of a black-and-white scan (a fax) whose rule is left as dots.

A hair-thin rule thresholded at 150 dpi breaks into dashes, and over a stretch into dots a
few pixels long with gaps as long again: too broken for the rulings' masks, which join
dashes into runs as long as a short border. Where a table's grid (its rows and columns,
known from its rules as a whole) has a border the masks lost, the print along that line
says whether it is ruled: a rule's dots are thin across the line, one after another along
it, with paper on both sides of it (a value stands at its cell's middle). The strokes of a
character a bilevel scan broke up are as thin, but other strokes of it stand close beside
them: text crossing the line where no rule runs (a heading over two columns, a label over
two rows), or a character standing on it (项 ending the headings 第二十条第（一）项 centred over
section 二's table, on its second column rule: seed 929 fax). Seed 887 fax:
section 三's value columns and section 二's value rows merged across such borders, values
of two rows read as one ("3" over "1" as 31, unflagged) and a column of values lost."""

from __future__ import annotations

import cv2
import numpy as np

from ingest.tables.components import components
from ingest.tables.model import GridSettings

# The border is ruled where dots cover this share of its length (measured on seed 887's
# section 三: 26-95 % of the borders its masks lost).
_DOTTED = 0.25
# ... by this many dots at least (a single thin mark is a stroke: a "1" of a value over two
# columns stands where the rule between them would run).
_DOTS = 2
# Print beside the line (on either side, within a share of a character's height: a quarter
# beside a row's rule, which the row's text comes close to, half beside a column's) over
# more than this share of its length is text. Measured on seeds 887 and 929: beside
# characters' strokes on a column line 40-100 %, along dotted rules 0-3 %.
_BESIDE = 0.2
_BESIDE_ROW, _BESIDE_COLUMN = 0.25, 0.5


def ruled_by_dots(ink: np.ndarray, fixed: int, lo: int, hi: int, vertical: bool, gs: GridSettings[int]) -> bool:
    """Whether thin marks of `ink` along a line within the snap of `fixed` (the table's rule
    there, found over its whole length, may slant a pixel or two from one cell to the next)
    rule the border from lo to hi: at least two, covering the share a dotted rule does, with
    paper beside them."""
    pad = gs.snap
    # The ends, where the crossing rules' rims are, left out; at least half of a border a
    # little longer than two snaps is kept (cut to 3 pixels, a row a character high showed the
    # two sides of a 0 standing on the line as two dots: seed 2424's fax TIFF 3, the 0 of a
    # value over two columns parted in two, each half read as clean paper, sure).
    trim = 1 if hi - lo <= 2 * pad else min(pad, (hi - lo) // 4)
    lo, hi = lo + trim, hi - trim
    if hi <= lo:
        return False
    reach = max(2, round(gs.text_height * (_BESIDE_COLUMN if vertical else _BESIDE_ROW)))
    a, b = max(0, fixed - pad - reach), fixed + pad + reach + 1
    # Across the line as rows, along it as columns.
    window = np.ascontiguousarray(ink[lo:hi, a:b].T if vertical else ink[a:b, lo:hi])
    _, labels, stats = components(window)
    top, height = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_HEIGHT]
    # A dot is as thin across the line as a rule (two pixels at least: a page's rules measured
    # one pixel thick left dots of 1-4) drifting a pixel either way; the strokes of characters
    # a bilevel scan broke up are as thin as 3, but many 5-7 (the first stroke of 行, at a
    # heading's start, stood on a column line).
    half = gs.rule_drift + gs.line_thickness
    thin = height <= max(gs.line_thickness, 2) + 2 * gs.rule_drift
    thin[0] = False
    centre = fixed - a
    for line in range(max(half, centre - pad + half), min(window.shape[0] - half, centre + pad - half + 1)):
        first, last = line - half, line + half + 1
        dots = thin & (top >= first) & (top + height <= last)
        if int(dots.sum()) < _DOTS:
            continue
        along = dots[labels[first:last]].any(axis=0)
        # Dots one after another along the line, gaps between them: marks side by side over
        # one stretch are one mark (a 1's upright stroke and its flag, centred in a cell merged
        # over two columns: seed 9871's fax TIFF 4, "-1" parted on their line, its minus
        # dropped as a speck, and the value read as a sure blank, unflagged).
        stretches = int(along[0]) + int(np.count_nonzero(along[1:] & ~along[:-1]))
        if stretches < _DOTS:
            continue
        covered = along.mean()
        beside = (window[max(0, first - reach):first] > 0).any(axis=0) | (window[last:last + reach] > 0).any(axis=0)
        if covered >= _DOTTED and beside.mean() <= _BESIDE:
            return True
    return False
