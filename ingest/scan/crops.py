"""Crops of a page for OCR, scaled so their text is the height both engines read best."""

from __future__ import annotations

import cv2
import numpy as np

from ingest.tables.model import PixelBox as Box

# Crops are scaled so their text is about this tall (both engines read best near it).
OCR_TEXT_HEIGHT = 32


def scaled_crop(gray: np.ndarray, box: Box, text_height: int) -> np.ndarray:
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    scale = OCR_TEXT_HEIGHT / max(text_height, 1)
    if abs(scale - 1) > 0.15:
        method = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        # Never to nothing: a sliver (a desk's edge beside a photographed sheet) is a pixel wide.
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        crop = cv2.resize(crop, size, interpolation=method)
    return cv2.copyMakeBorder(crop, 6, 6, 8, 8, cv2.BORDER_CONSTANT, value=255)
