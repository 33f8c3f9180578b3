"""Ruled table regions on masks with few and with very many separate marks (the labels of a
mask's components are 16-bit where they fit, 32-bit otherwise); tables a page break leaves open."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ingest.tables.components import components
from ingest.tables.model import GridCell, GridSettings
from ingest.tables.raster import (
    GridTable,
    find_rulings,
    find_tables,
    overlapping_rejoined,
    row_high_rules,
    sharing_rules_joined,
)
from ingest.tables.regions import Rulings, table_regions

_GS = GridSettings(text_height=20, snap=4, bridge=10, min_line=50, min_vline=28, intersection=3,
                   line_thickness=2, stitch=0, space_gap=0, same_line=0, stream_gap=0, edge_coverage=0.8)


def _grid(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Rule masks of one 3 x 3 table at (100, 100)-(700, 400)."""
    horizontal, vertical = np.zeros(shape, np.uint8), np.zeros(shape, np.uint8)
    for y in (100, 200, 300, 400):
        horizontal[y:y + 2, 100:700] = 255
    for x in (100, 300, 500, 698):
        vertical[100:402, x:x + 2] = 255
    return horizontal, vertical


@pytest.mark.parametrize("specks", [False, True])
def test_table_found_among_many_marks(specks: bool) -> None:
    shape = (2400, 2400)
    horizontal, vertical = _grid(shape)
    if specks:
        # Dots below the table, apart even once the frame is dilated: more webs than
        # 16-bit labels hold.
        dots = np.zeros(shape, np.uint8)
        dots[500::6, ::6] = 255
        assert np.count_nonzero(dots) > 65_535
        vertical = vertical | dots
    assert table_regions(horizontal, vertical, _GS) == [(99, 99, 702, 404)]


@pytest.mark.parametrize("open_end", ["top", "bottom", "none"])
def test_a_table_a_page_break_leaves_open_keeps_its_row_there(open_end: str) -> None:
    # A browser prints a continued table's first row on the next page with no rule above it:
    # the side rules run on up to the row's top. Rules that overshoot by less are not a row.
    horizontal, vertical = _grid((600, 800))
    if open_end == "top":
        horizontal[100:102] = 0
        vertical[40:100] = 255 * (vertical[150] > 0)
    elif open_end == "bottom":
        horizontal[400:402] = 0
        vertical[400:460] = 255 * (vertical[150] > 0)
    else:
        vertical[90:100] = 255 * (vertical[150] > 0)
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    expected = {"top": [40, 200, 300, 400], "bottom": [100, 200, 300, 459], "none": [100, 200, 300, 400]}
    assert table.ys == expected[open_end] and table.n_cols == 3
    assert len(table.cells) == 9


@pytest.mark.parametrize("every_rule", [True, False])
def test_a_page_break_cut_aslant_over_a_tables_first_row_keeps_the_row(every_rule: bool) -> None:
    # A skewed scan of a browser's print, deskewed: the page's edge cuts the continued table's
    # first row aslant, its side rules running on 20 px (less than a row) at the left, 40 at
    # the right. Every column rule runs on to that line: the row is there (seed 2929's
    # browser scan, whose row was lost). A column rule that stops at the first rule is no cut.
    horizontal, vertical = _grid((600, 800))
    horizontal[100:102] = 0
    vertical[:200] = 0
    for x, top in zip((100, 300, 500, 698), (180, 173, 167, 160), strict=True):
        if every_rule or x != 300:
            vertical[top:200, x:x + 2] = 255
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.ys == ([160, 200, 300, 400] if every_rule else [200, 300, 400]) and table.n_cols == 3


def test_a_last_column_beyond_gaps_in_its_dashed_rules_stays_in_the_table() -> None:
    # A standard-resolution fax's rules come out in dashes: every row rule broken a little
    # less than a character wide before the last column (seed 4747's fax TIFFs), whose
    # values were lost with the column.
    horizontal, vertical = _grid((600, 800))
    horizontal[:, 505:520] = 0
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.xs == [100, 300, 500, 698] and len(table.cells) == 9
    # Two tables side by side, farther apart than a character, stay apart.
    horizontal, vertical = np.zeros((600, 1000), np.uint8), np.zeros((600, 1000), np.uint8)
    for y in (100, 200, 300, 400):
        horizontal[y:y + 2, 100:500] = horizontal[y:y + 2, 530:900] = 255
    for x in (100, 300, 498, 530, 715, 898):
        vertical[100:402, x:x + 2] = 255
    assert [(t.box[0], t.n_cols) for t in find_tables(Rulings(horizontal, vertical), _GS)] == [(100, 2), (530, 2)]


def test_a_table_whose_rules_all_drop_out_over_one_stretch_is_one_table() -> None:
    # A standard-resolution fax loses its hair-thin rules over a hand's width on every row at
    # once (seed 6363's fax TIFF): the part beyond, with no side rule facing the gap, was a
    # table of its own, and the values of the cells merged across the gap were lost.
    horizontal, vertical = np.zeros((600, 1000), np.uint8), np.zeros((600, 1000), np.uint8)
    for y in (100, 200, 300, 400):
        horizontal[y:y + 2, 100:900] = 255
    for x in (100, 300, 500, 700, 898):
        vertical[100:402, x:x + 2] = 255
    horizontal[:, 470:530] = 0
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.xs == [100, 300, 500, 700, 898] and len(table.cells) == 12


def test_a_table_whose_rules_drop_out_at_staggered_places_is_one_table() -> None:
    # The gaps a fax leaves in its row rules between the label columns and the values stand a
    # little apart from row to row (seed 2828's fax TIFF 6): the value part's web reaches left
    # past the end of the label part's, the two webs overlap, and section 三 was read as a
    # table of labels beside a table of values, 106 cells lost.
    horizontal, vertical = np.zeros((600, 1000), np.uint8), np.zeros((600, 1000), np.uint8)
    horizontal[100:102, 100:370] = horizontal[100:102, 400:900] = 255
    for y in (200, 300, 400):
        horizontal[y:y + 2, 100:450] = horizontal[y:y + 2, 480:900] = 255
    for x in (100, 300, 500, 700, 898):
        vertical[100:402, x:x + 2] = 255
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.xs == [100, 300, 500, 700, 898] and table.n_rows == 3, (table.xs, table.ys)


def test_a_last_column_whose_rules_are_a_web_of_their_own_within_the_tables_span_stays_in_it() -> None:
    # A standard-resolution fax's row rules broken more than a character wide before the last
    # column, at staggered places (seed 1313's fax TIFF 1): the column's rests of rules and its
    # side rule are a web too narrow to be a table, reaching in past where the rest's web ends.
    horizontal, vertical = np.zeros((600, 900), np.uint8), np.zeros((600, 900), np.uint8)
    for y in (100, 200, 300, 400):
        horizontal[y:y + 2, 100:680] = 255
    for x in (100, 300, 500, 678):
        vertical[100:402, x:x + 2] = 255
    for y in (100, 300, 400):
        horizontal[y:y + 2, 505:527] = 0
    horizontal[200:202, 560:582] = 0
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.xs == [100, 300, 500, 678] and len(table.cells) == 9, table.xs


def test_a_headings_stroke_joined_under_a_one_row_table_is_no_row() -> None:
    # A table's last row carried onto the next page, its side rule lost, a bold heading right
    # under it whose strokes join its rules (seed 5959's turned scan): the stroke made a second
    # row, and the table ended at its first column rule, its value beyond left out.
    horizontal, vertical = np.zeros((400, 1000), np.uint8), np.zeros((400, 1000), np.uint8)
    for y in (100, 150):
        horizontal[y:y + 2, 100:900] = 255
    for x in (100, 500):
        vertical[100:152, x:x + 2] = 255
    horizontal[205:207, 570:640] = 255
    vertical[150:207, 600:602] = 255
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.ys == [100, 150] and table.xs[0] == 100 and table.xs[-1] >= 890, (table.ys, table.xs)


def test_a_bold_headings_strokes_right_over_a_table_are_no_row_of_it() -> None:
    # A standard-resolution fax squares a bold heading's strokes twice as tall (seed 2828's fax
    # TIFF 1): they end at the table's top rule, and one runs on into the column rule it meets,
    # which frames the table's value part. Their band made a row over it, and the label part
    # beside it, its rows not the same, was left out.
    horizontal, vertical = np.zeros((400, 1000), np.uint8), np.zeros((400, 1000), np.uint8)
    for x0, x1 in ((290, 420), (440, 560), (580, 700)):
        horizontal[60:62, x0:x1] = 255  # the heading's long strokes, all along it
    for y in (100, 150, 200, 250):
        horizontal[y:y + 2, 300:700] = 255
    vertical[60:252, 300:302] = 255
    for x in (500, 698):
        vertical[100:252, x:x + 2] = 255
    for x in (330, 360, 390):
        vertical[60:100, x:x + 2] = 255
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.ys == [100, 150, 200, 250] and table.xs == [300, 500, 698], (table.ys, table.xs)
    # A title row over the columns, framed on one side only, stays the table's.
    vertical[60:100, 330:332] = vertical[60:100, 360:362] = vertical[60:100, 390:392] = 0
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.ys[0] == 60, table.ys


def test_a_seals_stroke_across_the_frame_parts_no_column() -> None:
    # A gray scan's seal over a table's last row (seed 1414's image): the ring's side runs from
    # inside the row above across the bottom rule, and parted the value row's cell in two.
    horizontal, vertical = _grid((600, 800))
    vertical[330:480, 400:403] = 255
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.xs == [100, 300, 500, 698] and len(table.cells) == 9, table.xs


def test_a_frame_around_a_table_is_not_a_table() -> None:
    # A web page's frame rules around the table: a web of its own whose box holds the table's.
    horizontal, vertical = _grid((900, 900))
    horizontal[20:22, 20:880] = 255
    horizontal[860:862, 20:880] = 255
    vertical[20:862, 20:22] = 255
    vertical[20:862, 878:880] = 255
    tables = find_tables(Rulings(horizontal, vertical), _GS)
    assert [(t.n_rows, t.n_cols, len(t.cells)) for t in tables] == [(3, 3, 9)]


def test_components_labelled_in_16_bits_or_32_when_too_many() -> None:
    few = np.zeros((60, 60), np.uint8)
    few[10:20, 10:20] = few[30:40, 30:50] = 255
    count, labels, stats = components(few)
    assert count == 3 and labels.dtype == np.uint16
    assert sorted(stats[1:, cv2.CC_STAT_AREA].tolist()) == [100, 200]
    # More than 65,534 specks: 32-bit labels, every speck counted.
    specks = np.zeros((900, 900), np.uint8)
    specks[::3, ::3] = 255
    count, labels, _ = components(specks)
    assert count == 300 * 300 + 1 and labels.dtype == np.int32
    # A blank mask: the background alone, as OpenCV labels it.
    blank = np.zeros((40, 70), np.uint8)
    count, labels, stats = components(blank)
    expected = cv2.connectedComponentsWithStats(blank, connectivity=8, ltype=cv2.CV_16U)
    assert count == expected[0] == 1 and labels.dtype == np.uint16 and not labels.any()
    assert stats.dtype == expected[2].dtype and stats.tolist() == expected[2].tolist() == [[0, 0, 70, 40, 2800]]


def test_a_carried_over_row_is_a_table_though_its_rules_stick_out() -> None:
    """A table's one row carried over to a page of larger print (its rules shorter than the
    page's vertical rules must be) whose side rules run a pixel past the bottom rule: its
    columns are found; a character's stroke clear of the rules is not a rule."""
    ink, xs = _one_row_table(rule_thickness=2)
    ink[106:134, 351:353] = 255
    (table,) = find_tables(find_rulings(ink, ink, _LARGE_PRINT), _LARGE_PRINT)
    assert (table.n_rows, table.n_cols) == (1, len(xs) - 1), table.xs


# A page of larger print (a 300-dpi scan, a close-up photo).
_LARGE_PRINT = GridSettings(text_height=48, snap=18, bridge=24, min_line=120, min_vline=67, intersection=2,
                            line_thickness=2, stitch=0, space_gap=0, same_line=0, stream_gap=0, edge_coverage=0.6)


def _one_row_table(rule_thickness: int) -> tuple[np.ndarray, range]:
    """The ink of a one-row table of ten columns on a page of larger print, and its column rules' x."""
    ink = np.zeros((400, 1200), np.uint8)
    for y in (100, 138):
        ink[y:y + rule_thickness, 100:1102] = 255
    xs = range(100, 1101, 100)
    for x in xs:
        ink[100:141, x:x + 2] = 255
    return ink, xs


def test_rules_broken_apart_from_their_table_are_no_table_of_their_own() -> None:
    # A black-and-white page's dashes lost all round two cells of the middle row: their
    # rules are a web of their own inside the table's; the table's grid has them.
    horizontal, vertical = np.zeros((500, 800), np.uint8), np.zeros((500, 800), np.uint8)
    xs, ys = (100, 250, 400, 550, 698), (100, 200, 300, 400)
    for y in ys:
        horizontal[y:y + 2, 100:700] = 255
    for x in xs:
        vertical[100:402, x:x + 2] = 255
    # Gaps wider than the snap between the middle row's inner cells and the rest.
    for y in (200, 300):
        horizontal[y:y + 2, 240:260] = horizontal[y:y + 2, 540:560] = 0
    for x in (250, 400, 550):
        vertical[190:210, x:x + 2] = vertical[290:310, x:x + 2] = 0
    horizontal[200:202, 252:548] = horizontal[300:302, 252:548] = 255
    for x in (250, 400, 550):
        vertical[202:300, x:x + 2] = 255
    assert len(table_regions(horizontal, vertical, _GS)) == 2
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert (table.n_rows, table.n_cols, len(table.cells)) == (3, 4, 12)


@pytest.mark.parametrize("lost", ["left", "right", "none"])
def test_a_side_rule_not_found_leaves_its_column_in_the_table(lost: str) -> None:
    # A close-up photo's side rule leans by perspective and is not found: the row rules still
    # run on to where it stands, every one of them, and the column there is the table's. A
    # single rule running on (an underline joined to the frame) is no column.
    horizontal, vertical = _grid((600, 800))
    if lost == "left":
        vertical[:, 100:102] = 0
    elif lost == "right":
        vertical[:, 698:700] = 0
    else:
        horizontal[300:302, 40:100] = 255
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.n_cols == 3 and len(table.cells) == 9
    assert table.xs[0] in range(98, 103) and table.xs[-1] in range(696, 702)


def test_a_leaning_side_rule_not_found_is_where_the_rows_end() -> None:
    # A scan's keystone leans a side rule more than the rows (seed 2121's scanned PDF: 4.8°):
    # it is not found, and the row rules end along it, a few snaps apart from top to bottom.
    # The column there is the table's; ends apart that lie on no one line place no side.
    horizontal, vertical = _grid((600, 800))
    vertical[:, 698:700] = 0
    for y, end in zip((100, 200, 300, 400), (690, 698, 706, 714), strict=True):
        horizontal[y:y + 2, 100:end] = 255
        horizontal[y:y + 2, end:] = 0
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.n_cols == 3 and len(table.cells) == 9 and table.xs[-1] in range(698, 707)
    horizontal[300:302, 690:] = 0
    (table,) = find_tables(Rulings(horizontal, vertical), _GS)
    assert table.n_cols == 2


def _table(xs: list[int], ys: list[int]) -> GridTable:
    cells = [GridCell(r, c, 1, 1, (xs[c], ys[r], xs[c + 1], ys[r + 1])) for r in range(len(ys) - 1)
             for c in range(len(xs) - 1)]
    return GridTable((xs[0], ys[0], xs[-1], ys[-1]), ys, xs, cells)


def test_tables_sharing_a_column_rule_and_every_row_rule_are_one() -> None:
    # A fax's row rules broken on every row at a column rule (seed 9191's fax TIFF): the labels
    # were one table, their values another, and the values were lost.
    labels, values = _table([100, 300], [100, 200, 300, 400]), _table([302, 600, 900], [101, 200, 299, 400])
    (table,) = sharing_rules_joined([values, labels], _GS)
    assert table.xs == [100, 300, 600, 900] and table.ys == [100, 200, 300, 400]
    assert sorted((c.row, c.col) for c in table.cells) == [(r, c) for r in range(3) for c in range(3)]
    assert {c.box for c in table.cells if c.col == 2} == {(600, y0, 900, y1) for y0, y1 in ((101, 200), (200, 299),
                                                                                         (299, 400))}
    # Tables apart, or with rows of their own, stay apart.
    assert len(sharing_rules_joined([labels, _table([340, 600, 900], [100, 200, 300, 400])], _GS)) == 2
    assert len(sharing_rules_joined([labels, _table([300, 600, 900], [100, 250, 400])], _GS)) == 2


def test_tables_overlapping_on_shared_rules_are_one() -> None:
    # A fax's broken rules leave two webs, each a table, overlapping (seed 2121's fax TIFF 3:
    # section 二's labels and two value columns one, the three value columns the other, the
    # last column's values lost and three read as clean paper, unflagged).
    horizontal, vertical = _grid((600, 800))
    rulings = Rulings(horizontal, vertical)
    left, right = _table([100, 300, 500], [100, 200, 300, 400]), _table([300, 500, 698], [101, 200, 299, 400])
    (table,) = overlapping_rejoined([right, left], rulings, _GS)
    assert table.xs == [100, 300, 500, 698] and table.ys == [100, 200, 300, 400] and len(table.cells) == 9
    # Apart, or on rules of their own, they stay two.
    assert len(overlapping_rejoined([left, _table([520, 600, 698], [100, 200, 300, 400])], rulings, _GS)) == 2
    assert len(overlapping_rejoined([left, _table([300, 400, 698], [100, 200, 300, 400])], rulings, _GS)) == 2
    assert len(overlapping_rejoined([left, _table([300, 500, 698], [100, 250, 400])], rulings, _GS)) == 2


def test_a_digit_within_a_fax_rules_widened_mask_but_clear_of_its_print_is_no_rule() -> None:
    # A fax's rule mask is widened by the dashes' drift: it reached a "1" 4 pixels clear of its
    # rules in a row 31 pixels high (seed 2424's fax TIFF 0), and the 1, painted out as a rule,
    # left its cell blank, sure. A side rule running into the rules' print stays a rule.
    gs = GridSettings(text_height=34, snap=14, bridge=17, min_line=85, min_vline=47, intersection=2,
                      line_thickness=3, stitch=0, space_gap=0, same_line=0, stream_gap=0, edge_coverage=0.6)
    ink, mask = np.zeros((240, 600), np.uint8), np.zeros((240, 600), np.uint8)
    for y in (100, 131):
        ink[y:y + 3, 100:502] = 255
        mask[y - 3:y + 6, 100:502] = 255
    ink[100:134, 100:102] = ink[100:134, 500:502] = 255
    ink[106:128, 301:304] = 255
    rules = row_high_rules(ink, ink, mask, gs)
    assert not rules[:, 290:320].any()
    assert rules[105:128, 100:102].all() and rules[105:128, 500:502].all()


def _framed(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A 3 x 3 table inside a frame inset around it, with text below the table touching the
    frame's sides: strokes that line up into short rules joined to them. The frame comes from
    the page before, open at the top (its sides start a little below the table's top there)."""
    horizontal, vertical = _grid(shape)
    horizontal[900:902, 40:762] = 255
    for x in (40, 760):
        vertical[106:902, x:x + 2] = 255
    horizontal[600:602, 700:760] = 255
    horizontal[700:702, 42:110] = 255
    return horizontal, vertical


def test_a_frame_around_a_table_is_no_table() -> None:
    # A web page's bordered article box around a table and the text after it (seed 6529's
    # browser scan 1): read as a table, the frame took the text for its cells.
    horizontal, vertical = _framed((1000, 800))
    assert len(table_regions(horizontal, vertical, _GS)) == 2
    # A black-and-white page: the text's marks in line below a column rule pass for its dots,
    # parting the frame's inside into cells.
    ink = horizontal | vertical
    for y in range(410, 890, 14):
        ink[y:y + 6, 300:302] = 255
    (table,) = find_tables(Rulings(horizontal, vertical), _GS, ink, ink)
    assert table.box == (100, 100, 698, 400) and len(table.cells) == 9


def test_a_table_holding_a_web_broken_off_its_grid_is_a_table() -> None:
    # A fax's rules lost all round two cells in a table's middle leave them a web of their own
    # inside the table; the table's rows run on beside it: the table is no frame.
    shape = (700, 900)
    horizontal, vertical = np.zeros(shape, np.uint8), np.zeros(shape, np.uint8)
    xs, ys = (100, 250, 400, 550, 700), (100, 200, 300, 400, 500)
    for y in ys:
        horizontal[y:y + 2, 100:702] = 255
    for x in xs:
        vertical[100:502, x:x + 2] = 255
    # The rules around cells (1, 1) and (1, 2) cut off the rest by gaps.
    horizontal[200:202, 236:264] = horizontal[200:202, 536:564] = 0
    horizontal[300:302, 236:264] = horizontal[300:302, 536:564] = 0
    vertical[186:214, 250:252] = vertical[186:214, 550:552] = 0
    vertical[286:314, 250:252] = vertical[286:314, 550:552] = 0
    vertical[186:214, 400:402] = vertical[286:314, 400:402] = 0
    tables = find_tables(Rulings(horizontal, vertical), _GS)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(4, 4)]


def test_a_one_row_tables_side_rule_running_past_its_bottom_rule_at_a_blurred_corner_is_a_rule() -> None:
    # A photo's blur runs a table's side rule on past the rule it meets at its corner by the
    # rule's thickness and more (seed 6158's photo 2: section 四's lone value row lost its
    # first column, the value read as prose, and the row was not placed).
    ink, xs = _one_row_table(rule_thickness=3)
    ink[96:145, 100:103] = 255
    (table,) = find_tables(find_rulings(ink, ink, _LARGE_PRINT), _LARGE_PRINT)
    assert (table.n_rows, table.n_cols) == (1, len(xs) - 1) and table.xs[0] in range(99, 104), table.xs


@pytest.mark.parametrize("dotted", [False, True])
def test_a_fax_tables_last_row_whose_side_rules_broke_short_stays_in_the_table(dotted: bool) -> None:
    # A black-and-white page's side rules broken over a table's last row, the piece below the
    # gap shorter than a rule (seed 6158's fax 0: 部分公开's row left out of section 三, its
    # seven values lost): their print along the sides frames the row.
    horizontal, vertical = np.zeros((500, 800), np.uint8), np.zeros((500, 800), np.uint8)
    for y in (100, 160, 220):
        horizontal[y:y + 2, 100:700] = 255
    for x in (300, 500):
        vertical[100:222, x:x + 2] = 255
    ink = horizontal | vertical
    for x in (100, 698):
        vertical[100:190, x:x + 2] = 255
        ink[100:190, x:x + 2] = ink[198:222, x:x + 2] = 255
    (table,) = find_tables(Rulings(horizontal, vertical), _GS, ink if dotted else None)
    assert table.n_rows == (2 if dotted else 1) and table.n_cols == 3
