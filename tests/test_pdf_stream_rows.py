"""A text PDF's lines outside ruled tables: numbers of a table printed without rules kept
apart, a web page's side menu kept out of the article's paragraphs."""

from __future__ import annotations

from ingest.readers.pdf import _side_column
from ingest.tables.glyphs import Glyph, Line, line_text, segments
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


def test_a_side_menu_left_of_the_text_is_its_own_column() -> None:
    body = [_line("根据条例规定现发布江西省某局年度报告本报告统计数据", 150, 100 + 15 * i) for i in range(4)]
    menu = [_line("依申请公开", 50, 112), _line("政府信息公开指南", 20, 140)]
    heading = _line("一、总体情况", 150, 200)
    side = _side_column([*body, *menu, heading], 400, GS)
    assert side == menu
    assert _side_column(body, 400, GS) == []
