"""Tesseract's library kept in the process reads what the program reads: the same words,
confidences and places on the same canvas, for numbers and for Chinese labels."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.scan.ocr import tess_api
from ingest.scan.ocr.base import Kind
from ingest.scan.ocr.tesseract import _CONFIG, _PSM, TesseractEngine

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def canvas(lines: list[str]) -> np.ndarray:
    font = ImageFont.truetype(FONT, 32, index=2)
    image = Image.new("L", (600, 70 * len(lines) + 40), 255)
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(lines):
        draw.text((30, 30 + 70 * i), text, font=font, fill=0)
    return np.asarray(image)


def words(found: list[tuple[str, float, int, int]]) -> list[tuple[str, float, int, int]]:
    return [w for w in found if w[0].strip() and w[1] >= 0]


@pytest.mark.parametrize(("kind", "lines"), [("number", ["0", "1234", "56.7", "-", "89"]),
                                             ("label", ["本年新收政府信息公开申请数量", "（一）予以公开", "总计"])])
def test_library_reads_as_the_program(kind: Kind, lines: list[str]) -> None:
    lang, variables = _CONFIG[kind]
    image = canvas(lines)
    library = tess_api.tsv_words(image, lang, _PSM, variables, timeout=60)
    if library is None:
        pytest.skip("libtesseract 5 cannot be used here")
    program = TesseractEngine(timeout=60)._run(image, lang, variables)
    assert words(library) == words(program)
    assert words(library)
