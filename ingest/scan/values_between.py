"""A short cell among value cells of a row read as a value, whatever its first reading.

A seal's star over a "0" made the label engine read the cell "天O" (seed 913, section 四's one
row of 15 values): taken for a label, it split the row and the mapper lost the 10 values after
it. A one-line cell read as Chinese, no wider than a couple of characters, with value cells
before and after it in its row (or, read unsure, after it and in its column's other rows), is a
value cell: it is read twice as a number, as value cells are, and kept for review (its first
reading was not a number), a blank value if neither reading gives one."""

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
    Chinese among value cells of its row read again as a number, its confidence at most a
    disagreement's."""
    ocr = settings.ocr
    one_row = [i for i, cell in enumerate(grid) if cell.row_span == 1]
    is_value = [bool(r.text) and looks_numeric(r.text) for r in readings]
    # Each row's value cells: where the first starts and where the last ends; the columns holding one.
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i in one_row:
        if is_value[i]:
            row, col = grid[i].row, grid[i].col
            first[row] = min(first.get(row, col), col)
            last[row] = max(last.get(row, 0), col + grid[i].col_span)
    value_columns = {grid[i].col for i in one_row if is_value[i]}

    def among_values(i: int) -> bool:
        # A row's labels come before its values: a cell with values after it and before it is
        # one (a seal's stroke before a 0 read 版0 made a label of it and lost the row after it,
        # seed 4949's image 6). With none before (the first value column), an unsure reading in
        # a column of values is one too (a faint 2 read 里 at 0.34, seed 4949's browser scan 4).
        cell = grid[i]
        if last.get(cell.row, 0) <= cell.col + cell.col_span:
            return False
        return first[cell.row] < cell.col or (cell.col in value_columns and readings[i].confidence < ocr.min_score)

    between = [i for i in one_row
               if has_chinese(readings[i].text) and len(cells[i]) == 1 and among_values(i)
               and ink_width(cells[i][0], ocr.label_char_width) <= ocr.value_between_max_chars]
    if not between:
        return readings
    out = list(readings)
    numbers = read_values([cells[i][0] for i in between], engines, None, settings, text_height, bilevel)
    for i, number in zip(between, numbers, strict=True):
        out[i] = CellText(number.text, min(number.confidence, ocr.conf_disagree))
    return out
