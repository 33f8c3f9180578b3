"""The body as a scan's OCR reads it. A signature misread in a character or two (a black
seal's star over it on a fax) neither confirms the title nor speaks against it: a title the
opening quotes stays sure, a title alone stays flagged, a signature of another body still flags
it. A title cut short of its last character still names the body. A name whose 省 follows no
province was read with marks in it, and is flagged whatever bears it out. A signature the page's
source label names is not cut to an ending of a misread title to bear it out. Where nothing
else names a body, the page's source is the guess, flagged; naming the body a title read once
names, it bears the title out."""

from __future__ import annotations

from ingest.agency import names_no_province
from ingest.meta import find_meta
from ingest.review_flags import field_unsure
from ingest.settings import Settings

_THRESHOLD = Settings().review.report_threshold
_BODY = "湖南省袁州区郭扶镇"
_TITLE = f"{_BODY}2021年政府信息公开工作年度报告"
_QUOTING = f"根据《条例》规定，现发布《{_TITLE}》。"


def _flagged(quoted: bool, signature: str) -> tuple[str | None, bool]:
    lines = [_TITLE, *([_QUOTING] if quoted else []), "一、总体情况", "六、其他需要报告的事项", "无。",
             signature, "2022年1月20日"]
    meta = find_meta(lines, fmt="pdf_scanned")
    return meta.agency, field_unsure(meta.agency_confidence, meta.agency_evidence, _THRESHOLD)


def test_a_quoted_title_stays_sure_beside_a_misread_signature() -> None:
    assert _flagged(True, "湖南省袁州區區扶镇") == (_BODY, False)


def test_a_title_alone_beside_a_misread_signature_is_flagged() -> None:
    assert _flagged(False, "湖南省袁州區區扶镇") == (_BODY, True)


def test_a_signature_of_another_body_still_flags_the_title() -> None:
    assert _flagged(True, "湖南省袁州区人民政府")[1]
    assert _flagged(True, "湖南省袁州区郭扶乡")[1]


def test_a_title_cut_short_of_its_last_character_names_the_body() -> None:
    # A fax's large title wrapped: its 告 alone on the next line, read 生.
    lines = ["韶关市公安局 2022 年政府信息公开工作年度报", "生", "口", "一、总体情况",
             "本年度，我局认真贯彻落实《条例》。"]
    meta = find_meta(lines, fmt="pdf_scanned")
    assert (meta.agency, meta.year) == ("韶关市公安局", 2022)


def test_a_name_whose_province_is_no_province_is_flagged_though_a_signature_bears_it_out() -> None:
    # A scanned page's margin read into the title's line (seed 9292's browser scan), the
    # signature read without its first character.
    body = "河工组南省卫辉市人民政府办公室"
    lines = [f"{body}2022年政府信息公开工作年度报告", "一、总体情况", "六、其他需要报告的事项", "无。",
             "南省卫辉市人民政府办公室", "2023年1月20日"]
    meta = find_meta(lines, fmt="pdf_scanned")
    assert meta.agency == body
    assert field_unsure(meta.agency_confidence, meta.agency_evidence, _THRESHOLD)
    assert not names_no_province("国家税务总局河南省税务局") and not names_no_province("黑龙江省农业农村厅")


def test_a_signature_the_pages_source_names_is_not_cut_to_bear_out_a_misread_title() -> None:
    # A browser print's scan (seed 8282): a margin's mark read into the quoted title's line
    # (桃工源乡…), the signature and the page's source label 桃源乡人民政府. The signature was cut
    # to 源乡人民政府, an ending of the misread name, and so bore it out.
    lines = ["发布日期:2021-03-13来源:桃源乡人民政府浏览次数:3609", "根据《条例》规定，现发布《桃",
             "工源乡人民政府2020年政府信息公开工作年度报告》。", "一、总体情况", "六、其他需要报告的事项", "无。",
             "桃源乡人民政府", "2021年3月13日"]
    meta = find_meta(lines, fmt="pdf_scanned")
    assert "signature: 桃源乡人民政府" in meta.evidence
    assert meta.agency != "桃工源乡人民政府" or field_unsure(meta.agency_confidence, meta.agency_evidence, _THRESHOLD)


def test_the_pages_source_is_the_guess_where_nothing_else_names_a_body() -> None:
    # A browser print's scan (seed 5454's browser scan 1): the title run into the sidebar's
    # links and misread, no signature; the page's source label names the body. It is the
    # agency, flagged; a page naming a body elsewhere is not read from its source.
    lines = ["发布日期:2023-01-16来源:黑龙江省彭阳县交通运输局浏览次数:4794", "·盧市區公注黑龙江省彭阳县交通运输局",
             "公2022年政息公工作年度报告", "一、总体情况",
             "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"]
    meta = find_meta(lines, fmt="pdf_scanned")
    assert meta.agency == "黑龙江省彭阳县交通运输局"
    assert field_unsure(meta.agency_confidence, meta.agency_evidence, _THRESHOLD)
    closing = ["六、其他需要报告的事项", "无。", "彭阳县交通运输局", "2023年1月16日"]
    signed = find_meta([*lines, *closing], fmt="pdf_scanned")
    assert signed.agency == "彭阳县交通运输局"


def test_a_title_read_once_is_borne_out_by_the_pages_source_naming_it() -> None:
    # Read by OCR in one place alone, a title may hold a misread character; the page's source,
    # read apart, naming the body as the title does tells it was read right. A source naming
    # another body (a news desk) speaks against nothing.
    header = "发布日期:2023-01-16来源:{}浏览次数:4794"
    lines = [_TITLE, "一、总体情况", "本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。"]
    alone = find_meta(lines, fmt="pdf_scanned")
    assert alone.agency == _BODY and field_unsure(alone.agency_confidence, alone.agency_evidence, _THRESHOLD)
    borne = find_meta([header.format(_BODY), *lines], fmt="pdf_scanned")
    assert borne.agency == _BODY and not field_unsure(borne.agency_confidence, borne.agency_evidence, _THRESHOLD)
    desk = find_meta([header.format("袁州区融媒体中心"), *lines], fmt="pdf_scanned")
    assert desk.agency == _BODY and field_unsure(desk.agency_confidence, desk.agency_evidence, _THRESHOLD)
