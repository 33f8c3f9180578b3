"""A light gray scan whose hair-thin rules are printed faint over most of their length (gray
175-210 on white paper, the print itself dark: seed 3636's scanned PDF 3): cut at one pixel's
gray, the faint stretches break into dashes too short for rules, and the table was found in
fragments (section 二's tables, 27 cells lost). Looked for along their lines, the rules run on
from the parts found: the table is found with every row and column. A light seal's ring is
found so too, but runs on from no rule: it makes none."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.scan.page import _straight, prepare
from ingest.tables.raster import find_tables

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
ROWS = [300 + 62 * k for k in range(6)]
COLUMNS = [200, 700, 1000, 1300]


def _page() -> np.ndarray:
    """A 200-dpi gray scan (paper 220, grainy): a five-row table of labels and values in dark
    print, its rules two pixels wide, dark over their first fifth and faint on (each pixel a
    gray drawn from 150-181: 175-210 once the paper is flattened to white), and a light
    seal's ring over the table's middle."""
    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 34)
    for r, top in enumerate(ROWS[:-1]):
        draw.text((COLUMNS[0] + 20, top + 10), "行政处罚" if r else "信息内容", font=font, fill=40)
        for c in range(1, len(COLUMNS) - 1):
            draw.text((COLUMNS[c] + 40, top + 10), str(r + c) if r else "数量", font=font, fill=40)
    rng = np.random.default_rng(3)
    paper = np.clip(rng.normal(220, 6, (2339, 1654)), 0, 255).astype(np.uint8)
    seal = Image.new("L", image.size, 255)
    ImageDraw.Draw(seal).ellipse((820, 180, 1120, 730), outline=150, width=5)
    gray = np.minimum(np.minimum(np.asarray(image), paper), np.asarray(seal))
    rules = np.zeros(gray.shape, bool)
    for y in ROWS:
        rules[y:y + 2, COLUMNS[0]:COLUMNS[-1] + 2] = True
        gray[y:y + 2, COLUMNS[0]:(4 * COLUMNS[0] + COLUMNS[-1]) // 5] = 60
    for x in COLUMNS:
        rules[ROWS[0]:ROWS[-1] + 2, x:x + 2] = True
        gray[ROWS[0]:(4 * ROWS[0] + ROWS[-1]) // 5, x:x + 2] = 60
    faint = rng.integers(150, 182, gray.shape, dtype=np.uint8)
    gray[rules] = np.minimum(gray[rules], faint[rules])
    page: np.ndarray = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    return page


def test_a_light_scans_faint_rules_hold_the_table_together() -> None:
    page = _straight(prepare(_page()))
    assert not page.bilevel
    tables = find_tables(page.rulings, page.grid, None, page.ink)
    assert [(t.n_rows, t.n_cols, len(t.cells)) for t in tables] == [(5, 3, 15)]
