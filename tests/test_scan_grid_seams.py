"""Two grids side by side that are one table parted, or a grid ending short of its last
columns: a mark left between them, or just right of the grid, leaves its row's blank cells
unsure (ingest/scan/grid_seams.py)."""

from __future__ import annotations

import numpy as np

from ingest.scan.grid_seams import doubt_blanks_beside, doubt_blanks_between, doubt_sliver_blanks
from ingest.scan.ocr.consensus import looks_numeric
from ingest.tables.model import GridCell, GridSettings, Slot
from ingest.tables.stitch import TablePiece

GRID = GridSettings(text_height=30, snap=5, bridge=0, min_line=0, min_vline=0, intersection=0, line_thickness=2,
                    stitch=0, space_gap=0, same_line=0, stream_gap=0)


def _piece(left: int, columns: int, texts: list[str]) -> TablePiece[int]:
    cells = [(GridCell(r, c, 1, 1, (left + 100 * c, 100 + 50 * r, left + 100 * (c + 1), 150 + 50 * r)),
              Slot(texts[r] if c == columns - 1 else "1", (r, c), 1, None, 0.99))
             for r in range(len(texts)) for c in range(columns)]
    return TablePiece(1, cells, len(texts), columns, 5.0)


def _confidences(pieces: list[TablePiece[int]]) -> list[list[float]]:
    return [[slot.confidence for cell, slot in piece.cells if not slot.text] for piece in pieces]


def test_a_mark_between_two_parts_of_a_table_leaves_that_rows_blanks_unsure() -> None:
    left, right = _piece(100, 2, ["1", "", "2"]), _piece(360, 1, ["", "", "3"])
    ink = np.zeros((400, 600), np.uint8)
    ink[160:185, 320:335] = 255  # a "0" between the parts, on the second row
    doubted = doubt_blanks_between([left, right], ink, GRID, 0.5)
    assert _confidences(doubted) == [[0.5], [0.99, 0.5]]


def test_parts_without_ink_between_or_on_other_rows_are_left_alone() -> None:
    left, right = _piece(100, 2, ["1", "", "2"]), _piece(360, 1, ["", "", "3"])
    assert _confidences(doubt_blanks_between([left, right], np.zeros((400, 600), np.uint8), GRID, 0.5)) \
        == [[0.99], [0.99, 0.99]]
    lower = TablePiece(1, [(GridCell(c.row, c.col, 1, 1, (c.box[0], c.box[1] + 300, c.box[2], c.box[3] + 300)), s)
                           for c, s in right.cells], 3, 1, 5.0)
    ink = np.zeros((800, 600), np.uint8)
    ink[160:185, 320:335] = 255
    assert _confidences(doubt_blanks_between([left, lower], ink, GRID, 0.5)) == [[0.99], [0.99, 0.99]]


def test_a_mark_just_right_of_a_grid_leaves_that_rows_blanks_unsure() -> None:
    # A grid ending short of its last columns (their rules lost): the value of its second row
    # stands beyond its edge, in no cell; the third row prints nothing there.
    grid = _piece(100, 2, ["1", "", ""])
    ink = np.zeros((400, 800), np.uint8)
    ink[160:185, 420:435] = 255
    assert _confidences(doubt_blanks_beside([grid], ink, GRID, 0.5)) == [[0.5, 0.99]]
    # Print far off to the right (a margin's note, eight text heights on) is no value of it.
    far = np.zeros((400, 800), np.uint8)
    far[160:185, 560:575] = 255
    assert _confidences(doubt_blanks_beside([grid], far, GRID, 0.5)) == [[0.99, 0.99]]
    # A stroke running down past the rows (a photo's sheet edge, slanting beside the grid:
    # seed 5050's photo 2) is no value of any of them.
    edge = np.zeros((400, 800), np.uint8)
    for y in range(90, 260):
        edge[y, 460 + (y - 90) // 40:462 + (y - 90) // 40] = 255
    assert _confidences(doubt_blanks_beside([grid], edge, GRID, 0.5)) == [[0.99, 0.99]]
    edge[160:185, 420:435] = 255
    assert _confidences(doubt_blanks_beside([grid], edge, GRID, 0.5)) == [[0.5, 0.99]]


def _row(*cells: tuple[int, int, str]) -> TablePiece[int]:
    """One row of cells (left, right, text) 50 px high."""
    placed = [(GridCell(0, c, 1, 1, (x0, 100, x1, 150)), Slot(text, (0, c), 1, None, 0.99))
              for c, (x0, x1, text) in enumerate(cells)]
    return TablePiece(1, placed, 1, len(cells), 5.0, numeric=looks_numeric)


def test_a_blank_sliver_among_a_rows_values_is_unsure() -> None:
    # Seed 8263's black-and-white image 7: a seal's ring taken for a rule parted 尚未审结's
    # cell; its 0 read into the part on the left, the 39-px sliver right of it a sure blank.
    parted = _row((0, 200, "行政复议"), (200, 325, "0"), (325, 450, "0"), (450, 536, "0"), (536, 575, ""),
                  (575, 700, "0"))
    assert _confidences(doubt_sliver_blanks([parted], 0.5)) == [[0.5]]
    # Blanks as wide as the values' cells (zeros printed blank), and a narrow blank label
    # cell left of the values, are as sure as they were.
    even = _row((0, 30, ""), (30, 200, "行政复议"), (200, 325, "0"), (325, 450, ""), (450, 575, "3"))
    assert _confidences(doubt_sliver_blanks([even], 0.5)) == [[0.99, 0.99]]
