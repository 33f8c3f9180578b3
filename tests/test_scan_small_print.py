"""Small print on a 150-dpi black-and-white page, made here: rows hardly taller than their
text, so the strokes of a label's characters close up into runs as long as rules and stack
up through the rules between rows. The grid is found whole (no rule through a line of text).
Also on their own: a minus sign centred in a merged cell is not a dropped rule's rest; a
low row's cell reaches close to its painted-out rules."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.scan.cell_marks import cell_interior
from ingest.scan.lines import without_rule_rests
from ingest.scan.page import _straight, prepare
from ingest.tables.model import GridSettings
from ingest.tables.raster import find_tables

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LABELS = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "1.属于国家秘密",
          "2.其他法律行政法规禁止公开", "3.危及三安全一稳定", "4.保护第三方合法权益", "5.属于三类内部事务信息",
          "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]
COL_X = [150, 420, 500, 580, 660, 740, 820]


def _small_print_page(seed: int, row: int) -> tuple[np.ndarray, dict[tuple[int, int], str], int]:
    """A 150-dpi page drawn at twice that and scanned down to black and white: 15-px text in
    rows `row` px apart, rules a pixel or two thick. The values and the number of rows."""
    rng = np.random.default_rng(seed)
    image = Image.new("L", (2480, 1400), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    draw.text((600, 240), "三、收到和处理政府信息公开申请情况", font=font, fill=0)
    rows = [200 + row * i for i in range(len(LABELS) + 1)]
    for y in rows:
        draw.line([(2 * COL_X[0], 2 * y), (2 * COL_X[-1], 2 * y)], fill=0, width=3)
    for x in COL_X:
        draw.line([(2 * x, 2 * rows[0]), (2 * x, 2 * rows[-1])], fill=0, width=3)
    values: dict[tuple[int, int], str] = {}
    for r, label in enumerate(LABELS):
        top = 2 * rows[r] + row - 22
        draw.text((2 * COL_X[0] + 8, top), label, font=font, fill=0)
        for c in range(1, len(COL_X) - 1):
            value = str(rng.choice(["0", "0", "0", "1", "3", "12"]))
            values[(r, c)] = value
            draw.text((COL_X[c] + COL_X[c + 1] - 8 * len(value), top), value, font=font, fill=0)
    small = cv2.resize(np.asarray(image), (1240, 700), interpolation=cv2.INTER_AREA)
    bilevel = np.where(small < 190, 0, 255).astype(np.uint8)
    return cv2.cvtColor(bilevel, cv2.COLOR_GRAY2BGR), values, len(rows) - 1


@pytest.mark.parametrize("row", [20, 22, 24])
def test_small_print_keeps_its_grid(row: int) -> None:
    page, _, n_rows = _small_print_page(1, row)
    prepared = _straight(prepare(page))
    tables = find_tables(prepared.rulings, prepared.grid)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(n_rows, len(COL_X) - 1)]


_GS = GridSettings(text_height=16, snap=7, bridge=8, min_line=40, min_vline=22, intersection=2,
                   line_thickness=2, stitch=0, space_gap=0, same_line=0, stream_gap=0, edge_coverage=0.6)


def test_a_centred_minus_is_no_rules_rest() -> None:
    cell = np.zeros((16, 120), np.uint8)
    cell[8:10, 55:61] = 255  # "-": flat, across where the merged cell's inner rule would run
    cell[3:14, 63:70] = 255  # the digit after it
    cell[2:8, 80:82] = 255  # a dropped rule's dash: upright
    kept = without_rule_rests(cell, 6, inner=(58, 81))
    assert kept[8:10, 55:61].all()
    assert not kept[2:8, 80:82].any()


def test_a_low_rows_digits_stay_whole_between_painted_rules() -> None:
    """A 20-px row between 2-px rules holds 15-px digits touching them: with the rules painted
    out the cell reaches to within a pixel of them (a margin of a rule's width cut the digits'
    feet off, and a cut "0" was read "9" or nothing)."""
    x0, y0, x1, y1 = cell_interior((100, 200, 180, 220), 100, 200, _GS, True)
    assert (y0, y1) == (2, 18) and (x0, x1) == (2, 78)
    assert cell_interior((100, 200, 180, 220), 100, 200, _GS, False)[1::2] == (4, 16)
