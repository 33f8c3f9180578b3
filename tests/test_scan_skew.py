"""The skew of a page fed crooked, found from its rows of text and its rules."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ingest.scan.preprocess import binarise, skew_angle, whiten_edge_slivers


@pytest.mark.parametrize("turned", [-3.2, -0.7, 0.0, 1.3, 4.5])
def test_skew_of_a_crooked_page(turned: float) -> None:
    """Rows of text and a ruled table turned by `turned` degrees: the angle that turns them
    back, to a tenth of a degree."""
    ink = np.zeros((2800, 2000), np.uint8)
    for row in range(40):
        cv2.putText(ink, "12 345 6789 0 12 345 6789", (150, 200 + 60 * row), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 255, 3)
    for y in range(2700, 2790, 30):
        cv2.line(ink, (150, y), (1850, y), 255, 3)
    matrix = cv2.getRotationMatrix2D((1000, 1400), turned, 1.0)
    crooked = cv2.warpAffine(ink, matrix, (2000, 2800))
    assert abs(skew_angle(crooked) + turned) <= 0.11


def test_a_sheets_edge_along_the_border_does_not_set_the_skew() -> None:
    """A page printed 1.9° crooked on a sheet scanned square, a sliver of the gray lid a few
    pixels wide along each border: the slivers' long straight runs outweighed the text (0°
    found, every prose line joined to the next). Whitened, the print's skew is found; the
    print stays, and a rule near the border that does not reach it stays too."""
    page = np.full((2800, 2000), 255, np.uint8)
    for row in range(40):
        cv2.putText(page, "12 345 6789 0 12 345 6789", (150, 200 + 60 * row), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
    matrix = cv2.getRotationMatrix2D((1000, 1400), 1.9, 1.0)
    page = cv2.warpAffine(page, matrix, (2000, 2800), borderValue=(255,)).astype(np.uint8)
    page[:6], page[-5:], page[:, :8], page[:, -7:] = 90, 90, 90, 90
    page[15:18, 300:1700] = 0
    assert abs(skew_angle(binarise(page))) < 0.5
    clean = whiten_edge_slivers(page)
    assert abs(skew_angle(binarise(clean)) + 1.9) <= 0.11
    assert (clean[:12] == 255).all() and (clean[:, -12:] == 255).all()
    assert (clean[15:18, 300:1700] == 0).all()
    assert np.array_equal(clean[30:-30, 30:-30], page[30:-30, 30:-30])
