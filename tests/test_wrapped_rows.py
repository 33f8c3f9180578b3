"""Rows of a table printed without rules whose labels wrap around the line of their values
(a web page printed by a browser): each row's label put back together beside its values."""

from __future__ import annotations

from ingest.readers.pdf import _wrapped_stream_row
from ingest.tables.glyphs import Line, cell_text, line_text
from ingest.tables.vector import Frame
from ingest.tables.wrapped import WrappedRow, label_columns_apart, wrapped_rows
from tests.test_pdf_stream_rows import GS, _line

VALUES_X = 200.0


def _values(text: str, top: float, label: str = "", label_x: float = 0.0) -> Line:
    """A line of values (a space apart) from VALUES_X, after `label` set at `label_x`."""
    numbers = _line(text, VALUES_X, top, gap=20.0)
    return Line((_line(label, label_x, top).glyphs if label else ()) + numbers.glyphs)


def _rows(items: list[Line | WrappedRow]) -> list[tuple[list[str], list[str]]]:
    rows = [i for i in items if isinstance(i, WrappedRow)]
    return [([cell_text(label, GS) for label in r.labels], [line_text(v, GS) for v in r.values]) for r in rows]


def test_labels_wrapped_above_and_below_their_values_go_back_to_their_rows() -> None:
    lines = [
        _line("1.本机关不掌握相", 40, 0), _values("7 0 7", 7), _line("关政府信息", 40, 14),
        # A group's label printed once, over three lines, beside the middle row's values.
        _line("（四）", 0, 30), _line("2.没有现成信息需", 40, 37), _values("3 0 3", 44, "无法提"),
        _line("要另行制作", 40, 51), _line("供", 0, 58),
        _line("3.补正后申请内容", 40, 72), _values("0 0 0", 79), _line("仍不明确", 40, 86),
    ]
    assert _rows(wrapped_rows(lines, GS)) == [
        (["1.本机关不掌握相关政府信息"], ["7", "0", "7"]),
        (["（四）无法提供", "2.没有现成信息需要另行制作"], ["3", "0", "3"]),
        (["3.补正后申请内容仍不明确"], ["0", "0", "0"]),
    ]


def test_a_row_printed_without_values_keeps_its_own_label() -> None:
    # Every zero printed blank: 5.'s row has no values line, and is not the row above's label.
    lines = [
        _line("4.保护第三方合", 40, 0), _values("1 1", 7), _line("法权益", 40, 14),
        _line("5.属于三类内部", 40, 30), _line("事务信息", 40, 44),
        _line("6.属于四类过程", 40, 60), _values("2 2", 67), _line("性信息", 40, 74),
    ]
    assert _rows(wrapped_rows(lines, GS)) == [
        (["4.保护第三方合法权益"], ["1", "1"]),
        (["5.属于三类内部事务信息"], []),
        (["6.属于四类过程性信息"], ["2", "2"]),
    ]


def test_a_rows_one_value_alone_between_its_labels_lines_makes_the_row() -> None:
    """Seed 4747's browser PDF: a row printed blank but for its total, the 0 set midway between
    its label's two lines, was read as a paragraph 0请数量 and the row lost."""
    lines = [
        _line("一、本年新收政府信息公开申", 40, 0), _values("3 3", 7), _line("请数量", 40, 14),
        _line("二、上年结转政府信息公开申", 40, 30), _values("0", 37), _line("请数量", 40, 44),
    ]
    assert _rows(wrapped_rows(lines, GS)) == [
        (["一、本年新收政府信息公开申请数量"], ["3", "3"]),
        (["二、上年结转政府信息公开申请数量"], ["0"]),
    ]


def test_a_number_alone_without_labels_around_it_stays_a_line() -> None:
    page_number = _values("3", 0)
    assert wrapped_rows([page_number], GS) == [page_number]


def test_a_heading_under_a_one_line_row_is_not_its_label() -> None:
    # A row's label stands as far below its values as above: a line below a one-line row is not of it.
    heading = _line("第二十条第（六）项", 40, 14)
    items = wrapped_rows([_values("0", 0, "行政许可", 40), heading], GS)
    assert items[-1] == heading and _rows(items) == [(["行政许可"], ["0"])]


def test_a_label_set_close_to_its_first_value_is_parted_from_it() -> None:
    lines = [_line("（二）部分公开（区分", 40, 0), _values("4 0 4", 7, "处理的，不计其", 125),
             _line("他情形）", 40, 14)]
    assert _rows(wrapped_rows(lines, GS)) == [(["（二）部分公开（区分处理的，不计其他情形）"], ["4", "0", "4"])]


def test_a_label_run_into_its_first_value_is_parted_from_it() -> None:
    # No gap at all between the label's last character and the value (申请数量5).
    lines = [_line("一、本年新收政府信息", 95, 0), _values("5 1 6", 7, "公开申请数量", 140), _line("（件）", 95, 14)]
    assert _rows(wrapped_rows(lines, GS)) == [(["一、本年新收政府信息公开申请数量（件）"], ["5", "1", "6"])]


def test_a_rebuilt_row_keeps_its_labels_in_one_cell() -> None:
    # A group's label in a column of its own would leave the other rows a blank label cell
    # before their labels, which the row above would take for its last value.
    lines = [_line("（四）", 0, 30), _line("2.没有现成信息需", 40, 37), _values("3 0 3", 44, "无法提"),
             _line("要另行制作", 40, 51), _line("供", 0, 58)]
    row = next(i for i in wrapped_rows(lines, GS) if isinstance(i, WrappedRow))
    stream = _wrapped_stream_row(row, 1, Frame(0, 600.0, 800.0), GS)
    assert [c.text for c in stream.cells] == ["（四）无法提供2.没有现成信息需要另行制作", "3", "0", "3"]


def _texts(items: list[Line | WrappedRow]) -> list[str]:
    return [line_text(i.glyphs, GS) for i in items if isinstance(i, Line)]


def test_a_groups_label_beside_rows_printed_blank_is_read_apart_from_their_labels() -> None:
    """Every value blank, no line anchors the rows: the group's label, centred, lands between
    the lines of the middle row's label, or on them a padding apart (seed 9393's browser
    prints: the row read 2.申请人逾期未按收费其他处通知要求…, named no row; row_missing)."""
    between = [
        _line("1.申请人无正当理由逾", 40, 0), _line("期不补正", 40, 11),
        _line("（六）", 0, 17), _line("2.申请人逾期未按收费", 40, 22), _line("其他处", 0, 28),
        _line("通知要求缴纳费用", 40, 33), _line("理", 0, 39), _line("3.其他", 40, 50),
    ]
    assert _texts(label_columns_apart(between, GS)) == [
        "（六）", "其他处", "理",
        "1.申请人无正当理由逾", "期不补正", "2.申请人逾期未按收费", "通知要求缴纳费用", "3.其他"]
    beside = [_line("1.申请人无正当理由逾", 46, 0), _line("（六）其", 0, 11), _line("他处理", 0, 22)]
    beside[1] = Line(beside[1].glyphs + _line("2.申请人逾期未按收费", 46, 11).glyphs)
    assert _texts(label_columns_apart(beside, GS)) == [
        "（六）其", "他处理", "1.申请人无正当理由逾", "2.申请人逾期未按收费"]


def test_lines_that_do_not_interleave_two_label_columns_stand_as_they_are() -> None:
    # A centred title over a line, a heading over prose, and a group's label above its rows.
    for lines in ([_line("某某局2023年", 60, 0), _line("政府信息公开工作年度报告", 40, 11)],
                  [_line("一、总体情况", 0, 0), _line("2023年，我局坚持", 20, 11)],
                  [_line("（六）其他处理", 0, 0), _line("1.申请人无正当理由", 40, 11), _line("2.申请人逾期", 40, 22)]):
        assert label_columns_apart(lines, GS) == lines
