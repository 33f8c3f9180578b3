"""A black-and-white page's heading row spanning a table, printed low in its row: a character's
upright stroke standing a few pixels above a column rule of the rows below is not that rule
carried on (seed 6969's fax 2: 项 of 第二十条第（一）项 over the rule between two columns; the
heading was read in two halves, one of them a stray "1", and the rows under it were not
placed). Nor is a character's edge stroke standing on a column rule's line, ink on its one side
only, stopping short of its row's top rule (seed 4545's scanned PDF 6: 复 and 诉 of 未经复议直接起诉,
the heading read in parts). The heading stays one cell over the table's width; the columns below
keep their rule."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.scan.page import _straight, prepare
from ingest.tables.raster import find_tables

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LEFT, RIGHT = 150, 1050
ROWS = [300, 342, 388, 434, 480]


def _page(heading: str, on_edge: bool) -> np.ndarray:
    """A 150-dpi black-and-white page: a four-column table under a heading row whose text sits
    3 px above the next rule, the rule between the middle columns placed under the heading's
    longest upright stroke (`on_edge`: an upright stroke's right edge with ink left of it only)."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 28)
    left, _, right, bottom = draw.textbbox((0, 0), heading, font=font)
    x = (LEFT + RIGHT - (right - left)) // 2 - left
    y = ROWS[1] - 3 - bottom
    draw.text((x, y), heading, font=font, fill=0)
    ink = np.asarray(image) < 128
    if on_edge:
        # The heading's longest upright stroke's right edge with ink left of it (within a
        # third of a character) beside most of it, and right of it beside little of it; the
        # rule (2 px wide, drawn right of its x) laid on the stroke.
        band = ink[ROWS[0]:ROWS[1]]
        edges = []
        for c in range(LEFT + 12, RIGHT - 12):
            rows = band[:, c] & ~band[:, c + 1]
            if rows.sum() >= 16 and band[rows, c - 10:c - 1].any(axis=1).mean() > 0.5 \
                    and band[rows, c + 2:c + 11].any(axis=1).mean() < 0.3:
                edges.append((rows.sum(), c))
        middle = max(edges)[1] - 1
    else:
        # The heading's longest upright stroke, right of the table's middle.
        strokes = [(ink[ROWS[0]:ROWS[1], c].sum(), c) for c in range((LEFT + RIGHT) // 2, RIGHT)]
        middle = max(strokes)[1]
    columns = [LEFT, (LEFT + middle) // 2, middle, (middle + RIGHT) // 2, RIGHT]
    for y_rule in ROWS:
        draw.line([(LEFT, y_rule), (RIGHT, y_rule)], fill=0, width=2)
    for c, x_rule in enumerate(columns):
        draw.line([(x_rule, ROWS[0] if c in (0, len(columns) - 1) else ROWS[1]), (x_rule, ROWS[-1])], fill=0, width=2)
    for r in range(2, len(ROWS) - 1):
        for c in range(1, len(columns) - 1):
            draw.text((columns[c] + 40, ROWS[r] + 8), "0", font=font, fill=0)
        draw.text((LEFT + 20, ROWS[r] + 8), "行政许可", font=font, fill=0)
    for c in range(len(columns) - 1):
        draw.text((columns[c] + 20, ROWS[1] + 8), "本年制发", font=font, fill=0)
    bilevel = np.where(np.asarray(image) < 128, 0, 255).astype(np.uint8)
    return cv2.cvtColor(bilevel, cv2.COLOR_GRAY2BGR)


@pytest.mark.parametrize(("heading", "on_edge"),
                         [("第二十条第（一）项", False), ("本年新收政府信息公开申请数量", True)])
def test_a_headings_stroke_over_a_column_rule_leaves_the_heading_one_cell(heading: str, on_edge: bool) -> None:
    page = _straight(prepare(_page(heading, on_edge)))
    assert page.bilevel
    tables = find_tables(page.rulings, page.grid, page.ink, page.ink)
    assert len(tables) == 1
    table = tables[0]
    assert (table.n_rows, table.n_cols) == (len(ROWS) - 1, 4)
    top = [c for c in table.cells if c.row == 0]
    assert len(top) == 1 and top[0].col_span == 4
    # The rule between the middle columns still parts the rows below.
    assert all(c.col_span == 1 for c in table.cells if c.row > 0)
