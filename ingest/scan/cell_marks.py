"""A table cell's marks: its interior inside the rules, the text lines of its ink, and marks
that run on past the interior (cut by the inset) or across a row rule (not print)."""

from __future__ import annotations

import cv2
import numpy as np

from ingest.scan.lines import cell_lines, without_rule_rests
from ingest.tables.model import GridSettings
from ingest.tables.model import PixelBox as Box
from ingest.tables.regions import Rulings

# Rows beyond a cell's interior looked at for a mark running on (clear of the rule's own ink),
# and from inside its edge for a stroke across the rule; the ink this far round a row rule is
# the rule's (its rims), not a mark's.
EDGE_ROWS = 2
RULE_RIM = 3
# Inked pixels a character's specks hold at least.
_CHARACTER_SPECKS = 3


def cell_interior(box: Box, ox: int, oy: int, gs: GridSettings[int], painted: bool) -> Box:
    """A cell's box from (ox, oy) inside its rules; just inside `painted`-out rules (small print comes close)."""
    inset = (gs.line_thickness + 1) // 2 + 1 if painted else gs.line_thickness + 2
    x0, y0, x1, y1 = box[0] - ox, box[1] - oy, box[2] - ox, box[3] - oy
    return (x0 + inset, y0 + inset, max(x0 + inset + 1, x1 - inset), max(y0 + inset + 1, y1 - inset))


def cut_by_inset(ink: np.ndarray, interior: Box, marks: list[Box]) -> bool:
    """Whether a mark of a cell's `interior` (`marks` within it) runs on past its top or bottom:
    ink just beyond it under the mark. A value set low or high in its cell is read cut through
    (seed 3907's turned scan: a 3 cut in half, read 2 by both engines, unflagged)."""
    x0, y0, _, y1 = interior
    for lx0, ly0, lx1, ly1 in marks:
        columns = slice(x0 + lx0, x0 + lx1)
        if (ly1 >= y1 - y0 and ink[y1:y1 + EDGE_ROWS, columns].any()) or (
                ly0 <= 0 and ink[max(0, y0 - EDGE_ROWS):y0, columns].any()):
            return True
    return False


def _thin_marks(region: np.ndarray, gs: GridSettings[int]) -> list[Box]:
    """The box of a cell's marks drawn in strokes too thin to survive the speck filter (a "2"
    of a faint 150 dpi scan): marks a third of a character tall clear of the cell's sides,
    where rests of vertical rules lie (a low row's text may touch its top or bottom).
    Read rather than called blank: a missed value is the worst error."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    w = region.shape[1]
    marks = [(x, y, x + cw, y + ch) for x, y, cw, ch, _ in stats[1:count]
             if ch >= gs.text_height // 3 and x > 0 and x + cw < w]
    if not marks:
        return []
    return [(min(m[0] for m in marks), min(m[1] for m in marks), max(m[2] for m in marks), max(m[3] for m in marks))]


def cell_ink(ink: np.ndarray, gs: GridSettings[int], inner: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """A cell's ink (interior) with specks opened away, and that ink without rule rests
    (`inner`: where a merged cell's dropped inner rules would run)."""
    opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return opened, without_rule_rests(opened, gs.line_thickness + 4, inner, gs.text_height)


def cell_marks(ink: np.ndarray, region: np.ndarray, gs: GridSettings[int]) -> list[Box]:
    """The text lines of a cell's `region` (its ink without rests and specks); else the box
    of the thin marks of its raw `ink`, if any."""
    return cell_lines(region, gs.text_height) or _thin_marks(ink, gs)


def specks_like_a_character(ink: np.ndarray, gs: GridSettings[int]) -> bool:
    """Whether a cell's specks, with no mark among them, gather as a character's would: a few
    inked pixels clear of the cell's sides, together at least a third of a character tall and
    at most one wide (a light face's "0" faxed to dots: seed 8641's faxes, zeros called blank,
    surely)."""
    h, w = ink.shape
    margin = EDGE_ROWS + RULE_RIM
    ys, xs = np.nonzero(ink[margin:h - margin, margin:w - margin])
    if ys.size < _CHARACTER_SPECKS:
        return False
    return bool(ys.max() - ys.min() + 1 >= gs.text_height // 3 and xs.max() - xs.min() + 1 <= gs.text_height)


def row_rule_strokes(ink: np.ndarray, rulings: Rulings, box: Box, interior: Box, marks: list[Box],
                     thickness: int) -> tuple[bool, set[int]]:
    """Whether a stroke runs on from a cell's marks across its top or bottom rule into the next
    row, and which marks (indexes) reach the interior's edge where it crosses: the stroke's own
    part in the cell. A stroke is one line of `ink`, bridged over the rule's rows only, from the
    interior's edge under a mark to past the rule (`box`, the cell's rules; `rulings` and
    `interior` from the same origin). Print keeps within its cell; a reader's pen tick across
    a rule does not, and its stroke read beside a digit made "0" a sure "0.1" (seed 6363's image)."""
    x0, y0, _, y1 = interior
    past = thickness // 2 + RULE_RIM + EDGE_ROWS
    crossed, strokes = False, set()
    for i, (lx0, ly0, lx1, ly1) in enumerate(marks):
        columns = slice(x0 + lx0, x0 + lx1)
        edges = (((y1 - EDGE_ROWS, box[3] + past), ly1 >= y1 - y0 - EDGE_ROWS),
                 ((max(0, box[1] - past), y0 + EDGE_ROWS), ly0 <= EDGE_ROWS))
        for (top, bottom), reaching in edges:
            if _stroke_across(ink, rulings, slice(top, bottom), columns):
                crossed = True
                if reaching:
                    strokes.add(i)
    return crossed, strokes


def _stroke_across(ink: np.ndarray, rulings: Rulings, rows: slice, columns: slice) -> bool:
    """Whether one stroke of ink runs from the window's first rows to its last over a row rule."""
    rule = rulings.horizontal[rows, columns].any(axis=1)
    # Off the column rules too: one meeting the row rule is no stroke across it.
    window = cv2.bitwise_and(ink[rows, columns], cv2.bitwise_not(
        cv2.bitwise_or(rulings.horizontal[rows, columns], rulings.vertical[rows, columns])))
    window[rule] = 0
    # No ink at either end: nothing runs from one to the other (most marks, well inside their cells).
    if window.shape[0] <= 2 * EDGE_ROWS or not rule.any() or not window[:EDGE_ROWS].any() \
            or not window[-EDGE_ROWS:].any():
        return False
    bridged = cv2.morphologyEx(window, cv2.MORPH_CLOSE, np.ones((int(rule.sum()) + 2, 1), np.uint8))
    _, labels = cv2.connectedComponents(bridged)
    return bool(np.intersect1d(labels[:EDGE_ROWS][window[:EDGE_ROWS] > 0],
                               labels[-EDGE_ROWS:][window[-EDGE_ROWS:] > 0]).size)
