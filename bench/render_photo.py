"""Phone photos of one printed page of a generated report.

The sheet lies on a desk and is photographed from above by hand: the page is bowed a little,
seen in perspective (the phone tilted up to ~15° and turned a few degrees), lit unevenly,
crossed by the soft shadow of a hand or the phone, slightly out of focus, and saved as the
phone's JPEG of 8-12 megapixels with no resolution in it. Which truth keys the page shows goes
to `<stem>.keys.json`, as for single scanned pages.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from bench.render_scan import POINTS_PER_INCH, print_report
from bench.truth import ReportTruth

A4_POINTS = (595.0, 842.0)
# Camera frames (width, height) of common phones, 8 to 12 megapixels, held upright.
FRAMES = ((2448, 3264), (2736, 3648), (3000, 4000))
# Desk tops: wood, grey laminate, dark wood, blue-grey, beige (RGB).
DESKS = ((150, 105, 62), (118, 118, 112), (82, 56, 38), (92, 104, 118), (176, 160, 132))


@dataclass(frozen=True)
class PhotoStyle:
    """How one photo is taken."""

    frame: tuple[int, int]
    fill: float  # share of the frame's height the page's outline takes (> 1: beyond the frame)
    tilt: float  # degrees the phone leans off straight-down
    tilt_direction: float  # radians, which way it leans
    roll: float  # degrees the page is turned in the frame (about ±90: the phone held across)
    bow: float  # the page's bow, as a share of its height
    light_depth: float
    light_angle: float
    shadow: float  # how much the hand's or phone's shadow darkens, 0-1
    blur: float  # Gaussian sigma, photo pixels
    noise: float
    jpeg_quality: int
    desk: tuple[int, int, int]


def draw_photo_style(rng: random.Random) -> PhotoStyle:
    """Mostly the whole sheet in an upright frame; now and then the phone held across (the
    sheet lies sideways in the picture) or so close that the sheet's edges leave the frame."""
    frame = rng.choice(FRAMES)
    roll = rng.uniform(-6.0, 6.0)
    fill = rng.uniform(0.74, 0.9)
    shot = rng.random()
    if shot < 0.15:
        frame, roll = (frame[1], frame[0]), roll + rng.choice([90, -90])
    elif shot < 0.25:
        fill = rng.uniform(1.02, 1.08)
    return PhotoStyle(
        frame=frame,
        fill=fill,
        tilt=rng.uniform(3.0, 15.0),
        tilt_direction=rng.uniform(0, 2 * math.pi),
        roll=roll,
        bow=rng.uniform(0.0, 0.006),
        light_depth=rng.uniform(0.1, 0.35),
        light_angle=rng.uniform(0, 2 * math.pi),
        shadow=rng.uniform(0.2, 0.45),
        blur=rng.uniform(0.6, 1.4),
        noise=rng.uniform(2.0, 6.0),
        jpeg_quality=rng.randint(72, 92),
        desk=rng.choice(DESKS),
    )


def _rotation(axis: np.ndarray, degrees: float) -> np.ndarray:
    matrix, _ = cv2.Rodrigues((axis / np.linalg.norm(axis) * math.radians(degrees)).astype(np.float64))
    return np.asarray(matrix)


def page_corners(style: PhotoStyle, rng: random.Random) -> np.ndarray:
    """Where the page's corners (top-left, top-right, bottom-right, bottom-left) land in the frame:
    the sheet turned by `roll`, seen by a pinhole camera leaning `tilt` degrees, fitted into
    the frame with a margin and off centre a little."""
    fw, fh = style.frame
    w, h = A4_POINTS
    flat = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]])
    lean = np.array([math.cos(style.tilt_direction), math.sin(style.tilt_direction), 0.0])
    turned = flat @ (_rotation(lean, style.tilt) @ _rotation(np.array([0.0, 0.0, 1.0]), style.roll)).T
    # A phone's lens sees about 65° across the diagonal: the camera stands that far off.
    distance = math.hypot(w, h) / (2 * math.tan(math.radians(32.5))) / 0.85
    projected = turned[:, :2] * distance / (turned[:, 2:] + distance)
    span = projected.max(axis=0) - projected.min(axis=0)
    scale = style.fill * fh / span[1]
    if span[0] * scale > 0.92 * fw and style.fill < 1:
        scale = 0.92 * fw / span[0]
    placed = (projected - projected.min(axis=0)) * scale
    room = np.array([fw, fh]) - (placed.max(axis=0))
    offset = np.array([rng.uniform(0.25, 0.75) * room[0], rng.uniform(0.25, 0.75) * room[1]])
    corners: np.ndarray = (placed + offset).astype(np.float32)
    return corners


def _bowed(page: np.ndarray, bow: float, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """The page (RGB) and its paper mask with the sheet bowed: rows sag towards the middle, the
    more the nearer the sheet's loose end, and columns bend a little too."""
    h, w = page.shape[:2]
    margin = int(bow * h) + 4
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    across = 4 * (xs / w) * (1 - xs / w)
    down = 4 * (ys / h) * (1 - ys / h)
    loose = rng.choice([ys / h, 1 - ys / h])
    sag = bow * h * across * (0.4 + 0.6 * loose)
    lean = 0.4 * bow * h * down * rng.choice([-1, 1])
    padded = cv2.copyMakeBorder(page, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=(0, 0, 0))
    mask = cv2.copyMakeBorder(np.full((h, w), 255, np.uint8), margin, margin, margin, margin,
                              cv2.BORDER_CONSTANT, value=0)
    map_x = xs + margin - lean
    map_y = ys + margin - sag
    bent = cv2.remap(padded, map_x, map_y, cv2.INTER_LINEAR)
    bent_mask = cv2.remap(mask, map_x, map_y, cv2.INTER_LINEAR)
    return bent, bent_mask


def _desk(style: PhotoStyle, rng: random.Random) -> np.ndarray:
    """The desk top (RGB float): its colour, a grain along one direction, blotches."""
    fw, fh = style.frame
    gen = np.random.default_rng(rng.getrandbits(32))
    grain = cv2.resize(gen.normal(0, 1, (fh // 8, 12)).astype(np.float32), (fw, fh), interpolation=cv2.INTER_CUBIC)
    blotch = cv2.resize(gen.normal(0, 1, (6, 5)).astype(np.float32), (fw, fh), interpolation=cv2.INTER_CUBIC)
    tone = 1 + 0.06 * grain + 0.08 * blotch
    return np.asarray(style.desk, np.float32)[None, None, :] * tone[..., None]


def _shadow(style: PhotoStyle, corners: np.ndarray, rng: random.Random) -> np.ndarray:
    """Share of light (0-1) left by the soft shadow of a hand or phone reaching in from one side
    of the frame over part of the page."""
    fw, fh = style.frame
    small = np.zeros((fh // 4, fw // 4), np.float32)
    left, top = corners.min(axis=0) / 4
    right, bottom = corners.max(axis=0) / 4
    side = rng.choice(["left", "right", "bottom", "top"])
    depth = rng.uniform(0.15, 0.45)
    a, b = sorted((rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)))
    b = max(b, a + 0.15)
    if side in ("left", "right"):
        y0, y1 = top + a * (bottom - top), top + b * (bottom - top)
        reach = left + depth * (right - left) if side == "left" else right - depth * (right - left)
        edge = 0 if side == "left" else fw // 4
        polygon = [(edge, y0), (reach, y0 + rng.uniform(-20, 20)), (reach, y1 + rng.uniform(-20, 20)), (edge, y1)]
    else:
        x0, x1 = left + a * (right - left), left + b * (right - left)
        reach = bottom - depth * (bottom - top) if side == "bottom" else top + depth * (bottom - top)
        edge = fh // 4 if side == "bottom" else 0
        polygon = [(x0, edge), (x0 + rng.uniform(-20, 20), reach), (x1 + rng.uniform(-20, 20), reach), (x1, edge)]
    cv2.fillPoly(small, [np.asarray(polygon, np.int32)], 1.0)
    soft = cv2.GaussianBlur(small, (0, 0), sigmaX=rng.uniform(6, 16))
    spread = np.asarray(cv2.resize(soft, (fw, fh), interpolation=cv2.INTER_LINEAR), np.float32)
    light: np.ndarray = 1 - style.shadow * spread
    return light


def photograph(page: np.ndarray, style: PhotoStyle, rng: random.Random) -> np.ndarray:
    """`page` (RGB uint8) as a phone photographs it lying on a desk (RGB uint8)."""
    fw, fh = style.frame
    corners = page_corners(style, rng)
    bent, mask = _bowed(page, style.bow, rng)
    h, w = page.shape[:2]
    margin = (bent.shape[0] - h) // 2
    source = np.array([[margin, margin], [margin + w, margin], [margin + w, margin + h], [margin, margin + h]],
                      np.float32)
    homography = cv2.getPerspectiveTransform(source, corners)
    seen = cv2.warpPerspective(bent, homography, (fw, fh), flags=cv2.INTER_LINEAR).astype(np.float32)
    paper = cv2.warpPerspective(mask, homography, (fw, fh), flags=cv2.INTER_LINEAR).astype(np.float32) / 255
    img = _desk(style, rng) * (1 - paper[..., None]) + seen * paper[..., None]
    del seen
    # Light: brighter towards the lamp or window, a little vignetting, the shadow, a colour cast.
    xs = np.linspace(-0.5, 0.5, fw, dtype=np.float32)[None, :]
    ys = np.linspace(-0.5, 0.5, fh, dtype=np.float32)[:, None]
    ramp = xs * math.cos(style.light_angle) + ys * math.sin(style.light_angle)
    light = (1 - style.light_depth * (ramp + 0.5)) * (1 - 0.25 * (xs ** 2 + ys ** 2))
    light = light * _shadow(style, corners, rng)
    cast = np.array([rng.uniform(0.95, 1.0), rng.uniform(0.95, 1.0), rng.uniform(0.85, 0.98)], np.float32)
    img *= light[..., None] * cast * rng.uniform(0.88, 1.0)
    cv2.setRNGSeed(rng.getrandbits(31))
    grain = np.empty((fh, fw), np.float32)
    cv2.randn(grain, np.zeros(1), np.full(1, style.noise))
    blurred = cv2.GaussianBlur(img, (0, 0), sigmaX=style.blur)
    rgb: np.ndarray = np.clip(cv2.add(blurred, cv2.merge([grain] * 3)), 0, 255).astype(np.uint8)
    return rgb


def render_photo(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: a phone photo (JPEG) of one page, section 三's first more often than not, with
    `<stem>.keys.json` listing the truth keys it shows."""
    style = draw_photo_style(rng)
    # Printed at about the resolution the photo sees it with (no finer: the camera cannot).
    dpi = int(min(300, max(150, style.fill * style.frame[1] / (A4_POINTS[1] / POINTS_PER_INCH))))
    printed = print_report(truth, rng, dpi)
    key_pages = printed.key_pages
    with_keys = sorted(set(key_pages.values()))
    s3_start = min(p for k, p in key_pages.items() if k.startswith("s3."))
    index = s3_start if rng.random() < 0.6 else rng.choice(with_keys)
    page = printed.rasters[index].copy()
    if index == printed.seal_page:
        printed.stamp_seal(page, truth.agency, rng)
    rgb = photograph(page, style, rng)
    path = out.with_suffix(".jpg")
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY,
                                                                               style.jpeg_quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    path.write_bytes(encoded.tobytes())
    keys = [k for k in truth.cells if key_pages.get(k) == index]
    out.with_name(out.name + ".keys.json").write_text(json.dumps(keys, ensure_ascii=False), encoding="utf-8")
    return path
