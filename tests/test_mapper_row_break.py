"""A table row printed whole in its cells takes no value from below the table: a number read
there (a value's digit spilling over the bottom rule, a row a photo's frame cuts) is no eighth
value of the row, which stood flagged as "8 values where 7 cells were expected"."""

from __future__ import annotations

import pytest

from ingest.layouts import load_layouts
from ingest.mapper import map_document
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
