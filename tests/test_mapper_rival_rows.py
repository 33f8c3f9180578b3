"""A misread row label nearly as like another row's (二、上年结转… read 二、」 二年结转…, near
一、本年新收…) places its row surely when that other row is printed with its exact label
elsewhere: the label can name it no more. Still weakly when the rival is not placed."""

from __future__ import annotations

from ingest.layouts import load_layouts
from ingest.mapper import map_document
from ingest.models import Document, Paragraph, SourceCell, Table
from ingest.settings import Settings

_HEAD = ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
_NEW = "一、本年新收政府信息公开申请数量"
_CARRIED_MISREAD = "二、」 二年结转政府信息公开申请数量"


def _carried_over(first_label: str) -> list[tuple[object, float]]:
    rows = [_HEAD, [first_label, "3", "0", "0", "0", "0", "0", "3"],
            [_CARRIED_MISREAD, "1", "0", "0", "0", "0", "0", "1"]]
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    document = Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), table])
    settings = Settings()
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    cells = [mapping.cells[f"s3.carried_over.{key}"] for key in ("natural_person", "total")]
    return [(cell.value, cell.confidence) for cell in cells]


def test_a_misread_label_whose_rival_row_is_printed_above_is_placed_surely() -> None:
    readings = _carried_over(_NEW)
    assert [value for value, _ in readings] == [1, 1]
    assert all(confidence > 0.9 for _, confidence in readings)


def test_a_misread_label_whose_rival_row_is_not_placed_stays_weak() -> None:
    # The row above is no row of the template: 一、本年新收… may still be the misread one.
    readings = _carried_over("合计")
    assert all(confidence < 0.9 for _, confidence in readings)
