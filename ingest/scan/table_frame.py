"""A table's outer frame seen in perspective (a close-up photo of a table, no sheet's edges in
sight): found as the hull of the table's web of rules, and squared by it."""

from __future__ import annotations

import cv2
import numpy as np

from ingest.scan.quads import MIN_ANGLE, corner_angles, quad_of, small_gray
from ingest.scan.ruled_square import warped_whole
from ingest.tables.components import components

# No sheet found: a table frame this large (share of the image) whose corners are this many
# degrees off square is a close-up seen in perspective (a scanner's frame is square to 0.2°).
_FRAME_SIDE = 2000
_MIN_FRAME_AREA = 0.1
# Of the frame's hull, this share lies on its rules: a bowed sheet's frame bends off its
# hull's sides (seed 5757's photo 3, flattened: 0.84; seed 1357's photo 7: 0.83; a paragraph's
# hull or a desk's band 0.34-0.64).
_MIN_FRAME_RULED = 0.8
# ... or as much of each side, one of them bowed: its rule counted this far off the hull's side
# (share of the web's shorter side), as far as a curled sheet bows its frame. Seed 7058's photo
# 4, no sheet's edge in sight, bowed its frame's top 15 px off the hull's 1,120 px side: 0.15 of
# it a few pixels across, the frame's mean 0.79, it was read unsquared and its rows parted from
# their labels (85 cells lost, flagged). The reach is for one side only: every side given it,
# the webs of a page's rim and shadows passed for frames on 11 photos and browser scans of
# other seeds; so, of 434 scans, photos and images of every seed here only that photo changed.
_BOW = 0.015
# A hull whose two corners away from its worst-ruled side are square (to this many degrees)
# while the others are not is a square-on table's web bulged on that side by something else,
# not a frame in perspective (which turns every corner, or the two of a side): the web of a
# table's last row and the next table, narrower (seed 5757's scanned PDF 3: squared, two rows
# lost), a seal stamped over a table's side (seed 6203's scanned PDF 1, the hull's corners 89.7,
# 115.7, 64.1 and 90.5°: squared, section 四's columns lost).
_SQUARE = 1.0
# ... where that side is ruled less than this: a hull ruled all round has no bulged side, its
# corners' angles its perspective (seed 1515's photo 1, its sheet's edges out of the picture,
# 91.6, 89.5, 89.1 and 89.8°, every side ruled whole: read unsquared, section 四's value row
# was cut off the table by its slope, 16 cells lost).
_BULGED_RULED = 0.9
_MIN_PERSPECTIVE = 1.0


def _ruled_shares(mask: np.ndarray, quad: np.ndarray) -> list[float]:
    """Share of points along each side of the quadrilateral (from corner i to i + 1) that lie on the mask."""
    shares = []
    for i in range(4):
        points = quad[i] + np.linspace(0.03, 0.97, 40)[:, None] * (quad[(i + 1) % 4] - quad[i])
        xy = np.clip(np.round(points), 0, [mask.shape[1] - 1, mask.shape[0] - 1]).astype(int)
        shares.append(float(np.mean(mask[xy[:, 1], xy[:, 0]] > 0)))
    return shares


def _bowed_frame(web: np.ndarray, quad: np.ndarray, shares: list[float]) -> bool:
    """Whether the hull's sides lie on the web's rules (`shares`, a few pixels across) all
    but one, and that one within a bow's reach (`_BOW`)."""
    worst = int(np.argmin(shares))
    reach = 2 * max(3, round(_BOW * min(web.shape))) + 1
    bowed = _ruled_shares(cv2.dilate(web, np.ones((reach, reach), np.uint8)), quad)[worst]
    return min(bowed, *(share for i, share in enumerate(shares) if i != worst)) >= _MIN_FRAME_RULED


def rim_points(mask: np.ndarray) -> np.ndarray:
    """The points of a mask that may lie on its convex hull, as findNonZero gives points: each
    row's first and last, and all of its top and bottom rows (a point inside a row has points
    either side of it, so a supporting line through it runs along its row). Its hull is the
    mask's, for a fraction of the points to sort (a table's web holds some 100,000)."""
    rows = np.flatnonzero(mask.any(axis=1))
    first = mask[rows].argmax(axis=1)
    last = mask.shape[1] - 1 - mask[rows, ::-1].argmax(axis=1)
    edges = [np.column_stack([np.flatnonzero(mask[row]), np.full(np.count_nonzero(mask[row]), row)])
             for row in (rows[0], rows[-1])]
    points = np.unique(np.concatenate([np.column_stack([rows, first]), np.column_stack([rows, last]),
                                       *(edge[:, ::-1] for edge in edges)]), axis=0)
    # In findNonZero's order (row by row, left to right): the hull starts where it would.
    return np.ascontiguousarray(points[:, ::-1]).astype(np.int32).reshape(-1, 1, 2)


def find_frame(bgr: np.ndarray) -> np.ndarray | None:
    """The corners of the largest ruled table's outer frame when it is seen in perspective
    (corners off square); None for a table seen square-on, as a scanner sees it.

    A ruled table is one connected web of ink, its hull the frame; the frame's four sides lie
    on ink all along (the band of a desk's edge or a paragraph's hull does not)."""
    scale = min(1.0, _FRAME_SIDE / max(bgr.shape[:2]))
    gray = small_gray(bgr, scale)
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 8)
    joined = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    h, w = joined.shape
    _, labels, stats = components(joined)
    spans = stats[1:, cv2.CC_STAT_WIDTH] * stats[1:, cv2.CC_STAT_HEIGHT]
    best: tuple[float, np.ndarray] | None = None
    for i in np.argsort(-spans)[:3] + 1:
        x, y, cw, ch, _ = (int(v) for v in stats[i])
        if cw * ch < _MIN_FRAME_AREA * h * w:
            break
        web = (labels[y:y + ch, x:x + cw] == i).astype(np.uint8)
        quad = quad_of(rim_points(web))
        # A few pixels' tolerance: the hull's corners stand on the frame's outer edge.
        if quad is None:
            continue
        shares = _ruled_shares(cv2.dilate(web, np.ones((7, 7), np.uint8)), quad)
        angles = corner_angles(quad)
        worst = int(np.argmin(shares))
        bulged = (shares[worst] < _BULGED_RULED and max(abs(a - 90) for a in angles) >= _MIN_PERSPECTIVE
                  and all(abs(angles[(worst + k) % 4] - 90) <= _SQUARE for k in (2, 3)))
        if bulged or (float(np.mean(shares)) < _MIN_FRAME_RULED and not _bowed_frame(web, quad, shares)):
            continue
        area = cv2.contourArea(quad)
        if best is None or area > best[0]:
            best = (area, quad + np.array([x, y], np.float32))
    if best is None:
        return None
    deviation = max(abs(a - 90) for a in corner_angles(best[1]))
    return best[1] / scale if _MIN_PERSPECTIVE <= deviation <= 90 - MIN_ANGLE else None


def square_frame(bgr: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The whole image warped so that the table frame inside `corners` is a rectangle as
    large as its longer sides (text beside the table lies in the same plane and comes along)."""
    sides = [float(np.linalg.norm(corners[(i + 1) % 4] - corners[i])) for i in range(4)]
    width, height = max(sides[0], sides[2]), max(sides[1], sides[3])
    x0, y0 = corners[0]
    target = np.array([[x0, y0], [x0 + width, y0], [x0 + width, y0 + height], [x0, y0 + height]], np.float32)
    return warped_whole(bgr, cv2.getPerspectiveTransform(corners.astype(np.float32), target))
