"""Phone photos of a page: the sheet found on its background (the largest quadrilateral
whose sides are paper against something darker; when the frame cuts the sheet, from the
sides it shows: ingest/scan/cut_sheet.py), warped flat with a perspective transform to a
scan's resolution, the desk left along its edges whitened, squared by its rulings if they
came out sheared (a curled side misled the flattening: ingest/scan/ruled_square.py), and a
bow or a curled edge straightened along the table rulings.

An image with no such quadrilateral (a scan: paper to the edges) is left as it is, unless
its table's frame is seen in perspective (a close-up: ingest/scan/table_frame.py); a sheet
lying on a scanner's glass (a rectangle with the image's sides, off-centre or under a worn
lid) has only its surround whitened.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

from ingest.scan import preprocess
from ingest.scan.bowed_rules import straighten
from ingest.scan.cut_sheet import cut_sheet_corners, hidden_corner_corners
from ingest.scan.quads import angles_ok, corner_angles, order_corners, quad_of, small_gray
from ingest.scan.ruled_square import unsheared
from ingest.scan.table_frame import find_frame, square_frame
from ingest.settings import Settings
from ingest.tables.raster import find_rulings, raster_settings

# White as an OpenCV scalar (its stubs type only arrays).
_WHITE: Any = (255, 255, 255, 0)

# Work size (longest side) for finding the sheet: its outline needs no more.
_FIND_SIDE = 800
# The sheet takes at least this share of the photo (a smaller bright box is a label, a
# table's frame or a screen, not the page someone photographed).
_MIN_AREA = 0.2
# A quadrilateral touching the frame this closely (share of the side) is cut off by it.
_EDGE_MARGIN = 0.004
# A sheet's outline this close to the image's border (share of its side) runs along it, cut.
_CUT_MARGIN = 0.01
# Of the sheet's outline, at least this share is in the picture.
_MIN_SIDE_SEEN = 0.4
# Share of the outline where paper is brighter than what lies beyond it: a page edge runs
# all round; a table's frame on a scan has paper on both sides.
_MIN_EDGE_SUPPORT = 0.75
# ... and of each side the picture shows: a side drawn through the sheet has paper on both
# sides nearly all along, while the other three pass for the outline (seed 2828's image 7, a
# sheet on a scanner's glass its lid shaded at one corner: sides 0.00-0.25, its table's
# label column cut off). Photos' sides shown whole measured 0.42 at least, 117 pages of seeds
# 2121-6161 (one half beyond the frame, 0.33: judged with the others).
_MIN_SIDE_SUPPORT = 0.3
# Points looked at along each side; a side is judged on its own when the picture shows three
# in four of them.
_SIDE_POINTS = 24
_SIDE_SHOWN = 18
# Paper is brighter than what surrounds it by at least this (gray levels), just either side.
_EDGE_CONTRAST = 12
# Canny's thresholds for the faint edge of a sheet's paper over another's (gray levels a pixel).
_FAINT_EDGE = (10, 30)
# Where the faint edge fades at a corner the two sheets stay joined by a neck a few pixels
# wide (of the 800-pixel picture): opened by this square, they part.
_NECK = 5
# ISO 216 paper: a sheet whose measured shape is this close to it is taken as A-size exactly.
_A_RATIO = math.sqrt(2)
_A_RATIO_TOLERANCE = 0.12
_A4_WIDTH_INCH = 210 / 25.4
# Desk left along the flattened sheet's edges is looked for within this share of its side,
# darker than this share of the paper's light just inside, in this many pieces per side.
_DESK_BAND = 0.04
_DESK_DARKER = 0.75
_DESK_PIECES = 16
# A sheet seen whole is paper this close to its edges (share of its shorter side, 2 mm of
# A4): no printer inks there, and what the flattening brings along there is desk.
_PAPER_RIM = 0.01


def _edge_support(gray: np.ndarray, quad: np.ndarray) -> float:
    """Share of points along the quadrilateral's sides where the gray just inside is brighter
    than just outside; 0 when one side the picture shows is paper on both sides."""
    reach = max(3.0, 0.012 * max(gray.shape))
    centre = quad.mean(axis=0)
    h, w = gray.shape
    inside, outside = [], []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        normal = np.array([b[1] - a[1], a[0] - b[0]], np.float32)
        normal /= max(float(np.linalg.norm(normal)), 1e-6)
        if np.dot(centre - (a + b) / 2, normal) < 0:
            normal = -normal  # pointing into the sheet
        for t in np.linspace(0.08, 0.92, _SIDE_POINTS):
            p = a + t * (b - a)
            inside.append(p + reach * normal)
            outside.append(p - reach * normal)

    # Only where the side is in the picture (a sheet the frame cuts runs on beyond it).
    border = _CUT_MARGIN * max(h, w)
    seen = [bool(min(p[0], q[0]) > border and max(p[0], q[0]) < w - 1 - border and min(p[1], q[1]) > border
                 and max(p[1], q[1]) < h - 1 - border) for p, q in zip(inside, outside, strict=True)]
    if sum(seen) < _MIN_SIDE_SEEN * len(seen):
        return 0.0

    def sample(points: list[np.ndarray]) -> np.ndarray:
        xy = np.round(np.array([p for p, s in zip(points, seen, strict=True) if s])).astype(int)
        values: np.ndarray = gray[xy[:, 1], xy[:, 0]].astype(np.int32)
        return values

    brighter = sample(inside) - sample(outside) >= _EDGE_CONTRAST
    side = np.repeat(np.arange(4), _SIDE_POINTS)[np.array(seen)]
    for i in range(4):
        shown = brighter[side == i]
        if shown.size >= _SIDE_SHOWN and shown.mean() < _MIN_SIDE_SUPPORT:
            return 0.0
    return float(np.mean(brighter))


def _candidate_contours(gray: np.ndarray) -> list[np.ndarray]:
    """Outlines that may be the sheet: bright regions by Otsu (also parted by faint edges, and
    at the necks those leave), closed runs of edges."""
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    median = float(np.median(blurred))
    edges = cv2.Canny(blurred, 0.5 * median, median)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8), iterations=2)
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    # A sheet lying on another (or against it) is one bright region with it: only the faint
    # edge of its paper over the other's parts them (the sheet found a few pixels inside).
    faint_edges = cv2.dilate(cv2.Canny(blurred, *_FAINT_EDGE), np.ones((3, 3), np.uint8), iterations=2)
    parted = cv2.bitwise_and(bright, cv2.bitwise_not(faint_edges))
    # The faint edge fades where the sheet's corner meets the other sheet and a shadow (seed
    # 3187's photo 2: the outline ran on to the picture's corner, the photo read as a scan and
    # 7 cells lost): the two are parted at the neck left there too.
    necks_cut = cv2.morphologyEx(parted, cv2.MORPH_OPEN, np.ones((_NECK, _NECK), np.uint8))
    outlines = []
    for mask in (bright, edges, parted, necks_cut):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        outlines += sorted(contours, key=cv2.contourArea, reverse=True)[:3]
    return outlines


def _sheet_quads(contour: np.ndarray, shape: tuple[int, int]) -> list[np.ndarray]:
    """The quadrilaterals an outline may be of a sheet (ordered corners): its own four
    corners, or those of a sheet the frame cuts; and those with a corner hidden by a shadow."""
    h, w = shape
    margin = _EDGE_MARGIN * max(h, w)

    def in_frame(quad: np.ndarray | None) -> np.ndarray | None:
        if quad is None or (quad.min(axis=0) < margin).any() or (quad.max(axis=0) > [w - margin, h - margin]).any():
            return None
        return quad

    quad = in_frame(quad_of(contour))
    if quad is None:
        cut = cut_sheet_corners(contour, (h, w), _CUT_MARGIN * max(h, w))
        quad = None if cut is None else order_corners(cut)
        if quad is not None and len(np.unique(quad, axis=0)) < 4:
            quad = None  # no corner is both (a kite's far tip, from a shadow's edge)
    hidden = in_frame(hidden_corner_corners(contour))
    return [q for q in (quad, None if hidden is None else order_corners(hidden)) if q is not None]


def find_page(bgr: np.ndarray) -> np.ndarray | None:
    """The corners (top-left, top-right, bottom-right, bottom-left; image pixels, maybe
    beyond the image when the frame cuts the sheet) of the photographed sheet, or None when
    no sheet stands out from a background."""
    scale = _FIND_SIDE / max(bgr.shape[:2])
    gray = small_gray(bgr, scale)
    h, w = gray.shape
    best: tuple[float, np.ndarray] | None = None
    for quad in (q for contour in _candidate_contours(gray) for q in _sheet_quads(contour, (h, w))):
        if not angles_ok(quad):
            continue
        area = cv2.contourArea(quad) / (h * w)
        if area < _MIN_AREA:
            continue
        support = _edge_support(gray, quad)
        if support >= _MIN_EDGE_SUPPORT and (best is None or area > best[0]):
            best = (area, quad)
    return None if best is None else best[1] / scale


def _seen_size(corners: np.ndarray) -> tuple[float, float]:
    """Mean width and height (pixels) of the sheet as the photo shows it."""
    sides = [float(np.linalg.norm(corners[(i + 1) % 4] - corners[i])) for i in range(4)]
    return (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2


def _page_size(corners: np.ndarray, dpi: int) -> tuple[int, int]:
    """Width and height (pixels at `dpi`) of the flattened sheet: A-size when its measured shape
    is near it (an A4 width), else as measured, scaled to the same width."""
    width, height = _seen_size(corners)
    ratio = max(width, height) / max(min(width, height), 1.0)
    if abs(ratio - _A_RATIO) <= _A_RATIO_TOLERANCE:
        ratio = _A_RATIO
    short = _A4_WIDTH_INCH * dpi
    return (round(short), round(short * ratio)) if height >= width else (round(short * ratio), round(short))


def flatten_sheet(bgr: np.ndarray, corners: np.ndarray, dpi: int) -> np.ndarray:
    """The sheet inside `corners` warped to a flat page at about `dpi`, a coarser photo's
    enlarged too: at its own resolution a 5-megapixel photo's rules came out a pixel thin and
    broke and cells merged (a bench photo, seed 229: 27 of 176 cells wrong, 1 of them
    silently; enlarged, 1, flagged)."""
    width, height = _page_size(corners, dpi)
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    # Paper white where the sheet runs on beyond the photo.
    flat: np.ndarray = cv2.warpPerspective(bgr, matrix, (width, height), flags=cv2.INTER_AREA,
                                           borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))
    return flat


def desk_cleared(flat: np.ndarray) -> np.ndarray:
    """The flattened sheet with the desk along its edges turned paper white: where its outline
    bows in, or the corners found overshoot a little, slivers of desk came along, and their
    edges framed the whole page like a table's rules (a page of text was read as one table).

    Desk is a broad area reaching the border, within a band along it, much darker than the
    paper just inside (measured piece by piece: a shadow darkens both alike) and thick along
    the border; ink is thin, and a rule running out to a cut edge crosses the band."""
    scale = _FIND_SIDE / max(flat.shape[:2])
    gray = cv2.cvtColor(cv2.resize(flat, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    band = max(2, round(_DESK_BAND * min(h, w)))
    broad = np.zeros((h, w), np.uint8)
    along = np.ones((3, 7), np.uint8)
    for turns in range(4):
        # Each side in turn as the top one.
        side, mark = np.rot90(gray, turns), np.rot90(broad, turns)
        dark = np.zeros((band, side.shape[1]), np.uint8)
        for cols in np.array_split(np.arange(side.shape[1]), _DESK_PIECES):
            piece = slice(int(cols[0]), int(cols[-1]) + 1)
            paper = float(np.percentile(side[band:3 * band, piece], 90))
            dark[:, piece] = side[:band, piece] < _DESK_DARKER * paper
        mark[:band] |= cv2.morphologyEx(dark, cv2.MORPH_OPEN, along, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    count, labels = cv2.connectedComponents(broad)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    desk = cv2.dilate(np.isin(labels, edge[edge > 0]).astype(np.uint8), np.ones((5, 5), np.uint8))
    if count < 2 or not desk.any():
        return flat
    full = cv2.resize(desk, (flat.shape[1], flat.shape[0]), interpolation=cv2.INTER_NEAREST)
    out = flat.copy()
    out[full > 0] = 255
    return out


def rim_whitened(flat: np.ndarray) -> np.ndarray:
    """The flattened sheet with a thin rim along its edges turned paper white: a sliver of
    desk or of the sheet's shadowed edge a pixel or few wide, too thin for `desk_cleared`,
    ran down the page's side and joined every text line beside it into one band (seed 811:
    a section's heading read as "二" and the report rejected as having no table)."""
    rim = max(1, round(_PAPER_RIM * min(flat.shape[:2])))
    out = flat.copy()
    out[:rim], out[-rim:], out[:, :rim], out[:, -rim:] = 255, 255, 255, 255
    return out


def on_glass(corners: np.ndarray, shape: tuple[int, ...], settings: Settings) -> bool:
    """Whether the sheet lies whole in the image as a scanner's glass holds it: square-cornered
    (no perspective) and turned no more than a scan's skew."""
    h, w = shape[:2]
    size = np.array([w, h], np.float64)
    overshoot = settings.scan.glass_overshoot * size
    if (corners.min(axis=0) < -overshoot).any() or (corners.max(axis=0) > size + overshoot).any():
        return False
    if max(abs(a - 90) for a in corner_angles(corners)) > settings.scan.glass_corner_deg:
        return False
    sides = np.abs(np.roll(corners, -1, axis=0) - corners)
    off_axis = np.degrees(np.arctan2(sides.min(axis=1), sides.max(axis=1)))
    return bool(off_axis.max() <= settings.scan.glass_side_deg)


def surround_whitened(bgr: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The scan with all but the sheet inside `corners` paper white, the sheet's rim too (its
    edge's shadow would frame the page like a table's rules). Whitened in place: the page is
    the reader's own render, and a copy of it was a 300-dpi scan's peak (30 MB more)."""
    rim = max(1, round(_PAPER_RIM * min(_seen_size(corners))))
    inner = corners + rim * np.sign(corners.mean(axis=0) - corners)
    sheet = np.zeros(bgr.shape[:2], np.uint8)
    cv2.fillConvexPoly(sheet, np.round(inner).astype(np.int32), 255)
    # OpenCV's masked OR: NumPy's boolean-mask assignment took 80 ms on a 2807 x 1985 page.
    cv2.bitwise_or(bgr, _WHITE, dst=bgr, mask=cv2.bitwise_not(sheet))
    return bgr


def _straightened(bgr: np.ndarray) -> np.ndarray:
    gray = preprocess.flatten_light(cv2.cvtColor(preprocess.remove_seal(bgr), cv2.COLOR_BGR2GRAY))
    ink = preprocess.binarise(gray)
    rulings = find_rulings(ink, preprocess.faint_ink(gray), raster_settings(ink))
    return straighten(bgr, ink, rulings.horizontal, rulings.vertical)


def as_scanned(bgr: np.ndarray, settings: Settings) -> tuple[np.ndarray, bool]:
    """A phone photo's sheet flattened and straightened as if scanned; a close-up whose table
    is seen in perspective, squared by the table's frame; a scanned sheet with its surround
    whitened (in place); any other image as it is. And whether it was a photo (its print blurred)."""
    corners = find_page(bgr)
    if corners is not None and on_glass(corners, bgr.shape, settings):
        return surround_whitened(bgr, corners), False
    if corners is not None:
        # A curled side taken for a straight one (or, the frame cutting the sheet, for the
        # direction of the hidden one) shears the flattened page: its rulings square it.
        flat = unsheared(desk_cleared(flatten_sheet(bgr, corners, settings.scan.photo_dpi)))
        h, w = bgr.shape[:2]
        if (corners.min(axis=0) < 0).any() or (corners.max(axis=0) > [w, h]).any():
            # The frame cut the sheet: a side it hides was guessed (parallel to the one
            # opposite), and its table's frame, if still seen in perspective, squares it.
            frame = find_frame(flat)
            flat = flat if frame is None else square_frame(flat, frame)
        else:
            # Seen whole, the sheet's edges are its own (a guessed one may run through print).
            flat = rim_whitened(flat)
        return _straightened(flat), True
    frame = find_frame(bgr)
    return (bgr, False) if frame is None else (_straightened(square_frame(bgr, frame)), True)
