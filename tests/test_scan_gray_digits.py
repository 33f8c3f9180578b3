"""A lone digit the second engine finds nothing in once binarised is read again as scanned."""

from __future__ import annotations

import cv2
import numpy as np

from ingest.scan.ocr.consensus import as_binary, engine_set, read_values
from ingest.settings import load_settings


def _shadowed_zero() -> np.ndarray:
    """A "0" in a cell whose right part lies in a shadow (a photo's hand, a scan's fold): Otsu
    cuts between paper and shadow, and the binarised crop loses the digit."""
    crop = np.full((40, 40), 255, np.uint8)
    crop[:, 24:] = 170
    cv2.putText(crop, "0", (9, 31), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 60, 2, cv2.LINE_AA)
    return crop


def test_a_digit_lost_in_the_binarised_look_is_read_again_gray() -> None:
    settings = load_settings()
    engines = engine_set(settings)
    crop = _shadowed_zero()
    second = engines.values[1]
    assert second.preprocess is as_binary and second.read([crop])[0].text == ""  # the case itself
    reading = read_values([crop], engines, None, settings, 32)[0]
    assert reading.text == "0" and reading.confidence >= settings.ocr.conf_agree_low_score
