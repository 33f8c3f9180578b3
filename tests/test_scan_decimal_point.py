"""A scan's money cell read without its decimal point: both engines can miss a point a few
pixels wide (seed 931: 30.12 read 3012 by both, agreed, not flagged). A decimal column's
scanned reading with no point goes to review with the readings the point would give; one
read with its point does not."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.evidence import cell_evidence, source_confidences
from ingest.layouts import load_layouts
from ingest.mapper import map_document
from ingest.mapper.mapping import LOST_POINT
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
