"""The plain baseline the cell-wise path is measured against: whole-page Tesseract on the
same page images the scan reader works on."""

from __future__ import annotations

import time
from collections.abc import Iterable

import cv2
import numpy as np
import pytesseract

from ingest.scan.images import image_pages, pdf_pages
from ingest.scan.ocr.tesseract import one_thread
from ingest.settings import Settings


def whole_page_ocr(page: np.ndarray, lang: str = "chi_sim") -> str:
    """Text of a BGR page image by one Tesseract run over the whole page, on one thread as
    the scan reader runs it: Tesseract's own threads make it 3 to 6 times slower here."""
    with one_thread():
        return str(pytesseract.image_to_string(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), lang=lang))


def baseline_seconds(data: bytes, is_pdf: bool, settings: Settings) -> tuple[int, float]:
    """Pages of a scanned PDF or image file, and the seconds that decoding them and reading
    each with whole-page Tesseract took."""
    started = time.perf_counter()
    pages: Iterable[np.ndarray] = (image for _, image in pdf_pages(data, settings)) if is_pdf \
        else image_pages(data, settings)
    count = 0
    for page in pages:
        whole_page_ocr(page)
        count += 1
    return count, time.perf_counter() - started
