"""A table row printed whole in its cells takes no value from below the table: a number read
there (a value's digit spilling over the bottom rule, a row a photo's frame cuts) is no eighth
value of the row, which stood flagged as "8 values where 7 cells were expected"."""

from __future__ import annotations

import pytest

from ingest.layouts import load_layouts
from ingest.mapper import Mapping, map_document
from ingest.models import Document, Paragraph, SourceCell, Table
from ingest.settings import Settings

_HEAD = ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
_ROWS = [["（七）总计", "2", "0", "0", "0", "0", "0", "2"],
         ["四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "1"]]


def _carried_forward(after: str) -> list[tuple[object, float]]:
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate([_HEAD, *_ROWS])])
    document = Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), table, Paragraph(after),
                                  Paragraph("四、政府信息公开行政复议、行政诉讼情况")])
    settings = Settings()
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    cells = [mapping.cells[f"s3.carried_forward.{key}"] for key in ("natural_person", "other_org", "total")]
    return [(cell.value, cell.confidence) for cell in cells]


@pytest.mark.parametrize("after", ["0", "1"])
def test_a_number_under_the_table_is_no_value_of_its_last_row(after: str) -> None:
    readings = _carried_forward(after)
    assert [value for value, _ in readings] == [1, 0, 1]
    assert all(confidence > 0.9 for _, confidence in readings)



def test_blank_cells_opening_the_next_pages_table_are_no_values_of_a_row_a_value_short() -> None:
    """A row at a page's foot read a value short (two cells run together, a dotted rule read
    "1" between their zeros), the next page's table opening with its group's blank columns,
    their label on the page before (seed 5252's fax 0): the row's 总计 is none of them (it was
    read blank from there, surely)."""
    head = ["", "", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    short = ["", "（四）无法提供", "2.没有现成信息需要另行制作", "0", "010", "0", "0", "0", "0"]
    first = Table([[SourceCell(text, r, c, page=2, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate([head, short])])
    opening = ["", "", "3.补正后申请内容仍不明确", "0", "0", "0", "0", "0", "0", "0"]
    second = Table([[SourceCell(text, 0, c, page=3, confidence=0.99) for c, text in enumerate(opening)]])
    document = Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), first, second,
                                  Paragraph("四、政府信息公开行政复议、行政诉讼情况")])
    settings = Settings()
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    assert mapping.cells["s3.unable.needs_making.total"].page == 2


def _mapped(heading: str, rows: list[list[str]], after: str) -> Mapping:
    """One scanned table of `rows` between a section's heading and the next's, mapped."""
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    settings = Settings()
    document = Document("image", [Paragraph(heading), table, Paragraph(after)])
    return map_document(document, load_layouts(settings.layouts_dir), settings)


def test_a_header_cell_read_as_a_number_is_no_value_of_the_row_under_it() -> None:
    """Section 四's header cell 总计 read as 425 (seed 3131's fax 5): the row under the header is
    its fifteen values, and 425 none of them."""
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结"]
    rows = [["行政复议"] * 5 + ["行政诉讼"] * 10,
            [*outcomes, "总计"] + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
            [""] * 5 + [*outcomes, "总计", *outcomes, "425"],
            ["1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]]
    mapping = _mapped("四、政府信息公开行政复议、行政诉讼情况", rows, "五、存在的主要问题及改进情况")
    cells = [mapping.cells[f"s4.{group}.{key}"] for group in ("review", "suit_direct")
             for key in ("upheld", "total")]
    assert [cell.value for cell in cells] == [1, 1, 0, 0]
    assert all(cell.confidence > 0.9 for cell in cells)


def test_a_labelled_rows_value_is_kept_before_a_blank_opening_the_next_row() -> None:
    """A one-column row's value, then the next row's first cell blank (a heading in the column
    beside it: seed 9393's turned scan): the value is the row's, not the blank after it."""
    rows = [["第二十条第（五）项", "第二十条第（五）项"], ["信息内容", "本年处理决定数量"], ["行政许可", "1"],
            ["", "第二十条第（六）项"], ["信息内容", "本年处理决定数量"], ["行政处罚", "2"], ["行政强制", "3"]]
    mapping = _mapped("二、主动公开政府信息情况", rows, "三、收到和处理政府信息公开申请情况")
    assert [mapping.cells[f"s2.{row}.decisions"].value for row in ("licensing", "penalty", "coercion")] == [1, 2, 3]


def test_a_row_one_cell_short_is_placed_where_its_sums_allow_the_missing_cell() -> None:
    """Section 四 read with 14 of its 15 cells, a fax's lost rule having dropped 行政复议's first
    column (seed 4343's fax TIFF 1): the sums of 未经复议直接起诉 place its 总计 and the cells
    after it as printed; where the missing cell was, the sums cannot say among 行政复议's zeros
    and 未经复议直接起诉's first ones, so those carry the note (and are reviewed). Placed from
    the left, the last ten cells were shifted a column."""
    outcomes = ["结果纠正", "其他结果", "尚未审结"]
    rows = [["行政复议"] * 4 + ["行政诉讼"] * 10,
            [*outcomes, "总计"] + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
            [""] * 4 + ["结果维持", *outcomes, "总计", "结果维持", *outcomes, "总计"],
            ["0", "0", "0", "0", "0", "0", "3", "0", "3", "0", "0", "0", "0", "0"]]
    mapping = _mapped("四、政府信息公开行政复议、行政诉讼情况", rows, "五、存在的主要问题及改进情况")
    placed = {"s4.suit_direct.total": 3,
              **{f"s4.suit_after_review.{key}": 0 for key in ("upheld", "corrected", "other", "pending", "total")}}
    assert {key: mapping.cells[key].value for key in placed} == placed
    assert not any(mapping.cells[key].notes for key in placed)
    open_places = [f"s4.{group}.{key}" for group in ("review", "suit_direct")
                   for key in ("upheld", "corrected", "other", "pending")]
    assert all("its sums place the missing one" in mapping.cells[key].notes[0] for key in open_places)
