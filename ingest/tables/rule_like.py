"""Marks that an opening keeps as rules but that are none: the strokes of a line of small
print closed up into rule-long runs. The filter takes a mask of runs along one axis and gives
it back without them.
"""

from __future__ import annotations

import cv2
import numpy as np

from ingest.tables.components import components
from ingest.tables.model import GridSettings

# A solid run so (measured on 150-200-dpi black-and-white pages: rules at most 0.36, strokes of
# a line of text lined up at least 0.6) is text too.
STROKES = 0.5
# ... and no longer than this many characters (strokes line up over a few characters; a rule
# runs the width of a cell at least).
_STROKE_CHARS = 5
# A dashed run with ink on both sides over more than this share of its length is text.
_FLANKED = 0.3
# An upright run of a gray page with text beyond both its edges over more than this share of
# its rows is strokes (measured on seed 8641's turned gray scan 7: rules at most 0.12, strokes
# of characters lined up in low rows from 0.27).
_BESIDE_TEXT = 0.2


def without_strokes(lines: np.ndarray, ink: np.ndarray, gs: GridSettings[int], upright: bool = False) -> np.ndarray:
    """Horizontal (or `upright`) `lines` less the runs that are strokes of a line of text: in
    small print a character's strokes close up with the next one's (a pixel or two apart) into
    runs as long as a rule, but ink lies on both sides of them over most of their length,
    inside the characters, where a rule has paper on one side at least. On a gray page of
    larger print, upright strokes of characters lined up in low rows run on through the rules
    between into runs as long: ink lies beside them, and beside a rule's edges hardly ever."""
    if not gs.strokes_join and not upright:
        # Larger print on a gray page leaves its characters apart along a line, and a row
        # rule between low rows has their print close above and below it.
        return lines
    count, labels, stats = components(lines)
    length = stats[:, cv2.CC_STAT_HEIGHT if upright else cv2.CC_STAT_WIDTH]
    short = length <= _STROKE_CHARS * gs.text_height
    short[0] = False
    if not short.any():
        return lines
    # Only the runs' own pixels are looked at (a page's rules are a sliver of it): the flanks
    # of every pixel of the page cost a large share of finding its rulings.
    ys, xs = np.nonzero(labels)
    owner = labels[ys, xs]
    if gs.strokes_join:
        flanked = np.bincount(owner, weights=inked_both_sides_at(ink, gs, ys, xs, upright), minlength=count)
        strokes = short & (flanked > STROKES * np.maximum(stats[:, cv2.CC_STAT_AREA], 1))
    else:
        strokes = short & (_text_beside(labels, ys, xs, owner, count, ink, gs) > _BESIDE_TEXT)
    if not strokes.any():
        return lines
    out = lines.copy()
    hit = strokes[owner]
    out[ys[hit], xs[hit]] = 0
    return out


def _text_beside(labels: np.ndarray, ys: np.ndarray, xs: np.ndarray, owner: np.ndarray, count: int,
                 ink: np.ndarray, gs: GridSettings[int]) -> np.ndarray:
    """For each upright run (`labels`; its pixels `ys`, `xs`, `owner`): the share of its rows
    with ink within a third of a character beyond both its edges. Measured from the edges, a
    gray page's rule three pixels thick is no more flanked than a thin one (measured from each
    pixel, its middle column is flanked by the rule itself: seed 8641's rules at 0.33-0.50,
    its strokes from 0.49; from the edges, rules at most 0.12, strokes from 0.27)."""
    height, width = labels.shape
    reach, near = _ink_within_reach(ink, gs, upright=True)
    off = gs.rule_drift + 2 + reach // 2
    row = owner.astype(np.int64) * height + ys
    sides = []
    for step in (-1, 1):
        beyond = xs + step
        edge = (beyond < 0) | (beyond >= width)
        edge[~edge] = labels[ys[~edge], beyond[~edge]] != owner[~edge]
        at = xs[edge] + step * off
        inside = (at >= 0) & (at < width)
        inked = np.zeros(int(edge.sum()), bool)
        inked[inside] = near[ys[edge][inside], at[inside]]
        sides.append((np.unique(row[edge]), np.unique(row[edge][inked])))
    (rows, left), (_, right) = sides
    both = np.intersect1d(left, right, assume_unique=True)
    return np.bincount(both // height, minlength=count) / np.maximum(np.bincount(rows // height, minlength=count), 1)


def _ink_within_reach(ink: np.ndarray, gs: GridSettings[int], upright: bool) -> tuple[int, np.ndarray]:
    """A third of a character (`reach`), and the pixels with ink within half of it to their
    left or right (beside an `upright` run), or above or below (beside a horizontal one)."""
    reach = max(2, gs.text_height // 3)
    return reach, cv2.dilate(ink, np.ones((1, reach) if upright else (reach, 1), np.uint8)) > 0


def inked_both_sides_at(ink: np.ndarray, gs: GridSettings[int], ys: np.ndarray, xs: np.ndarray,
                        upright: bool = False, either: bool = False) -> np.ndarray:
    """For pixels (ys, xs): 1 where there is ink both within a third of a character above the
    pixel and below it (left and right of it, `upright`), past the drift (inside a line of
    text), else 0; with `either`, ink on one side is enough (the edge of a line of text)."""
    reach, near = _ink_within_reach(ink, gs, upright)
    off = gs.rule_drift + 1 + reach // 2
    along, limit = (xs, ink.shape[1]) if upright else (ys, ink.shape[0])
    before, after = along - off, along + off
    ok = (before >= 0) & (after < limit)
    both = np.zeros(len(ys), np.float64)
    side = np.logical_or if either else np.logical_and
    if upright:
        both[ok] = side(near[ys[ok], before[ok]], near[ys[ok], after[ok]])
    else:
        both[ok] = side(near[before[ok], xs[ok]], near[after[ok], xs[ok]])
    return both


def runs_from_crossing(ink: np.ndarray, on: np.ndarray, starts: np.ndarray, at: np.ndarray, run: np.ndarray,
                   crossing: np.ndarray, gs: GridSettings[int]) -> np.ndarray:
    """Which dashed runs (by number; `run` of the flat pixels `at`, `starts` their first pixels)
    start or end within a dash gap of a crossing rule with paper on at least one side over most
    of their length: a hair-thin rule's rest meeting the rule across it, not text."""
    count = int(run[-1]) + 1 if run.size else 1
    # Runs that start or end (in run order, as the starts) within a dash gap of a crossing rule.
    ends = on.copy()
    ends[:, :-1] &= ~on[:, 1:]
    width = 2 * gs.rule_drift + 1
    reach = cv2.dilate(crossing, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * gs.dash_gap + 1, width))) > 0
    met = np.zeros(count, bool)
    met[1:] = reach[starts] | reach[ends]
    lengths = np.bincount(run, minlength=count)
    # Only the runs meeting a crossing rule are looked around (every run's: seed 5151's 446 MB peak).
    mine = met[run]
    ys, xs = np.divmod(at[mine], on.shape[1])
    flanked = np.bincount(run[mine], weights=inked_both_sides_at(ink, gs, ys, xs), minlength=count)
    return met & (flanked <= _FLANKED * np.maximum(lengths, 1))
