"""A photographed sheet's bow taken out along its rules: each long rule's course is followed
(its ink traced on where a curled edge bends it too steeply for a ruling), and the page is
remapped so that every rule runs straight."""

from __future__ import annotations

import cv2
import numpy as np

# A bow is straightened only along rulings at least this share of the page long, and only
# when it moves them at least this many pixels somewhere.
_MIN_RULE_SPAN = 0.3
_MIN_BOW = 1.5
# A rule is traced on beyond its ruling's end through ink within this many pixels of where
# its course leads, over gaps this many columns wide at most; its slope is taken over this
# many columns of the ruling, and then of the ink traced (short, to follow a curl's bend).
_TRACE_REACH = 3
_TRACE_GAP = 3
_SLOPE_RUN = 30
_TRACED_SLOPE_RUN = 8


def _traced(ink: np.ndarray, xs: np.ndarray, ys: np.ndarray, forward: bool) -> tuple[list[int], list[float]]:
    """The rule's rows at the columns past one end of its fitted course (`xs`, `ys`), while
    its ink goes on: a sheet curling up at its edge bends the rules' ends down steeper than a
    ruling is found at (seed 2024's photo: its last column's cells lost, 9 values unread)."""
    h, w = ink.shape
    step = 1 if forward else -1
    run = slice(-_SLOPE_RUN, None) if forward else slice(0, _SLOPE_RUN)
    slope = float(np.polyfit(xs[run], ys[run], 1)[0]) * step
    x, y = int(xs[-1] if forward else xs[0]), float(ys[-1] if forward else ys[0])
    columns: list[int] = []
    rows: list[float] = []
    gap = 0
    while 0 <= x + step < w and gap <= _TRACE_GAP:
        x += step
        y += slope
        top, bottom = max(0, round(y) - _TRACE_REACH), min(h, round(y) + _TRACE_REACH + 1)
        inked = np.flatnonzero(ink[top:bottom, x])
        if not inked.size:
            gap += 1
            continue
        y, gap = top + float(inked.mean()), 0
        columns.append(x)
        rows.append(y)
        if len(rows) > _TRACED_SLOPE_RUN:
            slope = (rows[-1] - rows[-1 - _TRACED_SLOPE_RUN]) / (columns[-1] - columns[-1 - _TRACED_SLOPE_RUN]) * step
    return columns, rows


def _rule_curves(mask: np.ndarray, ink: np.ndarray, span: int) -> list[tuple[np.ndarray, float]]:
    """Each long rule of a horizontal-rule mask as its offset from straight at every column
    (a cubic fitted to its pixels, 0 at its middle; its traced ends as traced) and its mean row."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    curves = []
    columns = np.arange(mask.shape[1], dtype=np.float64)
    for i in range(1, count):
        x, y, width, height, _ = stats[i]
        if width < span:
            continue
        ys, xs = np.nonzero(labels[y:y + height, x:x + width] == i)
        # A cubic: a sheet curling up at one edge bends its rules there only.
        fit = np.polyfit((xs + x).astype(np.float64), (ys + y).astype(np.float64), 3)
        course_x = np.arange(x, x + width, dtype=np.float64)
        course_y = np.polyval(fit, course_x)
        along = np.polyval(fit, np.clip(columns, x, x + width - 1))
        for forward in (False, True):
            traced_x, traced_y = _traced(ink, course_x, course_y, forward)
            if traced_x:
                along[traced_x] = traced_y
                beyond = columns > traced_x[-1] if forward else columns < traced_x[-1]
                along[beyond] = traced_y[-1]
        middle = float(np.polyval(fit, x + width / 2))
        curves.append((along - middle, middle))
    return curves


def _offsets(mask: np.ndarray, ink: np.ndarray, span: int) -> np.ndarray | None:
    """Rows-by-columns offsets that take the rules of a horizontal-rule mask straight (each
    rule's own, linearly between rules, the nearest rule's beyond them); None if straight."""
    curves = sorted(_rule_curves(mask, ink, span), key=lambda c: c[1])
    if not curves or max(float(np.abs(c[0]).max()) for c in curves) < _MIN_BOW:
        return None
    rows = np.arange(mask.shape[0], dtype=np.float64)
    at = np.array([c[1] for c in curves])
    offsets = np.stack([c[0] for c in curves])  # rules x columns
    field = np.empty(mask.shape, np.float32)
    for column in range(mask.shape[1]):
        field[:, column] = np.interp(rows, at, offsets[:, column])
    return field


def straighten(bgr: np.ndarray, ink: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray) -> np.ndarray:
    """The page with a slight bow taken out: its horizontal rules (255 in `horizontal`) made
    straight rows and its vertical ones straight columns, the text between them moved along."""
    h, w = horizontal.shape
    down = _offsets(horizontal, ink, int(_MIN_RULE_SPAN * w))
    across = _offsets(np.ascontiguousarray(vertical.T), np.ascontiguousarray(ink.T), int(_MIN_RULE_SPAN * h))
    if down is None and across is None:
        return bgr
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    if down is not None:
        ys += down
    if across is not None:
        xs += across.T
    out: np.ndarray = cv2.remap(bgr, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out
