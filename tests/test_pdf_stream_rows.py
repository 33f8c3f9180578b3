"""A text PDF's lines outside ruled tables: numbers of a table printed without rules kept
apart, a web page's side menu kept out of the article's paragraphs, a table's row in the
page's foot kept as a row (not taken for a page number), a value set half a line off its row
kept in it."""

from __future__ import annotations

from ingest.readers.pdf import _is_page_furniture, _side_column
from ingest.tables.glyphs import Glyph, Line, line_text, lines_of, segments, with_offset_values_joined
from ingest.tables.vector import vector_settings

SIZE = 10.0
GS = vector_settings([SIZE])


def _line(text: str, x: float, top: float, gap: float = 0.0) -> Line:
    """A line of `text` from `x`, one character per SIZE, `gap` more before each space's next character."""
    glyphs = []
    for char in text:
        if char == " ":
            x += gap
            continue
        glyphs.append(Glyph(char, x, top, x + SIZE, top + SIZE))
        x += SIZE
    return Line(tuple(glyphs))


def test_numbers_a_space_apart_are_cells_of_a_table_without_rules() -> None:
    # A web page's table printed without rules and set tight: columns a space apart.
    row = _line("一、本年新收 13612 252 0 45", 0, 0, gap=0.5 * SIZE)
    texts = [line_text(p, GS) for p in segments(row, GS)]
    assert texts == ["一、本年新收13612", "252", "0", "45"]
    # A wide gap parts a label from its value as before.
    wide = _line("规章 3", 0, 0, gap=3 * SIZE)
    assert [line_text(p, GS) for p in segments(wide, GS)] == ["规章", "3"]


def test_a_value_a_character_after_its_label_is_a_cell_of_its_own() -> None:
    # A label centred in its cell, filling it: its row's first value 1.4 characters after it
    # (seed 5903's browser PDF 0), closer than cells are parted.
    row = _line("6.属于四类过程性信息 0 0 0", 0, 0, gap=1.4 * SIZE)
    assert [line_text(p, GS) for p in segments(row, GS)] == ["6.属于四类过程性信息", "0", "0", "0"]
    # A number as far after words, with no value after it, is the line's text.
    prose = _line("全年共收到申请 12", 0, 0, gap=1.4 * SIZE)
    assert [line_text(p, GS) for p in segments(prose, GS)] == ["全年共收到申请12"]


def test_a_side_menu_left_of_the_text_is_its_own_column() -> None:
    body = [_line("根据条例规定现发布江西省某局年度报告本报告统计数据", 150, 100 + 15 * i) for i in range(4)]
    menu = [_line("依申请公开", 50, 112), _line("政府信息公开指南", 20, 140)]
    heading = _line("一、总体情况", 150, 200)
    side = _side_column([*body, *menu, heading], 400, GS)
    assert side == menu
    assert _side_column(body, 400, GS) == []


def test_values_of_a_row_in_the_foot_are_no_page_number() -> None:
    height = 792.0
    # A borderless table's row near a printed web page's foot: "1" and "1" in two columns.
    row = _line("1 1", 483, 698, gap=2 * SIZE)
    assert not _is_page_furniture(row, [row], GS, height)
    # A page number there, as one run of text ("- 11 -" or "11"), is the page's furniture.
    for number in (_line("- 11 -", 290, 760), _line("11", 300, 760)):
        assert _is_page_furniture(number, [number], GS, height)
    # The same number in the body is text.
    body = _line("11", 300, 400)
    assert not _is_page_furniture(body, [body], GS, height)
    # A row's lone value at the page's head, between its label's two lines, is the row's.
    label = [_line("3.补正后申请内容", 265, 33), _line("仍不明确", 265, 33 + SIZE * 1.2)]
    value = _line("0", 507, 33 + SIZE * 0.6)
    assert not _is_page_furniture(value, [*label, value], GS, height)


def test_a_value_set_half_a_line_off_its_row_is_read_in_it() -> None:
    # A browser centres a cell holding a blank line and its value: the value prints half a
    # line below (or above) the row's other values (seed 3571's browser print 7).
    for offset, value in ((0.7 * SIZE, "5"), (-0.7 * SIZE, "0.5")):
        glyphs = [*_line("行政许可 0 0 1", 0, 100, gap=3 * SIZE).glyphs, *_line(value, 190, 100 + offset).glyphs,
                  *_line("一、总体情况", 0, 160).glyphs, *_line("二、主动公开", 0, 40).glyphs]
        lines = with_offset_values_joined(lines_of(glyphs, GS))
        assert [line_text(ln.glyphs, GS) for ln in lines] == ["二、主动公开", f"行政许可0 0 1 {value}", "一、总体情况"]
    # A value centred between a label's two lines overlaps both: it stays a line of its own.
    label = [*_line("（二）部分公开区分处理", 0, 100).glyphs, *_line("的只计这一情形", 0, 112).glyphs]
    centred = _line("7", 200, 106).glyphs
    lines = with_offset_values_joined(lines_of([*label, *centred], GS))
    assert [line_text(ln.glyphs, GS) for ln in lines] == ["（二）部分公开区分处理", "7", "的只计这一情形"]
