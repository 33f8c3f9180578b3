"""Agency and year from the ways real reports print their title."""

from __future__ import annotations

import pytest

from ingest.meta import find_meta


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
    ],
)
def test_title_forms(lines: list[str], agency: str | None, year: int) -> None:
    meta = find_meta(lines)
    assert meta.year == year
    if agency is not None:
        assert meta.agency == agency
