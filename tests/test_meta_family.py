"""Agency and year over a family of invented reports: many bodies, title forms, page wrappers,
cover letters, banners and signatures, some naming another body. Never wrong without a flag."""

from __future__ import annotations

import random

from bench.truth import make_truth
from ingest.meta import find_meta
from ingest.settings import Settings

NOTICE = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）、《国务院办公厅政府信息与政务公开办公室关于印发"
          "<中华人民共和国政府信息公开工作年度报告格式>的通知》（国办公开办函〔2021〕30号）要求，")
PARENTS = ("福州市人民政府", "连江县人民政府办公室", "某某区人民政府")


def _page_head(rng: random.Random, heading: str, year: int, publisher: str) -> list[str]:
    return [*rng.sample(["网站首页", "政务公开", "互动交流", "当前位置：首页 > 政务公开 > 年报"], 2),
            f"标题: {heading}", f"发布时间: {year + 1}-0{rng.randint(1, 3)}-1{rng.randint(0, 9)} 10:00", "文号: ",
            f"发布机构: {publisher}", "栏目: 政府信息公开年报", "原文链接: https://x.gov.cn/a.htm", "==== 正文 ===="]


def _report(rng: random.Random, body: str, year: int) -> list[str]:
    parent = rng.choice(PARENTS)
    title = rng.choice([f"{body}{year}年政府信息公开工作年度报告", f"{body} {year} 年 政府信息公开工作年度报告",
                        f"{body}{year}年度政府信息公开年报", f"{body}关于{year}年政府信息公开工作的年度报告",
                        f"{year}年度{body}政府信息公开工作年度报告", None])
    lines = _page_head(rng, title or body, year, rng.choice(["", body, parent])) if rng.random() < 0.5 else []
    if rng.random() < 0.15:
        lines += [f"{body}关于报送{year}年度政府信息公开工作年度报告的函", f"{parent}：",
                  f"现将我单位{year}年度政府信息公开工作年度报告报送给你们。"]
    if title:
        lines += [parent, title] if rng.random() < 0.2 else [title]
    text = rng.choice([NOTICE + "编制本报告。", NOTICE + f"现发布《{body}{year}年政府信息公开工作年度报告》。",
                       f"{year}年以来，{body}坚持以公开为常态。", NOTICE + f"汇总{body}各有关单位情况编制而成。",
                       "本报告由概述等部分组成。"])
    text += rng.choice([f"本报告中所列数据统计期限自{year}年1月1日起至{year}年12月31日止。", "",
                        f"本报告统计数据从{year}年1月1日至12月31日。"])
    text += (f"一、总体情况 {year}年，本机关认真贯彻落实《条例》，主动公开信息{rng.randint(1, 900)}条。"
             "二、主动公开政府信息情况 规章 0 0 0 规范性文件 1 0 5 "
             f"五、存在的主要问题及改进情况 {year + 1}年，将继续加强。"
             "六、其他需要报告的事项 无。")
    signer = rng.choice([None, body, parent, ""])
    if signer == parent and not title and body not in text:
        signer = body  # a report that names no body but its signer's is that body's
    if signer is not None:
        text += f" {signer} {year + 1}年1月{rng.randint(1, 28)}日"
    return lines + ([text] if rng.random() < 0.5 else text.replace("。", "。\n").split("\n"))


def test_agency_and_year_are_never_wrong_unflagged() -> None:
    rng = random.Random(20261201)
    threshold = Settings().review.report_threshold
    right = {"agency": 0, "year": 0}
    n = 600
    for seed in range(n):
        truth = make_truth(seed)
        lines = _report(rng, truth.agency, truth.year)
        meta = find_meta(lines)
        for field, got, want, conf in (("agency", meta.agency, truth.agency, meta.agency_confidence),
                                       ("year", meta.year, truth.year, meta.year_confidence)):
            assert got == want or conf < threshold, (field, got, want, meta.evidence, lines[:12])
            right[field] += got == want
    # Most are read right even so (the rest have no evidence of their own body at all).
    assert right["agency"] >= 0.9 * n and right["year"] >= 0.95 * n
