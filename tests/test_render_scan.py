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
