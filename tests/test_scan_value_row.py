"""A table's one row of values under a tall header (section 四's), made here in a serif face:
the rule between the header and the values lost over most columns, and a seal's mark over a
value that the label engine reads as Chinese. Each header cell is split from its value, and
the marked cell is read as a value, flagged."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.scan.crops import OCR_TEXT_HEIGHT
from ingest.scan.dropped_rules import split_dropped_rules
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import engine_set, has_chinese
from ingest.scan.page import _straight, prepare
from ingest.scan.values_between import values_between
from ingest.settings import load_settings
from ingest.tables.model import GridCell
from ingest.tables.raster import find_tables

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
COL_X = [100, 220, 340, 460, 580, 700, 820]
# The heading's row, the header's tall row (labels two characters a line), the values' row.
ROW_Y = [300, 340, 430, 470]
# Each column's header lines and value ("" where none). The last column's label is set one
# character a line over both rows, its last character in the values' band: it stays whole.
HEADERS = [["结果", "维持"], ["结果", "纠正"], ["其他", "结果"], ["尚未", "审结"], ["总计"], ["共", "计", "数"]]
VALUES = ("0", "3", "12", "0", "15", "")


def _header_page(value_size: int = 24, values: tuple[str, ...] = VALUES, ruled: tuple[int, ...] = (4,)) -> np.ndarray:
    """A 150-dpi page of the table, the rule over the values drawn over the `ruled` columns
    only; the values set in `value_size` (34: digits nearly as tall as the header's characters,
    as a fax's blurred print leaves them)."""
    image = Image.new("L", (1240, 800), 255)
    draw = ImageDraw.Draw(image)
    font, value_font = ImageFont.truetype(SERIF, 24), ImageFont.truetype(SERIF, value_size)
    left, right = COL_X[0], COL_X[-1]
    for y in (ROW_Y[0], ROW_Y[1], ROW_Y[3]):
        draw.line([(left, y), (right, y)], fill=0, width=2)
    for c in ruled:
        draw.line([(COL_X[c], ROW_Y[2]), (COL_X[c + 1], ROW_Y[2])], fill=0, width=2)
    for x in COL_X:
        draw.line([(x, ROW_Y[0] if x in (left, right) else ROW_Y[1]), (x, ROW_Y[3])], fill=0, width=2)
    draw.text((340, ROW_Y[0] + 6), "行政复议", font=font, fill=0, stroke_width=1, stroke_fill=0)
    for c, (lines, value) in enumerate(zip(HEADERS, values, strict=True)):
        x = COL_X[c] + 30
        if len(lines) == 1:
            draw.text((x, ROW_Y[1] + 30), lines[0], font=font, fill=0, stroke_width=1, stroke_fill=0)
        elif len(lines) == 2:
            for i, line in enumerate(lines):
                draw.text((x, ROW_Y[1] + 14 + 32 * i), line, font=font, fill=0, stroke_width=1, stroke_fill=0)
        else:
            for i, line in enumerate(lines):
                draw.text((x + 12, ROW_Y[1] + 12 + 36 * i), line, font=font, fill=0, stroke_width=1, stroke_fill=0)
        if value:
            draw.text((x + 12, ROW_Y[2] + 30 - value_size), value, font=value_font, fill=0, stroke_width=1,
                      stroke_fill=0)
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_GRAY2BGR)


@pytest.mark.parametrize("value_size", [24, 34])
def test_header_cells_over_a_lost_rule_are_split_from_their_values(value_size: int) -> None:
    """Digits lower than the labels' characters, or as tall but level with the values beside
    them (seed 4343's fax TIFF 2: 自然人 read with its row's 0)."""
    prepared = _straight(prepare(_header_page(value_size)))
    (table,) = find_tables(prepared.rulings, prepared.grid)
    spanning = {(c.row, c.col) for c in table.cells if c.row_span > 1}
    assert spanning == {(1, 0), (1, 1), (1, 2), (1, 3), (1, 5)}
    split = split_dropped_rules(table, prepared.ink, prepared.grid, prepared.bilevel)
    assert {(c.row, c.col) for c in split.cells if c.row_span > 1} == {(1, 5)}
    assert {c.col for c in split.cells if c.row == 2} == {0, 1, 2, 3, 4}
    # Each label keeps its lines: it is cut below the label's last line, not at the grid's rule.
    for cell in split.cells:
        if cell.row == 2 and cell.col < 4:
            assert cell.box[1] > ROW_Y[1] + 14 + 32 + 24


def test_tall_digits_level_with_a_value_further_on_in_their_row_are_split_from_their_headers() -> None:
    """Digits as tall as the header's characters with blank cells beside them, level with a
    value further on in their row (seed 4949's fax TIFF 4: 自然人 over a 6, the total's 6). The
    header cells over the blanks are cut from them too: the row holds values only."""
    prepared = _straight(prepare(_header_page(34, ("0", "", "12", "", "15", ""))))
    (table,) = find_tables(prepared.rulings, prepared.grid)
    split = split_dropped_rules(table, prepared.ink, prepared.grid, prepared.bilevel)
    assert {(c.row, c.col) for c in split.cells if c.row_span > 1} == {(1, 5)}


def test_a_header_cell_over_a_lost_rule_and_a_blank_is_split_from_it() -> None:
    """Zeros printed blank, the rule under one header cell lost (seed 4545's fax TIFF 6: 社会公益组织
    over its blank cell of section 三's first row, the row's cells flagged): the header cell is
    cut at the row's rule; the label set over both rows stays whole."""
    prepared = _straight(prepare(_header_page(values=("",) * 6, ruled=(0, 1, 2, 4))))
    (table,) = find_tables(prepared.rulings, prepared.grid)
    assert {(c.row, c.col) for c in table.cells if c.row_span > 1} == {(1, 3), (1, 5)}
    split = split_dropped_rules(table, prepared.ink, prepared.grid, prepared.bilevel)
    assert {(c.row, c.col) for c in split.cells if c.row_span > 1} == {(1, 5)}
    assert {c.col for c in split.cells if c.row == 2} == {0, 1, 2, 3, 4}


def test_a_groups_label_over_its_rows_set_at_their_top_stays_whole() -> None:
    """A group's label over three rows, set in the first (seed 2424's fax 3: （三）不予公开 over
    its eight rows): the rows' labels right of it, their values zeros or blank. Cut at each row
    below its print, the group lost its rows (19 cells wrong)."""
    image = Image.new("L", (1240, 800), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(SERIF, 24)
    xs, ys = [100, 220, 520, 640, 760], [300, 350, 400, 450]
    for y in ys:
        draw.line([(xs[0] if y in (ys[0], ys[-1]) else xs[1], y), (xs[-1], y)], fill=0, width=2)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=0, width=2)
    draw.text((xs[0] + 10, ys[0] + 12), "（三）不予", font=font, fill=0, stroke_width=1, stroke_fill=0)
    for r, (label, values) in enumerate([("1.属于国家秘密", "0"), ("2.其他法律法规", ""), ("3.危及三安全", "0")]):
        draw.text((xs[1] + 10, ys[r] + 12), label, font=font, fill=0, stroke_width=1, stroke_fill=0)
        for c in (2, 3):
            draw.text((xs[c] + 50, ys[r] + 12), values, font=font, fill=0, stroke_width=1, stroke_fill=0)
    prepared = _straight(prepare(cv2.cvtColor(np.asarray(image), cv2.COLOR_GRAY2BGR)))
    (table,) = find_tables(prepared.rulings, prepared.grid)
    split = split_dropped_rules(table, prepared.ink, prepared.grid, prepared.bilevel)
    assert [(c.row, c.row_span) for c in split.cells if c.col == 0] == [(0, 3)]


def _crop(text: str, starred: bool = False) -> np.ndarray:
    """A cell's line as the reader crops it (text OCR_TEXT_HEIGHT high, white border), with a
    seal's star stroked over it where `starred`."""
    font = ImageFont.truetype(SERIF, OCR_TEXT_HEIGHT)
    width = int(font.getlength(text)) + 16
    image = Image.new("L", (width, OCR_TEXT_HEIGHT + 20), 255)
    draw = ImageDraw.Draw(image)
    draw.text((8, 2), text, font=font, fill=0, stroke_width=1, stroke_fill=0)
    if starred:
        star = [(12, 6), (20, 30), (2, 14), (24, 14), (6, 30)]
        draw.line([*star, star[0]], fill=90, width=2)
    return np.asarray(image)


def test_a_marked_cell_between_values_is_read_as_a_flagged_value() -> None:
    settings = load_settings()
    engines = engine_set(settings)
    texts = ["其他", "0", "0", "0", "未经复议直接起诉", "0", "总计"]
    cells = [[_crop(t, starred=i == 2)] for i, t in enumerate(texts)]
    grid = [GridCell(0, c, 1, 1, (c * 100, 0, c * 100 + 100, 40)) for c in range(len(texts))]
    # The label engine's first readings: the marked "0" read as Chinese.
    first = [CellText(t, 0.99) for t in texts]
    first[2] = CellText("天O", 0.91)
    read = values_between(grid, cells, first, engines, settings, OCR_TEXT_HEIGHT)
    assert not has_chinese(read[2].text)
    assert read[2].confidence <= settings.ocr.conf_disagree
    # The row's label, a wide label between values and the row's last cell stay as read.
    assert [read[i] for i in (0, 1, 3, 4, 5, 6)] == [first[i] for i in (0, 1, 3, 4, 5, 6)]


def test_a_marked_cell_among_values_past_a_blank_is_read_as_a_flagged_value() -> None:
    """A seal's stroke before a 0 read 版0, its value cells before it past a blank cell (seed
    4949's image 6: section 四's row lost after it)."""
    settings = load_settings()
    texts = ["0", "0", "", "0", "0"]
    cells = [[_crop(t or "0", starred=i == 3)] for i, t in enumerate(texts)]
    grid = [GridCell(0, c, 1, 1, (c * 100, 0, c * 100 + 100, 40)) for c in range(len(texts))]
    first = [CellText(t, 0.99) for t in texts]
    first[3] = CellText("版0", 0.42)
    read = values_between(grid, cells, first, engine_set(settings), settings, OCR_TEXT_HEIGHT)
    assert not has_chinese(read[3].text) and read[3].confidence <= settings.ocr.conf_disagree


@pytest.mark.parametrize(("confidence", "reread"), [(0.34, True), (0.95, False)])
def test_an_unsure_first_value_in_a_column_of_values_is_read_as_a_value(confidence: float, reread: bool) -> None:
    """A faint 2 in the first value column read 里 at 0.34 (seed 4949's browser scan 4: its row's
    values shifted a column left); read surely as Chinese, a cell there stays as read."""
    settings = load_settings()
    texts = [["规章", "2", "0"], ["行政处罚", "2", "5"]]
    cells = [[_crop(t)] for row in texts for t in row]
    grid = [GridCell(r, c, 1, 1, (c * 100, r * 40, c * 100 + 100, r * 40 + 40)) for r in range(2) for c in range(3)]
    first = [CellText(t, 0.99) for row in texts for t in row]
    first[4] = CellText("里", confidence)
    read = values_between(grid, cells, first, engine_set(settings), settings, OCR_TEXT_HEIGHT)
    assert has_chinese(read[4].text) is not reread
    assert [read[i] for i in (0, 1, 2, 3, 5)] == [first[i] for i in (0, 1, 2, 3, 5)]
