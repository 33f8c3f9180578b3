"""A faded copy's minus before a value set close to its cell's left rule: worn to a short
flat mark, as short as a rule's rest, it was taken for one and cut off, and "-1" was read
"1" with no flag (seed 941 browser_scan 2, s2 本年增/减). It is read, or the value flagged."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.models import Table
from ingest.readers.scan import read_image_file
from ingest.scan.lines import without_rule_rests
from ingest.settings import Settings

SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SIZE = 30
COLS = [100, 400, 620, 840, 1060]
ROWS = [300, 360, 420, 480]
# Each row's label and values; a value led by "-" gets a worn minus: a 5 x 3 px mark.
TABLE = [("信息内容", ["上一年项目数量", "本年增/减", "处理决定数量"]),
         ("行政许可", ["0", "-1", "0"]),
         ("其他对外管理服务事项", ["0", "-3", "4"])]
PAD = 4  # the minus's left edge from its cell's left rule; the digits start 10 px on


def _faded_page() -> bytes:
    """A table page printed faint (ink at 110 on paper at 215) and scanned with sensor noise,
    values set close to each cell's left rule, PNG bytes."""
    image = Image.new("L", (1240, 800), 255)
    draw = ImageDraw.Draw(image)
    title, labels, values = (ImageFont.truetype(SANS, size) for size in (SIZE, 24, SIZE))
    draw.text((200, 160), "某某局2023年政府信息公开工作年度报告", font=title, fill=0)
    for y in ROWS:
        draw.line([(COLS[0], y), (COLS[-1], y)], fill=0, width=2)
    for x in COLS:
        draw.line([(x, ROWS[0]), (x, ROWS[-1])], fill=0, width=2)
    for r, (label, row) in enumerate(TABLE):
        draw.text((COLS[0] + 10, ROWS[r] + 14), label, font=labels, fill=0)
        font = labels if r == 0 else values
        for c, text in enumerate(row, start=1):
            digits, signed = text.lstrip("-"), text.startswith("-")
            x, y = COLS[c] + PAD + (10 if signed else 0), ROWS[r] + 12
            left, top, _, bottom = draw.textbbox((x, y), digits, font=font)
            draw.text((2 * x - left, y), digits, font=font, fill=0)  # the glyph's left edge at x
            if signed:
                middle = (top + bottom) // 2
                draw.rectangle([COLS[c] + PAD, middle - 1, COLS[c] + PAD + 4, middle + 1], fill=0)
    page = np.asarray(image).astype(np.float32)
    noise = np.random.default_rng(941).normal(0, 6, page.shape)
    faded = cv2.GaussianBlur(110 + page * (105 / 255), (0, 0), 0.7) + noise
    buffer = io.BytesIO()
    Image.fromarray(np.clip(faded, 0, 255).astype(np.uint8)).save(buffer, "PNG", dpi=(200, 200))
    return buffer.getvalue()


def test_a_faint_minus_by_the_left_rule_is_read_or_flagged(settings: Settings) -> None:
    document = read_image_file(_faded_page(), settings)
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    cells = {(c.row, c.col): c for row in table.rows for c in row}
    for row, col in ((1, 2), (2, 2)):
        cell = cells[(row, col)]
        expected = TABLE[row][1][col - 1]
        assert cell.text == expected or cell.confidence < settings.review.cell_threshold, cell
    assert [cells[(r, c)].text for r, c in ((1, 1), (1, 3), (2, 1), (2, 3))] == ["0", "0", "0", "4"]


def test_a_flat_mark_before_a_number_is_no_rules_rest() -> None:
    """Beside the left side, an upright dash is a rule's rest; a flat mark at the digits'
    middle height just before them is a minus."""
    region = np.zeros((40, 120), np.uint8)
    region[5:35, 0:2] = 255  # the rest of the left rule
    region[18:21, 3:8] = 255  # the minus: 5 x 3 px
    region[8:32, 12:16] = 255  # a "1"
    kept = without_rule_rests(region, 8)
    assert not kept[:, 0:2].any()
    assert kept[18:21, 3:8].all()
