"""Row rules a scan dropped over a cell or two: a black-and-white fax page's hair-thin rules
break into dashes, and where a stretch of one is lost the cells above and below it come out
as one cell spanning both rows. Read as one, its two values ran together with the row's
other values and the mapper lost both rows whole (seed 499 fax: 74 cells of one report,
flagged, never found).

Such a cell is split back when its own print says it is two rows: it holds one short text
line (a value's, up to three digits wide) per row it spans, each line centred in its row's
band, and a cell beside it is parted there (the rule runs up to it). A label, a group's
label set a character or two a line over rows, or a heading spanning two header rows with
one line, stays whole (the mapper parts two labels a merged cell holds).

A header over one row of values whose rule dropped out leaves each header cell spanning
into the value row, read as "结果维持0" (seed 913 image: section 四's 15 values lost). Such a
cell is split into its label and its value when its lines above lie over the upper rows,
its last line is a short line of digits (lower than the label's characters) centred in the
bottom row's band, and the grid has that row's rule from other columns (a neighbour's may be
lost under the seal: seed 913 kept it over one column of 15)."""

from __future__ import annotations

import cv2
import numpy as np

from ingest.scan.lines import cell_lines
from ingest.tables.model import GridCell, GridSettings
from ingest.tables.model import PixelBox as Box
from ingest.tables.raster import GridTable

# A line sits in its row when its centre lies within this share of the row's height of the
# row's centre (a label wrapped over rows is centred as a block, its lines closer together).
_CENTRED = 0.25
# A value's line is at most this many text heights wide (three digits; a group label's lines
# of two characters, or its number （五）, are 2 or more). Longer values stay merged, flagged.
_VALUE_CHARS = 1.6
# Digits stand lower than Chinese characters (0.73 of them in seed 913's serif scan): a
# header's last line no lower than this share of its other lines' height is a character.
_DIGIT_HEIGHT = 0.85


def split_dropped_rows(table: GridTable, ink: np.ndarray, gs: GridSettings[int]) -> GridTable:
    """The table with each cell that spans rows only because their rule dropped out split
    into one cell a row; the table itself when there is none."""
    owner: dict[tuple[int, int], GridCell[int]] = {}
    for cell in table.cells:
        _own(owner, cell)
    cells = list(table.cells)
    # A cell split gives the rule to the cells beside it: again until none is.
    while True:
        split = next(((i, pieces) for i, cell in enumerate(cells)
                      if (pieces := _pieces(cell, table.ys, owner, ink, gs)
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


def _pieces(cell: GridCell[int], ys: list[int], owner: dict[tuple[int, int], GridCell[int]], ink: np.ndarray,
            gs: GridSettings[int]) -> list[GridCell[int]] | None:
    if cell.row_span < 2:
        return None
    rows = range(cell.row, cell.row + cell.row_span)
    # The cell on the left or the right is parted at every row this cell spans.
    beside = (cell.col - 1, cell.col + cell.col_span)
    if not any(all(owner.get((r, c)) not in (None, owner.get((r - 1, c))) for r in rows[1:]) for c in beside):
        return None
    x0, y0, x1, y1 = cell.box
    inset = gs.line_thickness + 2
    region = ink[y0 + inset:max(y0 + inset + 1, y1 - inset), x0 + inset:max(x0 + inset + 1, x1 - inset)]
    opened = cv2.morphologyEx(region, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    lines = cell_lines(opened, gs.text_height)
    if len(lines) != cell.row_span or any(b[2] - b[0] > _VALUE_CHARS * gs.text_height for b in lines):
        return None
    for line, r in zip(sorted(lines, key=lambda b: b[1]), rows, strict=True):
        top, bottom = ys[r], ys[r + 1]
        centre = y0 + inset + (line[1] + line[3]) / 2
        if abs(centre - (top + bottom) / 2) > _CENTRED * (bottom - top):
            return None
    return [GridCell(r, cell.col, 1, cell.col_span, _band(cell.box, ys[r], ys[r + 1])) for r in rows]


def _label_over_value(cell: GridCell[int], ys: list[int], owner: dict[tuple[int, int], GridCell[int]],
                      ink: np.ndarray, gs: GridSettings[int]) -> list[GridCell[int]] | None:
    """A header cell spanning into the value row below it split into the label and the value."""
    if cell.row_span < 2:
        return None
    last = cell.row + cell.row_span - 1
    # The row's rule is the grid's from other columns (the seal's ink may hide a neighbour's).
    if not any(_parted(owner, last, c) for r, c in owner if r == last):
        return None
    lines = _lines(cell, ink, gs)
    if len(lines) < 2:
        return None
    *label, value = lines
    top, bottom = ys[last], ys[last + 1]
    heights = sorted(b[3] - b[1] for b in label)
    if (value[2] - value[0] > _VALUE_CHARS * gs.text_height or value[1] < top or not _centred(value, top, bottom)
            or any(b[3] > value[1] or (b[1] + b[3]) / 2 > top for b in label)
            or value[3] - value[1] > _DIGIT_HEIGHT * heights[len(heights) // 2]):
        return None
    # Parted between the lines: a label set close to the lost rule may reach over it.
    cut = (label[-1][3] + value[1]) // 2
    return [GridCell(cell.row, cell.col, cell.row_span - 1, cell.col_span, _band(cell.box, cell.box[1], cut)),
            GridCell(last, cell.col, 1, cell.col_span, _band(cell.box, cut, cell.box[3]))]


def _parted(owner: dict[tuple[int, int], GridCell[int]], row: int, col: int) -> bool:
    """Whether column `col` has the rule over `row` (its cells above and at `row` are two)."""
    return owner.get((row, col)) not in (None, owner.get((row - 1, col)))


def _lines(cell: GridCell[int], ink: np.ndarray, gs: GridSettings[int]) -> list[Box]:
    """The cell's text lines top to bottom, in page coordinates."""
    x0, y0, x1, y1 = cell.box
    inset = gs.line_thickness + 2
    region = ink[y0 + inset:max(y0 + inset + 1, y1 - inset), x0 + inset:max(x0 + inset + 1, x1 - inset)]
    opened = cv2.morphologyEx(region, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    lines = cell_lines(opened, gs.text_height)
    return sorted(((b[0] + x0 + inset, b[1] + y0 + inset, b[2] + x0 + inset, b[3] + y0 + inset) for b in lines),
                  key=lambda b: b[1])


def _centred(line: Box, top: int, bottom: int) -> bool:
    return abs((line[1] + line[3]) / 2 - (top + bottom) / 2) <= _CENTRED * (bottom - top)


def _band(box: Box, top: int, bottom: int) -> Box:
    return (box[0], top, box[2], bottom)
