"""A report with some of the template found is a result to review, never an error; the
pre-2019 statistics format is its own error; report-level fields carry their confidence."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from ingest.output import report_to_dict
from ingest.pipeline import convert_bytes, convert_file
from ingest.settings import Settings
from tests.conftest import SAMPLES, SEEDS

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

OLD_TABLE_SPACED = """统计指标\t单位\t统计数
一、主动公开情况\t—\t—
（一）主动公开政府信息数\t条\t356
二、依申请公开情况\t—\t—
（一）收到申请数\t件\t4
三、行政复议数量\t件\t0
四、行政诉讼数量\t件\t0
"""
OLD_TABLE_RUN = ("六、政府信息公开情况统计表指标名称计量单位2016年度历年累计主动公开文件数条8123401"
                 "其中：1.政府网站公开数条812340受理依申请公开信息总数条33对申请的答复总数条33行政复议数件00行政诉讼数件00")


def _convert(text: str, name: str, settings: Settings) -> dict[str, Any]:
    return report_to_dict(convert_bytes(text.encode("utf-8"), name, settings))


def test_a_web_page_cut_short_before_its_tables_leaves_them_not_found(settings: Settings) -> None:
    # The prose names every part and quotes 收到政府信息公开申请1件，予以公开1件: two of section
    # 三's rows were found there, and the rest passed for rows the table leaves out (blank, unflagged).
    text = (SAMPLES / "documents" / "webpage_fj_pingtan_scjgj_2023.txt").read_text(encoding="utf-8")
    result = _convert(text[: text.index("（五）积极回应舆情问题")], "cut.txt", settings)
    cells = result["cells"]
    blank = [k for k, c in cells.items() if k.startswith("s3.") and c["value"] is None]
    assert len(blank) > 100 and all(cells[k]["review"] for k in blank)


def test_a_count_in_the_prose_of_a_page_cut_short_is_not_a_row_run_together(settings: Settings) -> None:
    # 集中公开现行有效行政规范性文件698件 with the table cut off: not 6, 9 and 8 surely.
    text = (SAMPLES / "documents" / "webpage_fj_pingtan_2022.txt").read_text(encoding="utf-8")
    cells = _convert(text[: text.index("建立规范的信息采集")], "cut.txt", settings)["cells"]
    assert all(cells[f"s2.normative_docs.{c}"]["review"] for c in ("issued", "repealed", "in_force"))


def test_a_row_the_page_ends_in_is_unsure(settings: Settings) -> None:
    # Saved cut short inside （六）其他处理: its lone 0 is not surely the row's 总计.
    text = (SAMPLES / "documents" / "webpage_fj_pingtan_scjgj_2023.txt").read_text(encoding="utf-8")
    start = text.index("（六）其他处理")
    cells = _convert(text[: start + len("（六）其他处理") + 1], "cut.txt", settings)["cells"]
    row = [k for k in cells if k.startswith("s3.other.")]
    assert row and all(cells[k]["review"] for k in row)


def test_report_cut_short_keeps_every_cell_found(settings: Settings) -> None:
    text = SEEDS[2].read_text(encoding="utf-8")
    result = _convert(text[: text.index("三、收到和处理")], "cut.txt", settings)
    assert "error" not in result
    cells = result["cells"]
    assert isinstance(cells, dict)
    assert cells["s2.penalty.decisions"]["value"] == 6 and not cells["s2.penalty.decisions"]["review"]
    missing = [k for k in cells if k.startswith(("s3.", "s4."))]
    assert missing and all(cells[k]["value"] is None and cells[k]["review"] for k in missing)
    review = result["review"]
    assert isinstance(review, dict) and review["needed"]
    assert set(missing) <= set(review["cells"])
    reasons = {r["code"]: r["message"] for r in review["reasons"]}
    assert f"{len(missing)} of {len(cells)}" in reasons["cells_not_found"]
    # The sections the document does not hold are named.
    assert "no cell of s3, s4" in reasons["cells_not_found"]
    assert (result["report"]["agency"], result["report"]["year"]) == ("彭阳县白阳镇人民政府", 2023)


def test_report_with_only_its_last_table_is_a_result(settings: Settings) -> None:
    text = SEEDS[2].read_text(encoding="utf-8")
    title = "彭阳县白阳镇人民政府2023年政府信息公开工作年度报告\n"
    result = _convert(title + text[text.index("四、政府信息公开行政复议"):], "tail.txt", settings)
    assert "error" not in result
    cells = result["cells"]
    assert isinstance(cells, dict) and cells["s4.review.total"]["review"] is False
    assert cells["s3.new.total"]["value"] is None and cells["s3.new.total"]["review"]


def test_no_table_at_all_is_not_a_report(settings: Settings) -> None:
    result = _convert("关于召开2023年度工作会议的通知\n各单位：定于下周一上午召开会议。\n", "letter.txt", settings)
    assert result["error"] == {"code": "not_a_report", "message": result["error"]["message"]}


def test_pre_2019_statistics_table_is_an_old_format_error(settings: Settings) -> None:
    forms = (("old_tab.txt", OLD_TABLE_SPACED, "金溪县人民政府2017年政府信息公开工作年度报告"),
             ("old_run.txt", OLD_TABLE_RUN, "标题: 湖里区市场监督管理局2016年度政府信息公开工作年度报告"))
    for name, table, body in forms:
        text = f"{body}\n一、概述\n本年度主动公开政府信息。\n{table}"
        result = _convert(text, name, settings)
        error = result["error"]
        assert isinstance(error, dict) and error["code"] == "old_format"
        assert name in error["message"] and "pre-2019" in error["message"]
        assert "cells" not in result


def test_a_report_of_2018_without_the_template_is_old_format(settings: Settings) -> None:
    # An old table whose header is not printed: the year and the missing template words tell.
    table = "一、主动公开政府信息数 条 356\n二、收到申请数 件 4\n三、行政复议数 件 0\n四、行政诉讼数 件 0\n"
    title = "邵武市水南街道办事处2018年政府信息公开工作年度报告"
    text = f"{title}\n本报告统计期限自2018年1月1日起至2018年12月31日止。\n{table}"
    error = _convert(text, "old_2018.txt", settings)["error"]
    assert error["code"] == "old_format" and "2018" in error["message"] and "old_2018.txt" in error["message"]


def test_template_report_with_an_extra_statistics_table_is_mapped(settings: Settings) -> None:
    text = SEEDS[2].read_text(encoding="utf-8") + "\n附表\n" + OLD_TABLE_SPACED
    result = _convert(text, "extra.txt", settings)
    assert "error" not in result and result["template"] == "2021"


def test_report_fields_carry_confidences_and_unsure_ones_are_listed(settings: Settings) -> None:
    sure = report_to_dict(convert_file(SEEDS[2], settings))
    assert sure["report"]["agency_confidence"] >= settings.review.report_threshold
    assert sure["report"]["template_confidence"] >= settings.review.report_threshold
    assert not {"report.agency", "report.year", "template"} & set(sure["review"]["cells"])
    # No title: the body is named only as the opening's subject.
    unsure = report_to_dict(convert_file(SEEDS[1], settings))
    review = unsure["review"]
    assert isinstance(review, dict) and "report.agency" in review["cells"] and review["needed"]
    assert "agency_unsure" in {r["code"] for r in review["reasons"]}


def test_a_2021_table_for_a_year_before_2021_flags_the_template(settings: Settings) -> None:
    text = SEEDS[2].read_text(encoding="utf-8").replace("2023", "2019")
    result = _convert(text, "early.txt", settings)
    assert result["template"] == "2021" and "template" in result["review"]["cells"]


def test_rows_of_a_table_without_its_heading_are_a_result(settings: Settings) -> None:
    # A page that starts inside table 三: no heading, no column header, several rows.
    text = SEEDS[2].read_text(encoding="utf-8")
    start = text.index("(三) 不予公开")
    result = _convert(text[start : text.index("四、政府信息公开行政复议")], "inside.txt", settings)
    assert "error" not in result and result["review"]["needed"]


def test_one_row_quoted_in_prose_is_not_a_report(settings: Settings) -> None:
    text = "# 说明\n\n这份文件只是说明：二 中没有规章行，只有 规范性文件 13 0 13 一行。\n"
    result = _convert(text, "notes.md", settings)
    assert result["error"]["code"] == "not_a_report"


def test_rows_a_table_cut_short_never_reached_are_not_found(settings: Settings) -> None:
    # Cut after （五）不予处理's cell: its trailing empty cell passed for section 四 printed short,
    # and the rows between were taken for rows the table leaves out (blank, unflagged).
    text = SEEDS[2].read_text(encoding="utf-8")
    cut = text.index("(五) 不予处理\t") + len("(五) 不予处理\t")
    cells = _convert(text[:cut], "cut.txt", settings)["cells"]
    lost = [k for k in cells if k.startswith(("s3.refused.", "s3.other.", "s3.total.", "s4."))]
    assert lost and all(cells[k]["value"] is None and cells[k]["review"] for k in lost)


def test_a_report_whose_tables_are_left_out_is_a_result(settings: Settings) -> None:
    # A web page whose tables are images: the crawler's text keeps each section's heading and
    # none of its tables. The report is named, dated and flagged whole, not refused.
    lines = SEEDS[2].read_text(encoding="utf-8").splitlines()
    headings = {"二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况"}
    start, end = lines.index("二、主动公开政府信息情况"), lines.index("五、存在的主要问题及改进情况")
    kept = lines[:start] + [line for line in lines[start:end] if line in headings] + lines[end:]
    title = "彭阳县白阳镇人民政府2023年政府信息公开工作年度报告"
    result = _convert("\n".join([title, *kept]), "images.txt", settings)
    assert "error" not in result
    report = (result["report"]["agency"], result["report"]["year"], result["template"])
    assert report == ("彭阳县白阳镇人民政府", 2023, "2021")
    cells = result["cells"]
    assert len(cells) == 200 and all(c["value"] is None and c["review"] for c in cells.values())
    assert {f["ref"] for f in result["findings"] if f["kind"] == "table_missing"} == {"s2", "s3", "s4"}
    # A notice naming what a report tells is no report.
    notice = ("关于报送2023年政府信息公开工作年度报告的通知\n"
              "请报送主动公开政府信息情况、收到和处理政府信息公开申请情况。\n")
    assert _convert(notice, "notice.txt", settings)["error"]["code"] == "not_a_report"


def _ruled_rows(rows: list[tuple[str, str]]) -> bytes:
    """A scanned page holding only ruled rows of (label, value), with no heading."""
    font = ImageFont.truetype(FONT, 30)
    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    ys, cols = [300 + 70 * k for k in range(len(rows) + 1)], [150, 600, 1100]
    for y in ys:
        draw.line([(cols[0], y), (cols[-1], y)], fill="black", width=3)
    for x in cols:
        draw.line([(x, ys[0]), (x, ys[-1])], fill="black", width=3)
    for top, (label, value) in zip(ys, rows, strict=False):
        draw.text((cols[0] + 20, top + 18), label, font=font, fill="black")
        draw.text((cols[1] + 200, top + 18), value, font=font, fill="black")
    buffer = io.BytesIO()
    page.save(buffer, "PNG", dpi=(150, 150))
    return buffer.getvalue()


def test_a_scanned_page_holding_two_rows_of_a_ruled_table_is_a_result(settings: Settings) -> None:
    """A photo or scan of a page that holds only a table's last rows, with no heading (seed
    3907's photo: section 二's last two rows, refused as not_a_report): read from a ruled grid,
    two rows are a table; the same words in prose are not."""
    page = _ruled_rows([("行政强制", "0"), ("行政事业性收费", "403.81")])
    result = report_to_dict(convert_bytes(page, "fragment.png", settings))
    assert "error" not in result, result.get("error")
    assert result["cells"]["s2.coercion.decisions"]["value"] == 0
    assert result["cells"]["s2.fees.amount"]["value"] == 403.81


def test_a_scanned_page_holding_one_whole_template_row_is_a_result(settings: Settings) -> None:
    """A scanned last page holding only section 二's fees row, carried over from the page
    before (seed 2929's image, refused as not_a_report): one ruled row with every column of
    its template row is a table, its template in doubt (2019's fees row has two columns)."""
    result = report_to_dict(convert_bytes(_ruled_rows([("行政事业性收费", "203.56")]), "fees.png", settings))
    assert "error" not in result, result.get("error")
    assert result["cells"]["s2.fees.amount"]["value"] == 203.56
    assert result["template"] == "2021" and "template" in result["review"]["cells"]


def _last_page(values: list[str]) -> bytes:
    """A scanned last page: one ruled row of `values`, then part 五's heading and a line."""
    font = ImageFont.truetype(FONT, 28)
    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    left, width, top, bottom = 100, 70, 200, 260
    cols = [left + k * width for k in range(len(values) + 1)]
    for y in (top, bottom):
        draw.line([(cols[0], y), (cols[-1], y)], fill="black", width=3)
    for x in cols:
        draw.line([(x, top), (x, bottom)], fill="black", width=3)
    for x, value in zip(cols, values, strict=False):
        draw.text((x + 26, top + 14), value, font=font, fill="black")
    draw.text((160, 320), "五、存在的主要问题及改进情况", font=font, fill="black")
    draw.text((160, 380), "本单位政府信息公开工作还存在一些不足。", font=font, fill="black")
    buffer = io.BytesIO()
    page.save(buffer, "PNG", dpi=(150, 150))
    return buffer.getvalue()


def test_a_last_page_holding_section_fours_row_alone_is_read_as_that_row(settings: Settings) -> None:
    """A photo of a report's last page: section 四's fifteen values alone in one ruled row (its
    header on the page before), then 五、 (seed 6262's photo, refused as not_a_report). The
    template's last row is the one row of fifteen cells before the parts after the tables."""
    values = ["1", "0", "0", "0", "1", "2", "0", "1", "0", "3", "0", "0", "0", "0", "0"]
    result = report_to_dict(convert_bytes(_last_page(values), "last-page.png", settings))
    assert "error" not in result, result.get("error")
    s4 = [c["value"] for k, c in result["cells"].items() if k.startswith("s4.")]
    assert s4 == [int(v) for v in values]


def test_a_shorter_row_before_part_five_is_no_table(settings: Settings) -> None:
    result = report_to_dict(convert_bytes(_last_page(["1", "0", "0", "0", "1", "2", "0"]), "short.png", settings))
    assert result["error"]["code"] == "not_a_report"
