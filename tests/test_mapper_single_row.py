"""A layout's single row (the 2019 （六）其他处理 a 2021 table may keep) never follows a row it
stands for: a fax's misread label of the last of the three (3.其他 read 3.他, beside its group
其他处理) matched the single row's, and the two rows read before it were dropped for it."""

from __future__ import annotations

from ingest.layouts import load_layouts
from ingest.mapper import map_document
from ingest.models import Document, Paragraph, SourceCell, Table
from ingest.settings import Settings

_HEAD = ["三、本年度办理结果", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
_ROWS = [
    ("（五）不予处理", "4.无正当理由大量反复申请", "0"),
    ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", "0"),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "1"),
    ("（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "2"),
    ("其他处理", "3.他", "3"),
    ("（七）总计", "", "6"),
]


def _section_three() -> Document:
    rows = [_HEAD] + [[group, label, value, "0", "0", "0", "0", "0", value] for group, label, value in _ROWS]
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    return Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), table])


def test_the_three_other_rows_are_kept_when_the_last_label_is_misread() -> None:
    settings = Settings()
    mapping = map_document(_section_three(), load_layouts(settings.layouts_dir), settings)
    assert "s3.other single row" not in mapping.deviations
    for key, value in (("no_correction", 1), ("no_fee", 2), ("other", 3)):
        assert mapping.cells[f"s3.other.{key}.natural_person"].value == value
    # The misread label's row is placed by the rows around it, one for one with the table's.
    assert mapping.cells["s3.other.other.natural_person"].confidence > 0.9
