"""Row rules of a black-and-white page found from their dashes lined up across a table's columns.

A standard-resolution fax (98 dpi down the page) keeps its column rules but loses most of its
hair-thin row rules: each leaves dashes a text height or more long with gaps wider than a
character between them, too sparse for the rulings' masks, which join only gaps narrower than
two strokes of a character. With no row rule found, the table made no web of rules and the
whole report was answered "not a report" (seed 9494's fax TIFF).

Lined up, the dashes still say where each row rule runs: along one line of pixels, across the
columns that the page's vertical rules part, far more of them than any line of text
gives (a character's strokes are shorter than a text height; the lines of text between the
rules are interrupted by the space between characters). Each column the line crosses with a
dash of its own gets the rule across it; a column with none (a merged cell) does not.
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np

from ingest.tables.components import components
from ingest.tables.model import GridSettings

# A row rule is looked for across at least this many columns, of rules this many text heights tall.
_COLUMNS = 2
_TALL_RULE = 2
# A line of pixels is a row rule's when its dashes cover this share of the columns it crosses.
_LINE_SHARE = 0.15
# A column gets the rule when its dashes on the line cover this share of its width.
_COLUMN_SHARE = 0.08


def aligned_dash_rows(faint: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray,
                      gs: GridSettings[int]) -> np.ndarray:
    """A mask of the row rules whose dashes in `faint` line up across the columns that the
    rules of `vertical` part (with the stretches of them `horizontal` found), drawn column by
    column where a column has dashes on the line."""
    out = np.zeros_like(faint)
    stats = components(vertical)[2][1:]
    # Rules as tall as a few rows: a prose page's vertical marks (a seal's, joined strokes of
    # its characters) are shorter, and lines drawn across them took a title into a grid.
    stats = stats[stats[:, cv2.CC_STAT_HEIGHT] >= _TALL_RULE * gs.text_height]
    if len(stats) < _COLUMNS + 1:
        return out
    dashes = cv2.bitwise_or(cv2.morphologyEx(faint, cv2.MORPH_OPEN, np.ones((1, gs.text_height), np.uint8)),
                            horizontal)
    band = 2 * gs.rule_drift + 1
    # Each row of pixels with the dashes of the rows a drift either side: a dash steps off its line.
    along = cv2.dilate(dashes, np.ones((band, 1), np.uint8)) > 0
    xs = stats[:, cv2.CC_STAT_LEFT] + stats[:, cv2.CC_STAT_WIDTH] // 2
    # A rule's piece meets the row rules at its ends (within a snap: a frame's corner).
    tops = stats[:, cv2.CC_STAT_TOP] - gs.snap
    bottoms = stats[:, cv2.CC_STAT_TOP] + stats[:, cv2.CC_STAT_HEIGHT] + gs.snap

    def crossing(y: int) -> list[int]:
        """The x of each column rule at height y, left to right (a rule's pieces once)."""
        at: list[int] = []
        for x in np.sort(xs[(tops <= y) & (bottoms > y)]):
            if not at or x - at[-1] > gs.snap:
                at.append(int(x))
        return at

    covered = np.zeros(faint.shape[0], np.float64)
    for y in range(faint.shape[0]):
        rules = crossing(y)
        if len(rules) >= _COLUMNS + 1:
            covered[y] = along[y, rules[0]:rules[-1]].sum() / (rules[-1] - rules[0])
    y = 0
    while y < len(covered):
        if covered[y] < _LINE_SHARE:
            y += 1
            continue
        # The line's best row of pixels within its band.
        end = y
        while end < len(covered) and covered[end] >= _LINE_SHARE:
            end += 1
        line = y + int(np.argmax(covered[y:end]))
        rules = crossing(line)
        for left, right in pairwise(rules):
            # Each column's stretch at its own best row near the line: a deskewed page keeps a
            # pixel or two of slant across a table.
            rows = slice(max(0, line - gs.snap // 2), line + gs.snap // 2 + 1)
            if (horizontal[rows, left:right] > 0).any(axis=0).mean() >= gs.edge_coverage:
                # Found already: a second line beside it would close a low row's digits in.
                continue
            near = along[rows, left:right].sum(axis=1)
            if near.size and near.max() >= _COLUMN_SHARE * (right - left):
                at = rows.start + int(np.argmax(near)) - gs.line_thickness // 2
                out[at:at + gs.line_thickness, left:right + 1] = 255
        y = end
    return out
