"""Columns at a table's right end whose rules the grid lost: the row rules carry on past the
table's last column rule, and its bottom row's values go on under them.

A phone photo's curl stepped section 四's one row of 15 values a few pixels up at its 13th
column rule; the frame of its last two cells, apart from the rest, too short for a column rule
of a page of that print, was no grid, and its two values were read as prose (seed 1515's
photo 0, a report's last page, refused as no report). A standard-resolution fax lost the
column rules of section 四's last four columns to dashes (seed 8787's fax TIFF 0: their values
read as prose, the row placed from them, 15 cells wrong).

Past the table's right edge its bottom row is taken in slots as wide as its last columns, as
long as each slot holds marks set within it (a value, a cell's print away from its rules)
under row rules that carry on over it (dashed, or stepped, but there: prose beside a table
has no rules over and under it). Every row of the table gets a cell in each slot taken, read
as any other cell."""

from __future__ import annotations

import numpy as np

from ingest.tables.components import components
from ingest.tables.model import GridCell, GridSettings
from ingest.tables.model import PixelBox as Box
from ingest.tables.raster import GridTable

# A slot is as wide as the median of the table's last few columns.
_LAST_COLUMNS = 3
# Of a slot's width, at least this share has ink on the bottom row's top rule or its bottom rule
# (within a rule's drift and thickness of its line): a fax's dashed rules measured 0.45 and more.
_RULED = 0.4
# A mark is at least this share of the text height high (a digit's, not a speck's).
_MARK_HEIGHT = 0.4
# Marks keep at least this share of the slot's width off its sides (a value is set in its cell).
_SET_IN = 0.1


def with_lost_columns(table: GridTable, ink: np.ndarray, gs: GridSettings[int], others: list[Box]) -> GridTable:
    """The table with the columns its rules lost at its right end (none if no slot holds a
    ruled value), stopping short of the `others` tables' boxes and the page's edge."""
    if table.n_cols < 2:
        return table
    widths = np.diff(table.xs[-_LAST_COLUMNS - 1:])
    pitch = int(np.median(widths))
    top, bottom = table.ys[-2], table.ys[-1]
    right = table.xs[-1]
    xs = list(table.xs)
    # Never more columns lost than found: a grid of a few columns is no table's stub.
    for _ in range(table.n_cols):
        slot = (right, top, right + pitch, bottom)
        if slot[2] > ink.shape[1] or any(_overlap(slot, box) for box in others):
            break
        if not (_ruled_over_and_under(ink, slot, gs) and _holds_a_set_mark(ink, slot, gs)):
            break
        right += pitch
        xs.append(right)
    if len(xs) == len(table.xs):
        return table
    added = [GridCell(row, col, 1, 1, (xs[col], table.ys[row], xs[col + 1], table.ys[row + 1]))
             for row in range(table.n_rows) for col in range(table.n_cols, len(xs) - 1)]
    x0, y0, _, y1 = table.box
    return GridTable((x0, y0, right, y1), list(table.ys), xs, [*table.cells, *added])


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _ruled_over_and_under(ink: np.ndarray, slot: Box, gs: GridSettings[int]) -> bool:
    """Whether the slot's top or bottom line carries rule ink along enough of its width."""
    x0, y0, x1, y1 = slot
    reach = gs.rule_drift + gs.line_thickness + 1
    ruled = [(ink[max(0, y - reach):y + reach + 1, x0:x1] > 0).any(axis=0) for y in (y0, y1)]
    return float((ruled[0] | ruled[1]).mean()) >= _RULED


def _holds_a_set_mark(ink: np.ndarray, slot: Box, gs: GridSettings[int]) -> bool:
    """Whether the slot, inside its rules, holds print as high as a value's, all of it set
    within the slot (not print running on from the table or into the next slot)."""
    x0, y0, x1, y1 = slot
    inset = gs.rule_drift + gs.line_thickness + 1
    inside = ink[y0 + inset:y1 - inset, x0:x1]
    if inside.size == 0:
        return False
    # A column rule's rest runs the band's height: no mark.
    upright = (inside > 0).all(axis=0)
    marks = inside.copy()
    marks[:, upright] = 0
    count, _, stats = components(marks)
    margin = _SET_IN * (x1 - x0)
    # Specks and a row rule's dashes are lower than print; a column rule's rests at the slot's
    # sides no wider than a rule.
    printed = [(int(s[0]), int(s[0] + s[2])) for s in stats[1:count]
              if s[3] >= _MARK_HEIGHT * gs.text_height
              and not (s[2] <= gs.line_thickness and (s[0] < margin or s[0] + s[2] > x1 - x0 - margin))]
    if not printed:
        return False
    return min(a for a, _ in printed) >= margin and max(b for _, b in printed) <= (x1 - x0) - margin
