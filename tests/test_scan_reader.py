"""The scan path on a drawn page: a ruled table with a merged header, broken rules, a red
seal, skew and an upside-down feed; every cell read with page and bbox."""

from __future__ import annotations

import io
from difflib import SequenceMatcher

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.models import Table
from ingest.readers.scan import read_image_file
from ingest.scan.dropped_rules import split_dropped_rules
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import agree, digits_beside_a_mark, looks_numeric, may_be_value
from ingest.scan.page import _is_text, _without_slivers, _worth_reading, prepare
from ingest.settings import Settings, load_settings
from ingest.tables.raster import find_tables

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
ROWS = [["项目", "自然人", "商业企业", "总计"], ["本年新收", "12", "", "12"], ["上年结转", "3", "0", "3"]]
COL_X = [150, 450, 650, 850, 1050]
ROW_Y = [400, 470, 540, 610, 680]


def _page(scale: int = 1) -> np.ndarray:
    """An A4-ish page at 150 dpi (times `scale`): a title, a table whose first row is a merged heading."""
    xs, ys = [x * scale for x in COL_X], [y * scale for y in ROW_Y]
    image = Image.new("RGB", (1240 * scale, 1754 * scale), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30 * scale)
    draw.text((300 * scale, 200 * scale), "某某县人民政府2023年政府信息公开工作年度报告", font=font, fill="black")
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill="black", width=2 * scale)
    for i, x in enumerate(xs):
        # Inner rules stop below the merged heading row.
        top = ys[0] if i in (0, len(xs) - 1) else ys[1]
        draw.line([(x, top), (x, ys[-1])], fill="black", width=2 * scale)
    draw.text((xs[0] + 20 * scale, ys[0] + 15 * scale), "申请情况", font=font, fill="black")
    for r, row in enumerate(ROWS, start=1):
        for c, text in enumerate(row):
            draw.text((xs[c] + 20 * scale, ys[r] + 15 * scale), text, font=font, fill="black")
    page = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)
    # A broken rule (a faint scan): gaps shorter than a character are bridged.
    page[ys[2] - 2 * scale:ys[2] + 3 * scale, 500 * scale:508 * scale] = 255
    # The red seal stamped over the values: its ink darkens the paper, not the black text.
    seal = np.full_like(page, 255)
    cv2.circle(seal, (800 * scale, 560 * scale), 110 * scale, (40, 40, 220), 8 * scale)
    return np.minimum(page, seal)


def _png(page: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(cv2.cvtColor(page, cv2.COLOR_BGR2RGB)).save(buffer, "PNG")
    return buffer.getvalue()


def _skewed_upside_down(page: np.ndarray) -> np.ndarray:
    h, w = page.shape[:2]
    turned = cv2.warpAffine(page, cv2.getRotationMatrix2D((w / 2, h / 2), 1.5, 1.0), (w, h),
                            borderValue=(255, 255, 255))
    return cv2.rotate(turned, cv2.ROTATE_180)


def test_grid_finds_merged_header_and_bridges_broken_rules() -> None:
    page = prepare(_page())
    tables = find_tables(page.rulings, page.grid)
    assert len(tables) == 1
    table = tables[0]
    assert (table.n_rows, table.n_cols) == (4, 4)
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in table.cells}
    assert spans[(0, 0)] == (1, 4)
    assert len(table.cells) == 13
    # The heading, set at the left of its cell, is no column's print: on a black-and-white
    # page too, the cell stays whole (no column rule dropped out under it).
    assert split_dropped_rules(table, page.ink, page.grid, bilevel=True).cells == table.cells


# Full-page OCR is slow: the default engine pair, and Tesseract alone (its own label path);
# the page drawn at 300 dpi too, read at its reading size.
@pytest.mark.parametrize(("engine", "scale"), [("both", 1), ("tesseract", 1), ("both", 2)])
def test_image_read_cell_by_cell(engine: str, scale: int) -> None:
    settings = load_settings(ocr={"engine": engine})
    page = _page() if scale == 1 else _toned(_page(scale))
    document = read_image_file(_png(_skewed_upside_down(page)), settings)
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert len(tables) == 1 and list(document.page_images) == [1]
    cells = {(c.row, c.col): c for row in tables[0].rows for c in row}
    for r, row in enumerate(ROWS, start=1):
        for c, text in enumerate(row[1:], start=1):
            cell = cells[(r, c)]
            assert cell.page == 1 and cell.bbox is not None
            if text.isdigit() or not text:
                assert cell.text == text and cell.confidence >= 0.9, (r, c, cell)
            else:
                # Labels only need to be near: the mapper's label matching is tolerant.
                assert SequenceMatcher(None, cell.text, text).ratio() >= 0.6, (r, c, cell)
    assert cells[(0, 3)].origin == (0, 0)
    assert any("年度报告" in line for line in document.lines())
    # The page kept for review is the one read, its cells' boxes on it.
    kept = cv2.imdecode(np.frombuffer(document.page_images[1], np.uint8), cv2.IMREAD_GRAYSCALE)
    assert kept is not None
    height, width = kept.shape
    assert width < 1240 * scale or scale == 1
    assert all(c.bbox.x1 <= width and c.bbox.y1 <= height for row in tables[0].rows for c in row if c.bbox)


def _toned(page: np.ndarray) -> np.ndarray:
    """The page as a gray scanner sees it: paper a light gray, not white."""
    return (page * 0.8).astype(np.uint8)


def test_a_gray_page_is_read_at_its_reading_size_and_a_black_and_white_one_as_it_is() -> None:
    scan = load_settings().scan
    gray = prepare(_toned(_page(2)), scan=scan)
    # The print (60 px) to 26 px, but the short side kept at 200 dpi's.
    assert gray.scale == pytest.approx(scan.reading_min_side / 2480, abs=0.001)
    assert gray.gray.shape[1] == scan.reading_min_side
    black_and_white = cv2.threshold(_page(2), 160, 255, cv2.THRESH_BINARY)[1]
    assert prepare(black_and_white, scan=scan).scale == 1.0
    # A page whose print is no taller than the reading size is read as it is.
    assert prepare(_toned(_page()), scan=scan).scale == 1.0


def test_disagreeing_readings_go_to_review() -> None:
    settings = Settings()
    assert agree(CellText("12", 0.99), CellText("12", 0.95), settings).confidence >= 0.99
    assert agree(CellText("12", 0.99), CellText("17", 0.95), settings).confidence < settings.review.report_threshold
    assert agree(CellText("12", 0.99), CellText("", 0.0), settings).confidence < settings.review.report_threshold
    # Both read a leading zero no count is printed with: a mark beside the digits taken for one.
    assert agree(CellText("010", 0.99), CellText("010", 0.5), settings).confidence < settings.review.report_threshold
    assert agree(CellText("0.5", 0.99), CellText("0.5", 0.95), settings).confidence >= 0.99
    # One engine sure, the other not: a lone digit the general recogniser doubts; neither sure: review.
    assert agree(CellText("7", 0.99), CellText("7", 0.11), settings).confidence >= settings.review.report_threshold
    assert agree(CellText("7", 0.55), CellText("7", 0.11), settings).confidence < settings.review.report_threshold


def test_digit_lookalikes_agree_with_digits() -> None:
    """A general recogniser reads a lone 0 as "O": the digit engine's "0" agrees with it."""
    settings = Settings()
    reading = agree(CellText("O", 0.55), CellText("0", 0.95), settings)
    assert reading.text == "0" and reading.confidence >= settings.review.report_threshold
    assert agree(CellText("O", 0.55), CellText("8", 0.95), settings).confidence < settings.review.report_threshold


def test_digits_among_specks_stay_a_value_cell() -> None:
    """A seal's rest around a digit ("0a", "ad") is read again as a number and reviewed; a
    cell that gives no number at all becomes a blank value, never text shifting its row."""
    settings = Settings()
    assert may_be_value("0ª") and may_be_value("ad") and not may_be_value("1.属于国家秘密")
    assert not looks_numeric("ad")
    specked = agree(CellText("0a", 0.3), CellText("", 0.0), settings)
    assert specked.text == "0" and specked.confidence < settings.review.report_threshold
    lost = agree(CellText("ad", 0.57), CellText("", 0.0), settings)
    assert lost.text == "" and lost.confidence < settings.review.report_threshold


def test_digits_beside_a_seals_mark_read_unsure_stay_a_value_cell() -> None:
    """A 0 under a seal read "0卷", unsure, is read again as a number (not taken for a label
    that leaves its row a value short); read surely, or an ordinal's label cut short, it is not."""
    settings = Settings()
    assert digits_beside_a_mark(CellText("0卷", 0.53), settings)
    assert digits_beside_a_mark(CellText("卷12", 0.4), settings)
    assert not digits_beside_a_mark(CellText("0卷", 0.95), settings)
    assert not digits_beside_a_mark(CellText("1.属", 0.4), settings)
    assert not digits_beside_a_mark(CellText("总计", 0.4), settings)
    assert not digits_beside_a_mark(CellText("卷0卷", 0.4), settings)


def test_prose_inside_paragraphs_is_not_read() -> None:
    """Lines outside tables worth OCR: titles (larger, even full width), headings, last lines,
    the signature; a line of body text that the paragraph goes on from below is not, ragged or
    justified, its box grown by marks below or above the line or not."""
    title = (330, 440, 2140, 520)
    prose = [(540, 680, 2100, 742), (336, 780, 2004, 847), (335, 880, 2141, 940)]
    last_line = (342, 980, 1200, 1040)
    heading = (459, 1080, 2141, 1140)
    signature = (1500, 1180, 2100, 1240)
    lines = [title, *prose, last_line, heading, signature]
    # The last line ends a paragraph: no heading.
    assert _worth_reading(lines) == ([title, last_line, heading, signature], {last_line})
    # A paragraph's last line that fills the line, the paragraph going on above it, is prose too.
    full_last = (336, 980, 2120, 1040)
    assert _worth_reading([title, *prose, full_last, heading, signature]) == ([title, heading, signature], set())


def test_a_sliver_at_the_sheets_edge_is_not_read() -> None:
    """A strip a third of a line tall across a photo's foot (seed 1313's photo 2: read as kana
    and a 7, which was taken for a value of section 四) is no text line; a footnote is."""
    heading = (390, 386, 1057, 439)
    footnote = (390, 500, 1500, 530)
    sliver = (21, 2891, 2045, 2906)
    assert _without_slivers([heading, (392, 1127, 1337, 1179), footnote, sliver]) == [
        heading, (392, 1127, 1337, 1179), footnote]


def test_a_sheets_edge_read_as_kana_is_no_text() -> None:
    """Seed 4949's photo 2: the strip along the sheet's foot read as kana with digits, one of
    them taken for a value of section 四; a seal's kana beside a date leave the date text."""
    assert not _is_text("のはにののスはのドンスのル2のののバのでのののススルルのはの"
                        "スののので2の2にンのルスにトルス399のまが")
    assert _is_text("2020年6月1日のス")
    assert _is_text("三、收到和处理政府信息公开申请情况")
    assert not _is_text("  ")
