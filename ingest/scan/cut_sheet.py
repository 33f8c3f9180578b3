"""A photographed sheet that the frame cuts (taken close, or a side of it beyond the picture):
its corners found from the sides it shows against the desk.

The sheet's outline then runs partly along the image's border. The stretches off the border
are the sheet's own sides: with all four in view, adjacent sides meet at the corners (some of
them outside the picture); with three, the fourth (hidden) side is taken parallel to the
middle one, through the farthest point of the sheet in view, so that what the photo shows of
the sheet is flattened (no more is known of it).

A corner the photo hides inside the frame (the phone's shadow over it, darker than the desk
around) cuts the sheet's outline short there: a short side across the corner between two
long ones, which meet where the corner is.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

# Consecutive outline edges turning less than this (degrees) are one side (a bowed sheet's
# side is a gentle curve; a shadow's notch in the paper, bridged by the hull, bends it too);
# a sheet's corner turns by 55° or more.
_SIDE_TURN = 30.0
# A side shows at least this share of the image's longer side (shorter runs are a corner's
# rounding or a desk thing's notch).
_MIN_SIDE = 0.08
# A corner lies at most this share of the image's longer side beyond it.
_MAX_BEYOND = 0.25
# The outline is simplified to this share of its perimeter.
_APPROX = 0.004
# A hidden corner restores at most this share of the sheet (a shadow over a corner; more is
# a guess at paper no one saw).
_MAX_HIDDEN_CORNER = 0.1


def _borders(point: np.ndarray, w: int, h: int, margin: float) -> set[str]:
    """Which image borders a point lies on (within `margin`)."""
    x, y = float(point[0]), float(point[1])
    near = {"left": x <= margin, "right": x >= w - 1 - margin, "top": y <= margin, "bottom": y >= h - 1 - margin}
    return {side for side, on in near.items() if on}


def _direction(a: np.ndarray, b: np.ndarray) -> float:
    return math.degrees(math.atan2(float(b[1] - a[1]), float(b[0] - a[0])))


def _turn(d1: float, d2: float) -> float:
    return abs((d2 - d1 + 180) % 360 - 180)


def _sides(outline: np.ndarray, w: int, h: int, margin: float) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
    """The outline's sides off the image border as (start, end) in the outline's order, and
    whether the border cuts it at all."""
    n = len(outline)
    on_border = [bool(_borders(outline[i], w, h, margin) & _borders(outline[(i + 1) % n], w, h, margin))
                 for i in range(n)]
    if not any(on_border):
        return [], False
    first = on_border.index(True) + 1
    runs: list[list[np.ndarray]] = []
    current: list[np.ndarray] = []
    for k in range(n):
        i = (first + k) % n
        a, b = outline[i], outline[(i + 1) % n]
        if on_border[i]:
            if current:
                runs.append(current)
            current = []
        elif current and _turn(_direction(current[0], current[-1]), _direction(a, b)) < _SIDE_TURN:
            current.append(b)
        else:
            if current:
                runs.append(current)
            current = [a, b]
    if current:
        runs.append(current)
    least = _MIN_SIDE * max(w, h)
    return [(r[0], r[-1]) for r in runs if float(np.linalg.norm(r[-1] - r[0])) >= least], True


def _meet(p: tuple[np.ndarray, np.ndarray], q: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    """Where the lines through two sides cross."""
    (a, b), (c, d) = p, q
    r, s = b - a, d - c
    cross = float(r[0] * s[1] - r[1] * s[0])
    if abs(cross) < 1e-6 * float(np.linalg.norm(r) * np.linalg.norm(s)):
        return None
    t = float((c - a)[0] * s[1] - (c - a)[1] * s[0]) / cross
    point: np.ndarray = a + t * r
    return point


Side = tuple[np.ndarray, np.ndarray]


def _hidden_side(sides: list[Side], outline: np.ndarray) -> list[Side]:
    """Three sides in order (one side, the middle one, the other) and a fourth parallel to the
    middle one through the outline's farthest point from it."""
    def parallel(i: int, j: int) -> float:
        d = _turn(_direction(*sides[i]), _direction(*sides[j])) % 180
        return min(d, 180 - d)

    # The middle side is the one not parallel to the other two.
    middle = min(range(3), key=lambda m: parallel((m + 1) % 3, (m + 2) % 3))
    a, b = sides[middle]
    normal = np.array([a[1] - b[1], b[0] - a[0]], np.float64)
    normal /= max(float(np.linalg.norm(normal)), 1e-9)
    far = outline[int(np.argmax(np.abs((outline - a) @ normal)))]
    hidden = (far, far + (b - a))
    order = [sides[(middle + 1) % 3], hidden, sides[(middle + 2) % 3], sides[middle]]
    return order


def cut_sheet_corners(contour: np.ndarray, shape: tuple[int, int], margin: float) -> np.ndarray | None:
    """Four corners (in the outline's order, maybe outside the image) of a sheet whose outline
    `contour` the image's border (`shape`: height, width) cuts, from the three or four sides
    it shows; None when it is not cut or shows fewer sides."""
    h, w = shape
    hull = cv2.convexHull(contour)
    outline = cv2.approxPolyDP(hull, _APPROX * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float64)
    sides, cut = _sides(outline, w, h, margin)
    if not cut or len(sides) not in (3, 4):
        return None
    if len(sides) == 3:
        sides = _hidden_side(sides, outline)
    met = [_meet(sides[i - 1], sides[i]) for i in range(4)]
    corners = [c for c in met if c is not None]
    # Corners where sides meet far beyond the frame are no sheet's (a shadow's edge across
    # the paper taken for a side): the photo shows most of the sheet it was taken of.
    reach = _MAX_BEYOND * max(w, h)
    if len(corners) < 4 or any(not (-reach <= c[0] <= w + reach and -reach <= c[1] <= h + reach) for c in corners):
        return None
    quad = np.array(corners, np.float32)
    if cv2.contourArea(quad) < _MIN_SIDE * h * w or not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        return None
    return quad


def hidden_corner_corners(contour: np.ndarray) -> np.ndarray | None:
    """Four corners (in the outline's order) of a sheet whose outline is cut across one
    corner (five corners, the hidden one's two sides met where they run on); None when the
    outline does not come to five corners or the cut is more than a corner."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for share in (0.01, 0.02, 0.03):
        outline = cv2.approxPolyDP(hull, share * perimeter, True).reshape(-1, 2).astype(np.float64)
        if len(outline) < 5:
            return None
        if len(outline) == 5:
            break
    else:
        return None
    lengths = [float(np.linalg.norm(outline[(i + 1) % 5] - outline[i])) for i in range(5)]
    cut = int(np.argmin(lengths))  # the side from outline[cut] to outline[cut + 1]
    before = (outline[cut - 1], outline[cut])
    after = (outline[(cut + 1) % 5], outline[(cut + 2) % 5])
    corner = _meet(before, after)
    if corner is None:
        return None
    quad = np.array([outline[(cut + 2 + k) % 5] for k in range(3)] + [corner], np.float32)
    area = cv2.contourArea(quad)
    restored = area - cv2.contourArea(outline.astype(np.float32))
    if not cv2.isContourConvex(quad.reshape(-1, 1, 2)) or not 0 < restored <= _MAX_HIDDEN_CORNER * area:
        return None
    return quad
