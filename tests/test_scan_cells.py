"""A scanned table's cells as the reader sees them: a label set one character a line keeps
the strokes of 三 and leaves out a lone 、 (read alone it was a "1" that ran into every row's
values), and a blank cell is sure only on clean paper (faint marks may be a lost digit)."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.evidence import Evidence
from ingest.models import SourceCell, Table
from ingest.readers.scan import read_image_file
from ingest.scan.cell_marks import row_rule_strokes
from ingest.scan.lines import cell_lines, line_boxes
from ingest.scan.ocr.consensus import looks_numeric
from ingest.settings import Settings
from ingest.tables.regions import Rulings

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SIZE = 30
VERTICAL = "三、本年度办理结果"


def _vertical(draw: ImageDraw.ImageDraw, x: int, y: int, text: str, font: ImageFont.FreeTypeFont) -> None:
    for i, char in enumerate(text):
        draw.text((x, y + i * int(SIZE * 1.3)), char, font=font, fill="black")


def test_vertical_label_lines() -> None:
    image = Image.new("L", (60, 420), 255)
    _vertical(ImageDraw.Draw(image), 12, 10, "三、本年度", ImageFont.truetype(FONT, SIZE))
    ink = cv2.threshold(np.asarray(image), 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    lines = cell_lines(ink, SIZE)
    # 三 is one line as tall as a character; 、 is not a line; 本 年 度 are.
    assert len(lines) == 4, lines
    assert lines[0][3] - lines[0][1] >= SIZE // 2


def test_a_digit_broken_where_a_thin_stroke_dropped_out_is_one_line() -> None:
    """A black-and-white fax's 2 without its thin diagonal: its head and foot a sliver apart
    (seed 3131's fax TIFF 1: read 2 and 下, section 四's row cut in two) are one line; two lines
    of a wrapped label, each a character tall, stay two."""
    font = ImageFont.truetype(FONT, SIZE)

    def ink_of(*lines: str) -> np.ndarray:
        image = Image.new("L", (80, 120), 255)
        for i, text in enumerate(lines):
            ImageDraw.Draw(image).text((10, int(i * SIZE * 1.25)), text, font=font, fill="black")
        return cv2.threshold(np.asarray(image), 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]

    two = ink_of("2")
    rows = np.flatnonzero(two.any(axis=1))
    middle = (rows[0] + rows[-1]) // 2
    two[middle - 1:middle + 2] = 0  # the diagonal's middle rows lost
    # A fax's text height (its Chinese characters') stands above its digits' by a few pixels.
    height = int(rows[-1] - rows[0]) + 4
    assert len(cell_lines(two, height)) == 1
    assert len(cell_lines(ink_of("公开", "申请"), height)) == 2


def test_a_digit_in_parts_each_under_a_third_of_a_character_is_a_line() -> None:
    """A light print's thin-stroked 2 binarised as its arc and its foot, each shorter than a
    third of the page's characters (fresh seed 4949's browser scan 4: a 2 called blank, sure)."""
    image = Image.new("L", (60, 80), 255)
    ImageDraw.Draw(image).text((15, 10), "2", font=ImageFont.truetype(FONT, 24), fill="black")
    two = cv2.threshold(np.asarray(image), 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    rows = np.flatnonzero(two.any(axis=1))
    two[rows[0] + 7:rows[-1] - 5] = 0  # the diagonal lost: the arc and the foot stay
    # The page's characters stand twice as tall as its digits.
    height = 2 * int(rows[-1] - rows[0] + 1)
    parts = line_boxes(two, 1, min_gap=2)
    assert len(parts) == 2 and all(b[3] - b[1] < height // 3 for b in parts)
    (line,) = cell_lines(two, height)
    assert (line[1], line[3]) == (rows[0], rows[-1] + 1)


def test_a_digits_foot_apart_from_its_arc_is_the_lines() -> None:
    """A light 150 dpi scan's thin-stroked 2 binarised as its arc, a third of a character
    tall, and its foot a sliver under it (seed 9595's browser scan 0: the arc alone read 9 by
    both engines, sure): the line holds the foot. A rule's rest wider than the line is not its."""
    image = Image.new("L", (60, 80), 255)
    ImageDraw.Draw(image).text((15, 10), "2", font=ImageFont.truetype(FONT, 24), fill="black")
    two = cv2.threshold(np.asarray(image), 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    rows = np.flatnonzero(two.any(axis=1))
    two[rows[-1] - 5:rows[-1] - 3] = 0  # the diagonal's end lost: the foot stands apart
    height = int(rows[-1] - rows[0] + 1) + 4
    arc, foot = line_boxes(two, 1, min_gap=1)
    assert foot[3] - foot[1] < height // 3 <= arc[3] - arc[1]
    (line,) = cell_lines(two, height)
    assert (line[1], line[3]) == (rows[0], rows[-1] + 1)
    two[rows[-1] + 3:rows[-1] + 5, 2:58] = 255  # a rule's rest under it, wider than the digit
    assert cell_lines(two, height)[0][3] == rows[-1] + 1


COLS = [100, 200, 520, 680, 840, 1000]  # the last is the right frame
ROWS = [300, 360, 420, 480]


def _page(rows: tuple[int, ...] = tuple(ROWS)) -> np.ndarray:
    """A table whose first column is one cell over three rows with a label set vertically;
    blank cells on clean paper, and one cell holding only a light gray 0 (lighter than the
    ink's cut: thresholding loses it). Its rows start at `rows`, all as high as the first."""
    image = Image.new("RGB", (1240, 1200), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, SIZE)
    draw.text((200, 120), "某某县人民政府2023年政府信息公开工作年度报告", font=font, fill="black")
    top, bottom = 240, rows[-1] + rows[1] - rows[0]
    for y in [top, *rows, bottom]:
        draw.line([(COLS[1] if top < y < bottom else COLS[0], y), (COLS[-1], y)], fill="black", width=2)
    for x in COLS:
        draw.line([(x, top), (x, bottom)], fill="black", width=2)
    for c, text in enumerate(["项目", "自然人", "商业企业", "总计"], start=2):
        draw.text((COLS[c - 1] + 15, top + 15), text, font=font, fill="black")
    _vertical(draw, COLS[0] + 35, top + 20, VERTICAL[:4], font)
    labels = ["（一）予以公开", "（二）部分公开", "（三）不予公开", "（四）无法提供"]
    values = [["1", "", "1"], ["0", "", "0"], ["2", "", "2"], ["0", "faint", "0"]]
    for r, (label, row) in enumerate(zip(labels, values, strict=True)):
        draw.text((COLS[1] + 15, rows[r] + 12), label, font=font, fill="black")
        for c, text in enumerate(row, start=2):
            if text:
                draw.text((COLS[c] + 60, rows[r] + 12), "0" if text == "faint" else text, font=font,
                          fill=(175, 175, 175) if text == "faint" else "black")
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)


def test_vertical_label_and_blank_cells(settings: Settings) -> None:
    buffer = io.BytesIO()
    Image.fromarray(cv2.cvtColor(_page(), cv2.COLOR_BGR2RGB)).save(buffer, "PNG")
    document = read_image_file(buffer.getvalue(), settings)
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    cells = {(c.row, c.col): c for row in tables[0].rows for c in row}
    label = cells[(1, 0)]
    assert not any(ch.isdigit() for ch in label.text), label
    assert "本" in label.text
    assert [cells[(r, 2)].text for r in range(1, 5)] == ["1", "0", "2", "0"]
    clean = [cells[(r, 3)] for r in range(1, 4)]
    assert all(c.text == "" and c.confidence >= settings.ocr.conf_blank for c in clean), clean
    faint = cells[(4, 3)]
    assert faint.text == "" and faint.confidence < settings.review.report_threshold, faint


def test_blank_on_clean_paper_needs_no_review() -> None:
    """All-zero sums cannot tell a blank from a 0: only the faint marks decide."""
    clean = Evidence("image", "ocr", "no_ink", "exact", "blank", "held_zero")
    faint = Evidence("image", "ocr", "faint_ink", "exact", "blank", "held_zero")
    assert not clean.must_review()
    assert faint.must_review()
    assert not Evidence("image", "ocr", "faint_ink", "exact", "blank", "held").must_review()


def test_a_value_of_a_short_row_placed_from_the_left_is_reviewed_unless_sums_settle_it() -> None:
    """A row read with fewer cells than columns is placed from the left: each value's column
    is a guess that sums of zeros cannot check (seed 7319's fax: a 总计 column's 0 read as
    其他's, at 0.995, unflagged)."""
    assert Evidence("pdf_scanned", "ocr", "agree", "missing", "value", "held_zero").must_review()
    assert Evidence("text", "exact", "exact", "missing", "value", "unchecked").must_review()
    assert not Evidence("pdf_scanned", "ocr", "agree", "missing", "value", "held").must_review()


def test_a_sliver_of_a_grid_gone_wrong_is_not_sure_paper(settings: Settings) -> None:
    # A rule drawn twice a few pixels apart (as a seal's stroke beside a rule is taken for one):
    # the sliver between holds no digit, and its clean paper must not stand for a value.
    page = _page()
    cv2.line(page, (COLS[2] + 18, 240), (COLS[2] + 18, ROWS[-1] + 60), (0, 0, 0), 2)
    buffer = io.BytesIO()
    Image.fromarray(cv2.cvtColor(page, cv2.COLOR_BGR2RGB)).save(buffer, "PNG")
    document = read_image_file(buffer.getvalue(), settings)
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    cells = {(c.row, c.col): c for row in table.rows for c in row}
    sliver = [cells[(r, 2)] for r in range(1, 5)]
    assert all(c.text == "" and c.confidence < settings.ocr.conf_blank for c in sliver), sliver
    assert [cells[(r, 3)].text for r in range(1, 5)] == ["1", "0", "2", "0"]


def _read_ticked(page: np.ndarray, tick: np.ndarray, settings: Settings) -> dict[tuple[int, int], SourceCell]:
    """The cells of the page's one table, read with a blue pen's tick drawn along `tick`."""
    cv2.polylines(page, [tick], False, (190, 60, 40), 4, lineType=cv2.LINE_AA)  # BGR
    buffer = io.BytesIO()
    Image.fromarray(cv2.cvtColor(page, cv2.COLOR_BGR2RGB)).save(buffer, "PNG")
    document = read_image_file(buffer.getvalue(), settings)
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    return {(c.row, c.col): c for row in table.rows for c in row}


def test_a_pen_tick_across_a_rule_beside_a_number_leaves_it_unsure(settings: Settings) -> None:
    # A reader's tick drawn across the rule between two rows, right of their numbers: its
    # strokes read beside a digit made seed 6363's "0" a sure "0.1". Print keeps within its
    # cell; a stroke that runs on across the rule does not.
    cells = _read_ticked(_page(), np.array([[928, 340], [946, 384], [990, 326]], np.int32), settings)
    ticked = [cells[(1, 4)], cells[(2, 4)]]
    assert not any(looks_numeric(c.text) and c.confidence > settings.ocr.conf_disagree for c in ticked), ticked
    clear = [cells[(r, 2)] for r in range(1, 5)] + [cells[(r, 4)] for r in (3, 4)]
    assert all(c.confidence > settings.ocr.conf_disagree for c in clear), clear
    assert [c.text for c in clear] == ["1", "0", "2", "0", "2", "0"]


@pytest.mark.parametrize("across", [False, True])
def test_a_pen_tick_under_a_number_leaves_the_number_unsure(settings: Settings, across: bool) -> None:
    # Tall rows (a wrapped label beside them), a reader's tick in the blank under a row's
    # total, within its cell or on across the rule below: a line of its own in the cell,
    # read "V" or "√" with the digit, made seed 7058's fax cells labels that shifted two rows'
    # values (its image 2: a tick's end read "、1"). The cell's value is its digit, flagged.
    rows = (300, 420, 540, 660)
    foot = rows[1] + 8 if across else rows[0] + 100
    tick = np.array([[COLS[4] + 45, foot - 32], [COLS[4] + 62, foot], [COLS[4] + 105, foot - 42]], np.int32)
    cells = _read_ticked(_page(rows), tick, settings)
    ticked = cells[(1, 4)]
    assert ticked.text == "1" and ticked.confidence <= settings.ocr.conf_disagree, ticked
    assert [cells[(r, 2)].text for r in range(1, 5)] + [cells[(r, 4)].text for r in (2, 3, 4)] == [
        "1", "0", "2", "0", "0", "2", "0"]
    # The tick's foot across the rule lies in the next row's total: that cell is unsure too.
    clear = [cells[(r, 2)] for r in range(1, 5)] + [cells[(r, 4)] for r in ((3, 4) if across else (2, 3, 4))]
    assert all(c.confidence > settings.ocr.conf_disagree for c in clear), clear


@pytest.mark.parametrize("below", ["tick", "text", "column rule"])
def test_only_a_stroke_on_across_the_row_rule_crosses_it(below: str) -> None:
    # A cell (0, 40)-(300, 100) over a row rule at y = 100, its digit set low, touching the
    # interior's edge; past the rule a pen tick's stroke, the next row's text set high, or
    # a column rule meeting the row rule under the digit.
    ink, horizontal, vertical = (np.zeros((200, 300), np.uint8) for _ in range(3))
    horizontal[99:102] = 255
    ink[99:102] = 255
    ink[80:97, 140:160] = 255
    if below == "tick":
        cv2.line(ink, (200, 70), (230, 130), 255, 3)
    elif below == "text":
        ink[104:120, 140:160] = 255
    else:
        ink[100:160, 149:152] = vertical[100:160, 149:152] = 255
    box, interior = (0, 40, 300, 100), (5, 45, 295, 95)
    marks = [(130, 25, 230, 52)]
    crossed, strokes = row_rule_strokes(ink, Rulings(horizontal, vertical), box, interior, marks, 3)
    assert crossed == (below == "tick")
    assert strokes == ({0} if below == "tick" else set())
