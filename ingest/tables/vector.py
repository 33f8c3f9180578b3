"""The vector front end: a text PDF page's rules -> ruled cells, as pure named transforms.

ruling edges -> intersections -> cells -> tables (lattice, on pdfplumber's table.py), every
tolerance in the page's GridSettings, derived from its own character size. Rules of a
page whose text runs turned are first turned upright (Frame).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from ingest.tables.model import Box, GridSettings

Edge = dict[str, Any]

_DEFAULT_CHAR_SIZE = 10.5


def vector_settings(sizes: Iterable[float]) -> GridSettings[float]:
    """Tolerances for a page whose glyphs have these sizes."""
    found = [s for s in sizes if s > 0]
    cs = statistics.median(found) if found else _DEFAULT_CHAR_SIZE
    return GridSettings(
        text_height=cs,
        snap=max(1.0, 0.2 * cs),
        bridge=max(1.0, 0.3 * cs),
        min_line=0.5 * cs,
        min_vline=0.5 * cs,
        intersection=max(1.0, 0.2 * cs),
        line_thickness=0.0,
        stitch=max(2.0, 0.4 * cs),
        space_gap=0.12 * cs,
        same_line=0.45 * cs,
        stream_gap=1.5 * cs,
        wrap_gap=0.8 * cs,
    )


# --- lattice: rules -> cells -> tables -------------------------------------------------


def ruling_edges(edges: Iterable[Edge], gs: GridSettings[float]) -> list[Edge]:
    """Horizontal and vertical rules, snapped and joined; strokes too short dropped."""
    long_enough = [
        e for e in edges
        if e["orientation"] in ("h", "v")
        and (e["x1"] - e["x0"] >= gs.min_line if e["orientation"] == "h" else e["bottom"] - e["top"] >= gs.min_vline)
    ]
    return list(merge_edges(long_enough, gs.snap, gs.snap, gs.bridge, gs.bridge))


def missing_frame_rules(edges: list[Edge], gs: GridSettings[float]) -> list[Edge]:
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


def lattice_tables(edges: list[Edge], gs: GridSettings[float]) -> list[list[Box[float]]]:
    """Cell boxes of each ruled table: intersections -> smallest cells -> connected tables."""
    points = edges_to_intersections(edges, gs.intersection, gs.intersection)
    cells = intersections_to_cells(points)
    return [[(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in t] for t in cells_to_tables(cells)]


# --- rotated pages: read upright, report in the displayed orientation -------------------


@dataclass(frozen=True)
class Frame:
    """A displayed page (width x height) whose text runs turned by `turn` degrees clockwise."""

    turn: int
    width: float
    height: float

    def upright(self, box: Box[float]) -> Box[float]:
        """A displayed box in the frame where the text reads left to right."""
        x0, top, x1, bottom = box
        if self.turn == 90:
            return (top, self.width - x1, bottom, self.width - x0)
        if self.turn == 180:
            return (self.width - x1, self.height - bottom, self.width - x0, self.height - top)
        if self.turn == 270:
            return (self.height - bottom, x0, self.height - top, x1)
        return box

    def displayed(self, box: Box[float]) -> Box[float]:
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

    @property
    def upright_width(self) -> float:
        return self.height if self.turn in (90, 270) else self.width


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
