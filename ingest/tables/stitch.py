"""One table from its pieces on consecutive pages, for both front ends.

A piece that opens a page continues the table that closed the page before when their
columns agree; its rows that repeat the table's header are dropped, a row the page break
cut is joined to its first part, and a label cell merged down across the break continues
above. Pages in between with nothing on them do not part the pieces; a page not read in
this pass (the other kind of a mixed PDF) does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic

from ingest.labels import label_core, nfkc, similarity
from ingest.models import Block, Table
from ingest.tables.glyphs import is_number, join_text
from ingest.tables.model import (
    Box,
    Grid,
    GridCell,
    N,
    Slot,
    column_stops,
    place_cells,
    row_stops,
    source_rows,
    spread,
    stops,
)

# A line opening a new item: never the wrapped end of the line above.
ITEM_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])")
# A continuation's row read by OCR repeats a header row when its words are this alike.
_REPEATED_HEADER_LIKENESS = 0.8
# The numerals of a row's words (第二十条第（六）项: 二十, 六).
_NUMERALS = re.compile(r"[一二三四五六七八九十百零〇\d]+")


@dataclass
class TablePiece(Generic[N]):
    """A ruled table's part on one page: its cells on its own grid, each with its slot
    (text, page, displayed box)."""

    page: int
    cells: list[tuple[GridCell[N], Slot]]
    n_rows: int
    n_cols: int
    snap: float
    # Column rules of two pages' pieces this close are the same rule. 0: the pieces are
    # matched column for column instead (a scan's pages differ in scale, skew and turn).
    stitch: float = 0.0
    # Its top rule was missing (added): the first row may continue one cut by the page break.
    open_top: bool = False
    # Whether a cell's text is a number (as printed; an OCR reading allows look-alike letters).
    numeric: Callable[[str], bool] = field(default=is_number)

    @property
    def box(self) -> Box[N]:
        boxes = [cell.box for cell, _ in self.cells]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes))

    def columns(self) -> list[float]:
        return column_stops((cell.box for cell, _ in self.cells), self.snap)

    def row_spans(self) -> dict[int, tuple[N, N]]:
        """Each grid row's top and bottom, from its cells one row high."""
        spans: dict[int, tuple[N, N]] = {}
        for cell, _ in self.cells:
            if cell.row_span == 1:
                top, bottom = spans.get(cell.row, (cell.box[1], cell.box[3]))
                spans[cell.row] = (min(top, cell.box[1]), max(bottom, cell.box[3]))
        return spans


def _value_columns(piece: TablePiece[Any]) -> int:
    """How many of the piece's columns, counted from its right side, hold its numbers."""
    numeric = [cell.col for cell, slot in piece.cells if piece.numeric(slot.text)]
    return piece.n_cols - min(numeric) if numeric else 0


def _same_columns(a: TablePiece[Any], b: TablePiece[Any]) -> bool:
    """b continues a's table: by rule positions (same outer sides, mostly the same column
    rules) where both were measured on one scale, else by the number of columns, or by its
    value columns where one piece has a label column more: a label merged over the break,
    its cell without a row rule on one page, is no column there (seed 5417's browser scan 1:
    三、本年度办理结果 down section 三's side, closed on the last page only; the row the break
    cut kept half its label, and its values were lost)."""
    if not (a.stitch and b.stitch):
        return a.n_cols == b.n_cols or (abs(a.n_cols - b.n_cols) == 1 and _value_columns(a) == _value_columns(b) > 0)
    tol = max(a.stitch, b.stitch)
    ca, cb = a.columns(), b.columns()
    if abs(ca[0] - cb[0]) > tol or abs(ca[-1] - cb[-1]) > tol:
        return False
    shared = sum(1 for x in cb if any(abs(x - y) <= tol for y in ca))
    return shared >= 0.6 * max(len(ca), len(cb))


def _grids(group: list[TablePiece[Any]]) -> list[Grid]:
    """Each piece's grid (origins local to the piece): measured pieces laid out on the columns
    of the whole table, so a piece lacking a column rule spans the columns it merges."""
    if not all(p.stitch for p in group):
        width = max(p.n_cols for p in group)
        return [_widened(spread(p.cells, p.n_rows, p.n_cols, p.page), width - p.n_cols, p.page) for p in group]
    columns = stops((x for p in group for x in p.columns()), max(p.stitch for p in group))
    out = []
    for piece in group:
        boxes = [cell.box for cell, _ in piece.cells]
        rows = row_stops(boxes, piece.snap)
        placed = place_cells(boxes, columns, rows)
        slots = [slot for _, slot in piece.cells]
        out.append(spread(zip(placed, slots, strict=True), len(rows) - 1, len(columns) - 1, piece.page))
    return out


def _widened(grid: Grid, missing: int, page: int) -> Grid:
    """A piece's grid with the label columns it lacks (`_same_columns`) added on its left,
    each one blank cell down its side."""
    if not missing:
        return grid
    for slot in _unique([s for row in grid for s in row]):
        slot.origin = (slot.origin[0], slot.origin[1] + missing)
    side = [Slot("", (0, c), page) for c in range(missing)]
    return [[*side, *row] for row in grid]


def _unique(row: list[Slot]) -> list[Slot]:
    return list({id(s): s for s in row}.values())


def _texts(row: list[Slot]) -> tuple[str, ...]:
    return tuple(s.text for s in row)


def _repeats(header: list[Slot], row: list[Slot]) -> bool:
    """Whether a continuation's row repeats a header row: the same texts, or, read by OCR, the
    row's words alike (a scan misreads the repeated header otherwise, 自然人 as 白然人, and its
    grid may part a merged cell: seed 8080's fax joined its whole header to the row above the
    break, and that row was lost). Words alike but numbered apart name another item: the
    heading 第二十条第（六）项 opening a page does not repeat the table's 第二十条第（一）项."""
    if _texts(header) == _texts(row):
        return True
    texts = ["".join(s.text for s in _unique(r)) for r in (header, row)]
    numerals = [_NUMERALS.findall(nfkc(t)) for t in texts]
    if len(numerals[0]) == len(numerals[1]) and numerals[0] != numerals[1]:
        return False
    words = [label_core(t) for t in texts]
    return bool(words[0]) and similarity(*words) >= _REPEATED_HEADER_LIKENESS


def _repeated_header(table: Grid, cont: Grid, numeric: Callable[[str], bool]) -> int:
    """How many leading rows of the continuation repeat the table's header: rows with text and
    no number, like the table's rows above its first row of numbers. The continuation keeps
    at least one row."""
    n = 0
    while n < min(len(table), len(cont) - 1) and _repeats(table[n], cont[n]):
        if not any(s.text for s in cont[n]) or any(numeric(s.text) for s in table[n] if s.text):
            break
        n += 1
    return n


def _spans(row: list[Slot]) -> list[int]:
    """How many columns each cell of a row spans, left to right."""
    spans: list[int] = []
    for c, slot in enumerate(row):
        if c and slot is row[c - 1]:
            spans[-1] += 1
        else:
            spans.append(1)
    return spans


def _is_split_row(last: list[Slot], cont: list[Slot], piece: TablePiece[Any]) -> bool:
    """The continuation's first row is the rest of the row the page break cut: it has
    text, starts no new item, its cells are the cut row's (a heading across the table that
    opens the next page is not), and numbers are on one side of the break only, in cells the
    other side left empty (a header row's 结果维持 above a row of counts is no cell cut in two,
    nor is a header's 本年处理决定数量 under a row's 0)."""
    texts = [s.text for s in cont if s.text]
    if not texts or ITEM_START.match(texts[0]) or not (piece.open_top or not cont[0].text):
        return False
    if _spans(last) != _spans(cont) or any(b.text and a.text and (piece.numeric(a.text) or piece.numeric(b.text))
                                           for b, a in zip(last, cont, strict=True)):
        return False
    return not (any(piece.numeric(s.text) for s in last) and any(piece.numeric(s.text) for s in cont))


def _join_rows(last: list[Slot], cont: list[Slot]) -> None:
    """Append the continuation's texts to the cells of the cut row, column by column."""
    done: set[int] = set()
    for before, after in zip(last, cont, strict=True):
        if after.text and id(before) not in done and id(after) not in done:
            done.update((id(before), id(after)))
            before.text = join_text(before.text, after.text, spaced=True)


def _shift(grid: Grid, dropped: int, base: int) -> None:
    """Make the origins of a continuation's cells global (its first `dropped` rows gone)."""
    for slot in _unique([s for row in grid for s in row]):
        slot.origin = (max(slot.origin[0] - dropped, 0) + base, slot.origin[1])


def _height(grid: Grid, slot: Slot) -> int:
    return sum(1 for row in grid if any(s is slot for s in row))


def _continue_merges(last: list[Slot], last_index: int, grid: Grid, numeric: Callable[[str], bool]) -> None:
    """A label cell merged over several rows and cut by the break continues above it:
    the part below is empty or holds the rest of the text (no new item number). A row of
    blanks under a row of headings only is the value row under its header, zeros printed
    blank: the headings merged down over two header rows end above it (seed 4545's scanned
    PDF 6, section 四's value row opening a page: its first five blanks taken for 行政复议's
    headings, its fifteen cells flagged). So is a row of blanks and numbers there (seed 4040's
    text PDF 7: its two 9s put under 行政复议, five columns left of theirs). Nor does a
    cell continue right of a new item's label: the row under it is that item's (seed 3571's
    text PDF 7: 自然人, merged over the header's last two rows, ran on into 一、本年新收…'s
    first value, printed blank)."""
    if all(s.text and not numeric(s.text) for s in last) and all(not s.text or numeric(s.text) for s in grid[0]):
        return
    item = next((c for c, s in enumerate(grid[0]) if ITEM_START.match(s.text)), len(grid[0]))
    for above, below in zip(last[:item], grid[0][:item], strict=True):
        if above is below or not above.text or numeric(above.text) or numeric(below.text):
            continue
        merged = above.origin[0] < last_index or _height(grid, below) > 1
        if not merged:
            continue
        above.text = join_text(above.text, below.text, spaced=True)
        for row in grid:
            for c, slot in enumerate(row):
                if slot is below:
                    row[c] = above


def assemble(group: list[TablePiece[Any]]) -> Table:
    """One table from its pieces on consecutive pages."""
    rows: Grid = []
    for piece, grid in zip(group, _grids(group), strict=True):
        dropped = 0
        if rows:
            dropped = _repeated_header(rows, grid, piece.numeric)
            if dropped < len(grid) and _is_split_row(rows[-1], grid[dropped], piece):
                _join_rows(rows[-1], grid[dropped])
                dropped += 1
        grid = grid[dropped:]
        _shift(grid, dropped, len(rows))
        if rows and grid:
            _continue_merges(rows[-1], len(rows) - 1, grid, piece.numeric)
        rows.extend(grid)
    return Table(source_rows(rows))


def stitch(pages: Sequence[tuple[int, Sequence[Block | TablePiece[Any]]]]) -> list[Block]:
    """Blocks in reading order (pages in order), a table that ends one page and starts the
    next as one."""
    entries: list[Block | list[TablePiece[Any]]] = []
    tail: list[TablePiece[Any]] | None = None
    previous = None
    for number, items in pages:
        if previous is not None and number != previous + 1:
            tail = None
        previous = number
        for i, item in enumerate(items):
            if not isinstance(item, TablePiece):
                entries.append(item)
            elif i == 0 and tail and _same_columns(tail[-1], item):
                tail.append(item)
            else:
                entries.append([item])
        if items:
            last = entries[-1]
            tail = last if isinstance(last, list) and last[-1].page == number else None
    return [assemble(e) if isinstance(e, list) else e for e in entries]
