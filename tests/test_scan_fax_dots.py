"""Fax-like pages made here: over a table's label columns its hair-thin rules print as dots up
to a text height apart (the value columns' as dashes); within its header a column rule
prints as dashes each shorter than a rule; a stretch of rule lost over one label cell. The
grid is found whole: label columns, every column, every label its own cell."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.scan.page import _straight, prepare
from ingest.tables.cells import grid_cells
from ingest.tables.dotted import ruled_by_dots
from ingest.tables.model import GridSettings
from ingest.tables.raster import GridTable, find_tables

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
# Two label columns, then five value columns; the header row is two lines of text tall.
COL_X = [100, 220, 420, 540, 660, 780, 900, 1020]
ROW_Y = [300, 396, *(396 + 52 * i for i in range(1, 8))]
LABELS = 2
# Rows 1-2: one label over both label columns; rows 3-7: a group's label beside five labels.
WHOLE = ("本年新收", "上年结转")
GROUP, PARTS = "办理结果", ("予以公开", "部分公开", "不予公开", "无法提供", "不予处理")


def _dashed(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int], rng: random.Random,
            dash: tuple[int, int], gap: tuple[int, int]) -> None:
    """A two-pixel rule printed as dashes (`dash` px long, `gap` px apart), each a pixel off
    the line now and then (a 150-dpi fax's rule, read at 250 dpi)."""
    (x0, y0), (x1, y1) = start, end
    at, length = 0, max(x1 - x0, y1 - y0)
    while at < length:
        piece, step = rng.randint(*dash), rng.choice([-1, 0, 0, 1])
        stop = min(length, at + piece - 1)
        if y0 == y1:
            draw.line([(x0 + at, y0 + step), (x0 + stop, y0 + step)], fill=0, width=2)
        else:
            draw.line([(x0 + step, y0 + at), (x0 + step, y0 + stop)], fill=0, width=2)
        at += piece + rng.randint(*gap)


def _fax_page(seed: int, labels_right: bool = False) -> np.ndarray:
    """A 150-dpi black-and-white page, fed 0.8 degrees crooked: the value columns' rules dashes
    (5-120 px, gaps 1-5 px), the label columns' row rules dots and dashes (2-12 px, gaps up to 22 px:
    nine tenths of the text height); the rule between the last two value columns dashes of
    8-20 px, 3-4 px apart (each shorter than a rule, none joined to a found rule).
    `labels_right`: the page mirrored, its label columns on the right."""
    rng = random.Random(seed)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 24)
    solid, dots = ((5, 120), (1, 5)), ((2, 12), (4, 22))
    for r, y in enumerate(ROW_Y):
        _dashed(draw, (COL_X[LABELS], y), (COL_X[-1], y), rng, *solid)
        # Rows 4-7's rules run from the group's label cell on.
        _dashed(draw, (COL_X[0] if r <= 3 or r == len(ROW_Y) - 1 else COL_X[1], y), (COL_X[LABELS], y), rng, *dots)
    for c, x in enumerate(COL_X):
        short = ((8, 20), (3, 4)) if c == len(COL_X) - 2 else solid
        _dashed(draw, (x, ROW_Y[3] if c == 1 else ROW_Y[0]), (x, ROW_Y[-1]), rng, *short)
    draw.text((COL_X[0] + 12, ROW_Y[0] + 34), "项目", font=font, fill=0)
    for c, head in enumerate(("自然人", "企业", "科研", "公益", "总计"), start=LABELS):
        draw.text((COL_X[c] + 12, ROW_Y[0] + 12), head, font=font, fill=0)
        draw.text((COL_X[c] + 12, ROW_Y[0] + 50), "机构", font=font, fill=0)
    for r, label in enumerate(WHOLE, start=1):
        draw.text((COL_X[0] + 12, ROW_Y[r] + 14), label, font=font, fill=0)
    draw.text((COL_X[0] + 10, ROW_Y[5] + 14), GROUP[:2], font=font, fill=0)
    draw.text((COL_X[0] + 10, ROW_Y[5] + 40), GROUP[2:], font=font, fill=0)
    for r, label in enumerate(PARTS, start=3):
        draw.text((COL_X[1] + 12, ROW_Y[r] + 14), label, font=font, fill=0)
    for r in range(1, len(ROW_Y) - 1):
        for c in range(LABELS, len(COL_X) - 1):
            draw.text((COL_X[c] + 50, ROW_Y[r] + 14), rng.choice("0013"), font=font, fill=0)
    gray = np.asarray(image)
    if labels_right:
        gray = np.ascontiguousarray(gray[:, ::-1])
    bilevel = np.where(gray < 128, 0, 255).astype(np.uint8)
    # Turned pixel for pixel, as a fax machine feeds the page (smoothing first, then cutting
    # at half gray, lost a dot of two pixels now and then: gaps no fax prints).
    turned = cv2.warpAffine(bilevel, cv2.getRotationMatrix2D((620, 877), 0.8, 1.0), (1240, 1754),
                            flags=cv2.INTER_NEAREST, borderValue=255)
    return cv2.cvtColor(turned, cv2.COLOR_GRAY2BGR)


def _table(page: np.ndarray) -> GridTable:
    prepared = _straight(prepare(page))
    tables = find_tables(prepared.rulings, prepared.grid, prepared.ink)
    assert len(tables) == 1, [t.box for t in tables]
    return tables[0]


def _spans(table: GridTable, labels_right: bool) -> set[tuple[int, int, int, int]]:
    """(row, column, rows spanned, columns spanned) of the merged cells, columns counted from
    the label side."""
    last = table.n_cols - 1
    return {(c.row, last - (c.col + c.col_span - 1) if labels_right else c.col, c.row_span, c.col_span)
            for c in table.cells if c.row_span > 1 or c.col_span > 1}


@pytest.mark.parametrize(("seed", "labels_right"), [(1, False), (2, False), (3, True)])
def test_label_columns_of_dotted_rules_join_the_table(seed: int, labels_right: bool) -> None:
    """The table reaches over both label columns (on either side) and every column of its
    header; the labels over both label columns and the group's label are the only cells
    merged."""
    table = _table(_fax_page(seed, labels_right))
    assert (table.n_rows, table.n_cols) == (len(ROW_Y) - 1, len(COL_X) - 1)
    assert _spans(table, labels_right) == {(0, 0, 1, 2), (1, 0, 1, 2), (2, 0, 1, 2), (3, 0, 5, 1)}


def test_a_rule_lost_over_one_cell_leaves_no_ragged_merge() -> None:
    """Masks of a black-and-white page's grid whose rule between the first two columns is
    lost over one row where the second column's cells part: the first column's cell over rows
    1-3 stays apart, as its rule runs above and below the gap. The same gap beside a cell over
    rows 1-3 (the neighbour's cells merged too) is no rule."""
    gs = GridSettings(text_height=24, snap=10, bridge=12, min_line=60, min_vline=33, intersection=2,
                      line_thickness=2, stitch=0, space_gap=0, same_line=0, stream_gap=0, edge_coverage=0.6)
    xs, ys = [10, 110, 210, 310], [10, 60, 110, 160, 210, 260]
    horizontal, vertical = np.zeros((280, 330), np.uint8), np.zeros((280, 330), np.uint8)
    for y in ys:
        horizontal[y - 1:y + 1, xs[0]:xs[-1]] = 255
    for x in xs:
        vertical[ys[0]:ys[-1], x - 1:x + 1] = 255
    # Column 0's cell spans rows 1-3, column 1's rows 2-3 (its rules within them lost).
    horizontal[ys[2] - 1:ys[2] + 1, xs[0]:xs[1]] = 0
    horizontal[ys[3] - 1:ys[3] + 1, xs[0]:xs[2]] = 0
    vertical[ys[2]:ys[3], xs[1] - 1:xs[1] + 1] = 0  # lost over row 2
    # The page's ink: blank but for the rules (no dots where they are lost).
    ink = horizontal | vertical
    cells = grid_cells(horizontal, vertical, ys, xs, gs, ink)
    assert {(c.row, c.col, c.row_span, c.col_span) for c in cells if c.row_span > 1 or c.col_span > 1} \
        == {(1, 0, 3, 1), (2, 1, 2, 1)}
    # Column 1's cells all merged over rows 1-3 too: the two columns' cells are one.
    horizontal[ys[2] - 1:ys[2] + 1, xs[1]:xs[2]] = 0
    cells = grid_cells(horizontal, vertical, ys, xs, gs, horizontal | vertical)
    assert (1, 0, 3, 2) in {(c.row, c.col, c.row_span, c.col_span) for c in cells}


def test_a_rule_lost_over_a_pieces_first_row_leaves_no_ragged_merge() -> None:
    """The same in a table's first row, where only the rows below tell the rule runs on (seed
    7319's fax: a piece's first row lost its rule between label and values; the rectangle
    around the ragged merge, with the tall cell of the first column, took every label and a
    column of values for one cell)."""
    gs = GridSettings(text_height=24, snap=10, bridge=12, min_line=60, min_vline=33, intersection=2,
                      line_thickness=2, stitch=0, space_gap=0, same_line=0, stream_gap=0, edge_coverage=0.6)
    xs, ys = [10, 110, 210, 310], [10, 60, 110, 160, 210]
    horizontal, vertical = np.zeros((230, 330), np.uint8), np.zeros((230, 330), np.uint8)
    for y in ys:
        horizontal[y - 1:y + 1, xs[1]:xs[-1]] = 255  # column 0: one cell over every row
    horizontal[ys[0] - 1:ys[0] + 1, xs[0]:xs[1]] = 255
    horizontal[ys[-1] - 1:ys[-1] + 1, xs[0]:xs[1]] = 255
    for x in xs:
        vertical[ys[0]:ys[-1], x - 1:x + 1] = 255
    # Lost over the first row, both rules beside its second cell: it joins the tall first cell.
    for x in xs[1:3]:
        vertical[ys[0]:ys[1], x - 1:x + 1] = 0
    cells = grid_cells(horizontal, vertical, ys, xs, gs, horizontal | vertical)
    spans = {(c.row, c.col, c.row_span, c.col_span) for c in cells}
    assert {(0, 0, 4, 1), (0, 1, 1, 1), (0, 2, 1, 1)} <= spans, spans


def test_a_zero_standing_where_a_lost_column_rule_would_run_is_no_dotted_rule() -> None:
    # A value centred in a cell over two columns stands on the line of the rule between them;
    # in a row a character high, the border's ends cut off left 3 pixels of it, where the two
    # sides of the 0 showed as two dots (seed 2424's fax TIFF 3): the cell was parted in two,
    # each half read as clean paper, sure.
    gs = GridSettings(text_height=36, snap=16, bridge=18, min_line=90, min_vline=50, intersection=2,
                      line_thickness=4, stitch=0, space_gap=0, same_line=0, stream_gap=0, edge_coverage=0.6,
                      rule_drift=2, dash_gap=9, dot_gap=45, strokes_join=True)
    zero = np.zeros((240, 400), np.uint8)
    cv2.ellipse(zero, (200, 117), (5, 10), 0, 0, 360, 255, 2)
    assert not ruled_by_dots(zero, 200, 100, 135, True, gs)
    dotted = np.zeros_like(zero)
    for y in range(100, 136, 8):
        dotted[y:y + 4, 199:201] = 255
    assert ruled_by_dots(dotted, 200, 100, 135, True, gs)


def test_a_one_standing_where_a_lost_column_rule_would_run_is_no_dotted_rule() -> None:
    # "-1" centred in a cell over two columns: the 1's upright stroke stands on the line of the
    # rule between them, its flag a dot beside it; two marks, the stroke as long as a digit is
    # high (seed 9871's fax TIFF 4: the cell parted there, its minus dropped as a speck, and the
    # value read as a sure blank, unflagged).
    gs = GridSettings(text_height=24, snap=11, bridge=12, min_line=60, min_vline=33, intersection=2,
                      line_thickness=3, stitch=0, space_gap=0, same_line=0, stream_gap=0, edge_coverage=0.6,
                      rule_drift=1, dash_gap=6, dot_gap=30, strokes_join=True)
    one = np.zeros((240, 400), np.uint8)
    one[100:120, 199:202] = 255  # the stroke
    one[100:103, 195:198] = 255  # its flag, apart
    one[110:112, 186:194] = 255  # the minus
    assert not ruled_by_dots(one, 200, 92, 128, True, gs)
    dotted = np.zeros_like(one)
    for y in range(92, 128, 8):
        dotted[y:y + 4, 199:201] = 255
    assert ruled_by_dots(dotted, 200, 92, 128, True, gs)
