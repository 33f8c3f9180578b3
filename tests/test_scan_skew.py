"""The skew of a page fed crooked, found from its rows of text and its rules."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ingest.scan.preprocess import skew_angle


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
