"""Ruled table regions on masks with few and with very many separate marks (the labels of a
mask's components are 16-bit where they fit, 32-bit otherwise)."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.tables.model import GridSettings
from ingest.tables.raster import table_regions

_GS = GridSettings(text_height=20, snap=4, bridge=10, min_line=50, min_vline=28, intersection=3,
                   line_thickness=2, stitch=0, space_gap=0, same_line=0, stream_gap=0, edge_coverage=0.8)


def _grid(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Rule masks of one 3 x 3 table at (100, 100)-(700, 400)."""
    horizontal, vertical = np.zeros(shape, np.uint8), np.zeros(shape, np.uint8)
    for y in (100, 200, 300, 400):
        horizontal[y:y + 2, 100:700] = 255
    for x in (100, 300, 500, 698):
        vertical[100:402, x:x + 2] = 255
    return horizontal, vertical


@pytest.mark.parametrize("specks", [False, True])
def test_table_found_among_many_marks(specks: bool) -> None:
    shape = (2400, 2400)
    horizontal, vertical = _grid(shape)
    if specks:
        # Dots below the table, apart even once the frame is dilated: more webs than
        # 16-bit labels hold.
        dots = np.zeros(shape, np.uint8)
        dots[500::6, ::6] = 255
        assert np.count_nonzero(dots) > 65_535
        vertical = vertical | dots
    assert table_regions(horizontal, vertical, _GS) == [(99, 99, 702, 404)]
