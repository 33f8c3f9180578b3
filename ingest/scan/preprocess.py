"""Page clean-up before structure and OCR: red seal removal, uneven light, binarisation,
quarter turns and skew.

Every step is a pure function of the image; the reader chains them.
"""

from __future__ import annotations

import cv2
import numpy as np

# Skew is searched within this many degrees (a page fed crooked, not a photo at an angle).
MAX_SKEW_DEG = 5.0
# Work width for the whole-page estimates (orientation, skew): fast and still exact enough.
_PROBE_WIDTH = 1000
# Flattened gray darker than this is ink, however faint: paper is near 255 once flattened.
_PAPER = 200
# A page with a smaller share of pixels between ink and paper is black and white.
_BILEVEL_GRAYS = 0.12


def remove_seal(bgr: np.ndarray) -> np.ndarray:
    """The page with red ink (the official seal, red headers) turned to paper white.

    Red pixels and their rim take their brightest channel: red ink is bright in red, so it
    goes, while black print under the seal (multiplied into a dark red) stays as dark as its
    red channel, and a rule crossing the seal keeps its line."""
    # Most pages carry no seal: a look at a quarter of the pixels settles that cheaply.
    if not _red(cv2.resize(bgr, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)).any():
        return bgr
    red = _red(bgr)
    mask = cv2.dilate(red.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    out = bgr.copy()
    # The brightest channel taken at the seal's pixels only (over the whole page it cost
    # 0.15 CPU s a 300-dpi page).
    out[mask] = bgr[mask].max(axis=1)[:, None]
    return out


def _red(bgr: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    red: np.ndarray = ((hue <= 12) | (hue >= 160)) & (sat >= 70) & (val >= 90)
    return red


def flatten_light(gray: np.ndarray) -> np.ndarray:
    """Gray page divided by its paper background, so shadows and gradients vanish."""
    small = cv2.resize(gray, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    background = cv2.resize(cv2.medianBlur(background, 5), (gray.shape[1], gray.shape[0]))
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    return flat


def binarise(flat: np.ndarray) -> np.ndarray:
    """Ink mask (255 = ink) of a flattened gray page: Otsu, since the background is even now."""
    _, ink = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # Otsu on a blank page puts the cut inside the paper noise: ink must be really dark.
    return cv2.bitwise_and(ink, faint_ink(flat))


def is_bilevel(gray: np.ndarray) -> bool:
    """Whether a page was scanned black and white: hardly a pixel between ink and paper
    (measured: under 6 % on 150-dpi black-and-white PDFs rendered with smoothing, 0 on
    black-and-white TIFFs, over 24 % on gray and colour scans, 99 % on photos)."""
    return cv2.countNonZero(cv2.inRange(gray, 41, 214)) / gray.size < _BILEVEL_GRAYS


def faint_ink(flat: np.ndarray) -> np.ndarray:
    """Every mark darker than paper (255 = ink): the rulings of a bilevel scan turned a
    fraction of a degree are half-gray, and Otsu cuts them into dashes."""
    _, ink = cv2.threshold(flat, _PAPER, 255, cv2.THRESH_BINARY_INV)
    return ink


def _probe(ink: np.ndarray) -> np.ndarray:
    scale = min(1.0, _PROBE_WIDTH / max(ink.shape[:2]))
    return cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _profile_sharpness(ink: np.ndarray) -> float:
    rows = ink.sum(axis=1, dtype=np.float64)
    return float(np.var(np.diff(rows)))


def skew_angle(ink: np.ndarray) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines and rules horizontal."""
    probe = _probe(ink)
    if not probe.any():
        return 0.0
    centre = (probe.shape[1] / 2, probe.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(probe, matrix, (probe.shape[1], probe.shape[0]))
        return _profile_sharpness(turned)

    best = max(np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 0.01, 0.5), key=sharpness)
    fine = np.arange(best - 0.5, best + 0.51, 0.1)
    return float(max(fine, key=sharpness))


def rotate(image: np.ndarray, angle: float) -> np.ndarray:
    """The page image turned by `angle` degrees counter-clockwise about its centre, paper-white fill."""
    if abs(angle) < 0.05:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def quarter_turn(image: np.ndarray, turns: int) -> np.ndarray:
    """The image turned `turns` quarter turns clockwise."""
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(image, codes[turns % 4]) if turns % 4 else image
