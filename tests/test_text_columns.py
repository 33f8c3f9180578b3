"""Columns of a table printed without rules, told by where its words start: the values' own
starts, and the header's stacked words over the columns no row fills, never a start that
only looks like a column's."""

from __future__ import annotations

from ingest.tables.glyphs import Glyph, Line
from ingest.tables.text_columns import (
    centred_columns,
    header_columns,
    placed_under,
    started_columns,
    value_columns,
    word_starts,
)
from ingest.tables.vector import vector_settings

SIZE = 9.0
GS = vector_settings([SIZE])
# Seven value columns 26 points apart, right of labels ending at 345.
COLUMNS = [354.0, 380.0, 405.0, 431.0, 457.0, 483.0, 509.0]


def _words(top: float, *words: tuple[float, str]) -> Line:
    """A line of words, each from its x, one glyph per SIZE."""
    glyphs = [Glyph(ch, x + i * SIZE, top, x + (i + 1) * SIZE, top + SIZE) for x, word in words
              for i, ch in enumerate(word)]
    return Line(tuple(glyphs))


def _value(x: float, text: str) -> tuple[float, float]:
    return (x, x + 0.5 * SIZE * len(text))


# The header of section 三 as a browser prints it from each cell's left padding: words stacked
# over their columns (自然 / 人, 商业 / 企业 …), a group's heading on one line.
HEADER = [
    _words(222, (380, "法人或其他组织")),
    _words(236, (354, "自然"), (431, "社会"), (457, "法律")),
    _words(244, (380, "商业"), (405, "科研"), (509, "总计")),
    _words(251, (354, "人"), (431, "公益"), (457, "服务"), (483, "其他")),
    _words(258, (380, "企业"), (405, "机构")),
    _words(264, (431, "组织"), (457, "机构")),
]


def test_a_words_start_is_after_a_gap_wider_than_between_characters() -> None:
    line = _words(0, (354, "自然"), (380, "商业"))
    assert word_starts(line, GS) == [354, 380]


def test_columns_no_row_fills_come_from_the_headers_stacked_words() -> None:
    header = header_columns(HEADER, 345, GS)
    # 其他 and 总计 stand on one line each: the values under them tell those columns.
    assert header == COLUMNS[:5]
    # Zeros printed blank: no row has a value under 自然人, 商业企业 or 社会公益组织.
    rows = [
        [_value(405, "1"), _value(457, "2"), _value(483, "2"), _value(509, "5")],
        [_value(457, "2"), _value(483, "11"), _value(509, "13")],
    ]
    found = value_columns(rows, header, GS)
    assert found is not None
    columns, placed = found
    assert columns == COLUMNS
    assert placed == [[2, 4, 5, 6], [4, 5, 6]]


def test_header_words_centred_off_the_values_make_no_column() -> None:
    # Every column filled; the header's words centred in their cells start 12 points in.
    centred = [_words(236 + 8 * i, *((x + 12, "机构") for x in COLUMNS)) for i in range(2)]
    header = header_columns(centred, 345, GS)
    rows = [[_value(x, "0") for x in COLUMNS], [_value(x, "2") for x in COLUMNS]]
    found = value_columns(rows, header, GS)
    assert found is not None and found[0] == COLUMNS


def test_values_padded_apart_unevenly_or_centred_tell_no_columns() -> None:
    # Web text's em spaces: each row's values stand a few points off the row above's.
    uneven = [[_value(x + 9 * (r % 3), "0") for x in COLUMNS] for r in range(3)]
    assert value_columns(uneven, [], GS) is None
    # Centred in their cells: "5" and "1234" start apart and end apart, their centres agree.
    centred = [[_value(400 - 0.25 * SIZE, "5")], [_value(400 - SIZE, "1234")]]
    assert value_columns(centred, [], GS) is None


def test_values_without_labels_take_columns_only_at_one_pitch() -> None:
    # A labelless row's values, some set from their cells' left and some centred (seed 9871's
    # browser PDF 5): their starts part a column in two; at one pitch with a gap, the gap is a column.
    mixed = [[_value(x + (9 if i % 3 == 1 else 0), "0") for i, x in enumerate(COLUMNS)]]
    assert value_columns(mixed, [], GS) is not None
    assert value_columns(mixed, [], GS, even=True) is None
    header = header_columns(HEADER, 345, GS)
    gapped = [[_value(x, "0") for i, x in enumerate(COLUMNS) if i != 4]]
    found = value_columns(gapped, header, GS, even=True)
    assert found is not None and found[0] == COLUMNS and found[1] == [[0, 1, 2, 3, 5, 6]]


def test_only_first_and_last_columns_filled_take_the_headers_even_pitch() -> None:
    """Seed 4747's browser PDF: every row's values under 自然人 and 总计 only, 6 pitches apart;
    the header's stacked words stand at an even pitch over the first five columns."""
    pitch = 26.0
    columns = [354.0 + k * pitch for k in range(7)]
    header = [354.0 + k * pitch for k in range(5)]
    rows = [[_value(columns[0], "3"), _value(columns[6], "3")], [_value(columns[6], "0")]]
    found = value_columns(rows, header, GS)
    assert found is not None
    assert found[0] == columns
    assert found[1] == [[0, 6], [6]]


def test_a_header_at_uneven_pitch_adds_no_columns_between_filled_ones() -> None:
    header = [354.0, 380.0, 420.0]
    rows = [[_value(354.0, "3"), _value(510.0, "3")]]
    found = value_columns(rows, header, GS)
    assert found is not None
    assert found[0] == [354.0, 510.0]


# Section 四 as a browser prints it with every cell centred: the two groups' headings on one
# line each, over the columns' words stacked two and two (结果 / 维持), 总计 on one line.
PITCH = 25.0
CENTRES = [190.0 + k * PITCH for k in range(15)]


def _centred(top: float, *words: tuple[float, str]) -> Line:
    return _words(top, *sorted((x - SIZE * len(word) / 2, word) for x, word in words))


SECTION_4 = [
    _centred(524, (CENTRES[2], "行政复议"), (CENTRES[10] - PITCH / 2, "行政诉讼")),
    _centred(555, (CENTRES[7], "未经复议直接起诉"), (CENTRES[12], "复议后起诉")),
    _centred(575, *((CENTRES[k], "结果") for k in (0, 1, 2, 5, 6, 7, 10, 11, 12)), (CENTRES[3], "尚未")),
    _centred(586, *((CENTRES[k], w) for k, w in ((0, "维持"), (1, "纠正"), (2, "其他"), (3, "审结"), (5, "维持"),
                                                  (6, "纠正"), (7, "其他"), (10, "维持"), (11, "纠正"), (12, "其他")))),
    _centred(580, *((CENTRES[k], "总计") for k in (4, 9, 14))),
    _centred(580 - 6, (CENTRES[8], "尚未"), (CENTRES[13], "尚未")),
    _centred(580 + 6, (CENTRES[8], "审结"), (CENTRES[13], "审结")),
]


def test_a_centred_headers_columns_are_its_words_centres_but_a_groups_heading() -> None:
    assert centred_columns(SECTION_4, GS) == CENTRES
    # A row's values, its zeros blank: each under its own column.
    row = [CENTRES[8] + 0.5, CENTRES[9], CENTRES[11] - 0.5, CENTRES[14]]
    assert placed_under([row], CENTRES, GS) == [[8, 9, 11, 14]]


def test_a_centred_header_missing_a_column_or_a_value_off_its_columns_places_nothing() -> None:
    # 总计 of the first group lost: a gap of two pitches, no columns at all.
    assert centred_columns([line for line in SECTION_4[:4]], GS) == []
    # A value between two columns.
    assert placed_under([[CENTRES[8] + PITCH / 2]], CENTRES, GS) is None



# The same section 四 with every cell set from its left padding, as its values are.
STARTS = [190.0 + k * PITCH for k in range(15)]
LEFT_SET = [
    _words(524, (STARTS[0], "行政复议"), (STARTS[5], "行政诉讼")),
    _words(555, (STARTS[5], "未经复议直接起诉"), (STARTS[10], "复议后起诉")),
    _words(575, *sorted([*((STARTS[k], "结果") for k in (0, 1, 2, 5, 6, 7, 10, 11, 12)),
                         *((STARTS[k], "尚未") for k in (3, 8, 13))])),
    _words(586, *((STARTS[k], ["维持", "纠正", "其他", "审结"][k % 5]) for k in range(15) if k % 5 != 4)),
    _words(580, *((STARTS[k], "总计") for k in (4, 9, 14))),
]


def test_a_header_set_from_its_cells_left_padding_places_values_by_its_words_starts() -> None:
    assert started_columns(LEFT_SET, GS) == STARTS
    # A row's two values, one digit each, under 尚未审结 and 总计: off the words' centres.
    row = [STARTS[8], STARTS[9]]
    assert placed_under([row], started_columns(LEFT_SET, GS), GS) == [[8, 9]]
    assert placed_under([[x + SIZE / 4 for x in row]], centred_columns(LEFT_SET, GS), GS) is None
