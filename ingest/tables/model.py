"""The table model both front ends share: boxes, ruled cells with their spans, the page's
tolerances, and the one way a cell becomes the SourceCells of the positions it covers.

Coordinates are in the page's own unit: PDF points (floats) for the vector front end,
pixels (ints, they index arrays) for the raster one; the types are generic over that unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ingest.models import BBox, SourceCell

N = TypeVar("N", int, float)

# x0, top, x1, bottom: top-left origin.
Box = tuple[N, N, N, N]
# A box on a page image: its coordinates index the image's arrays.
PixelBox = Box[int]


@dataclass(frozen=True)
class GridSettings(Generic[N]):
    """Tolerances of one page in its own unit, scaled from the page's text height (and, on
    a scan, the thickness of its rules). A tolerance a front end has no step for is 0 there,
    as in pdfplumber's settings, whose text tolerances mean nothing to the lines strategy."""

    text_height: N
    snap: N  # parallel rules closer than this are one rule
    bridge: N  # collinear rule pieces with a gap below this are one rule
    min_line: N  # a shorter horizontal stroke is no rule (glyph parts, dots)
    min_vline: N  # the same for vertical strokes
    intersection: N  # a rule ending this close to another still meets it
    line_thickness: N  # raster: a printed rule's thickness
    stitch: N  # vector: column rules of two pages' tables this close are the same rule
    space_gap: N  # vector: a wider gap between two ASCII glyphs is a space
    same_line: N  # vector: glyph centres closer than this vertically share a line
    stream_gap: N  # vector: a wider gap on a line parts two cells of a rule-less table
    # raster: a cell border exists where this share of its length is ruled.
    edge_coverage: float = 0.0
    # raster: a rule printed hair-thin (a fax, a 150-dpi black-and-white scan) comes out in
    # dashes up to `rule_drift` pixels off its line with gaps up to `dash_gap`.
    rule_drift: int = 0
    dash_gap: int = 0
    # raster: over a table's label columns the rule may print as dots up to this far apart;
    # a table's row rules are carried on along them (0: not looked for).
    dot_gap: int = 0
    # raster: characters of a line stand so close that their strokes join into runs as long
    # as rules (small print, a black-and-white page).
    strokes_join: bool = False
    # vector: the lines of one cell's wrapped text stand at most this far apart.
    wrap_gap: float = 0.0


@dataclass(frozen=True)
class GridCell(Generic[N]):
    """A ruled cell: the grid position of its top-left corner, the rows and columns it
    spans, and its box from rule to rule."""

    row: int
    col: int
    row_span: int
    col_span: int
    box: Box[N]


def bbox(box: Box[N]) -> BBox:
    """A box as the document model writes it."""
    return BBox(float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def within(inner: Box[N], outer: Box[N], margin: N) -> bool:
    """Whether a box lies inside another, give or take `margin`."""
    return (inner[0] >= outer[0] - margin and inner[1] >= outer[1] - margin
            and inner[2] <= outer[2] + margin and inner[3] <= outer[3] + margin)


def stops(values: Iterable[float], tolerance: float) -> list[float]:
    """Distinct coordinates, values within `tolerance` of each other counted once."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out


def nearest(grid: Sequence[float], value: float) -> int:
    return min(range(len(grid)), key=lambda i: abs(grid[i] - value))


def place_cells(boxes: Sequence[Box[float]], columns: Sequence[float],
                rows: Sequence[float]) -> list[GridCell[float]]:
    """Grid positions of cell boxes: a box covering several column (row) stops spans them."""
    placed = []
    for box in boxes:
        c0, c1 = nearest(columns, box[0]), nearest(columns, box[2])
        r0, r1 = nearest(rows, box[1]), nearest(rows, box[3])
        placed.append(GridCell(r0, c0, max(1, r1 - r0), max(1, c1 - c0), box))
    return placed


def column_stops(boxes: Iterable[Box[float]], snap: float) -> list[float]:
    return stops((x for b in boxes for x in (b[0], b[2])), snap)


def row_stops(boxes: Iterable[Box[float]], snap: float) -> list[float]:
    return stops((y for b in boxes for y in (b[1], b[3])), snap)


# --- cells -> SourceCells --------------------------------------------------------------------


@dataclass
class Slot:
    """One cell of a table being laid out: the same object stands at every grid position
    the cell covers, so joining a table's pieces edits a merged cell once."""

    text: str
    origin: tuple[int, int]
    page: int | None = None
    bbox: BBox | None = None
    # The reader's certainty about `text` (OCR); 1.0 where the format carries text.
    confidence: float = 1.0

    def at(self, row: int, col: int) -> SourceCell:
        """The cell as it stands at one grid position it covers."""
        return SourceCell(self.text, row, col, self.origin, self.page, self.bbox, self.confidence)


Grid = list[list[Slot]]


def spread(cells: Iterable[tuple[GridCell[N], Slot]], n_rows: int, n_cols: int, page: int | None) -> Grid:
    """The grid of a table's cells: each cell's slot (its origin the cell's top-left position)
    at every position it covers; a position no cell covers holds an empty slot."""
    grid = [[Slot("", (r, c), page) for c in range(n_cols)] for r in range(n_rows)]
    for cell, slot in cells:
        slot.origin = (cell.row, cell.col)
        for r in range(cell.row, min(n_rows, cell.row + cell.row_span)):
            for c in range(cell.col, min(n_cols, cell.col + cell.col_span)):
                grid[r][c] = slot
    return grid


def source_rows(grid: Grid) -> list[list[SourceCell]]:
    """The grid as the document model's rows: a merged cell written at every position it covers."""
    return [[slot.at(r, c) for c, slot in enumerate(row)] for r, row in enumerate(grid)]
