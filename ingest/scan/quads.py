"""Quadrilaterals in an image: a sheet's outline or a table's frame, as four corners."""

from __future__ import annotations

import math

import cv2
import numpy as np

# Corner angles of a sheet seen at up to ~25°: between these (degrees).
MIN_ANGLE, MAX_ANGLE = 55.0, 125.0


def order_corners(quad: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left, taken clockwise round
    their centre: picking each by its own extreme (least x + y, …) took one point twice for a
    lopsided hull (a table with a seal below it) and warped the page onto blank paper."""
    pts = quad.reshape(4, 2).astype(np.float32)
    centre = pts.mean(axis=0)
    clockwise = pts[np.argsort(np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0]))]
    return np.roll(clockwise, -int(np.argmin(clockwise.sum(axis=1))), axis=0)


def quad_of(contour: np.ndarray) -> np.ndarray | None:
    """The contour's convex hull simplified to four corners, if it comes to four."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for share in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, share * perimeter, True)
        if len(approx) == 4:
            return order_corners(approx)
        if len(approx) < 4:
            return None
    return None


def corner_angles(quad: np.ndarray) -> list[float]:
    """The quadrilateral's four inner angles (degrees), corner by corner."""
    angles = []
    for i in range(4):
        u, v = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        cos = float(np.dot(u, v) / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-6))
        angles.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return angles


def angles_ok(quad: np.ndarray) -> bool:
    """Whether every corner is as square as a sheet's seen at up to ~25°."""
    return all(MIN_ANGLE <= a <= MAX_ANGLE for a in corner_angles(quad))


def small_gray(bgr: np.ndarray, scale: float) -> np.ndarray:
    """The image in gray scaled by `scale`: turned gray first, the scaling averages a third
    of the values (on every image, scan or not: 0.06 of 0.1 CPU s a 300-dpi page looking for a
    sheet and a frame); a pixel's gray comes out a level apart at most."""
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    return gray if scale == 1 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
