"""Agency and year from the ways real reports print their title."""

from __future__ import annotations

import pytest

from ingest.agency import clean_name
from ingest.meta import find_meta
from ingest.review_flags import field_unsure
from ingest.settings import Settings


@pytest.mark.parametrize(
    ("lines", "agency", "year"),
    [
        (["重庆市綦江区郭扶镇人民政府", "", "2023年政府信息公开工作年度报告", "本年度…"],
         "重庆市綦江区郭扶镇人民政府", 2023),
        (["彭阳县白阳镇人民政府 2023 年 政府信息公开工作年度报告"], "彭阳县白阳镇人民政府", 2023),
        (["东方红乡2023年政府信息公开年报", "一、总体情况"], "东方红乡", 2023),
        (["2022年度青山镇政府信息公开工作年度报告"], "青山镇", 2022),
        (["金华市交通运输局关于2021年政府信息公开工作的年度报告"], "金华市交通运输局", 2021),
        (["《临沂市生态环境局2024年政府信息公开工作年度报告》"], "临沂市生态环境局", 2024),
        (["2023年以来,慈化镇坚持“以公开促监管”,紧紧围绕…", "一、总体情况"], "慈化镇", 2023),
        (["本报告统计数据从2020年1月1日至12月31日。我乡依法…"], None, 2020),
        # Wrapped so that the second line alone looks like a title.
        (["江西省临沂市孙杏村乡人民政府2024年政", "府信息公开工作年度报告", "一、总体情况"],
         "江西省临沂市孙杏村乡人民政府", 2024),
        # A web page's banner above its title.
        (["黑龙江省临沂市青山街道办事处", "黑龙江省临沂市青山街道办事处2020年政府信息公开工作年度报告",
          "发布日期：2021-02-14"],
         "黑龙江省临沂市青山街道办事处", 2020),
        # A large title wrapped over two lines, then the opening citing the format notice.
        (["江西省袁州区教育局2024年政府信息公", "开工作年度报告", "本报告根据《条例》和《关于印发",
          "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求编制。"], "江西省袁州区教育局", 2024),
        # A scan's title wrapped at the top, and the opening quoting it wrapped inside the name.
        (["临沂市白阳镇人民政府2020年政府信息公", "开工作年度报告", "根据《条例》第五十条规定，现发布《临沂市白",
          "阳镇人民政府2020年政府信息公开工作年度报告》。本报告"], "临沂市白阳镇人民政府", 2020),
    ],
)
def test_title_forms(lines: list[str], agency: str | None, year: int) -> None:
    meta = find_meta(lines)
    assert meta.year == year
    if agency is not None:
        assert meta.agency == agency


# ---------------------------------------------------------------- bodies of every kind, confidence

THRESHOLD = Settings().review.report_threshold
_NOTICE = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）、《国务院办公厅政府信息与政务公开办公室关于印发"
           "<中华人民共和国政府信息公开工作年度报告格式>的通知》（国办公开办函〔2021〕30号）要求，")
_BODIES = ["福建省晋江市安海镇人民政府", "永和乡", "青羊区草市街街道办事处", "平阳县人民政府",
           "长沙市岳麓区卫生健康委员会", "南宁市生态环境局", "自然资源部", "漳州台商投资区管理委员会",
           "庆阳市西峰区人民政府办公室", "梅州市梅江区城北镇"]


def _crawled(body: str, year: int, tail: list[str]) -> list[str]:
    """A crawler's text of a web page: labels, breadcrumbs, then the report on long lines."""
    return [f"标题: {body}{year}年度政府信息公开工作年度报告", f"发布时间: {year + 1}-01-2{year % 10} 16:13", "文号: ",
            "发布机构: ", "栏目: 政府信息公开年报", "原文链接: https://www.example.gov.cn/zwgk/t2023.htm",
            f"本地目录: zwgk/zfxxgk/{year + 1}01/80529_{body}{year}年度政府信息公开工作年度报告",
            "首页 > 政务公开 > 政府信息公开年报 > 正文", "==================== 正文 ====================",
            f"{_NOTICE}汇总{body}各有关单位政府信息公开工作情况编制而成。本报告中所列数据统计时限为{year}年1月1日至"
            f"{year}年12月31日。一、总体情况 {year}年，{body}坚持以公开为常态。二、主动公开政府信息情况 规章 0 0 0",
            *tail]


@pytest.mark.parametrize("body", _BODIES)
def test_crawled_page_gives_the_body_not_a_label(body: str) -> None:
    meta = find_meta(_crawled(body, 2022, ["六、其他需要报告的事项 无。"]))
    assert (meta.agency, meta.year) == (body, 2022)
    assert meta.agency_confidence >= THRESHOLD and meta.year_confidence >= THRESHOLD


@pytest.mark.parametrize("body", _BODIES[:3])
def test_a_page_saved_on_one_line_gives_its_labels_and_report(body: str) -> None:
    # Its line breaks lost: the labels, the rule that opens the text and the report run together.
    meta = find_meta([" ".join(_crawled(body, 2023, ["六、其他需要报告的事项 无。"]))])
    assert (meta.agency, meta.year) == (body, 2023)
    assert meta.agency_confidence >= THRESHOLD and meta.year_confidence >= THRESHOLD


@pytest.mark.parametrize("body", _BODIES)
def test_signature_and_closing_date_confirm_the_title(body: str) -> None:
    lines = [f"{body}2021年政府信息公开工作年度报告", "一、总体情况", "2021年，本机关认真贯彻《条例》。",
             "六、其他需要报告的事项", "无。", body, "2022年1月18日"]
    meta = find_meta(lines)
    assert (meta.agency, meta.year) == (body, 2021)
    assert meta.agency_confidence > 0.95 and meta.year_confidence > 0.95


@pytest.mark.parametrize("body", ["平潭综合实验区财政金融局", "庐江县市场监督管理局", "海淀区教育委员会"])
def test_cover_letter_verb_is_not_part_of_the_name(body: str) -> None:
    letter = f"{body}关于报送2022年度政府信息公开工作年度报告的函"
    lines = [f"标题:{letter}", letter,
             "区管委会办公室：", "现将我局2022年度政府信息公开工作年度报告报送给你们，请查收。",
             "本报告中所列数据统计期限自2022年1月1日起至2022年12月31日止。"]
    meta = find_meta(lines)
    assert meta.agency == body and meta.year == 2022
    assert meta.agency_confidence >= THRESHOLD


def test_quoted_title_in_the_opening_names_the_body() -> None:
    lines = [f"{_NOTICE}现发布《兰考县堌阳镇2023年政府信息公开工作年度报告》。", "一、总体情况"]
    meta = find_meta(lines)
    assert (meta.agency, meta.year) == ("兰考县堌阳镇", 2023)
    assert meta.agency_confidence >= THRESHOLD


@pytest.mark.parametrize("opening", [
    _NOTICE + "现将本年度政府信息公开工作情况报告如下。",
    "本报告" + _NOTICE[2:] + "编制而成。本报告中所列数据统计时限为2023年1月1日至2023年12月31日。",
])
def test_the_format_notice_office_is_never_the_agency(opening: str) -> None:
    meta = find_meta([opening, "一、总体情况", "本年度，我单位认真贯彻落实《条例》。"])
    assert meta.agency is None or ("务院" not in meta.agency and "公开办公室" not in meta.agency)
    assert meta.agency_confidence < THRESHOLD


def test_title_and_signature_naming_two_bodies_are_flagged() -> None:
    lines = ["石门县人民政府2023年政府信息公开工作年度报告", "一、总体情况", "六、其他需要报告的事项", "无。",
             "石门县交通运输局", "2024年1月20日"]
    meta = find_meta(lines)
    assert meta.agency_confidence < THRESHOLD


def test_title_and_statistics_period_naming_two_years_are_flagged() -> None:
    lines = ["石门县人民政府2023年政府信息公开工作年度报告",
             "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"]
    meta = find_meta(lines)
    assert meta.year_confidence < THRESHOLD


def test_a_2019_report_covering_part_of_a_year_is_that_year() -> None:
    lines = ["本报告根据《条例》编制。本报告所列数据的统计期限自2019年5月15日起至2019年12月31日止。",
             "2019年，我局坚持以公开为常态。2019年共主动公开信息120条。"]
    meta = find_meta(lines)
    assert meta.year == 2019 and meta.year_confidence >= THRESHOLD


def test_a_name_only_in_the_opening_is_right_but_flagged() -> None:
    meta = find_meta(["2023年以来，慈化镇坚持“以公开促监管”，紧紧围绕区委部署。", "一、总体情况"])
    assert meta.agency == "慈化镇"
    assert field_unsure(meta.agency_confidence, meta.agency_evidence, THRESHOLD)


def test_no_evidence_gives_nothing_and_zero_confidence() -> None:
    meta = find_meta(["一、总体情况", "本年度，我单位认真贯彻落实《条例》。"])
    assert meta.agency is None and meta.year is None
    assert meta.agency_confidence == 0.0 and meta.year_confidence == 0.0


@pytest.mark.parametrize("title", [
    "标题: 榆林市横山区2022年政府信息公开工作年度报告_榆林市横山区人民政府",
    "标题：榆林市横山区2022年政府信息公开工作年度报告",
])
def test_page_title_label_and_site_suffix_are_dropped(title: str) -> None:
    meta = find_meta([title, "发布日期：2023-01-30", "当前位置：首页 > 信息公开 > 年度报告",
                      "榆林市横山区2022年政府信息公开工作年度报告 "
                      "本报告中所列数据统计期限自2022年1月1日起至2022年12月31日止。"])
    assert (meta.agency, meta.year) == ("榆林市横山区", 2022)
    assert meta.agency_confidence >= THRESHOLD and meta.year_confidence >= THRESHOLD


def test_page_labels_after_the_site_navigation_are_dropped() -> None:
    nav = ["网站首页", "走进连江", "政务公开", "政务服务", "互动交流", "专题专栏",
           "当前位置：首页 > 政务公开 > 年度报告"]
    lines = [*nav, "标题：连江县琯头镇2023年度政府信息公开工作年度报告", "来源：连江县人民政府",
             "发布时间：2024-01-12",
             "【字体：大 中 小】 打印本页 关闭窗口", "本报告根据《条例》编制。本报告统计数据从2023年1月1日至12月31日。"]
    meta = find_meta(lines)
    assert (meta.agency, meta.year) == ("连江县琯头镇", 2023)
    assert meta.agency_confidence >= THRESHOLD and meta.year_confidence >= THRESHOLD


def test_page_footer_after_the_signature_is_dropped() -> None:
    lines = ["专题专栏 新闻中心 走进本站 政务服务", "您当前的位置：首页 » 政务公开 » 政府信息公开",
             "来源：本网  发布时间：2024-02-16  浏览次数：416  【字体：大 中 小】",
             "白阳乡人民政府 2023 年政府信息公开工作年度报告 本报告根据《条例》要求编制。"
             "一、总体情况 2023年，我乡坚持公开。六、其他需要报告的事项 本年度未收取信息处理费。"
             " 白阳乡人民政府 2024年3月28日",
             "【打印本页】 【关闭窗口】", "主办单位：金华市人民政府办公室  网站标识码：9433697523  ICP备34521239号"]
    meta = find_meta(lines)
    assert (meta.agency, meta.year) == ("白阳乡人民政府", 2023)
    kinds = {e.split(":")[0] for e in meta.evidence}
    assert {"title", "signature"} <= kinds
    assert meta.agency_confidence > 0.95


def test_a_browser_print_with_radical_forms_and_the_signature_joined_to_the_buttons() -> None:
    # Chromium's text layer: ⿊⻰ for 黑龙, ⻚ for 页; its lines join the date label to the
    # source label and the signature's date to the page's buttons.
    lines = ["⿊⻰江省韶关市⼈⼒资源和社会保障局", "发布⽇期：2020-02-20来源：⿊⻰江省韶关市⼈⼒资源和社会保障局",
             "2019年，我局认真贯彻落实《条例》。统计期限⾃2019年1⽉1⽇⾄2019年12⽉31⽇。",
             "六、其他需要报告的事项", "本年度未收取政府信息公开相关费⽤。",
             "⿊⻰江省韶关市⼈⼒资源和社会保障局2020年3⽉7⽇【打印本⻚】【关闭窗⼝】",
             "主办单位：⿊⻰江省韶关市⼈⼒资源和社会保障局⽹站标识码：3677276974"]
    meta = find_meta(lines)
    assert (meta.agency, meta.year) == ("黑龙江省韶关市人力资源和社会保障局", 2019)
    assert any(e.startswith("signature") for e in meta.evidence)


def test_the_title_outranks_the_signature() -> None:
    lines = ["标题: 霞浦县松城街道", "霞浦县松城街道2023年政府信息公开工作年度报告", "六、其他需要报告的事项 无。",
             "霞浦县人民政府办公室", "2024年1月20日"]
    meta = find_meta(lines)
    assert meta.agency == "霞浦县松城街道" and meta.agency_confidence < THRESHOLD


def test_a_banner_above_a_nameless_title_on_a_web_page_is_not_trusted() -> None:
    lines = ["标题: 2023年政府信息公开工作年度报告", "福州市人民政府", "2023年政府信息公开工作年度报告", "一、总体情况"]
    meta = find_meta(lines)
    assert field_unsure(meta.agency_confidence, meta.agency_evidence, THRESHOLD)


def test_a_site_banner_is_not_a_body() -> None:
    meta = find_meta(["泉州市人民政府门户网站", "2023年政府信息公开工作年度报告", "一、总体情况"])
    assert meta.agency is None or field_unsure(meta.agency_confidence, meta.agency_evidence, THRESHOLD)


def test_signature_glued_to_the_last_sentence_is_read() -> None:
    text = ("标题: 三明市沙县区市场监督管理局2023年度政府信息公开工作年度报告\n"
            "根据《条例》要求编制本报告。六、其他需要报告的事项本机关依申请提供政府信息，不收取费用"
            "三明市沙县区市场监督管理局2024年1月31日")
    meta = find_meta(text.splitlines())
    assert meta.agency == "三明市沙县区市场监督管理局"
    assert any(e.startswith("signature:") for e in meta.evidence)
    assert meta.agency_confidence > 0.95


@pytest.mark.parametrize(("lines", "agency", "year"), [
    # A notice publishing the report names the body after its verb.
    (["盐城市亭湖区人民政府办公室关于印发亭湖区2022年政府信息公开工作年度报告的通知", "各镇人民政府，各街道办事处："],
     "亭湖区", 2022),
    # An office sends a township's report: the report is the township's.
    (["宁乡市人民政府办公室关于报送宁乡市双江口镇2022年度政府信息公开工作年度报告的函"], "宁乡市双江口镇", 2022),
    # The title's 政府 is also the body's; a site's tag before the title; 关于 before the body.
    (["2022年度福清市音西街道人民政府信息公开工作年度报告"], "福清市音西街道人民政府", 2022),
    (["标题: 【福清市】音西街道2022年度政府信息公开工作年度报告"], "音西街道", 2022),
    (["关于新罗区2021年度政府信息公开工作年度报告"], "新罗区", 2021),
    # The year after the title, in brackets.
    (["广宁县古水镇政府信息公开工作年度报告（2021年度）", "一、总体情况"], "广宁县古水镇", 2021),
    # A page title that is only the body's name, then the printed title.
    (["标题: 平潭综合实验区财政金融局", "平潭综合实验区财政金融局2022年度政府信息公开工作年度报告", "一、总体情况"],
     "平潭综合实验区财政金融局", 2022),
])
def test_more_title_forms(lines: list[str], agency: str, year: int) -> None:
    meta = find_meta(lines)
    assert (meta.agency, meta.year) == (agency, year)


@pytest.mark.parametrize(("title", "confirming"), [
    ("天台县人民政府2023年政府信息公开工作年度报告", "天台县人民政府办公室"),  # the office signs for its government
    ("邵东市两市塘街道办事处2023年政府信息公开工作年度报告", "两市塘街道"),  # the short form of the name
    ("岳阳县新墙镇人民政府2023年政府信息公开工作年度报告", "新墙镇人民政府"),
    ("张家口经济开发区管理委员会2023年政府信息公开工作年度报告", "张家口经济开发区管委会"),
])
def test_other_forms_of_the_same_name_confirm_it(title: str, confirming: str) -> None:
    meta = find_meta([title, "一、总体情况", "六、其他需要报告的事项", "无。", confirming, "2024年1月12日"])
    assert meta.agency == clean_name(title.split("2023")[0])
    assert meta.agency_confidence > 0.95


def test_opening_year_and_years_named_confirm_each_other() -> None:
    meta = find_meta(["2022年以来，宝山镇坚持以公开为常态。", "2022年，我镇主动公开信息80条。",
                      "2022年，收到申请2件。"])
    assert meta.year == 2022 and meta.year_confidence >= THRESHOLD


_TITLES = ("{b}{y}年政府信息公开工作年度报告", "{b} {y} 年 政府信息公开工作年度报告", "{b}{y}年度政府信息公开年报",
           "{b}关于{y}年政府信息公开工作的年度报告", "《{b}{y}年政府信息公开工作年度报告》")
_OTHER_BODY = "某某市审计局"


@pytest.mark.parametrize("body", _BODIES[::2])
@pytest.mark.parametrize("title", _TITLES)
@pytest.mark.parametrize("crawled", [False, True])
@pytest.mark.parametrize("signature", ["none", "same", "other"])
def test_never_a_wrong_body_unflagged(body: str, title: str, crawled: bool, signature: str) -> None:
    """Every combination of title form, page wrapper and signature: the body is right and sure,
    or the evidence disagrees and it is flagged."""
    heading = title.format(b=body, y=2023)
    lines = ([f"标题: {heading}", "发布时间: 2024-01-30", "首页 > 政务公开 > 年报"] if crawled else []) + [
        heading, _NOTICE + "编制本报告。本报告中所列数据统计期限自2023年1月1日起至2023年12月31日止。",
        "一、总体情况", "2023年，本机关坚持以公开为常态。", "六、其他需要报告的事项", "无。"]
    if signature != "none":
        lines += [body if signature == "same" else _OTHER_BODY, "2024年1月20日"]
    meta = find_meta(lines)
    assert meta.year == 2023 and meta.year_confidence >= THRESHOLD
    if signature == "other":
        assert meta.agency_confidence < THRESHOLD
    else:
        assert meta.agency == body and meta.agency_confidence >= THRESHOLD


@pytest.mark.parametrize("body", ["国务院办公厅", "中华人民共和国自然资源部", "国家税务总局福建省税务局"])
def test_national_bodies_report_too(body: str) -> None:
    meta = find_meta([f"{body}2022年政府信息公开工作年度报告", _NOTICE + "编制本报告。", body, "2023年3月1日"])
    assert (meta.agency, meta.year) == (body, 2022) and meta.agency_confidence >= THRESHOLD


def test_a_generic_signature_confirms_nothing() -> None:
    lines = ["2023年以来，龙泉乡人民政府坚持以公开为常态。", "六、其他需要报告的事项 无。", "某某区人民政府",
             "2024年1月5日"]
    meta = find_meta(lines)
    assert meta.agency_confidence < THRESHOLD


def test_a_signature_apart_names_the_body_alone() -> None:
    meta = find_meta(["本报告由六个部分组成。", "六、其他需要报告的事项 无。", "宁德市蕉城区七都镇人民政府",
                      "2024年1月5日"])
    assert meta.agency == "宁德市蕉城区七都镇人民政府" and meta.agency_confidence >= THRESHOLD
    meta = find_meta(["本报告由六个部分组成。六、其他需要报告的事项 无。 宁德市蕉城区七都镇人民政府 2024年1月5日"])
    assert meta.agency == "宁德市蕉城区七都镇人民政府" and meta.agency_confidence >= THRESHOLD


def test_a_signature_glued_to_a_clause_alone_is_flagged() -> None:
    # Nothing tells where the clause ends and the name begins.
    meta = find_meta(["本报告由六个部分组成。",
                      "六、其他需要报告的事项 本机关依申请提供政府信息，不收取费用蕉城区审计局", "2024年1月5日"])
    assert meta.agency is None or field_unsure(meta.agency_confidence, meta.agency_evidence, THRESHOLD)


def test_the_office_that_compiles_names_its_body() -> None:
    meta = find_meta(["本报告依据《条例》要求，由綦江区人民政府办公室汇总本级及所属各部门政府信息公开工作情况"
                      "编制而成。",
                      "一、总体情况", "六、其他需要报告的事项 无。", "綦江区人民政府", "2020年1月20日"])
    assert meta.agency == "綦江区人民政府" and meta.agency_confidence > 0.95


def test_a_seal_over_the_date_line_leaves_the_signature_above_it() -> None:
    # Seed 941's scanned browser print: the title's name misread, the seal over the date
    # line read as kana, the seal's rim as a bar after the name.
    lines = ["验金维惠公制2019年政府信息公开工作年度报告", "一、总体情况", "2019年，本机关认真贯彻《条例》。",
             "六、其他需要报告的事项", "本年度未收取政府信息公开相关费用。", "新华街道办事处|",
             "1を1に区のでズをののプアでにと2とま地をまのに2020年1月4日"]
    assert find_meta(lines, fmt="pdf_scanned").agency == "新华街道办事处"


def test_a_scanned_title_missing_its_first_characters_is_flagged() -> None:
    # Seed 983's scans: OCR dropped a large title's first characters (山东, 涪), and the
    # signature, the whole name ending in the title's, bore the cut name out.
    for title, signed in (("省韶关市清河镇", "山东省韶关市清河镇"), ("陵区龙泉乡", "涪陵区龙泉乡")):
        lines = [f"{title}2023年政府信息公开工作年度报告", "一、总体情况", "2023年，本机关认真贯彻《条例》。",
                 "六、其他需要报告的事项", "本年度未收取政府信息公开相关费用。", signed, "2024年1月20日"]
        scanned = find_meta(lines, fmt="pdf_scanned")
        assert scanned.agency == title  # the title's reading, left for review
        assert field_unsure(scanned.agency_confidence, scanned.agency_evidence, THRESHOLD)
        # Printed as text, a title naming the body without its province stays confirmed.
        assert find_meta(lines, fmt="pdf_text").agency_confidence >= THRESHOLD


@pytest.mark.parametrize("closing", [
    # Seed 7070's fax 7: a seal over the date, read 20206月1申 (年 and 日 lost).
    ["广东省南充市桃源镇人民政府", "20206月1申"],
    # Seed 7070's fax 1: the seal read as marks and kana after the date line.
    ["广东省南充市桃源镇人民政府", "2020年3月6日", "A", "L", "たは意になちまです。"],
])
def test_a_fax_signature_confirms_the_title_through_a_seal_over_its_date(closing: list[str]) -> None:
    lines = ["广东省南充市桃源镇人民政府2019年政府信息公开工作年度报告", "一、总体情况",
             "2019年，本机关认真贯彻《条例》。", "六、其他需要报告的事项", "本年度未收取政府信息公开相关费用。",
             *closing]
    meta = find_meta(lines, fmt="pdf_scanned")
    assert meta.agency == "广东省南充市桃源镇人民政府"
    assert (meta.agency_evidence or "").split("|")[2] == "confirmed"
