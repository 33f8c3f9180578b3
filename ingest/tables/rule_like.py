"""Marks that an opening keeps as rules but that are none: the strokes of a line of small
print closed up into rule-long runs. The filter takes a mask of runs along one axis and gives
it back without them.
"""

from __future__ import annotations

import cv2
import numpy as np

from ingest.tables.model import GridSettings

# A solid run so (measured on 150-200-dpi black-and-white pages: rules at most 0.36, strokes of
# a line of text lined up at least 0.6) is text too.
_STROKES = 0.5
# ... and no longer than this many characters (strokes line up over a few characters; a rule
# runs the width of a cell at least).
_STROKE_CHARS = 5


def without_strokes(lines: np.ndarray, ink: np.ndarray, gs: GridSettings[int], upright: bool = False) -> np.ndarray:
    """Horizontal (or `upright`) `lines` less the runs that are strokes of a line of text: in
    small print a character's strokes close up with the next one's (a pixel or two apart) into
    runs as long as a rule, but ink lies on both sides of them over most of their length,
    inside the characters, where a rule has paper on one side at least."""
    if not gs.strokes_join:
        # Larger print on a gray page leaves its characters apart, and measured, rules there
        # (a seal's rest beside them) lay as flanked as strokes.
        return lines
    if upright:
        across = without_strokes(np.ascontiguousarray(lines.T), np.ascontiguousarray(ink.T), gs)
        return np.ascontiguousarray(across.T)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    flanked = np.bincount(labels.ravel(), weights=inked_both_sides(ink, gs).ravel(), minlength=count)
    strokes = (flanked > _STROKES * np.maximum(stats[:, cv2.CC_STAT_AREA], 1)) \
        & (stats[:, cv2.CC_STAT_WIDTH] <= _STROKE_CHARS * gs.text_height)
    strokes[0] = False
    if not strokes.any():
        return lines
    return np.where(strokes[labels], 0, lines).astype(np.uint8)


def inked_both_sides(ink: np.ndarray, gs: GridSettings[int]) -> np.ndarray:
    """1 where there is ink both within a third of a character above a pixel and below it,
    past the drift (inside a line of text), else 0."""
    reach = max(2, gs.text_height // 3)
    near = cv2.dilate(ink, np.ones((reach, 1), np.uint8)) > 0
    off = gs.rule_drift + 1 + reach // 2
    above = np.zeros_like(near)
    below = np.zeros_like(near)
    above[off:] = near[:-off]
    below[:-off] = near[off:]
    return (above & below).astype(np.float32)
