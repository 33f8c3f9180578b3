"""The plain baseline the cell-wise path is measured against: whole-page Tesseract."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytesseract


def whole_page_ocr(page: np.ndarray, lang: str = "chi_sim") -> tuple[str, float]:
    """Text of a BGR page image by one Tesseract run over the whole page, and the seconds it took."""
    started = time.monotonic()
    text = pytesseract.image_to_string(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), lang=lang)
    return str(text), time.monotonic() - started
