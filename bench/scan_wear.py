"""Wear that some scans carry and most do not: a scanner lid's dark edges, the reverse side's
print showing through, faded toner, a copy at a lower resolution, a sheet off-centre on the
glass, a highlighter over a table row, a pen tick across a cell's border, heavy JPEG, and a
wrong or missing DPI in the image file.

Each kind is drawn with a modest probability per document from its own random stream, derived
from the renderer's stream without drawing from it: a document that draws no wear is the same,
byte for byte, as before these kinds existed.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

# Probability per document of each kind (a reader meets several together now and then).
WEAR_CHANCE = 0.10
# The lowest resolution of a copy: below it print is lost to a reader as to OCR (seed 983's
# 150-dpi scans copied at 0.55 and 0.65 of it lost table rows, flagged).
SOFT_COPY_MIN_DPI = 100
EDGES = ("left", "top", "right", "bottom")
HIGHLIGHTERS = ((1.0, 1.0, 0.5), (0.72, 1.0, 0.62))  # yellow, green (multiplied over the paper)
PENS = ((40, 60, 190), (35, 35, 45))  # blue, black


@dataclass(frozen=True)
class Wear:
    """What one document's scan suffers, besides what every scan does (`ScanStyle`)."""

    seed: int  # per-page draws (where the highlighter and the pen land)
    lid_bands: tuple[tuple[str, float, int], ...] = ()  # (edge, share of that side, gray)
    show_through: float = 0.0  # darkness of the reverse side's print, 0-1
    faded: tuple[int, int] | None = None  # (darkest ink, paper)
    soft_copy: float | None = None  # resolution of the copy, relative to the scan's (100 dpi at least)
    off_centre: tuple[float, float, float, float, int] | None = None  # margins left, top, right, bottom; gray
    highlighter: bool = False
    pen_tick: bool = False
    jpeg_quality: int | None = None
    dpi_metadata: str = "true"  # "true", "72" or "none" (image files only)

    @property
    def any(self) -> bool:
        return self != Wear(self.seed)


def wear_stream(rng: random.Random) -> random.Random:
    """A stream of its own, seeded by `rng`'s state, which it leaves as it is."""
    return random.Random(hashlib.sha256(repr(rng.getstate()).encode()).hexdigest() + "/wear")


def draw_wear(rng: random.Random, bilevel: bool = False) -> Wear:
    """Each kind with probability WEAR_CHANCE, in ranges seen on real scans. A `bilevel` scan
    (black and white at a fixed threshold) has neither faded toner, which it would turn to blank,
    nor a soft copy, whose gray thin rules it would cut to dashes a third of their length (seed
    981's fax 1 at 0.61 of 150 dpi: every table lost, flagged)."""
    def drawn() -> bool:
        return rng.random() < WEAR_CHANCE

    seed = rng.getrandbits(32)
    bands = tuple((edge, rng.uniform(0.01, 0.04), rng.randint(10, 60))
                  for edge in rng.sample(EDGES, rng.randint(1, 3))) if drawn() else ()
    show_through = rng.uniform(0.08, 0.2) if drawn() else 0.0
    fade = (rng.randint(70, 130), rng.randint(215, 245)) if drawn() and not bilevel else None
    soft = rng.uniform(0.6, 0.75) if drawn() and not bilevel else None
    off = (*(rng.uniform(0.0, 0.1) for _ in range(4)), rng.randint(150, 215)) if drawn() else None
    return Wear(seed, bands, show_through, fade, soft, off,  # type: ignore[arg-type]
                highlighter=drawn(), pen_tick=drawn(), jpeg_quality=rng.randint(25, 40) if drawn() else None,
                dpi_metadata=rng.choice(["72", "none"]) if drawn() else "true")


# --- On the paper, before the scanner sees it ---------------------------------------------------

def show_through(page: np.ndarray, reverse: np.ndarray, strength: float, dpi: int) -> np.ndarray:
    """`page` (RGB) with the reverse side's print seen through the paper: mirrored, blurred, paler."""
    back = cv2.cvtColor(reverse, cv2.COLOR_RGB2GRAY)[:, ::-1]
    if back.shape != page.shape[:2]:
        back = cv2.resize(back, (page.shape[1], page.shape[0]), interpolation=cv2.INTER_AREA)
    ghost = cv2.GaussianBlur((255.0 - back.astype(np.float32)) * strength, (0, 0), sigmaX=1.5 * dpi / 300)
    seen: np.ndarray = np.clip(page.astype(np.float32) - ghost[..., None], 0, 255).astype(np.uint8)
    return seen


def horizontal_rules(page: np.ndarray) -> list[tuple[int, int, int]]:
    """The table rules of a clean page raster (RGB): (y, x0, x1) of each, top to bottom."""
    ink = (cv2.cvtColor(page, cv2.COLOR_RGB2GRAY) < 128).astype(np.uint8)
    w = ink.shape[1]
    long_runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, w // 6), np.uint8))
    rows = np.flatnonzero(long_runs.sum(axis=1) > 0)
    rules: list[tuple[int, int, int]] = []
    for group in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if rows.size else []:
        cols = np.flatnonzero(long_runs[group].any(axis=0))
        rules.append((int(group.mean()), int(cols[0]), int(cols[-1])))
    return rules


def highlight_rows(page: np.ndarray, rng: random.Random, dpi: int) -> np.ndarray:
    """A highlighter stroke over one or two table rows (between rules 3-15 mm apart), a little
    off the rules and past the table's ends; print under it stays dark (the ink multiplies)."""
    rules = horizontal_rules(page)
    mm = dpi / 25.4
    rows = [(a, b) for a, b in itertools.pairwise(rules) if 3 * mm < b[0] - a[0] < 15 * mm]
    if not rows:
        return page
    first = rng.randrange(len(rows))
    top, bottom = rows[first][0], rows[min(first + rng.randint(0, 1), len(rows) - 1)][1]
    y0 = int(top[0] + rng.uniform(-1, 1.5) * mm)
    y1 = int(bottom[0] + rng.uniform(-1.5, 1) * mm)
    x0 = int(max(0, top[1] + rng.uniform(-6, 10) * mm))
    x1 = int(min(page.shape[1], top[2] + rng.uniform(-10, 6) * mm))
    out = page.astype(np.float32)
    colour = np.array(rng.choice(HIGHLIGHTERS), np.float32) * rng.uniform(0.93, 1.0)
    out[y0:y1, x0:x1] *= colour
    return out.astype(np.uint8)


def pen_tick(page: np.ndarray, rng: random.Random, dpi: int) -> np.ndarray:
    """A reviewer's pen tick (✓) across a table rule where the cells either side are blank
    there, so that it crosses no printed character."""
    mm = dpi / 25.4
    size = int(rng.uniform(4, 7) * mm)
    ink = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY) < 160
    spots = []
    for y, x0, x1 in horizontal_rules(page):
        for x in range(x0 + size, x1 - size, max(1, size // 2)):
            window = ink[max(0, y - size):y + size, x - size:x + size].copy()
            window[max(0, size - int(mm)):size + int(mm)] = False  # the rule itself
            if not window.any():
                spots.append((x, y))
    if not spots:
        return page
    x, y = rng.choice(spots)
    # Down-right from above the rule, then up-right across it: the rule is crossed once.
    points = np.array([[x - size * 0.8, y - size * 0.3], [x - size * 0.3, y + size * 0.6],
                       [x + size * 0.8, y - size * 0.8]], np.int32)
    out = page.copy()
    cv2.polylines(out, [points], False, rng.choice(PENS), max(2, int(0.4 * mm)), lineType=cv2.LINE_AA)
    return out


def on_paper(rasters: list[np.ndarray], wear: Wear, dpi: int) -> list[np.ndarray]:
    """The printed pages (RGB) as the scanner finds them: marked by a reader, printed on both sides."""
    rng = random.Random(f"{wear.seed}/paper")
    marked = [p for p, r in enumerate(rasters) if horizontal_rules(r)] if wear.highlighter or wear.pen_tick else []
    pages = list(rasters)
    if wear.highlighter and marked:
        index = rng.choice(marked)
        pages[index] = highlight_rows(pages[index], rng, dpi)
    if wear.pen_tick and marked:
        index = rng.choice(marked)
        pages[index] = pen_tick(pages[index], rng, dpi)
    if wear.show_through:
        # Printed on both sides: sheet k carries pages 2k and 2k+1.
        pages = [show_through(page, rasters[i ^ 1], wear.show_through, dpi) if (i ^ 1) < len(rasters) else page
                 for i, page in enumerate(pages)]
    return pages


# --- In the scanner, after the optics ---------------------------------------------------------

def optics(wear: Wear, rng: random.Random, dpi: int) -> Callable[[np.ndarray], np.ndarray] | None:
    """What the scanner does to the page (float RGB) after its lens: a copy at lower resolution,
    the sheet off-centre on a larger glass, the lid's dark edges. None without such wear."""
    if wear.soft_copy is None and wear.off_centre is None and not wear.lid_bands:
        return None

    def worn(img: np.ndarray) -> np.ndarray:
        h, w = img.shape[:2]
        if wear.soft_copy is not None:
            scale = max(wear.soft_copy, SOFT_COPY_MIN_DPI / dpi)
            small = cv2.resize(img, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
            img = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
        if wear.off_centre is not None:
            left, top, right, bottom, gray = wear.off_centre
            img = cv2.copyMakeBorder(img, int(top * h), int(bottom * h), int(left * w), int(right * w),
                                     cv2.BORDER_CONSTANT, value=(gray, gray, gray))
            h, w = img.shape[:2]
        for edge, share, gray in wear.lid_bands:
            depth = max(2, int(share * (w if edge in ("left", "right") else h)))
            # The band's inner edge wavers a little, as a lid's shadow does.
            depth += rng.randint(-depth // 5, depth // 5)
            if edge == "left":
                img[:, :depth] = gray
            elif edge == "right":
                img[:, w - depth:] = gray
            elif edge == "top":
                img[:depth] = gray
            else:
                img[h - depth:] = gray
        return img

    return worn


def dpi_saved(wear: Wear | None, dpi: int) -> dict[str, Any]:
    """The `dpi` option of an image file's save: the scan's, 72, or none at all."""
    if wear is None or wear.dpi_metadata == "true":
        return {"dpi": (dpi, dpi)}
    return {"dpi": (72, 72)} if wear.dpi_metadata == "72" else {}
