"""A gray scan's low rows filled by large print (a tall face, AR PL UMing, in seed 8641's
turned scan 7): two rows' labels end alike (申请数量), so their characters stand one above the
other, and their upright strokes, each reaching the rules above and below its row, run on
through the rule between into one run as long as a column rule. On a black-and-white page
such runs were told from rules by the ink on both sides of them; on a gray page of large
print they were not (measured from each pixel, a rule three pixels thick is flanked by
itself), and each made a column rule through the labels: 8641's section 三 table had six,
and two rows lost their 14 values. Measured from the runs' edges, they are strokes: the table
is found with its printed columns and no more."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.scan.page import _straight, prepare
from ingest.tables.raster import find_tables

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
COLUMNS = [100, 800, 950, 1100, 1250]
# Rows just lower than the print is tall: its characters touch the rules above and below.
ROW_HEIGHT = 36
# The page's body text, in the labels' print.
PROSE = ["三、收到和处理政府信息公开申请情况", "本年度共收到申请如下表所列。"]
LABELS = ["一、本年新收申请数量", "二、上年结转申请数量", "（一）予以公开", "（二）部分公开"]


def _page() -> np.ndarray:
    """A 200-dpi gray scan (paper 215, grainy, a little blurred): two lines of body text, then
    a table of four low rows, its labels centred in print as tall as the rows, its values in
    smaller print, its rules two pixels wide."""
    image = Image.new("L", (1654, 1200), 255)
    draw = ImageDraw.Draw(image)
    label_font, value_font = ImageFont.truetype(SERIF, 40), ImageFont.truetype(SERIF, 28)
    rows = [300 + ROW_HEIGHT * k for k in range(len(LABELS) + 1)]
    for k, line in enumerate(PROSE):
        draw.text((COLUMNS[0], 120 + 60 * k), line, font=label_font, fill=30)
    for r, label in enumerate(LABELS):
        # Centred on its row: its strokes reach both rules.
        centre = ((COLUMNS[0] + COLUMNS[1]) // 2, rows[r] + ROW_HEIGHT // 2)
        draw.text(centre, label, font=label_font, fill=30, anchor="mm")
        for c in range(1, len(COLUMNS) - 1):
            draw.text((COLUMNS[c] + 80, rows[r] + 2), str(r + c), font=value_font, fill=30)
    for y in rows:
        draw.line([(COLUMNS[0], y), (COLUMNS[-1], y)], fill=30, width=2)
    for x in COLUMNS:
        draw.line([(x, rows[0]), (x, rows[-1])], fill=30, width=2)
    rng = np.random.default_rng(8641)
    paper = np.clip(rng.normal(215, 5, (image.height, image.width)), 0, 255).astype(np.uint8)
    gray = np.minimum(np.asarray(image), paper)
    page: np.ndarray = cv2.cvtColor(cv2.GaussianBlur(gray, (0, 0), 0.7), cv2.COLOR_GRAY2BGR)
    return page


def test_strokes_of_print_filling_its_row_are_no_column_rules() -> None:
    page = _straight(prepare(_page()))
    assert not page.bilevel and not page.grid.strokes_join
    tables = find_tables(page.rulings, page.grid, None, page.ink)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(len(LABELS), len(COLUMNS) - 1)]
    assert all(abs(found - printed) <= 3 for found, printed in zip(tables[0].xs, COLUMNS, strict=True))
