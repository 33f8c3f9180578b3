"""Crops read once per look: the same printed value under scanning noise is one look; two
different values never are (a wrong grouping would give a cell another cell's reading)."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.scan.ocr.base import CellText, Kind
from ingest.scan.ocr.consensus import EngineSet, ValueReader, as_binary, as_gray, has_chinese, may_be_value, read_values
from ingest.scan.ocr.rapid import RapidOcrEngine
from ingest.scan.ocr.same_look import SURE_APART, group_looks, read_once
from ingest.scan.ocr.tesseract import TesseractEngine
from ingest.settings import load_settings

TEXT_HEIGHT = 32
FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
         "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"]
VALUES = [str(d) for d in range(10)] + ["10", "11", "01", "00", "-", "1.5", "号"]


def drawn(text: str, font_path: str, rng: random.Random, height: int) -> np.ndarray:
    """`text` printed about `height` px high on white as a cell crop: drawn four times larger at
    a random sub-pixel offset and scaled down."""
    scale = 4
    font = ImageFont.truetype(font_path, height * scale, index=2)
    left, top, right, bottom = (round(v) for v in font.getbbox(text))
    size = (right - left + 16 * scale, bottom - top + 12 * scale)
    image = Image.new("L", size, 255)
    ImageDraw.Draw(image).text((8 * scale - left + rng.randrange(scale), 6 * scale - top + rng.randrange(scale)),
                               text, font=font, fill=0)
    gray: np.ndarray = cv2.resize(np.asarray(image), (size[0] // scale, size[1] // scale),
                                  interpolation=cv2.INTER_AREA)
    return gray


def crop(text: str, font_path: str, rng: random.Random, noisy: bool) -> np.ndarray:
    """`text` drawn TEXT_HEIGHT px high, then (noisy) blurred, grained and JPEG-compressed as a
    scan would be."""
    gray = drawn(text, font_path, rng, TEXT_HEIGHT)
    if noisy:
        gray = cv2.GaussianBlur(gray, (3, 3), rng.uniform(0.3, 0.8))
        grain = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 8, gray.shape)
        gray = np.clip(gray + grain, 0, 255).astype(np.uint8)
        _, jpeg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 70])
        decoded = cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)
        assert decoded is not None
        return decoded
    return gray


@pytest.mark.parametrize("font_path", FONTS)
def test_different_values_are_never_one_look(font_path: str) -> None:
    rng = random.Random(7)
    crops, texts = [], []
    for text in VALUES:
        for noisy in (False, True, True):
            crops.append(crop(text, font_path, rng, noisy))
            texts.append(text)
    owners = group_looks(crops, TEXT_HEIGHT)
    wrong = [(texts[i], texts[owner]) for i, owner in enumerate(owners) if texts[i] != texts[owner]]
    assert wrong == []
    # The same value under noise is mostly one look (else nothing is saved).
    grouped = sum(owner != i for i, owner in enumerate(owners))
    assert grouped >= len(VALUES)


def blurred_small(text: str, font_path: str, rng: random.Random, height: int, blur: float) -> np.ndarray:
    """`text` printed `height` px high, blurred as a phone photo's or a fax's small print."""
    gray = cv2.GaussianBlur(drawn(text, font_path, rng, height), (5, 5), blur)
    grain = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 6, gray.shape)
    grained: np.ndarray = np.clip(gray + grain, 0, 255).astype(np.uint8)
    return grained


@pytest.mark.parametrize("font_path", FONTS)
@pytest.mark.parametrize("height", [12, 16, 22, 28])
def test_small_blurred_digits_are_never_one_look(font_path: str, height: int) -> None:
    # Seed 2323's photo 7: a 3 sixteen pixels high, blurred, shared a 2's look with both readers.
    for blur in (0.6, 1.0, 1.4, 1.8):
        rng = random.Random(height * 10 + int(blur * 10))
        texts = [digit for digit in "0123456789" for _ in range(4)]
        crops = [blurred_small(text, font_path, rng, height, blur) for text in texts]
        for max_apart in (0.02, SURE_APART):
            owners = group_looks(crops, height, max_apart)
            assert [(texts[i], texts[owner]) for i, owner in enumerate(owners) if texts[i] != texts[owner]] == []


class Counting:
    """A real engine, counting the crops it is given."""

    def __init__(self, engine: RapidOcrEngine | TesseractEngine) -> None:
        self.engine = engine
        self.name = engine.name
        self.kind_blind = engine.kind_blind
        self.crops = 0

    def read_lines(self, images: list[np.ndarray], kind: Kind) -> list[CellText]:
        self.crops += len(images)
        return self.engine.read_lines(images, kind)


def test_values_read_once_per_look_and_labels_alone() -> None:
    rng = random.Random(3)
    font = FONTS[0]
    texts = ["0"] * 12 + ["8", "6", "0", "11", "11"] + ["号"] * 3
    crops = [crop(t, font, rng, noisy=True) for t in texts]
    counting = Counting(RapidOcrEngine())
    once = read_once(crops, lambda batch: counting.read_lines(batch, "label"), TEXT_HEIGHT, may_be_value)
    alone = RapidOcrEngine().read_lines(crops, "label")
    assert [r.text for r in once] == [r.text for r in alone]
    assert [r.text for r in once][:14] == ["0"] * 12 + ["8", "6"]
    # Twelve "0"s and two "11"s read as few looks; the Chinese character (not a value) each time.
    assert counting.crops <= len(crops) - 10


def test_second_reading_shares_only_one_digit_looks_all_but_identical() -> None:
    rng = random.Random(5)
    font = FONTS[0]
    texts = ["0"] * 10 + ["8", "6", "11", "11", "3"]
    # Clean crops of one value drawn at one offset are pixel for pixel one look; noisy ones may not be.
    crops = [crop(t, font, random.Random(1), noisy=False) for t in texts[:10]] + \
        [crop(t, font, rng, noisy=True) for t in texts[10:]]
    counting = Counting(TesseractEngine(timeout=60))
    rapid = RapidOcrEngine()
    engines = EngineSet(rapid, (ValueReader(rapid, as_gray), ValueReader(counting, as_binary)))
    shared = read_values(crops, engines, None, load_settings(), TEXT_HEIGHT)
    assert [r.text for r in shared] == texts
    # The ten "0"s read once; "11" (two digits) each time.
    assert counting.crops == len(crops) - 9


def test_header_labels_read_once_per_look_only_when_all_but_identical() -> None:
    # A table header's lines (section 四 prints one character a line in its narrow columns).
    rng = random.Random(11)
    font = FONTS[0]
    texts = ["结果", "维持", "结果", "纠正", "结果", "其他", "总计", "结", "果", "结", "果", "未", "末",
             "（一）", "（二）", "行政复议", "行政诉讼", "0", "0"]
    crops = [crop(t, font, random.Random(1), noisy=False) for t in texts] + \
        [crop(t, font, rng, noisy=True) for t in texts]
    counting = Counting(RapidOcrEngine())
    once = read_once(crops, lambda batch: counting.read_lines(batch, "label"), TEXT_HEIGHT, may_be_value,
                     labels=has_chinese)
    alone = RapidOcrEngine().read_lines(crops, "label")
    assert [r.text for r in once] == [r.text for r in alone]
    # Clean crops of one label drawn at one offset are one look: 结果 and 结, 果 read once each.
    assert counting.crops <= len(crops) - 5
