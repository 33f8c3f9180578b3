"""The generated scans look scanned: a red seal, skewed rulings, sensor noise."""

from __future__ import annotations

import json
import math
import random

import cv2
import numpy as np
import pdfplumber
import pytest
from PIL import Image

from bench.render_scan import scan_report, write_image, write_scanned_pdf
from bench.scan_wear import Wear, draw_wear, highlight_rows, pen_tick, wear_stream
from bench.truth import make_truth

TRUTH = make_truth(21)


@pytest.fixture(scope="module")
def pages():
    return scan_report(TRUTH, random.Random(4))


def _ruling_angle(image: Image.Image) -> float:
    """Median angle (degrees, y down) of the long straight lines on the page: the table rulings."""
    grey = np.asarray(image.convert("L"))
    ink: np.ndarray = (grey < 128).astype(np.uint8) * 255
    width = grey.shape[1]
    # Keep only long horizontal strokes (rulings), so that the Hough transform does not wade through text.
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, width // 60), np.uint8))
    segments = cv2.HoughLinesP(ink, 1, np.pi / 1800, threshold=300, minLineLength=width // 3, maxLineGap=6)
    assert segments is not None, "no table rulings found"
    angles = [math.degrees(math.atan2(y1 - y0, x1 - x0)) for x0, y0, x1, y1 in segments[:, 0]]
    return float(np.median([a for a in angles if abs(a) < 10]))


def test_seal_is_red(pages):
    sealed = [p for p in pages if p.sealed]
    assert len(sealed) == 1
    rgb = np.asarray(sealed[0].image.convert("RGB")).astype(int)
    red = (rgb[..., 0] > 140) & (rgb[..., 0] - rgb[..., 1] > 60) & (rgb[..., 0] - rgb[..., 2] > 50)
    assert red.sum() > 2000
    for page in pages:
        if not page.sealed and page.image.mode == "RGB":
            other = np.asarray(page.image).astype(int)
            assert ((other[..., 0] - other[..., 1]) > 60).sum() < 50


def test_pages_are_skewed(pages):
    measured = 0
    for page in pages:
        if page.turn == 0 and page.keys:
            angle = _ruling_angle(page.image)
            # The scanner turned the page counter-clockwise by page.skew: rulings rise to the right.
            assert abs(angle) > 0.15
            assert abs(angle + page.skew) < 0.35
            measured += 1
    assert measured


def test_blank_paper_is_noisy(pages):
    for page in pages:
        grey = np.asarray(page.image.convert("L")).astype(float)
        h, w = grey.shape
        margin = grey[int(h * 0.015):int(h * 0.045), int(w * 0.3):int(w * 0.6)]
        assert margin.std() > 1.5
        assert margin.mean() < 252  # scanned paper is never pure white


def test_every_key_on_exactly_one_page(pages):
    seen = [k for p in pages for k in p.keys]
    assert sorted(seen) == sorted(TRUTH.cells)


def test_scanned_pdf_is_image_only(pages, tmp_path):
    path = write_scanned_pdf(pages, tmp_path / "scan", random.Random(8))
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 2
        assert all(not page.chars and page.images for page in pdf.pages)


@pytest.mark.parametrize("seed", range(4))
def test_image_with_its_keys(pages, tmp_path, seed):
    path = write_image(pages, tmp_path / "image", random.Random(seed))
    keys_file = tmp_path / "image.keys.json"
    with Image.open(path) as image:
        if getattr(image, "n_frames", 1) > 1:
            assert path.suffix == ".tif" and image.n_frames == len(pages)
            assert not keys_file.exists()  # the whole report: every key is in it
            return
        assert min(image.size) >= 1200  # A4 at 150 dpi or more
    keys = json.loads(keys_file.read_text(encoding="utf-8"))
    assert keys in [p.keys for p in pages if p.keys]


# --- Wear drawn now and then (scan_wear) -------------------------------------------------------

def test_wear_is_drawn_reproducibly_without_touching_the_renderers_stream():
    rng = random.Random("941/image/3")
    state = rng.getstate()
    first = draw_wear(wear_stream(rng))
    assert rng.getstate() == state
    assert draw_wear(wear_stream(random.Random("941/image/3"))) == first


def test_each_kind_of_wear_is_drawn_now_and_then():
    draws = [draw_wear(wear_stream(random.Random(f"wear/{i}"))) for i in range(600)]
    shares = {
        "lid": sum(bool(w.lid_bands) for w in draws), "show": sum(w.show_through > 0 for w in draws),
        "faded": sum(w.faded is not None for w in draws), "soft": sum(w.soft_copy is not None for w in draws),
        "off": sum(w.off_centre is not None for w in draws), "marker": sum(w.highlighter for w in draws),
        "pen": sum(w.pen_tick for w in draws), "jpeg": sum(w.jpeg_quality is not None for w in draws),
        "dpi": sum(w.dpi_metadata != "true" for w in draws)}
    assert all(30 < n < 95 for n in shares.values()), shares
    assert 150 < sum(not w.any for w in draws) < 330  # a third of the documents carry none
    assert all(70 <= w.faded[0] <= 130 and 215 <= w.faded[1] <= 245 for w in draws if w.faded)
    assert all(25 <= w.jpeg_quality <= 40 for w in draws if w.jpeg_quality)


def test_no_wear_leaves_the_scan_as_it_was(pages):
    again = scan_report(TRUTH, random.Random(4), wear=Wear(seed=1))
    assert all(np.array_equal(np.asarray(a.image), np.asarray(b.image)) for a, b in zip(pages, again, strict=True))


def _ruled_page() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A white page with a ruled table and a digit-sized black box in every other cell."""
    page = np.full((1400, 1000, 3), 255, np.uint8)
    boxes = []
    for row, y in enumerate(range(300, 900, 60)):
        page[y:y + 3, 100:900] = 0
        for x in range(150 + 100 * (row % 2), 880, 200):
            page[y + 20:y + 42, x:x + 30] = 0
            boxes.append((x, y + 20, x + 30, y + 42))
    return page, boxes


def test_pen_tick_crosses_a_rule_and_no_character():
    page, boxes = _ruled_page()
    for seed in range(10):
        ticked = pen_tick(page, random.Random(seed), dpi=150)
        marked = np.argwhere((ticked != page).any(axis=2))
        assert marked.size
        assert any(y0 <= y < y0 + 3 for y0 in range(300, 900, 60) for y in marked[:, 0])
        for x0, y0, x1, y1 in boxes:
            assert not ((marked[:, 1] >= x0) & (marked[:, 1] < x1) & (marked[:, 0] >= y0) & (marked[:, 0] < y1)).any()


def test_highlighter_covers_a_row_and_keeps_the_print_dark():
    page, boxes = _ruled_page()
    lit = highlight_rows(page, random.Random(3), dpi=150)
    yellowish = (lit[..., 2].astype(int) < lit[..., 1].astype(int) - 40)
    assert 40 <= np.flatnonzero(yellowish.any(axis=1)).size <= 140  # one or two rows of 60 px
    assert all((lit[y0:y1, x0:x1] == 0).all() for x0, y0, x1, y1 in boxes)


@pytest.fixture(scope="module")
def worn_pages():
    wear = Wear(seed=5, lid_bands=(("left", 0.03, 25), ("top", 0.02, 40)), faded=(110, 230),
                off_centre=(0.0, 0.05, 0.08, 0.0, 200), highlighter=True, pen_tick=True, dpi_metadata="none")
    return scan_report(TRUTH, random.Random(4), wear=wear), wear


def test_worn_scan_has_lid_edges_faded_ink_and_marks(worn_pages, pages):
    worn, _ = worn_pages
    for plain, page in zip(pages, worn, strict=True):
        grey = np.asarray(page.image.convert("L")).astype(int)
        h, w = grey.shape
        assert (h, w) == (plain.image.height + int(0.05 * plain.image.height),
                          plain.image.width + int(0.08 * plain.image.width))
        assert grey[h // 2, : int(0.02 * w)].mean() < 70  # the lid's band on the left
        assert grey[int(0.2 * h):int(0.8 * h), int(0.1 * w):int(0.9 * w)].min() > 50  # no ink darker than faded toner
    rgb = [np.asarray(p.image.convert("RGB")).astype(int) for p in worn]
    assert any(((r[..., 1] - r[..., 2]) > 40).sum() > 5000 for r in rgb)  # the highlighter


def test_worn_image_file_has_no_dpi(worn_pages, tmp_path):
    worn, wear = worn_pages
    path = write_image(worn, tmp_path / "image", random.Random(1), wear)
    with Image.open(path) as image:
        # A TIFF must state some resolution: its writer puts 1 per no unit.
        assert image.info.get("dpi", (1, 1))[0] <= 1
