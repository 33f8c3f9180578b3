"""A scan's money cell read without its decimal point: both engines can miss a point a few
pixels wide (seed 931: 30.12 read 3012 by both, agreed, not flagged). A decimal column's
scanned reading with no point goes to review with the readings the point would give; one
read with its point does not. On a black-and-white page the point of a value centred in a
merged cell lies where the cell's dropped inner rule would run, and is not taken for that
rule's dash."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.evidence import cell_evidence, source_confidences
from ingest.layouts import load_layouts
from ingest.mapper import map_document
from ingest.mapper.mapping import LOST_POINT
from ingest.models import Table
from ingest.readers.scan import read_image_file
from ingest.settings import Settings

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SIZE = 30
COLS = [100, 420, 700, 1000]
ROWS = [240, 300, 360, 420]


def _scan(fee: str, amount: str) -> bytes:
    """A 2019 section 二 table's last rows, its procurement amount printed as `amount`."""
    image = Image.new("L", (1240, 700), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, SIZE)
    draw.text((100, 150), "二、主动公开政府信息情况", font=font, fill=0)
    for y in ROWS:
        draw.line([(COLS[0], y), (COLS[-1], y)], fill=0, width=2)
    for x in COLS:
        draw.line([(x, ROWS[0]), (x, ROWS[-1])], fill=0, width=2)
    rows = [["信息内容", "上一年项目数量", "本年增/减"], ["行政事业性收费", fee, "0"], ["政府集中采购", "7", amount]]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            draw.text((COLS[c] + 15, ROWS[r] + 12), text, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("amount", "lost"), [("3012", True), ("30.12", False)])
def test_a_scanned_amount_without_its_point_is_reviewed(settings: Settings, amount: str, lost: bool) -> None:
    document = read_image_file(_scan("3", amount), settings)
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    cell = mapping.cells["s2.procurement.amount"]
    assert cell.text == amount, cell
    evidence = cell_evidence(cell, document.format, source_confidences(document), settings)
    if lost:
        assert LOST_POINT in cell.notes
        assert [str(v) for v in cell.candidates] == ["3012", "301.2", "30.12"]
        assert evidence.must_review()
    else:
        assert LOST_POINT not in cell.notes and not cell.candidates
        assert not evidence.must_review()
    # A count column is not money: no point is looked for there.
    assert not mapping.cells["s2.fees.prev_items"].candidates


GRID = [100, 420, 640, 860, 1080]  # the amount's cell spans the last two columns


def _bilevel_merged_scan(amount: str) -> bytes:
    """A black-and-white page: a four-column table whose last row's value spans the last two
    columns, printed with its point right where the rule between them runs in the rows above."""
    image = Image.new("1", (1240, 600), 1)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, SIZE)
    rows = [240, 300, 360, 420]
    for y in rows:
        draw.line([(GRID[0], y), (GRID[-1], y)], fill=0, width=2)
    for x in GRID:
        draw.line([(x, rows[0]), (x, rows[-1] if x != GRID[3] else rows[2])], fill=0, width=2)
    for c, text in enumerate(["信息内容", "本年新制作", "本年新公开", "公开总数"]):
        draw.text((GRID[c] + 15, rows[0] + 12), text, font=font, fill=0)
    for c, text in enumerate(["规章", "1", "0", "0"]):
        draw.text((GRID[c] + 60, rows[1] + 12), text, font=font, fill=0)
    draw.text((GRID[0] + 15, rows[2] + 12), "政府集中采购", font=font, fill=0)
    draw.text((GRID[1] + 60, rows[2] + 12), "2", font=font, fill=0)
    whole, _, _ = amount.partition(".")
    point = font.getbbox(amount)[2] - font.getbbox(amount[len(whole) + 1:])[2]
    left = GRID[3] - font.getbbox(whole)[2] - (point - font.getbbox(whole)[2]) // 2
    draw.text((left, rows[2] + 12), amount, font=font, fill=0)
    buffer = io.BytesIO()
    image.convert("L").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_point_on_a_dropped_rule_is_read(settings: Settings) -> None:
    document = read_image_file(_bilevel_merged_scan("30.12"), settings)
    tables = [b for b in document.blocks if isinstance(b, Table)]
    texts = [c.text for table in tables for row in table.rows for c in row]
    assert "30.12" in texts, texts
