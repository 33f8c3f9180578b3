"""Tables with merged cells laid out on their grid, shared by the Word and HTML readers.

A merged cell stands at every grid position it covers (one Slot, ingest/tables), each
SourceCell carrying the merged cell's top-left position as `origin`, so the tokenizer
counts it once per row.
"""

from __future__ import annotations

import re

from ingest.models import SourceCell, Table
from ingest.tables.model import Slot

# HTML caps colspan at 1000; a table with more columns than that is not a report table.
MAX_SPAN = 1000
_SPACES = re.compile(r"[ \t\r\f\v\u3000\xa0]+")


def join_lines(lines: list[str]) -> str:
    """A cell's lines as one text: CJK joins without a space (商业\\n企业 -> 商业企业),
    Latin words and numbers keep one space between them."""
    out = ""
    for raw in lines:
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


class GridTooLarge(Exception):
    """A table's spans cover more grid positions than allowed."""


class GridBuilder:
    """Places cells on a table's grid: explicit spans (HTML) or merges with the row above (Word)."""

    def __init__(self, max_cells: int) -> None:
        self._cells: dict[tuple[int, int], Slot] = {}
        self._rows = 0
        self._max_cells = max_cells

    def _reserve(self, positions: int) -> None:
        if len(self._cells) + positions > self._max_cells:
            raise GridTooLarge(f"a table covering more than {self._max_cells} grid positions")

    def next_free(self, row: int, col: int) -> int:
        """The first grid column at or after `col` of `row` no earlier cell covers."""
        while (row, col) in self._cells:
            col += 1
        return col

    def place(self, text: str, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> int:
        """Write a cell covering rowspan x colspan positions from (row, col); returns the next column."""
        rowspan = max(1, rowspan)
        colspan = min(max(1, colspan), MAX_SPAN)
        self._reserve(rowspan * colspan)
        slot = Slot(text, (row, col))
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                self._cells[(r, c)] = slot
        self._rows = max(self._rows, row + rowspan)
        return col + colspan

    def merge_up(self, text: str, row: int, col: int, colspan: int = 1) -> int:
        """Extend the cell above (row - 1, col) down over this row (Word's vMerge="continue").

        Without a cell above to continue, the cell stands on its own with its text."""
        above = self._cells.get((row - 1, col))
        if above is None:
            return self.place(text, row, col, 1, colspan)
        colspan = min(max(1, colspan), MAX_SPAN)
        self._reserve(colspan)
        for c in range(col, col + colspan):
            self._cells[(row, c)] = above
        self._rows = max(self._rows, row + 1)
        return col + colspan

    def table(self, rows: int | None = None) -> Table:
        """The grid as rows of cells in column order; positions no cell covers are left out.

        `rows` cuts off rows that only spans reaching past the table's end created."""
        count = self._rows if rows is None else min(rows, self._rows)
        grid: list[list[SourceCell]] = [[] for _ in range(count)]
        for (r, c), slot in sorted(self._cells.items()):
            if r < count:
                grid[r].append(slot.at(r, c))
        return Table(grid)
