"""Tables and lines of a text PDF page, recovered from geometry as pure transforms.

ruling edges -> intersections -> cells -> tables (lattice, on pdfplumber's table.py),
then cell boxes -> grid positions with row/column spans, and glyphs -> text lines and
the stream rows of tables drawn without rules. Every tolerance is in GridSettings,
derived from the page's own character size.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

Edge = dict[str, Any]
Box = tuple[float, float, float, float]  # x0, top, x1, bottom

_DEFAULT_CHAR_SIZE = 10.5
_NUMBER = re.compile(r"^[-+−]?\d[\d,，.]*%?$")


@dataclass(frozen=True)
class GridSettings:
    """Tolerances in PDF points, scaled from the page's median character size."""

    char_size: float
    snap: float  # parallel rules closer than this are one rule
    join: float  # collinear rule pieces with a gap below this are one rule
    min_edge: float  # shorter strokes are not rules (glyph parts, dots)
    intersection: float  # a rule ending this close to another still meets it
    space_gap: float  # a wider gap between two ASCII glyphs is a space
    same_line: float  # glyph centres closer than this vertically share a line
    stream_gap: float  # a wider gap on a line parts two cells of a rule-less table
    stitch: float  # column rules of two pages' tables this close are the same rule


def grid_settings(sizes: Iterable[float]) -> GridSettings:
    """Tolerances for a page whose glyphs have these sizes."""
    found = [s for s in sizes if s > 0]
    cs = statistics.median(found) if found else _DEFAULT_CHAR_SIZE
    return GridSettings(
        char_size=cs,
        snap=max(1.0, 0.2 * cs),
        join=max(1.0, 0.3 * cs),
        min_edge=0.5 * cs,
        intersection=max(1.0, 0.2 * cs),
        space_gap=0.12 * cs,
        same_line=0.45 * cs,
        stream_gap=1.5 * cs,
        stitch=max(2.0, 0.4 * cs),
    )


@dataclass(frozen=True)
class Glyph:
    """One printed character, top-left origin."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def size(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Line:
    """Glyphs on one baseline, left to right."""

    glyphs: tuple[Glyph, ...]

    @property
    def box(self) -> Box:
        return bounds(self.glyphs)


@dataclass(frozen=True)
class GridCell:
    """A ruled cell: its box and the grid positions it covers (spans from the rules)."""

    box: Box
    row: int
    col: int
    row_span: int
    col_span: int


def bounds(glyphs: Sequence[Glyph]) -> Box:
    return (
        min(g.x0 for g in glyphs),
        min(g.top for g in glyphs),
        max(g.x1 for g in glyphs),
        max(g.bottom for g in glyphs),
    )


# --- lattice: rules -> cells -> tables -------------------------------------------------


def ruling_edges(edges: Iterable[Edge], gs: GridSettings) -> list[Edge]:
    """Horizontal and vertical rules, snapped and joined; strokes too short dropped."""
    long_enough = [
        e for e in edges
        if e["orientation"] in ("h", "v")
        and (e["x1"] - e["x0"] if e["orientation"] == "h" else e["bottom"] - e["top"]) >= gs.min_edge
    ]
    return list(merge_edges(long_enough, gs.snap, gs.snap, gs.join, gs.join))


def missing_frame_rules(edges: list[Edge], gs: GridSettings) -> list[Edge]:
    """The top or bottom rules a table lacks where a page break cut it.

    Vertical rules that start (or end) together with no horizontal rule there are the
    sides of a row split across pages: without a rule that row would form no cell."""
    horizontal = [e for e in edges if e["orientation"] == "h"]
    vertical = [e for e in edges if e["orientation"] == "v"]
    added: list[Edge] = []
    for end in ("top", "bottom"):
        groups: dict[int, list[Edge]] = {}
        for v in vertical:
            groups.setdefault(round(v[end] / gs.snap), []).append(v)
        for group in groups.values():
            if len(group) < 2:
                continue
            y = statistics.fmean(v[end] for v in group)
            x0, x1 = min(v["x0"] for v in group), max(v["x0"] for v in group)
            ruled = any(
                abs(h["top"] - y) <= gs.intersection and h["x0"] <= x0 + gs.intersection
                and h["x1"] >= x1 - gs.intersection
                for h in horizontal
            )
            if not ruled:
                added.append(_rule(x0, y, x1))
    return added


def _rule(x0: float, y: float, x1: float) -> Edge:
    return {
        "orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y,
        "width": x1 - x0, "height": 0.0, "doctop": y, "object_type": "line",
    }


def lattice_tables(edges: list[Edge], gs: GridSettings) -> list[list[Box]]:
    """Cell boxes of each ruled table: intersections -> smallest cells -> connected tables."""
    points = edges_to_intersections(edges, gs.intersection, gs.intersection)
    cells = intersections_to_cells(points)
    return [[(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in t] for t in cells_to_tables(cells)]


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


def place_cells(boxes: Sequence[Box], columns: Sequence[float], rows: Sequence[float]) -> list[GridCell]:
    """Grid positions of cell boxes: a box covering several column (row) stops spans them."""
    placed = []
    for box in boxes:
        c0, c1 = nearest(columns, box[0]), nearest(columns, box[2])
        r0, r1 = nearest(rows, box[1]), nearest(rows, box[3])
        placed.append(GridCell(box, r0, c0, max(1, r1 - r0), max(1, c1 - c0)))
    return placed


def column_stops(boxes: Iterable[Box], gs: GridSettings) -> list[float]:
    return stops((x for b in boxes for x in (b[0], b[2])), gs.snap)


def row_stops(boxes: Iterable[Box], gs: GridSettings) -> list[float]:
    return stops((y for b in boxes for y in (b[1], b[3])), gs.snap)


# --- glyphs -> lines and text ------------------------------------------------------------


def inside(glyph: Glyph, box: Box) -> bool:
    return box[0] <= glyph.cx <= box[2] and box[1] <= glyph.cy <= box[3]


def lines_of(glyphs: Iterable[Glyph], gs: GridSettings) -> list[Line]:
    """Glyphs grouped into lines (top to bottom), each left to right."""
    rows: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: (g.cy, g.x0)):
        if rows and abs(g.cy - statistics.fmean(x.cy for x in rows[-1])) <= gs.same_line:
            rows[-1].append(g)
        else:
            rows.append([g])
    return [Line(tuple(sorted(r, key=lambda g: g.x0))) for r in rows]


def _wordy(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%")


def join_text(a: str, b: str, spaced: bool) -> str:
    """Two pieces of text: a space only between separate ASCII words or numbers."""
    if a and b and spaced and _wordy(a[-1]) and _wordy(b[0]):
        return a + " " + b
    return a + b


def line_text(glyphs: Sequence[Glyph], gs: GridSettings) -> str:
    """A line's text; CJK joined, ASCII words kept apart by the gaps between them."""
    text = ""
    previous: Glyph | None = None
    for g in glyphs:
        spaced = previous is not None and g.x0 - previous.x1 > gs.space_gap
        text = join_text(text, g.text, spaced)
        previous = g
    return text


def cell_text(lines: Sequence[Line], gs: GridSettings) -> str:
    """Text of a cell's lines; digits wrapped onto the next line continue one number."""
    text = ""
    for line in lines:
        piece = line_text(line.glyphs, gs)
        wrapped_number = bool(text) and text[-1].isdigit() and piece[:1].isdigit()
        text = join_text(text, piece, not wrapped_number)
    return text


# --- stream: rows of tables drawn without rules ------------------------------------------


def segments(line: Line, gs: GridSettings) -> list[tuple[Glyph, ...]]:
    """A line cut where a gap is wider than a cell separation."""
    parts: list[list[Glyph]] = []
    for g in line.glyphs:
        if parts and g.x0 - parts[-1][-1].x1 <= gs.stream_gap:
            parts[-1].append(g)
        else:
            parts.append([g])
    return [tuple(p) for p in parts]


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


# --- rotated pages: read upright, report in the displayed orientation -------------------


@dataclass(frozen=True)
class Frame:
    """A displayed page (width x height) whose text runs turned by `turn` degrees clockwise."""

    turn: int
    width: float
    height: float

    def upright(self, box: Box) -> Box:
        """A displayed box in the frame where the text reads left to right."""
        x0, top, x1, bottom = box
        if self.turn == 90:
            return (top, self.width - x1, bottom, self.width - x0)
        if self.turn == 180:
            return (self.width - x1, self.height - bottom, self.width - x0, self.height - top)
        if self.turn == 270:
            return (self.height - bottom, x0, self.height - top, x1)
        return box

    def displayed(self, box: Box) -> Box:
        """An upright box back in the page's displayed space."""
        x0, y0, x1, y1 = box
        if self.turn == 90:
            return (self.width - y1, x0, self.width - y0, x1)
        if self.turn == 180:
            return (self.width - x1, self.height - y1, self.width - x0, self.height - y0)
        if self.turn == 270:
            return (y0, self.height - x1, y1, self.height - x0)
        return box

    @property
    def upright_height(self) -> float:
        return self.width if self.turn in (90, 270) else self.height


def text_turn(directions: Iterable[tuple[float, float]]) -> int:
    """How far (0, 90, 180, 270 degrees clockwise) most text runs turned on screen, from the
    glyphs' writing directions (x, y) in PDF space (y up)."""
    votes = {0: 0, 90: 0, 180: 0, 270: 0}
    for dx, dy in directions:
        if abs(dx) >= abs(dy):
            votes[0 if dx > 0 else 180] += 1
        else:
            votes[90 if dy < 0 else 270] += 1
    return max(votes, key=lambda t: (votes[t], t == 0))


def turned_edge(edge: Edge, frame: Frame) -> Edge:
    """A rule in the upright frame (horizontal and vertical swap on quarter turns)."""
    x0, top, x1, bottom = frame.upright((edge["x0"], edge["top"], edge["x1"], edge["bottom"]))
    orientation = edge["orientation"]
    if frame.turn in (90, 270) and orientation in ("h", "v"):
        orientation = "v" if orientation == "h" else "h"
    return {**edge, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "width": x1 - x0,
            "height": bottom - top, "doctop": top, "orientation": orientation}
