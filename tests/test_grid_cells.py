"""A merge of a table's slots that is not a rectangle (a stretch of rule lost where a cell
spanning columns meets one spanning rows) is parted into rectangles where no print crosses
the cut, on any page, gray or black-and-white."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.tables.cells import grid_cells
from ingest.tables.model import GridSettings

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
GS = GridSettings(text_height=24, snap=10, bridge=12, min_line=60, min_vline=33, intersection=2,
                  line_thickness=2, stitch=0, space_gap=0, same_line=0, stream_gap=0, edge_coverage=0.6)
XS, YS = [10, 130, 250, 370], [10, 60, 110, 160, 210, 260]


def _grid() -> tuple[np.ndarray, np.ndarray]:
    """Masks of a grid whose row 1 is one cell over every column (a section's label) and
    whose column 0 is one cell over rows 2-4 (the next section's label), the rule between
    the two lost: row 1 and column 0 merge into an L."""
    horizontal, vertical = np.zeros((280, 390), np.uint8), np.zeros((280, 390), np.uint8)
    for y in YS:
        horizontal[y - 1:y + 1, XS[0]:XS[-1]] = 255
    for x in XS:
        vertical[YS[0]:YS[-1], x - 1:x + 1] = 255
    for x in XS[1:-1]:
        vertical[YS[1]:YS[2], x - 1:x + 1] = 0
    horizontal[YS[2] - 1:YS[2] + 1, XS[0]:XS[1]] = 0  # the rule lost
    for y in YS[3:5]:
        horizontal[y - 1:y + 1, XS[0]:XS[1]] = 0
    return horizontal, vertical


def _ink(horizontal: np.ndarray, vertical: np.ndarray, text: str, at: tuple[int, int], upright: bool) -> np.ndarray:
    """The page's ink: the rules and `text` from `at`, a line (or a column of characters)."""
    page = Image.new("L", (horizontal.shape[1], horizontal.shape[0]), 0)
    draw, font = ImageDraw.Draw(page), ImageFont.truetype(FONT, 22)
    for i, char in enumerate(text):
        x, y = (at[0], at[1] + 26 * i) if upright else (at[0] + 24 * i, at[1])
        draw.text((x, y), char, fill=255, font=font)
    ink: np.ndarray = np.asarray(page) | horizontal | vertical
    return ink


def _spans(horizontal: np.ndarray, vertical: np.ndarray, ink: np.ndarray | None) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.row_span, c.col_span) for c in grid_cells(horizontal, vertical, YS, XS, GS, ink=ink)
            if c.row_span > 1 or c.col_span > 1}


def test_a_label_over_every_column_is_parted_from_the_column_below() -> None:
    """The row's label runs across the column cuts: the L is parted by rows, and the columns
    beside the tall cell keep their own cells."""
    horizontal, vertical = _grid()
    ink = _ink(horizontal, vertical, "二、上年结转申请数量", (60, 72), upright=False)
    assert _spans(horizontal, vertical, ink) == {(1, 0, 1, 3), (2, 0, 3, 1)}


def test_a_column_label_running_over_the_cut_is_parted_by_columns() -> None:
    """The tall cell's characters stand from row 1 down (the row's own cells empty): the cut
    under row 1 is crossed, the one beside column 0 is not."""
    horizontal, vertical = _grid()
    ink = _ink(horizontal, vertical, "三本年度办理", (58, 72), upright=True)
    assert _spans(horizontal, vertical, ink) == {(1, 0, 4, 1), (1, 1, 1, 2)}


@pytest.mark.parametrize("ink", [False, True])
def test_a_merge_crossed_both_ways_is_read_as_its_rectangle(ink: bool) -> None:
    """Print across both cuts (or no page ink given): the rectangle around the merge, as
    before any parting."""
    horizontal, vertical = _grid()
    page = _ink(horizontal, vertical, "三本年度办理", (58, 72), upright=True)
    page = page | _ink(horizontal, vertical, "二、上年结转申请数量", (60, 72), upright=False)
    assert (1, 0, 4, 3) in _spans(horizontal, vertical, page if ink else None)


def test_a_lost_rules_dashes_between_two_lines_of_print_do_not_cross_the_cut() -> None:
    """A fax's rule printed as dashes too short for the rulings (seed 7979's fax TIFF 7): the
    print above and below stands clear of the cut but for them, and the L is parted by rows."""
    horizontal, vertical = _grid()
    ink = horizontal | vertical
    ink[YS[2] - 30:YS[2] - 8, XS[0] + 15:XS[-1] - 15] = 255  # row 1's label, over every column
    ink[YS[2] + 8:YS[2] + 30, XS[0] + 15:XS[1] - 15] = 255  # column 0's label, below the cut
    for x in range(XS[0] + 12, XS[1] - 12, 10):
        ink[YS[2] - 1:YS[2] + 1, x:x + 5] = 255  # the lost rule's dashes
    assert _spans(horizontal, vertical, ink) == {(1, 0, 1, 3), (2, 0, 3, 1)}
