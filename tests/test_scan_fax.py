"""Fax-like pages made here (not by the benchmark's renderer): black and white, hair-thin rules
broken into dashes that step a pixel off their line, a page fed a little crooked. The grid is
found whole, and no rule's dash is read as a "1" beside a value."""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.models import Table
from ingest.readers.scan import read_image_file
from ingest.scan.dropped_rules import split_dropped_rules
from ingest.scan.lines import without_rule_rests
from ingest.scan.ocr.consensus import engine_set, read_values
from ingest.scan.page import _straight, prepare
from ingest.settings import load_settings
from ingest.tables.raster import find_tables

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LABELS = ["本年新收", "上年结转", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理", "总计"]
COL_X = [120, 420, 560, 700, 840, 980, 1120]
ROW_Y = [300 + 52 * i for i in range(len(LABELS) + 2)]
HEADS = ("项目", "自然人", "企业", "科研", "公益", "总计")


def _dashed(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int], rng: random.Random) -> None:
    """A one-pixel rule drawn as dashes (5-120 px) with gaps (1-5 px), each dash stepped up to
    a pixel off the line: what a hair-thin rule leaves in a bilevel low-resolution scan."""
    (x0, y0), (x1, y1) = start, end
    length = max(x1 - x0, y1 - y0)
    at = 0
    while at < length:
        dash = rng.randint(5, 120)
        step = rng.choice([-1, 0, 0, 1])
        if y0 == y1:
            draw.line([(x0 + at, y0 + step), (x0 + min(length, at + dash), y0 + step)], fill=0, width=1)
        else:
            draw.line([(x0 + step, y0 + at), (x0 + step, y0 + min(length, at + dash))], fill=0, width=1)
        at += dash + rng.randint(1, 5)


def _dots(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int], rng: random.Random) -> None:
    """A rule left as dots: pieces of 2-3 px with gaps of 2-5 px, each a pixel off the line
    now and then (too broken for the rulings' masks, which join dashes 4 px long or more)."""
    (x0, y0), (x1, y1) = start, end
    along = 0
    while along < max(x1 - x0, y1 - y0):
        dot, step = rng.randint(2, 3), rng.choice([-1, 0, 0, 1])
        if y0 == y1:
            draw.line([(x0 + along, y0 + step), (x0 + along + dot - 1, y0 + step)], fill=0, width=1)
        else:
            draw.line([(x0 + step, y0 + along), (x0 + step, y0 + along + dot - 1)], fill=0, width=1)
        along += dot + rng.randint(2, 5)


def _sparse(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int], rng: random.Random) -> None:
    """A row rule as a standard-resolution fax leaves it: dashes of 20-50 px with gaps of 20-60 px
    (wider than a character: far too sparse for the rulings' masks)."""
    (x0, y), (x1, _) = start, end
    at = x0 + rng.randint(0, 30)
    while at < x1:
        dash = rng.randint(20, 50)
        draw.line([(at, y), (min(x1, at + dash), y)], fill=0, width=2)
        at += dash + rng.randint(20, 60)


def _stepped(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int], rng: random.Random) -> None:
    """A hair-thin rule thresholded where it steps a pixel across a crooked page: dashes of
    40-60 px, a pixel off one another, with gaps of 8-28 px (up to a character) between them."""
    (x0, y0), (x1, y1) = start, end
    length, at = max(x1 - x0, y1 - y0), rng.randint(0, 20)
    while at < length:
        dash, step = rng.randint(40, 60), rng.choice([-1, 0, 1])
        if y0 == y1:
            draw.line([(x0 + at, y0 + step), (x0 + min(length, at + dash), y0 + step)], fill=0, width=1)
        else:
            draw.line([(x0 + step, y0 + at), (x0 + step, y0 + min(length, at + dash))], fill=0, width=1)
        at += dash + rng.randint(8, 28)


def _solid_table(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont) -> None:
    """A small table ruled solid above the title (section 二's, found by its rules as printed)."""
    for y in (40, 92, 144):
        draw.line([(120, y), (1120, y)], fill=0, width=2)
    for x in (120, 620, 1120):
        draw.line([(x, 40), (x, 144)], fill=0, width=2)
    for y, label in ((48, "规章"), (100, "行政规范性文件")):
        draw.text((132, y), label, font=font, fill=0)
        draw.text((640, y), "0", font=font, fill=0)


def _fax_page(seed: int, dropped: tuple[tuple[int, int, int], ...] = (),
              dropped_columns: tuple[tuple[int, int, int], ...] = (), heads: tuple[str, ...] = HEADS,
              centred: bool = False, blanks: tuple[tuple[int, int], ...] = (), dotted: bool = False,
              sparse_rows: bool = False, stepped: bool = False) -> tuple[np.ndarray, dict[tuple[int, int], str]]:
    """A 150-dpi black-and-white page with a table of mostly "0" values (the values that a
    rule's dash beside them turns into "10"), fed 0.8 degrees crooked; `dropped`: (rule,
    first column, last column) stretches of row rules lost; `dropped_columns`: (rule, first
    row, last row) stretches of column rules lost, or left as dots (`dotted`). A head "" is
    the one before it spanning this column too (centred over both, no rule between them);
    values are `centred` in their columns or set anywhere from the left rule on; the `blanks`
    are left blank; `sparse_rows`: every row rule left as sparse dashes; `stepped`: every rule
    left as long dashes with gaps up to a character, under a table ruled solid."""
    rng = random.Random(seed)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 24)
    draw.text((300, 180), "某某县人民政府2023年政府信息公开工作年度报告", font=font, fill=0)
    ruled = _stepped if stepped else _dashed
    for y in ROW_Y:
        (_sparse if sparse_rows else ruled)(draw, (COL_X[0], y), (COL_X[-1], y), rng)
    for x in COL_X:
        ruled(draw, (x, ROW_Y[0]), (x, ROW_Y[-1]), rng)
    if stepped:
        _solid_table(draw, font)
    for rule, first, last in dropped:
        draw.rectangle([(COL_X[first] + 2, ROW_Y[rule] - 2), (COL_X[last + 1] - 2, ROW_Y[rule] + 2)], fill=255)
        if dotted:
            _dots(draw, (COL_X[first] + 2, ROW_Y[rule]), (COL_X[last + 1] - 2, ROW_Y[rule]), rng)
    for rule, first, last in dropped_columns:
        draw.rectangle([(COL_X[rule] - 2, ROW_Y[first] + 2), (COL_X[rule] + 2, ROW_Y[last + 1] - 2)], fill=255)
        if dotted:
            _dots(draw, (COL_X[rule], ROW_Y[first] + 2), (COL_X[rule], ROW_Y[last + 1] - 2), rng)
    values: dict[tuple[int, int], str] = {}
    for c, head in enumerate(heads):
        span = next((n for n, h in enumerate(heads[c + 1:], start=1) if h), len(heads) - c)
        if span == 1:
            draw.text((COL_X[c] + 12, ROW_Y[0] + 8), head, font=font, fill=0)
        elif head:
            draw.rectangle([(COL_X[c] + 2, ROW_Y[0] + 2), (COL_X[c + span] - 2, ROW_Y[1] - 2)], fill=255)
            draw.text(((COL_X[c] + COL_X[c + span]) / 2, ROW_Y[0] + 26), head, font=font, fill=0, anchor="mm")
    for r, label in enumerate(LABELS, start=1):
        draw.text((COL_X[0] + 12, ROW_Y[r] + 8), label, font=font, fill=0)
        for c in range(1, len(COL_X) - 1):
            value = rng.choice(["0", "0", "0", "1", "3", "10", "0"])
            # Values sit close to the left rule now and then, as a narrow column's do.
            left = COL_X[c] + rng.choice([8, 10, 50])
            if (r, c) in blanks:
                continue
            values[(r, c)] = value
            if centred:
                draw.text(((COL_X[c] + COL_X[c + 1]) / 2, ROW_Y[r] + 26), value, font=font, fill=0, anchor="mm")
            else:
                draw.text((left, ROW_Y[r] + 8), value, font=font, fill=0)
    gray = np.asarray(image)
    turned = cv2.warpAffine(gray, cv2.getRotationMatrix2D((620, 877), 0.8, 1.0), (1240, 1754), borderValue=255)
    bilevel = np.where(turned < 128, 0, 255).astype(np.uint8)
    return cv2.cvtColor(bilevel, cv2.COLOR_GRAY2BGR), values


def _png_1bit(page: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)).convert("1").save(buffer, "PNG", dpi=(150, 150))
    return buffer.getvalue()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dashed_rules_make_the_whole_grid(seed: int) -> None:
    """Every rule found though it is dashes: no two cells merged."""
    page, _ = _fax_page(seed)
    prepared = _straight(prepare(page))
    tables = find_tables(prepared.rulings, prepared.grid)
    assert len(tables) == 1
    table = tables[0]
    assert (table.n_rows, table.n_cols) == (len(ROW_Y) - 1, len(COL_X) - 1)
    assert all(c.row_span == c.col_span == 1 for c in table.cells)


@pytest.mark.parametrize("seed", range(11, 18))
def test_row_rules_left_as_sparse_dashes_make_the_grid(seed: int) -> None:
    """Every row rule left as dashes with gaps wider than a character (seed 9494's standard-
    resolution fax TIFF: no table was found, and the report was answered "not a report"): the
    dashes lined up across the column rules make the grid, no row added along the lines of
    text; a cell or two whose column rule's dashes were lost over a row may stay merged."""
    page, _ = _fax_page(seed, sparse_rows=True)
    prepared = _straight(prepare(page))
    (table,) = find_tables(prepared.rulings, prepared.grid)
    assert (table.n_rows, table.n_cols) == (len(ROW_Y) - 1, len(COL_X) - 1)
    assert sum(1 for c in table.cells if c.row_span > 1 or c.col_span > 1) <= 3


@pytest.mark.parametrize("seed", range(21, 26))
def test_rules_left_as_long_dashes_with_gaps_up_to_a_character_make_the_grid(seed: int) -> None:
    """Every rule of a table left as dashes a text height or two long with gaps up to a
    character, under a table ruled solid (seed 5252's fax 0: section 四 not found, section
    三's rows merged): the dashes lined up make the grid, and no rule is drawn along the title's
    line of text; a cell or two whose rule's dashes broke off over a row may stay merged."""
    page, _ = _fax_page(seed, stepped=True)
    prepared = _straight(prepare(page))
    tables = find_tables(prepared.rulings, prepared.grid)
    assert len(tables) == 2
    table = max(tables, key=lambda t: len(t.cells))
    assert (table.n_rows, table.n_cols) == (len(ROW_Y) - 1, len(COL_X) - 1)
    assert sum(1 for c in table.cells if c.row_span > 1 or c.col_span > 1) <= 2


def test_a_row_rule_lost_over_some_columns_is_restored() -> None:
    """Stretches of row rules lost (over the last two value columns; over a label and the
    first value column): the value cells that came out spanning two rows, one short line in
    each, are split back; the label, one long line over two rows, stays merged."""
    page, _ = _fax_page(5, dropped=((4, 4, 5), (7, 0, 1)))
    prepared = _straight(prepare(page))
    (table,) = find_tables(prepared.rulings, prepared.grid)
    merged = {(c.row, c.col) for c in table.cells if c.row_span > 1}
    assert merged == {(3, 4), (3, 5), (6, 0), (6, 1)}
    split = split_dropped_rules(table, prepared.ink, prepared.grid, prepared.bilevel)
    assert {(c.row, c.col) for c in split.cells if c.row_span > 1} == {(6, 0)}
    assert len(split.cells) == len(table.cells) + 3


def _tall_row_page() -> np.ndarray:
    """A black-and-white page with a table of two label rows: a short one, and a tall one whose
    label wraps over five lines and whose values stand at the row's top. The rule between them
    is lost over the label and the third value column."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 24)
    xs, ys = [120, 420, 560, 700, 840, 980], [300, 352, 404, 604]
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=1)
    draw.rectangle([(xs[0] + 2, ys[2] - 2), (xs[1] - 2, ys[2] + 2)], fill=255)
    draw.rectangle([(xs[3] + 2, ys[2] - 2), (xs[4] - 2, ys[2] + 2)], fill=255)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=0, width=1)
    for c, head in enumerate(("项目", "自然人", "企业", "科研", "总计")):
        draw.text((xs[c] + 12, ys[0] + 12), head, font=font, fill=0)
    draw.text((xs[0] + 12, ys[1] + 12), "本年新收", font=font, fill=0)
    for i, line in enumerate(("1.申请人无正当", "理由逾期不补正", "行政机关不再", "处理其政府信息", "公开申请")):
        draw.text((xs[0] + 12, ys[2] + 8 + 38 * i), line, font=font, fill=0)
    for c in range(1, 5):
        draw.text((xs[c] + 50, ys[1] + 12), "0", font=font, fill=0)
        draw.text((xs[c] + 50, ys[2] + 8), "3", font=font, fill=0)
    bilevel = np.where(np.asarray(image) < 128, 0, 255).astype(np.uint8)
    return cv2.cvtColor(bilevel, cv2.COLOR_GRAY2BGR)


def test_a_value_at_the_top_of_a_tall_row_is_parted_from_the_row_above() -> None:
    """A value cell spanning a short row and a tall one (their rule lost over it), its second
    value at the tall row's top as the row's other values are, far off the band's middle
    (seed 4343's fax TIFF 5: both rows lost): it is split back; the label cell stays merged."""
    prepared = _straight(prepare(_tall_row_page()))
    (table,) = find_tables(prepared.rulings, prepared.grid)
    assert {(c.row, c.col) for c in table.cells if c.row_span > 1} == {(1, 0), (1, 3)}
    split = split_dropped_rules(table, prepared.ink, prepared.grid, prepared.bilevel)
    assert {(c.row, c.col) for c in split.cells if c.row_span > 1} == {(1, 0)}
    assert {c.col for c in split.cells if c.row == 2} == {1, 2, 3, 4}


def test_a_column_rule_lost_over_some_rows_is_restored() -> None:
    """Stretches of column rules lost (over three rows of two value columns, both blank in
    one; over two value columns in another row) and a heading drawn over the last two
    columns: the cells that came out spanning two columns, a value centred in each or blank,
    are split back; the heading, across the rule, stays whole."""
    page, _ = _fax_page(6, dropped_columns=((3, 2, 4), (4, 6, 6)), heads=(*HEADS[:-2], "公益总计", ""),
                        centred=True, blanks=((3, 2), (3, 3)))
    prepared = _straight(prepare(page))
    (table,) = find_tables(prepared.rulings, prepared.grid)
    merged = {(c.row, c.col) for c in table.cells if c.col_span > 1}
    assert merged == {(0, 4), (2, 2), (3, 2), (4, 2), (6, 3)}
    split = split_dropped_rules(table, prepared.ink, prepared.grid, prepared.bilevel)
    assert {(c.row, c.col) for c in split.cells if c.col_span > 1} == {(0, 4)}
    assert len(split.cells) == len(table.cells) + 4
    assert all(c.row_span == 1 for c in split.cells)


@pytest.mark.parametrize("seed", [8, 9])
def test_rules_left_as_dots_part_the_cells(seed: int) -> None:
    """Stretches of row and column rules left as dots: given the page's ink, the grid parts
    every cell there as the dashes' rules do; the heading over the last two columns, its text
    across the column line, stays whole."""
    page, _ = _fax_page(seed, dropped=((4, 2, 5), (7, 0, 1)), dropped_columns=((3, 2, 4), (4, 6, 7)),
                        heads=(*HEADS[:-2], "公益总计", ""), centred=True, dotted=True)
    prepared = _straight(prepare(page))
    (without,) = find_tables(prepared.rulings, prepared.grid)
    assert any(c.row_span > 1 or (c.col_span > 1 and c.row > 0) for c in without.cells)
    (table,) = find_tables(prepared.rulings, prepared.grid, prepared.ink)
    assert {(c.row, c.col, c.col_span) for c in table.cells if c.row_span > 1 or c.col_span > 1} == {(0, 4, 2)}


def test_rule_dashes_are_not_read_as_ones() -> None:
    """Every value right, or wrong and flagged: a dash beside a "0" never becomes a silent "10"."""
    settings = load_settings()
    page, values = _fax_page(4)
    document = read_image_file(_png_1bit(page), settings)
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    cells = {(c.row, c.col): c for row in tables[0].rows for c in row}
    wrong = {key: (cells[key].text, cells[key].confidence) for key, value in values.items()
             if cells[key].text != value}
    assert all(conf < settings.review.cell_threshold for _, conf in wrong.values()), wrong
    assert len(wrong) <= 1, wrong


def test_dash_where_a_merged_cells_rule_dropped_out_goes() -> None:
    """A rule that dropped out over one row merges two value cells; the dash it left between
    their "0"s is a rule's rest, not a "1" ("010")."""
    region = np.zeros((40, 240), np.uint8)
    cv2.circle(region, (60, 20), 10, 255, 2)
    region[12:26, 119:121] = 255  # the dash, where the inner rule runs
    cv2.circle(region, (180, 20), 10, 255, 2)
    kept = without_rule_rests(region, 5, (120,))
    assert not kept[:, 115:125].any()
    assert kept[:, 48:72].any() and kept[:, 168:192].any()
    # Without the inner rule's place, the dash stays: it may be a "1".
    assert without_rule_rests(region, 5)[12:26, 119:121].all()


def test_a_zero_in_two_arcs_on_a_dropped_rules_line_keeps_both() -> None:
    """A "0" whose thin top and foot dropped out is two arcs; centred in a merged cell on the
    line of its dropped inner rule, its left arc is not the rule's dash (it was, and the right
    arc alone read "1": seed 9191's fax TIFF). A dash at a height of its own still goes."""
    region = np.zeros((40, 240), np.uint8)
    region[10:30, 114:118] = 255  # the left arc, where the inner rule runs
    region[10:30, 124:128] = 255  # the right arc
    region[2:9, 119:121] = 255  # a dash of the rule above the digit
    kept = without_rule_rests(region, 5, (116,), text_height=32)
    assert kept[10:30, 114:118].all() and kept[10:30, 124:128].all()
    assert not kept[2:9].any()
    # In a cell of Chinese characters (marks as tall as the page's text), parts stand alike too:
    # the dash rule is kept as it was.
    assert not without_rule_rests(region, 5, (116,), text_height=22)[10:30, 114:118].any()


def test_a_zero_in_two_arcs_against_its_cells_side_keeps_both() -> None:
    """A thin-stroked "0" set against its cell's right side, binarised as two arcs: the arc at
    the side is as narrow as a rule's rest, but its twin stands beside it as high and as low
    (seed 5858's browser scan 7: 22 zeros lost, read blank). A rest beside a whole "0" (a ring
    wider than a rest) still goes: it is no arc of that digit."""
    region = np.zeros((98, 73), np.uint8)
    region[44:61, 58:62] = 255  # the left arc
    region[43:62, 66:71] = 255  # the right arc, within a rest's reach of the side
    kept = without_rule_rests(region, 9, text_height=23)
    assert kept[44:61, 58:62].all() and kept[43:62, 66:71].all()
    ring = np.zeros((98, 73), np.uint8)
    cv2.ellipse(ring, (52, 52), (6, 9), 0, 0, 360, 255, 3)
    ring[43:62, 67:71] = 255  # a rest of the side rule, as high as the ring
    kept = without_rule_rests(ring, 9, text_height=23)
    assert kept[44:61, 46:59].any() and not kept[:, 66:].any()


def _jagged_lone_value(text: str, rng: random.Random) -> np.ndarray:
    """A lone value as a 150-dpi black-and-white scan prints it (13-16 px high, thresholded),
    scaled to the readers' text height as the page reader scales a cell's crop."""
    printed = rng.choice([13, 14, 15, 16])
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 4 * printed, index=2)
    left, top, right, bottom = (round(v) for v in font.getbbox(text))
    size = (right - left + 32, bottom - top + 24)
    image = Image.new("L", size, 255)
    ImageDraw.Draw(image).text((16 - left + rng.randrange(4), 12 - top + rng.randrange(4)), text, font=font, fill=0)
    gray = cv2.resize(np.asarray(image), (size[0] // 4, size[1] // 4), interpolation=cv2.INTER_AREA)
    bilevel = np.where(gray < rng.choice([110, 128, 150]), 0, 255).astype(np.uint8)
    scale = 32 / printed
    scaled = cv2.resize(bilevel, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return cv2.copyMakeBorder(scaled, 6, 6, 8, 8, cv2.BORDER_CONSTANT, value=255)


def test_lone_digits_of_a_bilevel_page_agree_more_often_smoothed() -> None:
    """Jagged lone digits: the two engines agree on more of them when the second reads them
    smoothed, and never on a wrong value."""
    settings = load_settings()
    engines = engine_set(settings)
    rng = random.Random(7)
    texts = [rng.choice("0000000123") for _ in range(60)]
    crops = [_jagged_lone_value(t, rng) for t in texts]
    agreed = {}
    for bilevel in (False, True):
        readings = read_values(crops, engines, None, settings, 32, bilevel)
        sure = [(t, r.text) for t, r in zip(texts, readings, strict=True) if r.confidence >= settings.ocr.conf_agree]
        assert all(t == got for t, got in sure), sure
        agreed[bilevel] = len(sure)
    assert agreed[True] > agreed[False], agreed
