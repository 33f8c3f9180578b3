"""Rules a scan dropped over a cell or two: a black-and-white fax page's hair-thin rules
break into dashes, and where a stretch of one is lost the cells on either side of it come
out as one cell spanning both rows (a row rule) or both columns (a column rule). Read as
one, its two values ran together with the row's other values and the mapper lost both rows
whole (seed 499 fax: 74 cells of one report, flagged, never found); a row one cell short
had its values shifted a column (seed 871 fax: blank cells of two columns read as one, 22
cells flagged).

Such a cell is split back when a cell beside it is parted there (the rule runs up to it)
and its own print says it is two cells:
- rows: it holds one short text line (a value's, up to three digits wide) per row it spans,
  each line centred in its row's band or level with a value beside it (a tall row's values
  set at its top). A label, a group's label set a character or two a line over rows, or a
  heading spanning two header rows with one line, stays whole (the mapper parts two labels
  a merged cell holds).
- columns (black-and-white pages only): nothing of its print crosses where the rule would
  run, and what each column's band holds (a value, a label, or nothing) is centred in that
  band, print in one band alone right at its middle. A heading centred over the columns it
  spans (总计 over two, 行政复议 over five) or set at their left stays whole.

Columns are handled as rows of the table transposed: the cells and their boxes are
mirrored about the diagonal, the bands are then the table's columns.

A header over one row of values whose rule dropped out leaves each header cell spanning
into the value row, read as "结果维持0" (seed 913 image: section 四's 15 values lost). Such a
cell is split into its label and its value when its lines above lie over the upper rows,
its last line is a short line of digits (lower than the label's characters, or level with
the values beside it) centred in the bottom row's band, and the grid has that row's rule from
other columns (a neighbour's may be lost under the seal: seed 913 kept it over one column of
15). With nothing printed under its label (zeros printed blank) it is cut at the row's rule
when the row's other cells hold values or nothing, but for the row's label left of it: a
header's row holds headings, and a group's label over its rows has their labels right of it
(seed 4545's fax TIFF 6: 社会公益组织 over section 三's first row, 行政复议's 结果维持 over
section 四's; 29 right blanks flagged)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from itertools import pairwise

import cv2
import numpy as np

from ingest.scan.lines import cell_lines, without_rule_rests
from ingest.tables.components import components
from ingest.tables.model import GridCell, GridSettings
from ingest.tables.model import PixelBox as Box
from ingest.tables.raster import GridTable

# A line (or a column's marks) sits in its band when its centre lies within this share of the
# band's size of the band's centre (a label wrapped over rows is centred as a block, its
# lines closer together; a heading over two columns sits on the rule between them).
_CENTRED = 0.25
# Print in one column's band alone is that column's (a label or a value beside blank
# columns) when it lies this close (text heights) to the band's middle, and a heading
# centred over the columns (行政复议 over five) when this close to the cell's middle; a
# label beside a blank column sits half that column's width off the cell's middle.
_HEADING = 0.5
# A line is level with one beside it when their middles are this many text heights apart or less.
_LEVEL = 0.3
# A value's line is at most this many text heights wide (three digits; a group label's lines
# of two characters, or its number （五）, are 2 or more). Longer values stay merged, flagged.
_VALUE_CHARS = 1.6
# A mark this share of the text height tall or wide is print (a stroke of 一, a minus);
# smaller ones are specks of the scan (a decimal point is, but lies within its value).
_MARK = 1 / 3
# A run this many text heights long inside a cell is a rule (of the rows a cell spanning
# rows parts within it), no character's stroke.
_RULE_CHARS = 2
# Print on both sides of a lost column rule closer together than this (text heights, besides
# the rule's own rests) is one line's characters: a cell keeps a padding on either side of a rule.
_CHARACTER_GAP = 0.6
# Digits stand lower than Chinese characters (0.73 of them in seed 913's serif scan): a
# header's last line no lower than this share of its other lines' height is a character.
_DIGIT_HEIGHT = 0.85


def split_dropped_rules(table: GridTable, ink: np.ndarray, gs: GridSettings[int], bilevel: bool) -> GridTable:
    """The table with each cell that spans rows (on a `bilevel` page, or columns) only
    because their rule dropped out split into one cell a row (a column); the table itself
    when there is none. Column rules are looked for on black-and-white pages alone: there a
    hair-thin rule drops out, elsewhere a cell spanning columns is as printed (a heading)."""
    axes = (False, True) if bilevel else (False,)
    owner: dict[tuple[int, int], GridCell[int]] = {}
    for cell in table.cells:
        _own(owner, cell)
    cells = list(table.cells)
    # A cell split gives the rule to the cells beside it: again until none is.
    while True:
        split = next(((i, pieces) for i, cell in enumerate(cells) for columns in axes
                      if (pieces := _pieces(cell, table, owner, ink, gs, columns)
                          or _label_over_value(cell, table.ys, owner, ink, gs)) is not None), None)
        if split is None:
            break
        i, pieces = split
        cells[i:i + 1] = pieces
        for piece in pieces:
            _own(owner, piece)
    if len(cells) == len(table.cells):
        return table
    cells.sort(key=lambda c: (c.row, c.col))
    return GridTable(table.box, table.ys, table.xs, cells)


def _own(owner: dict[tuple[int, int], GridCell[int]], cell: GridCell[int]) -> None:
    for r in range(cell.row, cell.row + cell.row_span):
        for c in range(cell.col, cell.col + cell.col_span):
            owner[(r, c)] = cell


def _transposed(cell: GridCell[int]) -> GridCell[int]:
    x0, y0, x1, y1 = cell.box
    return GridCell(cell.col, cell.row, cell.col_span, cell.row_span, (y0, x0, y1, x1))


def _pieces(cell: GridCell[int], table: GridTable, owner: dict[tuple[int, int], GridCell[int]], ink: np.ndarray,
            gs: GridSettings[int], columns: bool) -> list[GridCell[int]] | None:
    """The cell split one piece a row (`columns`: a column), or None when it stays whole."""
    # In the frame the split works in, the bands are rows: the table's columns transposed.
    framed = _transposed(cell) if columns else cell
    if framed.row_span < 2:
        return None
    bands = table.xs if columns else table.ys

    def at(r: int, c: int) -> GridCell[int] | None:
        return owner.get((c, r) if columns else (r, c))

    rows = range(framed.row, framed.row + framed.row_span)
    # The cell on either side (left or right; for columns, above or below) is parted at
    # every band this cell spans.
    beside = (framed.col - 1, framed.col + framed.col_span)
    if not any(all(at(r, c) not in (None, at(r - 1, c)) for r in rows[1:]) for c in beside):
        return None
    region, origin = _interior(cell.box, ink, gs)
    cuts = [b - origin[0 if columns else 1] for b in bands[rows[0]:rows[-1] + 2]]
    if columns:
        if not _a_mark_per_column(region, cuts, gs) or _runs_across(cell.box, ink, cuts[1:-1], gs):
            return None
    else:
        near = [at(r, c) for r in rows for c in beside]
        level = cache(lambda: [y - origin[1] for y in _values_beside(near, ink, gs)])
        if not _a_line_per_row(region, cuts, level, gs):
            return None
    x0, _, x1, _ = framed.box
    pieces = [GridCell(r, framed.col, 1, framed.col_span, (x0, bands[r], x1, bands[r + 1])) for r in rows]
    return [_transposed(p) for p in pieces] if columns else pieces


def _label_over_value(cell: GridCell[int], ys: list[int], owner: dict[tuple[int, int], GridCell[int]],
                      ink: np.ndarray, gs: GridSettings[int]) -> list[GridCell[int]] | None:
    """A header cell spanning into the value row below it split into the label and the value."""
    if cell.row_span < 2:
        return None
    last = cell.row + cell.row_span - 1
    # The row's rule is the grid's from other columns (the seal's ink may hide a neighbour's).
    if not any(_parted(owner, last, c) for r, c in owner if r == last):
        return None
    region, (ox, oy) = _interior(cell.box, ink, gs)
    lines = sorted(((b[0] + ox, b[1] + oy, b[2] + ox, b[3] + oy) for b in cell_lines(region, gs.text_height)),
                   key=lambda b: b[1])
    top, bottom = ys[last], ys[last + 1]
    if lines and lines[-1][3] <= top and _a_value_row(owner, last, cell, ink, gs):
        # Nothing printed in the bottom row (zeros printed blank): parted at the row's rule.
        x0, y0, x1, y1 = cell.box
        return [GridCell(cell.row, cell.col, cell.row_span - 1, cell.col_span, (x0, y0, x1, top)),
                GridCell(last, cell.col, 1, cell.col_span, (x0, top, x1, y1))]
    if len(lines) < 2:
        return None
    *label, value = lines
    heights = sorted(b[3] - b[1] for b in label)
    middle = (value[1] + value[3]) / 2
    if (value[2] - value[0] > _VALUE_CHARS * gs.text_height or value[1] < top or not _centred(middle, top, bottom)
            or any(b[3] > value[1] or (b[1] + b[3]) / 2 > top for b in label)):
        return None
    # A digit is lower than the label's characters, or (a fax's blurred digits nearly as tall:
    # seed 4343's fax TIFF 2, 自然人 over its row's 0) level with the values of its row (beside
    # it, or further on past blank cells: seed 4949's fax TIFF 4, 自然人 over a 6, the total 6).
    row = list(dict.fromkeys(c for (r, _), c in owner.items() if r == last and c is not cell))
    if value[3] - value[1] > _DIGIT_HEIGHT * heights[len(heights) // 2] and not any(
            abs(middle - y) <= _LEVEL * gs.text_height for y in _values_beside(row, ink, gs)):
        return None
    # Parted between the lines: a label set close to the lost rule may reach over it.
    cut = (label[-1][3] + value[1]) // 2
    x0, y0, x1, y1 = cell.box
    return [GridCell(cell.row, cell.col, cell.row_span - 1, cell.col_span, (x0, y0, x1, cut)),
            GridCell(last, cell.col, 1, cell.col_span, (x0, cut, x1, y1))]


def _a_value_row(owner: dict[tuple[int, int], GridCell[int]], row: int, cell: GridCell[int], ink: np.ndarray,
                 gs: GridSettings[int]) -> bool:
    """Whether the row's own cells (one row high) beside `cell` hold values or nothing, two at
    least, but for a label left of `cell` (the row's): a header's row holds headings, and a
    group's label over its rows has their labels right of it."""
    own = [c for c in dict.fromkeys(c for (r, _), c in owner.items() if r == row) if c is not cell and c.row_span == 1]
    labels = [c for c in own if any(b[2] - b[0] > _VALUE_CHARS * gs.text_height
                                    for b in cell_lines(_interior(c.box, ink, gs)[0], gs.text_height))]
    return len(own) - len(labels) >= 2 and len(labels) <= 1 and all(c.col + c.col_span <= cell.col for c in labels)


def _parted(owner: dict[tuple[int, int], GridCell[int]], row: int, col: int) -> bool:
    """Whether column `col` has the rule over `row` (its cells above and at `row` are two)."""
    return owner.get((row, col)) not in (None, owner.get((row - 1, col)))


def _inside(box: Box, ink: np.ndarray, gs: GridSettings[int]) -> tuple[np.ndarray, tuple[int, int]]:
    """A cell's ink inside its rules, and where it starts (x, y)."""
    x0, y0, x1, y1 = box
    inset = gs.line_thickness + 2
    region = ink[y0 + inset:max(y0 + inset + 1, y1 - inset), x0 + inset:max(x0 + inset + 1, x1 - inset)]
    return region, (x0 + inset, y0 + inset)


def _interior(box: Box, ink: np.ndarray, gs: GridSettings[int]) -> tuple[np.ndarray, tuple[int, int]]:
    """A cell's ink inside its rules, specks opened away, and where it starts (x, y)."""
    region, origin = _inside(box, ink, gs)
    return cv2.morphologyEx(region, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)), origin


def _runs_across(box: Box, ink: np.ndarray, inner: list[int], gs: GridSettings[int]) -> bool:
    """Whether the cell's print runs on across one of the `inner` x (in its interior's frame)
    with no more than a character's gap there: a label over the columns. A hair-thin
    character's strokes are lost to the interior's opening (seed 3232 fax 5: （一）予以公开
    came out blank and was parted at the rule of the sub-labels below it, and with（二）its
    row was lost); a dropped rule's cells keep their padding from it on both sides."""
    inked = np.flatnonzero((_inside(box, ink, gs)[0] > 0).any(axis=0))
    # The rule's own rests lie within this of its line.
    reach = gs.line_thickness + 2
    for x in inner:
        left, right = inked[inked < x - reach], inked[inked > x + reach]
        if left.size and right.size and right[0] - left[-1] < 2 * reach + _CHARACTER_GAP * gs.text_height:
            return True
    return False


def _centred(centre: float, lo: int, hi: int) -> bool:
    return abs(centre - (lo + hi) / 2) <= _CENTRED * (hi - lo)


def _a_line_per_row(region: np.ndarray, ys: list[int], level: Callable[[], list[float]],
                    gs: GridSettings[int]) -> bool:
    """Whether the cell holds one value's short line per row band (`ys`, in the region's
    frame), each centred in its band or level with a line of the cells beside (`level`: their
    centres, found only if needed): a tall row's values may be set at its top, as its other
    values are (seed 4343's fax TIFF 5: a row of five label lines, its values at the top, lost
    whole with the row above)."""
    lines = cell_lines(region, gs.text_height)
    if len(lines) != len(ys) - 1 or any(b[2] - b[0] > _VALUE_CHARS * gs.text_height for b in lines):
        return False

    def placed(centre: float, top: int, bottom: int) -> bool:
        return _centred(centre, top, bottom) or (
            top <= centre <= bottom and any(abs(centre - y) <= _LEVEL * gs.text_height for y in level()))

    return all(placed((line[1] + line[3]) / 2, top, bottom)
               for line, (top, bottom) in zip(sorted(lines, key=lambda b: b[1]), pairwise(ys), strict=True))


def _values_beside(cells: Sequence[GridCell[int] | None], ink: np.ndarray, gs: GridSettings[int]) -> list[float]:
    """The heights (page y) of the middles of the value-wide lines of the cells of one row
    among `cells` (the cells beside one that spans rows, or the row's)."""
    middles = []
    for cell in cells:
        if cell is not None and cell.row_span == 1:
            region, (_, oy) = _interior(cell.box, ink, gs)
            middles += [oy + (b[1] + b[3]) / 2 for b in cell_lines(region, gs.text_height)
                        if b[2] - b[0] <= _VALUE_CHARS * gs.text_height]
    return middles


def _a_mark_per_column(region: np.ndarray, xs: list[int], gs: GridSettings[int]) -> bool:
    """Whether the cell's print keeps to column bands (`xs`, in the region's frame): no mark
    crosses where a column rule would run, each band's marks centred in it; a single band's
    marks right at its middle and not at the whole cell's (a heading over three or five)."""
    inner = tuple(xs[1:-1])
    marks = _marks(without_rule_rests(region, gs.line_thickness + 4, inner, gs.text_height), gs)
    if any(m[0] < x < m[1] for m in marks for x in inner):
        return False
    inked = []
    for left, right in pairwise(xs):
        held = [m for m in marks if left <= m[0] and m[1] <= right]
        if held:
            inked.append((min(m[0] for m in held) + max(m[1] for m in held)) / 2)
            if not _centred(inked[-1], left, right):
                return False
    if len(inked) != 1:
        return True
    # Print alone in a cell spanning columns is a heading or a label set anywhere in it (at
    # its left, 申请情况 over four columns) unless it sits at the middle of its column.
    centre, band = inked[0], next((a + b) / 2 for a, b in pairwise(xs) if a <= inked[0] <= b)
    middle = (xs[0] + xs[-1]) / 2
    return abs(centre - band) <= _HEADING * gs.text_height < abs(centre - middle)


def _marks(region: np.ndarray, gs: GridSettings[int]) -> list[tuple[int, int]]:
    """The horizontal extents (x0, x1) of the print in a cell's ink: marks big enough to be
    print, rules of the rows inside a cell spanning rows taken out."""
    long = cv2.getStructuringElement(cv2.MORPH_RECT, (_RULE_CHARS * gs.text_height, 1))
    print_ink = cv2.subtract(region, cv2.morphologyEx(region, cv2.MORPH_OPEN, long))
    count, _, stats = components(print_ink)
    least = _MARK * gs.text_height
    return [(int(x), int(x + w)) for x, _, w, h, _ in stats[1:count] if max(w, h) >= least]
