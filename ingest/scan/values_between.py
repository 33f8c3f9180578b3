"""A short cell between value cells of a row read as a value, whatever its first reading.

A seal's star over a "0" made the label engine read the cell "天O" (seed 913, section 四's one
row of 15 values): taken for a label, it split the row and the mapper lost the 10 values after
it. A one-line cell read as Chinese, no wider than a couple of characters, with a value cell right beside it on
the left and on the right in its row, is a value cell: it is read twice as a number, as value
cells are, and kept for review (its first reading was not a number), a blank value if neither
reading gives one."""

from __future__ import annotations

import numpy as np

from ingest.scan.known_labels import ink_width
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import EngineSet, has_chinese, looks_numeric, read_values
from ingest.settings import Settings
from ingest.tables.model import GridCell


def values_between(grid: list[GridCell[int]], cells: list[list[np.ndarray]], readings: list[CellText],
                   engines: EngineSet, settings: Settings, text_height: int, bilevel: bool = False) -> list[CellText]:
    """`readings` (of the cells in `grid`, their line crops `cells`) with each cell read as
    Chinese between two value cells of its row read again as a number, its confidence at most a
    disagreement's."""
    ocr = settings.ocr
    one_row = [i for i, cell in enumerate(grid) if cell.row_span == 1]
    is_value = [bool(r.text) and looks_numeric(r.text) for r in readings]
    # The row's value cells by the grid column they start at and the one they end before.
    starting = {(grid[i].row, grid[i].col) for i in one_row if is_value[i]}
    ending = {(grid[i].row, grid[i].col + grid[i].col_span) for i in one_row if is_value[i]}
    between = [i for i in one_row
               if has_chinese(readings[i].text) and len(cells[i]) == 1
               and (grid[i].row, grid[i].col) in ending and (grid[i].row, grid[i].col + grid[i].col_span) in starting
               and ink_width(cells[i][0], ocr.label_char_width) <= ocr.value_between_max_chars]
    if not between:
        return readings
    out = list(readings)
    numbers = read_values([cells[i][0] for i in between], engines, None, settings, text_height, bilevel)
    for i, number in zip(between, numbers, strict=True):
        out[i] = CellText(number.text, min(number.confidence, ocr.conf_disagree))
    return out
