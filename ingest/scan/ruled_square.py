"""A photographed page squared by its table rulings: the straight runs of its rules found, their
two vanishing points fitted (where the rules across meet, where the rules down meet), and the page
warped so that both families run straight across and down, square to each other.

Used where the sheet's outline misleads: a sheet the frame cuts and that curls shows sides
that are no straight edges of a rectangle (seed 871: a curled bottom edge, taken as the
direction of the hidden top one, sheared the page by 8°; no table was found)."""

from __future__ import annotations

import math

import cv2
import numpy as np

# Rulings are looked for at this size (longest side, pixels).
_WORK_SIDE = 1600
# A straight run counts from this share of the work image's longer side: a rule between two
# crossings (a table row is ~2 % of the page) counts; the text strokes that pass too run
# level or upright on the page as its rules do.
_MIN_SEGMENT = 0.015
# Runs within this share of the side from the image's border are the sheet's or the fill's edge.
_BORDER = 0.03
# Rules within this many degrees of their family's (length-weighted) median direction belong to it.
_FAMILY_SPREAD = 4.0
# Each family needs this much rule length (share of the work image's longer side).
_MIN_FAMILY_LENGTH = 1.5
# Rules across and down more than this many degrees off square are sheared. Measured on the
# flattened sheets of bench photos (seeds 871, 885, 889): 0.0-1.6° on 12 of them; 7.9° where
# a curled side was taken for straight (871's third), 2.7° where a hidden side was guessed
# parallel to the one opposite under a tilted phone (889's eighth).
_MAX_SHEAR = 2.0

Families = tuple[np.ndarray, np.ndarray]


def _segments(gray: np.ndarray) -> np.ndarray:
    """Straight segments (x1, y1, x2, y2) on the page, off its border."""
    found = cv2.createLineSegmentDetector().detect(gray)[0]
    if found is None:
        return np.zeros((0, 4), np.float64)
    segs = found.reshape(-1, 4).astype(np.float64)
    h, w = gray.shape
    band = _BORDER * max(h, w)
    xs, ys = segs[:, [0, 2]], segs[:, [1, 3]]
    inside = (xs.min(axis=1) > band) & (xs.max(axis=1) < w - band) & (ys.min(axis=1) > band)
    inside &= ys.max(axis=1) < h - band
    kept: np.ndarray = segs[(_length(segs) >= _MIN_SEGMENT * max(h, w)) & inside]
    return kept


def _angle(segs: np.ndarray) -> np.ndarray:
    degrees: np.ndarray = np.degrees(np.arctan2(segs[:, 3] - segs[:, 1], segs[:, 2] - segs[:, 0]))
    return degrees


def _length(segs: np.ndarray) -> np.ndarray:
    length: np.ndarray = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    return length


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _families(gray: np.ndarray) -> tuple[Families, tuple[float, float]] | None:
    """The rules across and the rules down, each within a few degrees of its family's main
    direction, and those directions (degrees: 0 level, 90 upright); None when either family
    is too short to tell."""
    segs = _segments(gray)
    angle = _angle(segs) % 180
    down = (angle >= 45) & (angle <= 135)
    least = _MIN_FAMILY_LENGTH * max(gray.shape)
    families, directions = [], []
    for family, level in ((segs[~down], 0.0), (segs[down], 90.0)):
        off = (_angle(family) - level + 90) % 180 - 90
        length = _length(family)
        if length.sum() < least:
            return None
        main = _weighted_median(off, length)
        keep = np.abs(off - main) <= _FAMILY_SPREAD
        if length[keep].sum() < least:
            return None
        families.append(family[keep])
        directions.append(level + float(np.average(off[keep], weights=length[keep])))
    return (families[0], families[1]), (directions[0], directions[1])


def _work_gray(bgr: np.ndarray) -> tuple[np.ndarray, float]:
    scale = min(1.0, _WORK_SIDE / max(bgr.shape[:2]))
    small = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), scale


def rule_directions(bgr: np.ndarray) -> tuple[float, float] | None:
    """Main directions (degrees) of the page's rules across (0 = level) and down (90 =
    upright), or None when it has too few long rules to tell."""
    found = _families(_work_gray(bgr)[0])
    return None if found is None else found[1]


def _vanishing_point(segs: np.ndarray, norm: np.ndarray) -> np.ndarray:
    """The point (homogeneous, in `norm`ed coordinates) the segments' lines pass nearest,
    each weighed by its length; at infinity for parallel lines."""
    ones = np.ones((len(segs), 1))
    lines = np.cross(np.hstack([segs[:, :2], ones]) @ norm.T, np.hstack([segs[:, 2:], ones]) @ norm.T)
    lines /= np.linalg.norm(lines[:, :2], axis=1, keepdims=True)
    weighted = lines * np.sqrt(_length(segs))[:, None]
    _, _, vt = np.linalg.svd(weighted)
    point: np.ndarray = vt[-1]
    return point


def _squaring(families: Families, shape: tuple[int, int]) -> np.ndarray | None:
    """The homography (pixels of an image of `shape`: height, width) that takes the rules
    across to level lines and the rules down to upright ones; None for a degenerate fit."""
    across, down = families
    h, w = shape
    side = max(h, w) / 2
    # Coordinates centred and scaled to about ±1, for a well-conditioned fit.
    norm = np.array([[1 / side, 0, -w / 2 / side], [0, 1 / side, -h / 2 / side], [0, 0, 1]])
    level_point, upright_point = _vanishing_point(across, norm), _vanishing_point(down, norm)
    horizon = np.cross(level_point, upright_point)
    if abs(horizon[2]) < 1e-9:
        return None  # the line through both points runs through the middle: no view of a page
    # The vanishing line sent to infinity: each family becomes parallel lines.
    projective = np.array([[1, 0, 0], [0, 1, 0], horizon / horizon[2]])
    directions = []
    for point, axis in ((level_point, 0), (upright_point, 1)):
        mapped = projective @ point
        direction = mapped[:2] / max(float(np.linalg.norm(mapped[:2])), 1e-12)
        # Left to right, top to bottom: the page is not turned over.
        directions.append(direction if direction[axis] >= 0 else -direction)
    # Then each family's direction taken to its axis.
    affine = np.eye(3)
    affine[:2, :2] = np.linalg.inv(np.column_stack(directions))
    matrix: np.ndarray = np.linalg.inv(norm) @ affine @ projective @ norm
    return matrix


def warped_whole(bgr: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """The whole image warped by the homography `matrix`, moved into view and kept no larger
    than it was (a photo's far side comes out enlarged); paper white where nothing maps."""
    h, w = bgr.shape[:2]
    edge = cv2.perspectiveTransform(np.array([[[0, 0], [w, 0], [w, h], [0, h]]], np.float32), matrix)[0]
    low = edge.min(axis=0)
    size = edge.max(axis=0) - low
    shrink = min(1.0, math.sqrt(w * h / max(float(size[0] * size[1]), 1.0)))
    move = np.array([[shrink, 0, -low[0] * shrink], [0, shrink, -low[1] * shrink], [0, 0, 1]])
    out: np.ndarray = cv2.warpPerspective(bgr, move @ matrix, (int(size[0] * shrink), int(size[1] * shrink)),
                                          flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    return out


def _shear(found: tuple[Families, tuple[float, float]]) -> float:
    """Degrees the rules across and down stand off square to each other."""
    level, upright = found[1]
    return abs(upright - level - 90)


def unsheared(bgr: np.ndarray) -> np.ndarray:
    """The flattened page as it is when its rules across and down stand square to each other
    (a skew is the reader's to take out); squared by its rulings when they are sheared, as a
    sheet's outline curled or cut by the frame leaves them (kept as it is if squaring leaves
    them no squarer: rules too bent to fit)."""
    gray, scale = _work_gray(bgr)
    found = _families(gray)
    if found is None or _shear(found) <= _MAX_SHEAR:
        return bgr
    matrix = _squaring(found[0], (gray.shape[0], gray.shape[1]))
    if matrix is None:
        return bgr
    to_work = np.diag([scale, scale, 1.0])
    squared = warped_whole(bgr, np.linalg.inv(to_work) @ matrix @ to_work)
    after = _families(_work_gray(squared)[0])
    return squared if after is not None and _shear(after) < _shear(found) / 2 else bgr
