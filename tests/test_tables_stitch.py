"""The one stitcher on scan pieces (matched column for column, OCR's look-alike digits):
the cases the scan reader's own stitcher handled, now handled by ingest/tables/stitch.py."""

from __future__ import annotations

from ingest.models import Paragraph, Table
from ingest.scan.ocr.consensus import looks_numeric
from ingest.tables.model import GridCell, Slot
from ingest.tables.stitch import TablePiece, stitch


def _piece(page: int, rows: list[list[str]]) -> TablePiece[int]:
    """A scanned table piece of one-cell-per-position rows (10-pixel cells)."""
    cells = [(GridCell(r, c, 1, 1, (10 * c, 10 * r, 10 * c + 10, 10 * r + 10)), Slot(text, (r, c), page))
             for r, row in enumerate(rows) for c, text in enumerate(row)]
    return TablePiece(page, cells, len(rows), len(rows[0]), 3, numeric=looks_numeric)


_HEADER = [["项目", "自然人", "总计"], ["", "人数", "件数"]]


def _texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_a_repeated_header_is_dropped_and_rows_follow_on() -> None:
    first = _piece(1, [*_HEADER, ["新收", "3", "3"]])
    second = _piece(2, [*_HEADER, ["结转", "O", "0"]])
    [table] = stitch([(1, [first]), (2, [second])])
    assert isinstance(table, Table)
    assert _texts(table) == [*_HEADER, ["新收", "3", "3"], ["结转", "O", "0"]]
    assert [(c.row, c.origin, c.page) for c in table.rows[3]] == [(3, (3, 0), 2), (3, (3, 1), 2), (3, (3, 2), 2)]


def test_a_header_not_repeated_keeps_every_row() -> None:
    first = _piece(1, [*_HEADER, ["新收", "3", "3"]])
    second = _piece(2, [["结转", "1", "1"], ["总计", "4", "4"]])
    [table] = stitch([(1, [first]), (2, [second])])
    assert isinstance(table, Table) and len(table.rows) == 5


def test_pieces_of_other_widths_or_not_opening_the_page_stay_apart() -> None:
    first = _piece(1, [*_HEADER, ["新收", "3", "3"]])
    narrower = _piece(2, [["结转", "1"]])
    assert len(stitch([(1, [first]), (2, [narrower])])) == 2
    later = _piece(2, [["结转", "1", "1"]])
    assert len(stitch([(1, [first]), (2, [Paragraph("（续表）", 2), later])])) == 3


def test_a_piece_lacking_a_label_column_merged_over_the_break_continues_the_table() -> None:
    # Seed 5417's browser scan 1: 三、本年度办理结果, merged down section 三's side, had no row
    # rule on the middle page, so no column there; the row the next break cut kept half its
    # label on that page, the rest opened the next, and the row's values were lost.
    first = _piece(1, [["（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政", "0", "1"]])
    second = _piece(2, [["", "", "机关不再处理其政府信息公开申请", "", ""], ["", "", "3.其他", "0", "2"]])
    [table] = stitch([(1, [first]), (2, [second])])
    assert isinstance(table, Table)
    joined = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    assert _texts(table) == [["", "（六）其他处理", joined, "0", "1"], ["", "", "3.其他", "0", "2"]]
    assert [c.origin for c in table.rows[0][1:]] == [(0, 1), (0, 2), (0, 3), (0, 4)]


def test_a_page_with_nothing_read_does_not_part_a_table_but_a_page_not_read_does() -> None:
    first = _piece(1, [*_HEADER, ["新收", "3", "3"]])
    second = _piece(3, [["结转", "1", "1"]])
    assert len(stitch([(1, [first]), (2, []), (3, [second])])) == 1
    assert len(stitch([(1, [first]), (3, [second])])) == 2


def _spanning_piece(page: int, heading: str, rows: list[list[str]], open_top: bool) -> TablePiece[int]:
    """A piece opening with a heading across its three columns, then rows of one cell each."""
    cells = [(GridCell(0, 0, 1, 3, (0, 0, 30, 10)), Slot(heading, (0, 0), page))]
    cells += [(GridCell(r, c, 1, 1, (10 * c, 10 * r, 10 * c + 10, 10 * r + 10)), Slot(text, (r, c), page))
              for r, row in enumerate(rows, start=1) for c, text in enumerate(row)]
    return TablePiece(page, cells, len(rows) + 1, 3, 3, open_top=open_top, numeric=looks_numeric)


def test_a_heading_across_the_table_opening_the_next_page_is_not_the_rest_of_the_cut_row() -> None:
    # A browser's print: the page break falls after 行政许可's row, the next page opens with the
    # heading of the next sub-table and no rule above it. Joined, the label was 行政许可第二十条….
    first = _piece(1, [["信息内容", "本年", "决定"], ["行政许可", "3", "3"]])
    second = _spanning_piece(2, "第二十条第（六）项", [["行政处罚", "1", "1"]], open_top=True)
    [table] = stitch([(1, [first]), (2, [second])])
    assert isinstance(table, Table)
    assert _texts(table)[1:3] == [["行政许可", "3", "3"], ["第二十条第（六）项"] * 3]
    # The rest of a row the break cut has the cut row's cells: it is joined.
    cut = _piece(2, [["申请", "", ""], ["行政处罚", "1", "1"]])
    cut.open_top = True
    [joined] = stitch([(1, [_piece(1, [["信息内容", "本年", "决定"], ["行政许可", "3", "3"]])]), (2, [cut])])
    assert isinstance(joined, Table) and _texts(joined)[1] == ["行政许可申请", "3", "3"]


def test_a_row_of_counts_opening_the_next_page_is_not_the_rest_of_the_header_above_it() -> None:
    # A browser's print: section 四's header rows end one page, its row of counts opens the next
    # with no rule above it. Joined, the header read 结果维持1 and the counts were lost.
    first = _piece(1, [["行政复议", "行政复议", "行政诉讼"], ["结果维持", "总计", "结果维持"]])
    counts = _piece(2, [["1", "1", "0"]])
    counts.open_top = True
    [table] = stitch([(1, [first]), (2, [counts])])
    assert isinstance(table, Table)
    assert _texts(table)[1:] == [["结果维持", "总计", "结果维持"], ["1", "1", "0"]]


def test_a_row_of_blanks_opening_the_next_page_is_not_the_headings_merged_down() -> None:
    """Section 四's zeros printed blank (seed 4545's scanned PDF 6): its header of three rows,
    行政复议's headings each merged over the last two, ends one page; its row of blanks opens the
    next. Taken for those headings merged on down, the row lost its first cells and all fifteen
    were flagged."""
    def cell(row: int, col: int, rows: int, cols: int, text: str) -> tuple[GridCell[int], Slot]:
        return (GridCell(row, col, rows, cols, (10 * col, 10 * row, 10 * (col + cols), 10 * (row + rows))),
                Slot(text, (row, col), 1))

    cells = [cell(0, 0, 1, 2, "行政复议"), cell(0, 2, 1, 2, "行政诉讼"),
             cell(1, 0, 2, 1, "结果维持"), cell(1, 1, 2, 1, "总计"), cell(1, 2, 1, 2, "未经复议直接起诉"),
             cell(2, 2, 1, 1, "结果维持"), cell(2, 3, 1, 1, "总计")]
    header = TablePiece(1, cells, 3, 4, 3, numeric=looks_numeric)
    blanks = _piece(2, [["", "", "", ""]])
    [table] = stitch([(1, [header]), (2, [blanks])])
    assert isinstance(table, Table)
    assert _texts(table)[3] == ["", "", "", ""]
    assert [c.page for c in table.rows[3]] == [2, 2, 2, 2]
    # Numbers in some of its cells, blanks in the others (seed 4040's text PDF 7: its 9s
    # taken for 行政复议's, the row's blanks for its headings).
    counts = _piece(2, [["", "", "9", "9"]])
    [table] = stitch([(1, [TablePiece(1, cells, 3, 4, 3, numeric=looks_numeric)]), (2, [counts])])
    assert isinstance(table, Table)
    assert _texts(table)[3] == ["", "", "9", "9"]


def test_a_heading_merged_down_the_header_does_not_run_on_right_of_a_new_items_label() -> None:
    """Section 三's header ends one page, 自然人 merged over its last two rows; the next opens
    with 一、本年新收…, its 自然人 printed blank (seed 3571's text PDF 7: 自然人 ran on into that
    blank, the row's one value shifted a column, seven cells flagged)."""
    def cell(row: int, col: int, rows: int, cols: int, text: str) -> tuple[GridCell[int], Slot]:
        return (GridCell(row, col, rows, cols, (10 * col, 10 * row, 10 * (col + cols), 10 * (row + rows))),
                Slot(text, (row, col), 1))

    cells = [cell(0, 0, 3, 1, "（本列数据的勾稽关系为…）"), cell(0, 1, 1, 3, "申请人情况"),
             cell(1, 1, 2, 1, "自然人"), cell(1, 2, 1, 1, "法人或其他组织"), cell(1, 3, 2, 1, "总计"),
             cell(2, 2, 1, 1, "商业企业")]
    header = TablePiece(1, cells, 3, 4, 3, numeric=looks_numeric)
    rows = _piece(2, [["一、本年新收政府信息公开申请数量", "", "", "0"]])
    [table] = stitch([(1, [header]), (2, [rows])])
    assert isinstance(table, Table)
    assert _texts(table)[3] == ["一、本年新收政府信息公开申请数量", "", "", "0"]


def test_a_header_repeated_with_ocr_misreads_is_dropped() -> None:
    """The continuation's header read otherwise (自然人 as 白然人, 人数 as 入数): still the
    header, not rows merged into the row the break ends on (seed 8080's fax lost that row)."""
    first = _piece(1, [*_HEADER, ["新收", "3", "3"]])
    second = _piece(2, [["项目", "白然人", "总计"], ["", "入数", "件数"], ["结转", "1", "1"]])
    [table] = stitch([(1, [first]), (2, [second])])
    assert isinstance(table, Table)
    assert _texts(table) == [*_HEADER, ["新收", "3", "3"], ["结转", "1", "1"]]


def test_a_first_row_unlike_the_header_is_kept() -> None:
    first = _piece(1, [*_HEADER, ["新收", "3", "3"]])
    second = _piece(2, [["行政复议", "结果维持", "总计"], ["结转", "1", "1"]])
    [table] = stitch([(1, [first]), (2, [second])])
    assert isinstance(table, Table) and len(table.rows) == 5


def test_the_next_sub_tables_heading_and_header_opening_a_page_are_kept_apart() -> None:
    """A browser's print (seed 3434's browser PDF 1): the break falls after 行政许可's row of
    section 二, the next page opens with the heading 第二十条第（六）项, no rule above it, and
    its header. The heading was taken for the table's 第二十条第（一）项 repeated and dropped, and
    the header for the rest of the cut row: 行政许可 read 0本年处理决定数量, unflagged blank."""
    header = ["信息内容", "本年处理决定数量", "本年处理决定数量"]
    first = _spanning_piece(1, "第二十条第（一）项", [["信息内容", "本年制发件数", "现行有效件数"], ["规章", "1", "0"],
                                                   ["第二十条第（五）项"] * 3, header, ["行政许可", "0", "0"]],
                            open_top=False)
    second = _spanning_piece(2, "第二十条第（六）项", [header, ["行政处罚", "1", "1"]], open_top=True)
    [table] = stitch([(1, [first]), (2, [second])])
    assert isinstance(table, Table)
    assert _texts(table)[5:] == [["行政许可", "0", "0"], ["第二十条第（六）项"] * 3, header, ["行政处罚", "1", "1"]]
    # A header alone opening the page, under the cut row's numbers, is not that row's rest either.
    rest = _piece(2, [header, ["行政处罚", "1", "1"]])
    rest.open_top = True
    [table] = stitch([(1, [first]), (2, [rest])])
    assert isinstance(table, Table) and _texts(table)[5:] == [["行政许可", "0", "0"], header, ["行政处罚", "1", "1"]]
