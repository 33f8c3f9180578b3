"""The one stitcher on scan pieces (matched column for column, OCR's look-alike digits):
the cases the scan reader's own stitcher handled, now handled by ingest/tables/stitch.py."""

from __future__ import annotations

from ingest.models import Paragraph, Table
from ingest.scan.ocr.consensus import looks_numeric
from ingest.tables.model import GridCell, Slot
from ingest.tables.stitch import TablePiece, stitch


def _piece(page: int, rows: list[list[str]]) -> TablePiece[int]:
    """A scanned table piece of one-cell-per-position rows (10-pixel cells)."""
    cells = [(GridCell(r, c, 1, 1, (10 * c, 10 * r, 10 * c + 10, 10 * r + 10)), Slot(text, (r, c), page))
             for r, row in enumerate(rows) for c, text in enumerate(row)]
    return TablePiece(page, cells, len(rows), len(rows[0]), 3, numeric=looks_numeric)


_HEADER = [["项目", "自然人", "总计"], ["", "人数", "件数"]]


def _texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_a_repeated_header_is_dropped_and_rows_follow_on() -> None:
    first = _piece(1, [*_HEADER, ["新收", "3", "3"]])
    second = _piece(2, [*_HEADER, ["结转", "O", "0"]])
    [table] = stitch([(1, [first]), (2, [second])])
    assert isinstance(table, Table)
    assert _texts(table) == [*_HEADER, ["新收", "3", "3"], ["结转", "O", "0"]]
    assert [(c.row, c.origin, c.page) for c in table.rows[3]] == [(3, (3, 0), 2), (3, (3, 1), 2), (3, (3, 2), 2)]


def test_a_header_not_repeated_keeps_every_row() -> None:
    first = _piece(1, [*_HEADER, ["新收", "3", "3"]])
    second = _piece(2, [["结转", "1", "1"], ["总计", "4", "4"]])
    [table] = stitch([(1, [first]), (2, [second])])
    assert isinstance(table, Table) and len(table.rows) == 5


def test_pieces_of_other_widths_or_not_opening_the_page_stay_apart() -> None:
    first = _piece(1, [*_HEADER, ["新收", "3", "3"]])
    narrower = _piece(2, [["结转", "1"]])
    assert len(stitch([(1, [first]), (2, [narrower])])) == 2
    later = _piece(2, [["结转", "1", "1"]])
    assert len(stitch([(1, [first]), (2, [Paragraph("（续表）", 2), later])])) == 3


def test_a_page_with_nothing_read_does_not_part_a_table_but_a_page_not_read_does() -> None:
    first = _piece(1, [*_HEADER, ["新收", "3", "3"]])
    second = _piece(3, [["结转", "1", "1"]])
    assert len(stitch([(1, [first]), (2, []), (3, [second])])) == 1
    assert len(stitch([(1, [first]), (3, [second])])) == 2
