"""Row labels printed beside a ruled table whose label columns lost their rules: the text lines
left of the table, within its rows, made the table's first column.

A fax's hair-thin rules may come out of a coarse scan in dashes only on one side of a table
(seed 6262's fax TIFFs at 204 x 98 dpi: the value columns found as a grid, their labels left
as text lines beside it and read as prose after the table, every row of sections 三 and 四
lost). A line belongs to the row its middle lies in; a row's lines are joined in reading order.
The table takes them only when it holds no labels of its own, most of its value rows have a
line beside them (a table whose label column was found has none there) and no row's lines end
in a digit (a value column lost with the labels)."""

from __future__ import annotations

from dataclasses import replace

from ingest.labels import LONE_ORDINAL
from ingest.scan.ocr.base import CellText
from ingest.tables.model import GridCell, Slot, bbox
from ingest.tables.model import PixelBox as Box
from ingest.tables.stitch import TablePiece

# Share of the table's rows holding a value that must have a line beside them.
_ROWS_BESIDE = 0.6
# Rows of values this few make no table's label column worth building.
_MIN_ROWS = 3
# A line read less surely than this tells nothing of a lost value column by its last digit: a
# faded label misread (seed 7705's fax TIFF 7 in AR PL UMing: 3.补正后申请内容仍不明确 read
# 第[3.补即请内71 at 0.43); the lost values' lines of seed 6262's fax read at 0.68-0.91.
_SURE_LINE = 0.5


def _value_rows(piece: TablePiece[int]) -> set[int] | None:
    """The rows holding a value, or None when one of them holds other text too (the table's own
    labels found beside its values); header rows above may hold words. A number over rows
    tells neither: a header's (seed 1919's fax TIFF 2: 总计 over two header rows read 44) or
    two values' whose rule was lost (seed 8787's fax TIFF 5); taken for either, section 三's
    labels beside the table were left unread."""
    numbers: set[int] = set()
    words: set[int] = set()
    for cell, slot in piece.cells:
        text = slot.text.strip()
        if not text:
            continue
        if not piece.numeric(text):
            words.add(cell.row)
        elif cell.row_span == 1:
            numbers.add(cell.row)
    return None if numbers & words else numbers


def beside_rows(piece: TablePiece[int], lines: list[Box], taken: set[int]) -> dict[int, list[int]]:
    """Row -> the indexes of `lines` beside it, for a table that takes them (else empty): lines
    not `taken` by another table, ending left of the table, whose middle lies within one of its rows."""
    values = _value_rows(piece)
    if values is None or len(values) < _MIN_ROWS:
        return {}
    spans = piece.row_spans()
    left = piece.box[0]
    beside: dict[int, list[int]] = {}
    for index, (_, y0, x1, y1) in enumerate(lines):
        middle = (y0 + y1) / 2
        if index in taken or x1 > left + (y1 - y0):
            continue
        row = next((r for r, (top, bottom) in spans.items() if top <= middle < bottom), None)
        if row is not None:
            beside.setdefault(row, []).append(index)
    if sum(1 for row in values if row in beside) < _ROWS_BESIDE * len(values):
        return {}
    return beside


def ends_in_digits(beside: dict[int, list[int]], lines: list[Box], readings: list[CellText]) -> bool:
    """Whether a row's lines beside the table end in a digit: values of columns whose rules were
    lost too (seed 6262's fax: 行政事业性收费0 beside a grid of the last column only), which
    joined to the label would leave the grid's cells short of them. A line of a label's
    ordinal alone is a label a fax left only that of ("2" of 2.没有现成信息需要另行制作: seed
    8034's fax TIFF 5, section 三's labels left unread for it and its 175 values lost); nor is a
    line read unsurely (`_SURE_LINE`)."""
    for indexes in beside.values():
        reading = readings[max(indexes, key=lambda k: (lines[k][1], lines[k][0]))]
        last = reading.text.strip()
        if last[-1:].isdigit() and not LONE_ORDINAL.fullmatch(last) and reading.confidence >= _SURE_LINE:
            return True
    return False


def with_side_labels(piece: TablePiece[int], lines: list[Box], readings: list[CellText],
                     beside: dict[int, list[int]]) -> TablePiece[int]:
    """The table with a first column holding each row's lines beside it (`beside_rows`), read
    left to right and top to bottom, at the least sure line's confidence."""
    cells: list[tuple[GridCell[int], Slot]] = [
        (replace(cell, col=cell.col + 1), replace(slot, origin=(slot.origin[0], slot.origin[1] + 1)))
        for cell, slot in piece.cells
    ]
    spans = piece.row_spans()
    left = piece.box[0]
    for row, indexes in sorted(beside.items()):
        ordered = sorted(indexes, key=lambda k: (lines[k][1], lines[k][0]))
        text = "".join(readings[k].text.strip() for k in ordered)
        if not text:
            continue
        top, bottom = spans[row]
        box = (min(lines[k][0] for k in ordered), top, left, bottom)
        confidence = min(readings[k].confidence for k in ordered)
        cells.append((GridCell(row, 0, 1, 1, box), Slot(text, (row, 0), piece.page, bbox(box), confidence)))
    return replace(piece, cells=cells, n_cols=piece.n_cols + 1)


def take_side_labels(tables: list[TablePiece[int]], lines: list[Box],
                     readings: list[CellText]) -> tuple[list[TablePiece[int]], set[int]]:
    """The page's tables, each with the lines beside it that it takes as its label column,
    and the indexes of the lines so taken (no longer prose)."""
    taken: set[int] = set()
    out = []
    for table in tables:
        beside = beside_rows(table, lines, taken)
        if beside and not ends_in_digits(beside, lines, readings):
            table = with_side_labels(table, lines, readings, beside)
            taken.update(i for indexes in beside.values() for i in indexes)
        out.append(table)
    return out, taken
