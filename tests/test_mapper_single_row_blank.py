"""A 2021 table that keeps the 2019 （六）其他处理 on one row and leaves its zeros blank: the row
printed as its label alone stands for the three it replaces (seed 6211's text 0: the three
were judged left out, two `row_missing` findings, and the row's cells not given)."""

from __future__ import annotations

import pytest

from ingest.layouts import load_layouts
from ingest.mapper import map_document
from ingest.models import Document, Paragraph
from ingest.settings import Settings
from ingest.template_check import template_of_year

_SUB_ROWS = ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
             "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]


def _page(sub_rows: list[str]) -> Document:
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况",
        "自然人 法人或其他组织 总计",
        "商业企业 科研机构 社会公益组织 法律服务机构 其他",
        "一、本年新收政府信息公开申请数量 1  1",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果 （一）予以公开 1  1",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（三）不予公开 1.属于国家秘密",
        "2.其他法律行政法规禁止公开",
        "3.危及“三安全一稳定”",
        "4.保护第三方合法权益",
        "5.属于三类内部事务信息",
        "6.属于四类过程性信息",
        "7.属于行政执法案卷",
        "8.属于行政查询事项",
        "（四）无法提供 1.本机关不掌握相关政府信息",
        "2.没有现成信息需要另行制作",
        "3.补正后申请内容仍不明确",
        "（五）不予处理 1.信访举报投诉类申请",
        "2.重复申请",
        "3.要求提供公开出版物",
        "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息",
        "（六）其他处理",
        *sub_rows,
        "（七）总计 1  1",
        "四、结转下年度继续办理",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    return Document("text", [Paragraph(line) for line in lines])


@pytest.mark.parametrize("single", [True, False])
def test_the_single_other_row_printed_blank_stands_for_its_three(single: bool) -> None:
    settings = Settings()
    layouts = load_layouts(settings.layouts_dir)
    # A 2024 report: a page whose rows fit both templates follows its year's.
    mapping = map_document(_page([] if single else _SUB_ROWS), layouts, settings).as_year_follows(
        template_of_year(layouts, 2024))
    assert mapping.template.template == "2021"
    assert mapping.cells["s3.total.natural_person"].value == 1
    others = [k for k in mapping.cells if k.startswith("s3.other.")]
    if single:
        assert "s3.other single row" in mapping.deviations
        assert sorted(others) == sorted(f"s3.other.{c}" for c in (
            "natural_person", "enterprise", "research", "public_interest", "legal_service", "other_org", "total"))
        assert all(mapping.cells[k].value is None and mapping.cells[k].found for k in others)
    else:
        assert "s3.other single row" not in mapping.deviations
        assert {k.split(".")[2] for k in others} == {"no_correction", "no_fee", "other"}
