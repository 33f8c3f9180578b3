"""Phone photos of one printed page of a generated report.

The sheet lies on a desk and is photographed from above by hand: the page is bowed a little,
seen in perspective (the phone tilted up to ~15° and turned a few degrees), lit unevenly,
crossed by the soft shadow of a hand or the phone, slightly out of focus, and saved as the
phone's JPEG of 8-12 megapixels with no resolution in it. Which truth keys the page shows goes
to `<stem>.keys.json`, as for single scanned pages.

A wider family, so that the reader is not fitted to one camera: now and then a 5-megapixel
phone, the phone tilted up to 28°, a sheet whose edge curls up off the desk, one side of the
sheet's margin cut off by the frame, other things on the desk (another sheet, a phone, a pen,
a keyboard) and a lamp's warm or a tube's cold light.
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
# A phone's lens sees about 65° across the diagonal: the camera stands this far (points) above
# a sheet that fills 85 % of that view.
CAMERA_DISTANCE = math.hypot(*A4_POINTS) / (2 * math.tan(math.radians(32.5))) / 0.85
# Camera frames (width, height) of common phones, 8 to 12 megapixels, held upright.
FRAMES = ((2448, 3264), (2736, 3648), (3000, 4000))
# An older or cheaper phone's 5-megapixel frame.
SMALL_FRAME = (1944, 2592)
# Desk tops: wood, grey laminate, dark wood, blue-grey, beige (RGB).
DESKS = ((150, 105, 62), (118, 118, 112), (82, 56, 38), (92, 104, 118), (176, 160, 132))
# Colour casts (RGB gains) of daylight, a warm lamp, a cold tube.
LIGHTS = ((1.0, 0.98, 0.92), (1.0, 0.86, 0.64), (0.86, 0.95, 1.0))
# Things lying on the desk beside the sheet.
CLUTTER = ("sheet", "phone", "pen", "keyboard")


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
    light: tuple[float, float, float] = LIGHTS[0]
    curl: float = 0.0  # how far the sheet's loose edge rises off the desk, share of its height
    curl_side: str = "bottom"
    cut: float = 0.0  # share of the sheet's margin on `cut_side` the frame leaves out
    cut_side: str = "bottom"
    clutter: tuple[str, ...] = ()


def draw_photo_style(rng: random.Random) -> PhotoStyle:
    """Mostly the whole sheet in an upright frame; now and then the phone held across (the
    sheet lies sideways in the picture) or so close that the sheet's edges leave the frame,
    or one side of it; and each of the wider family's conditions now and then."""
    frame = SMALL_FRAME if rng.random() < 0.2 else rng.choice(FRAMES)
    roll = rng.uniform(-6.0, 6.0)
    fill = rng.uniform(0.74, 0.9)
    cut, cut_side = 0.0, rng.choice(["top", "bottom", "left", "right"])
    shot = rng.random()
    if shot < 0.15:
        frame, roll = (frame[1], frame[0]), roll + rng.choice([90, -90])
    elif shot < 0.25:
        fill = rng.uniform(1.02, 1.08)
    elif shot < 0.45:
        fill, cut = rng.uniform(0.85, 0.95), rng.uniform(0.2, 0.7)
    tilt = rng.uniform(15.0, 28.0) if rng.random() < 0.25 else rng.uniform(3.0, 15.0)
    curl = rng.uniform(0.02, 0.07) if rng.random() < 0.25 else 0.0
    clutter = tuple(rng.sample(CLUTTER, rng.randint(1, 3))) if rng.random() < 0.4 else ()
    return PhotoStyle(
        frame=frame,
        fill=fill,
        tilt=tilt,
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
        light=rng.choice(LIGHTS),
        curl=curl,
        curl_side=rng.choice(["top", "bottom", "left", "right"]),
        cut=cut,
        cut_side=cut_side,
        clutter=clutter,
    )


def _rotation(axis: np.ndarray, degrees: float) -> np.ndarray:
    matrix, _ = cv2.Rodrigues((axis / np.linalg.norm(axis) * math.radians(degrees)).astype(np.float64))
    return np.asarray(matrix)


def page_corners(style: PhotoStyle, rng: random.Random, margins: dict[str, float] | None = None) -> np.ndarray:
    """Where the page's corners (top-left, top-right, bottom-right, bottom-left) land in the frame:
    the sheet turned by `roll`, seen by a pinhole camera leaning `tilt` degrees, fitted into
    the frame with a margin and off centre a little; with a `cut`, that share of the page's
    blank margin on `cut_side` (`margins`: shares of the page's height or width) lies beyond
    the frame's edge."""
    fw, fh = style.frame
    w, h = A4_POINTS
    flat = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]])
    lean = np.array([math.cos(style.tilt_direction), math.sin(style.tilt_direction), 0.0])
    turned = flat @ (_rotation(lean, style.tilt) @ _rotation(np.array([0.0, 0.0, 1.0]), style.roll)).T
    projected = turned[:, :2] * CAMERA_DISTANCE / (turned[:, 2:] + CAMERA_DISTANCE)
    span = projected.max(axis=0) - projected.min(axis=0)
    scale = style.fill * fh / span[1]
    if span[0] * scale > 0.92 * fw and style.fill < 1:
        scale = 0.92 * fw / span[0]
    along, across = rng.uniform(0.25, 0.75), rng.uniform(0.25, 0.75)
    # Close up, the print itself must stay in the frame (the truth lists what the page shows):
    # the phone is drawn back until it does.
    while True:
        placed = (projected - projected.min(axis=0)) * scale
        room = np.array([fw, fh]) - (placed.max(axis=0))
        offset = np.array([along * room[0], across * room[1]])
        if style.cut and margins:
            axis = 1 if style.cut_side in ("top", "bottom") else 0
            beyond = style.cut * margins[style.cut_side] * span[axis] * scale
            offset[axis] = room[axis] + beyond if style.cut_side in ("bottom", "right") else -beyond
        corners: np.ndarray = (placed + offset).astype(np.float32)
        if style.cut or not margins or _print_in_frame(corners, margins, style.frame) or scale < 0.5 * fh / span[1]:
            return corners
        scale *= 0.98


def _print_in_frame(corners: np.ndarray, margins: dict[str, float], frame: tuple[int, int]) -> bool:
    """Whether the page's printed part (inside its blank `margins`) lies in the frame."""
    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    to_frame = cv2.getPerspectiveTransform(unit, corners)
    inner = np.array([[[margins["left"], margins["top"]], [1 - margins["right"], margins["top"]],
                       [1 - margins["right"], 1 - margins["bottom"]], [margins["left"], 1 - margins["bottom"]]]],
                     np.float32)
    seen = cv2.perspectiveTransform(inner, to_frame)[0]
    return bool((seen >= 2).all() and (seen[:, 0] <= frame[0] - 2).all() and (seen[:, 1] <= frame[1] - 2).all())


def blank_margins(page: np.ndarray) -> dict[str, float]:
    """The page's blank margins (no print darker than light gray) as shares of its height
    (top, bottom) or width (left, right)."""
    h, w = page.shape[:2]
    ink = page.min(axis=2) < 200
    rows, cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
    if not len(rows):
        return {"top": 0.0, "bottom": 0.0, "left": 0.0, "right": 0.0}
    return {"top": rows[0] / h, "bottom": 1 - (rows[-1] + 1) / h, "left": cols[0] / w, "right": 1 - (cols[-1] + 1) / w}


def _curl(style: PhotoStyle, h: int, w: int, rng: random.Random) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A loose edge of the sheet rising off the desk: forward shifts (x, y; page pixels) of
    each page pixel as the camera above the page's middle sees it (the lifted part nearer, so
    larger, and foreshortened along its slope) and the light left on it (it turns away)."""
    along_y = style.curl_side in ("top", "bottom")
    length = h if along_y else w
    t = np.arange(length, dtype=np.float64) / length
    if style.curl_side in ("top", "left"):
        t = 1 - t
    start = rng.uniform(0.5, 0.75)
    u = np.clip((t - start) / (1 - start), 0, 1)
    lift = style.curl * h * u ** 2
    slope = np.abs(np.gradient(lift))
    # Each pixel's arc is seen shortened by cos(slope): summed from where the curl starts.
    towards = 1.0 if style.curl_side in ("bottom", "right") else -1.0
    order = slice(None) if towards > 0 else slice(None, None, -1)
    shortened = np.cumsum((1 - np.cos(np.arctan(slope)))[order])[order] * -towards
    distance = CAMERA_DISTANCE / A4_POINTS[1] * h
    near = distance / (distance - lift)
    shade = 1 - rng.uniform(0.15, 0.4) * np.sin(np.arctan(slope))
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float64) - w / 2, np.arange(h, dtype=np.float64) - h / 2)
    if along_y:
        ys += shortened[:, None]
        factor, light = near[:, None], np.repeat(shade[:, None], w, axis=1)
    else:
        xs += shortened[None, :]
        factor, light = near[None, :], np.repeat(shade[None, :], h, axis=0)
    dx = xs * factor - (np.arange(w) - w / 2)[None, :]
    dy = ys * factor - (np.arange(h) - h / 2)[:, None]
    return dx.astype(np.float32), dy.astype(np.float32), light.astype(np.float32)


def _bowed(page: np.ndarray, style: PhotoStyle, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """The page (RGB) and its paper mask with the sheet bowed: rows sag towards the middle, the
    more the nearer the sheet's loose end, and columns bend a little too; and with a curl, its
    loose edge lifted."""
    h, w = page.shape[:2]
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    across = 4 * (xs / w) * (1 - xs / w)
    down = 4 * (ys / h) * (1 - ys / h)
    loose = rng.choice([ys / h, 1 - ys / h])
    dy = style.bow * h * across * (0.4 + 0.6 * loose)
    dx = 0.4 * style.bow * h * down * rng.choice([-1, 1])
    if style.curl:
        curl_dx, curl_dy, light = _curl(style, h, w, rng)
        dx, dy = dx + curl_dx, dy + curl_dy
        page = (page * light[..., None]).astype(np.uint8)
    margin = int(max(float(np.abs(dx).max()), float(np.abs(dy).max()))) + 4
    padded = cv2.copyMakeBorder(page, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=(0, 0, 0))
    mask = cv2.copyMakeBorder(np.full((h, w), 255, np.uint8), margin, margin, margin, margin,
                              cv2.BORDER_CONSTANT, value=0)
    # The shifts are forward (page -> photo): where each photo pixel comes from is found by
    # going back along them a few times (they change slowly).
    out_x, out_y = np.meshgrid(np.arange(w + 2 * margin, dtype=np.float32) - margin,
                               np.arange(h + 2 * margin, dtype=np.float32) - margin)
    src_x, src_y = out_x.copy(), out_y.copy()
    for _ in range(4):
        src_x = out_x - cv2.remap(dx, src_x, src_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        src_y = out_y - cv2.remap(dy, src_x, src_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    bent = cv2.remap(padded, src_x + margin, src_y + margin, cv2.INTER_LINEAR)
    bent_mask = cv2.remap(mask, src_x + margin, src_y + margin, cv2.INTER_LINEAR)
    return bent, bent_mask


def _desk(style: PhotoStyle, rng: random.Random) -> np.ndarray:
    """The desk top (RGB float): its colour, a grain along one direction, blotches."""
    fw, fh = style.frame
    gen = np.random.default_rng(rng.getrandbits(32))
    grain = cv2.resize(gen.normal(0, 1, (fh // 8, 12)).astype(np.float32), (fw, fh), interpolation=cv2.INTER_CUBIC)
    blotch = cv2.resize(gen.normal(0, 1, (6, 5)).astype(np.float32), (fw, fh), interpolation=cv2.INTER_CUBIC)
    tone = 1 + 0.06 * grain + 0.08 * blotch
    desk = np.asarray(style.desk, np.float32)[None, None, :] * tone[..., None]
    return np.ascontiguousarray(desk)


def _clutter(desk: np.ndarray, style: PhotoStyle, corners: np.ndarray, rng: random.Random) -> None:
    """Things on the desk (drawn in place, under the sheet): another printed sheet partly
    under this one, a phone, a pen, a keyboard at the frame's edge."""
    fw, fh = style.frame
    centre = corners.mean(axis=0)
    size = float(np.linalg.norm(corners[2] - corners[0]))
    for thing in style.clutter:
        angle = rng.uniform(0, 180)
        if thing == "sheet":
            away = rng.uniform(0, 2 * math.pi)
            at = centre + rng.uniform(0.45, 0.8) * size * np.array([math.cos(away), math.sin(away)])
            box = cv2.boxPoints(((float(at[0]), float(at[1])), (0.58 * size, 0.82 * size), angle))
            cv2.fillPoly(desk, [box.astype(np.int32)], (rng.uniform(215, 245),) * 3)
            # Its print: gray stripes of text along the sheet.
            for k in range(8, 92, 4):
                a = box[1] + (box[0] - box[1]) * k / 100 + (box[2] - box[1]) * 0.12
                b = a + (box[2] - box[1]) * rng.uniform(0.5, 0.76)
                cv2.line(desk, tuple(int(v) for v in a), tuple(int(v) for v in b), (70, 70, 70),
                         max(2, int(size / 300)))
        elif thing == "phone":
            at = (rng.uniform(0, fw), rng.choice([rng.uniform(0, 0.15), rng.uniform(0.85, 1)]) * fh)
            box = cv2.boxPoints((at, (0.2 * size, 0.42 * size), angle))
            cv2.fillPoly(desk, [box.astype(np.int32)], (22.0, 22.0, 28.0))
        elif thing == "pen":
            at = np.array([rng.uniform(0, fw), rng.uniform(0, fh)])
            reach = 0.2 * size * np.array([math.cos(math.radians(angle)), math.sin(math.radians(angle))])
            colour = rng.choice([(20.0, 30.0, 110.0), (25.0, 25.0, 25.0), (200.0, 200.0, 205.0)])
            cv2.line(desk, tuple(int(v) for v in at - reach), tuple(int(v) for v in at + reach), colour,
                     max(4, int(size / 120)))
        else:
            at = (rng.choice([0.0, float(fw)]), rng.uniform(0.2, 0.8) * fh)
            box = cv2.boxPoints((at, (0.35 * size, 0.8 * size), rng.uniform(-10, 10)))
            cv2.fillPoly(desk, [box.astype(np.int32)], (45.0, 45.0, 48.0))
            key = max(6, int(size / 40))
            for y in range(0, fh, 2 * key):
                for x in range(0, fw, 2 * key):
                    if cv2.pointPolygonTest(box, (x, y), False) > 0:
                        cv2.rectangle(desk, (x, y), (x + key, y + key), (90.0, 90.0, 95.0), -1)


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
    corners = page_corners(style, rng, blank_margins(page))
    bent, mask = _bowed(page, style, rng)
    h, w = page.shape[:2]
    margin = (bent.shape[0] - h) // 2
    source = np.array([[margin, margin], [margin + w, margin], [margin + w, margin + h], [margin, margin + h]],
                      np.float32)
    homography = cv2.getPerspectiveTransform(source, corners)
    seen = cv2.warpPerspective(bent, homography, (fw, fh), flags=cv2.INTER_LINEAR).astype(np.float32)
    paper = cv2.warpPerspective(mask, homography, (fw, fh), flags=cv2.INTER_LINEAR).astype(np.float32) / 255
    desk = _desk(style, rng)
    _clutter(desk, style, corners, rng)
    img = desk * (1 - paper[..., None]) + seen * paper[..., None]
    del seen
    # Light: brighter towards the lamp or window, a little vignetting, the shadow, a colour cast.
    xs = np.linspace(-0.5, 0.5, fw, dtype=np.float32)[None, :]
    ys = np.linspace(-0.5, 0.5, fh, dtype=np.float32)[:, None]
    ramp = xs * math.cos(style.light_angle) + ys * math.sin(style.light_angle)
    light = (1 - style.light_depth * (ramp + 0.5)) * (1 - 0.25 * (xs ** 2 + ys ** 2))
    light = light * _shadow(style, corners, rng)
    cast = np.asarray(style.light, np.float32) * np.array([rng.uniform(0.95, 1.0) for _ in range(3)], np.float32)
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
