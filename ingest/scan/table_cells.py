"""A scanned table's inked cells read: a section's printed form, row labels, their groups and
the column headers taken for the template's where they are its (`known_blocks`, `known_labels`,
`known_headers`), every other cell read."""

from __future__ import annotations

import numpy as np

from ingest.scan.known_blocks import blocks_told
from ingest.scan.known_headers import headers_told
from ingest.scan.known_labels import groups_told, ink_width, labels_taken
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import EngineSet, read_cells
from ingest.settings import Settings
from ingest.tables.model import GridCell


def read_table_cells(table: list[GridCell[int]], grid: list[GridCell[int]], cells: list[list[np.ndarray]],
                     engines: EngineSet, settings: Settings, text_height: int, bilevel: bool = False) -> list[CellText]:
    """Each inked cell's reading (`table`: every cell of the table, `grid`: the inked ones,
    `cells`: their crops, `bilevel`: as `read_cells`). A header cell the template tells is
    given its word as surely as two readings agreeing on a value (`conf_agree`)."""
    widths = [sum(ink_width(c, settings.ocr.label_char_width) for c in crops) for crops in cells]
    inked = {(cell.row, cell.col): i for i, cell in enumerate(grid)}

    def read(indexes: list[int]) -> list[CellText]:
        return read_cells([cells[i] for i in indexes], engines, settings, text_height, bilevel)

    told, checked = blocks_told(table, inked, widths, read, settings)
    known = {**told, **checked}
    taken = labels_taken(grid, cells, widths, engines, settings, skip=known)
    taken.update(groups_told(grid, widths, taken, settings))
    taken.update(known)
    taken.update((i, CellText(word, settings.ocr.conf_agree))
                 for i, word in headers_told(table, inked, widths, settings).items() if i not in taken)
    rest = [i for i in range(len(cells)) if i not in taken]
    readings = dict(zip(rest, read(rest), strict=True))
    readings.update(taken)
    return [readings[i] for i in range(len(cells))]
