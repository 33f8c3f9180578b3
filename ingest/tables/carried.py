"""A table's row rules carried on along their dots, into a black-and-white page's label area.

On a fax (150 dpi, black and white) a table's hair-thin rules print as dashes over the value
columns and, over the label columns, often as dots and dashes up to a text height apart:
too far apart for the rulings' masks (joining dashes that far apart joins the strokes of a
line of text too), so the table's grid was found over its value columns only, and its labels
were lost (seed 8686 fax: section 三's three label columns; section 四's 行政复议 columns).

A row rule found over the value columns says where the line runs: from each of its ends the
line is followed dot by dot, each dot thin across the line with paper just beside it, and
no gap wider than the page's dot gap, up to the vertical rules it meets. The label area then
joins the table's web of rules, and the grid's check of dotted borders (dotted.py) parts its
cells."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np

from ingest.tables.components import components
from ingest.tables.dotted import ruled_by_dots
from ingest.tables.model import GridSettings, PixelBox

# A piece whose columns have ink just beside the line over more than this share of them is
# a character's stroke (a character's strokes stand a few pixels apart), not a rule's dot.
_BESIDE = 0.2
# Beside a column rule, print stands no nearer than this share of a text height (a cell's
# text is set clear of its rules).
_BESIDE_COLUMN = 0.25


def carried_rows(ink: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray,
                 tables: list[tuple[PixelBox, list[int]]], gs: GridSettings[int]) -> np.ndarray:
    """A mask of the stretches that carry each row rule of the `tables` (region, lines of its
    row rules) on from the ends of its run in `horizontal`, left and right along its dots, to
    the farthest vertical rule of `vertical` they reach."""
    out = np.zeros_like(ink)
    for (x0, _, x1, _), ys in tables:
        for y in ys:
            run = np.flatnonzero(horizontal[max(0, y - gs.snap):y + gs.snap + 1, x0:x1].any(axis=0))
            for start, step in ((x0 + int(run[0]), -1), (x0 + int(run[-1]), 1)):
                reached, at = _dots_run_to(ink, vertical, y, start, step, gs)
                end = _to_vertical(ink, vertical, at, start, reached, gs)
                cv2.line(out, (start, y), (end, at), 255, gs.line_thickness)
    return out


@dataclass(frozen=True)
class _Piece:
    """A piece of print on a line: its columns and the row of its middle (None: a vertical
    rule crossing the line)."""

    left: int
    width: int
    row: int | None


def _dots(strip: np.ndarray, gs: GridSettings[int]) -> list[_Piece]:
    """The pieces of `strip` (rows of the page about a line) that may be a rule's dots: thin
    across the line, with paper just beside them; upright strokes crossing the line are taken
    out first (a crossing rule is no dot, and would join the dots beside it into one piece)."""
    half = gs.rule_drift + gs.line_thickness
    reach = gs.rule_drift + 1
    upright = cv2.morphologyEx(strip, cv2.MORPH_OPEN, np.ones((2 * half + 2, 1), np.uint8))
    # Its jagged edge steps off it as far as a dash does.
    rim = cv2.dilate(upright, np.ones((1, 2 * gs.rule_drift + 1), np.uint8))
    _, _, stats = components(cv2.bitwise_and(strip, cv2.bitwise_not(rim)))
    pieces = []
    # As thin across the line as a dash (ruled_by_dots' measure).
    for x, top, width, height in stats[1:, :4]:
        if height > max(gs.line_thickness, 2) + 2 * gs.rule_drift:
            continue
        beside = np.zeros(width, bool)
        for first, last in ((max(0, top - reach), top), (top + height, top + height + reach)):
            beside |= (strip[first:last, x:x + width] > 0).any(axis=0)
        if beside.mean() <= _BESIDE:
            pieces.append(_Piece(int(x), int(width), int(top + height // 2)))
    return pieces


def _dots_run_to(ink: np.ndarray, vertical: np.ndarray, y: int, start: int, step: int,
                 gs: GridSettings[int]) -> tuple[int, int]:
    """How far from `start` (going left for step -1, right for +1) dots run on along the line
    at `y`, none more than the dot gap from the last and each within a dash's drift of the
    last (the line followed as it slants: a deskewed page keeps a pixel or two of slant over
    a label area), and the line's row there. The line runs on through the vertical rules
    crossing it (the dots beside a crossing are lost in its rim: the gap across it is two dot
    gaps and the rule's width)."""
    lo, hi = (0, start) if step < 0 else (start + 1, ink.shape[1])
    if hi <= lo:
        return start, y
    top = max(0, y - gs.snap)
    strip = np.ascontiguousarray(ink[top:y + gs.snap + 1, lo:hi])
    crossed = np.asarray(vertical[top:y + gs.snap + 1, lo:hi].any(axis=0))
    pieces = _dots(strip, gs) + [_Piece(int(run[0]), run.size, None) for run in _runs(crossed)]
    # Two dots stand up to a drift off the line each way, each as thick as the rule.
    steps = 2 * gs.rule_drift + gs.line_thickness
    reached, row = (hi - lo if step < 0 else 0), y - top
    for piece in sorted(pieces, key=lambda p: -(p.left + p.width) if step < 0 else p.left):
        near = piece.left + piece.width if step < 0 else piece.left
        if (reached - near if step < 0 else near - reached) > gs.dot_gap:
            break
        if piece.row is not None:
            if abs(piece.row - row) > steps:
                continue
            row = piece.row
        reached = min(reached, piece.left) if step < 0 else max(reached, near + piece.width)
    end = lo + reached if step < 0 else lo + reached - 1 if reached else start
    return end, top + row


def _runs(columns: np.ndarray) -> list[np.ndarray]:
    """The runs of set entries of a row of flags, each as its indices."""
    at = np.flatnonzero(columns)
    return [run for run in np.split(at, np.flatnonzero(np.diff(at) > 1) + 1) if run.size]


def _to_vertical(ink: np.ndarray, vertical: np.ndarray, y: int, start: int, end: int, gs: GridSettings[int]) -> int:
    """The carried line from `start` cut back to the farthest vertical rule crossing it (at
    `y` there), or meeting it within a dot gap past its last dot, over cell borders each
    ruled by dots as the grid's check has them (ruled_by_dots): a rule ends at a vertical
    rule, and dots past it are a cross's stub or a character's strokes; a run of dots through
    a label's characters (度 of 三、本年度办理结果 set one character a line, on a row's line:
    seed 7777 fax) is no border. `start` where it meets none."""
    if end < start:
        lo, hi = max(0, end - gs.dot_gap), start + 1
    else:
        lo, hi = start, min(vertical.shape[1], end + gs.dot_gap + 1)
    band = vertical[max(0, y - gs.snap):y + gs.snap + 1, lo:hi]
    crossings = [lo + int(run.mean()) for run in _runs(np.asarray(band.any(axis=0)))]
    reached = start
    for x in sorted(crossings, reverse=end < start):
        # A crossing within a snap of the last is the same rule.
        if abs(x - reached) > gs.snap and not ruled_by_dots(ink, y, min(reached, x), max(reached, x), False, gs):
            break
        reached = x
    return reached


def columns_between_rows(ink: np.ndarray, vertical: np.ndarray, tables: list[tuple[PixelBox, list[int]]],
                         gs: GridSettings[int]) -> np.ndarray:
    """A mask of the column rules the masks lost within the `tables` (region, lines of its row
    rules) over a row at least two of their shortest rules tall (a header's, its text wrapped):
    dashes no more than a dash gap apart running from the row's rule above to its rule below,
    with paper beside them.

    Each dash is shorter than a vertical rule's least length (seed 8686 fax: section 四's rule
    between the columns of 复议后起诉's 结果维持 and 结果纠正, dashes 20-33 px long, 3 px apart,
    where a rule is 37): the columns run together, and the row's values with the header
    shifted a column were read unflagged. No character's stroke, nor two wrapped lines' strokes
    one above the other, reaches from rule to rule of a row so tall."""
    out = np.zeros_like(ink)
    half = gs.rule_drift + gs.line_thickness
    reach = max(2, round(gs.text_height * _BESIDE_COLUMN))
    widest = gs.line_thickness + 4 * gs.rule_drift
    for (x0, _, x1, _), ys in tables:
        for top, bottom in pairwise(ys):
            if bottom - top < 2 * gs.min_vline or top < half:
                continue
            # The rules above and below included: a dash meets them across a dash gap.
            window = ink[top - half:bottom + half + 1, x0:x1]
            closed = cv2.morphologyEx(cv2.dilate(window, np.ones((1, 2 * gs.rule_drift + 1), np.uint8)),
                                      cv2.MORPH_CLOSE, np.ones((gs.dash_gap, 1), np.uint8))
            for run in _runs(np.asarray(closed[2 * half:-2 * half].all(axis=0))):
                if run.size > widest:
                    continue
                x = x0 + int(run[0] + run[-1]) // 2
                if _found_along(vertical, x, top, bottom, gs):
                    continue
                left = ink[top:bottom, max(0, x - widest - reach):max(0, x - widest)]
                right = ink[top:bottom, x + widest + 1:x + widest + reach + 1]
                inked = (left > 0).any(axis=1) | (right > 0).any(axis=1)
                if inked.mean() <= _BESIDE:
                    out[top:bottom + 1, x - gs.line_thickness // 2:x - gs.line_thickness // 2 + gs.line_thickness] = 255
    return out


def _found_along(vertical: np.ndarray, x: int, top: int, bottom: int, gs: GridSettings[int]) -> bool:
    """Whether the vertical mask has a rule near `x` over most of the row already."""
    band = vertical[top:bottom, max(0, x - gs.snap):x + gs.snap + 1].any(axis=1)
    return float(band.mean()) >= gs.edge_coverage
