"""A generated report as a crawler saves a government web page: its text, table markup stripped.

The report's plan (report_text.build_plan, the one the docx and HTML renderers lay out) is
printed the way a page's innerText reads: table cells in row order with no separator, or a
space, or spaces on only some cell boundaries; paragraphs joined onto a handful of very long
lines; the crawler's own lines (标题: / 发布时间: / 原文链接: …) or the site's breadcrumbs and
navigation words around it; now and then a cover letter wrapped around the report, no title
line, typos in headers. The truth is changed to what the page prints (webpage_truth.py), and
lists the keys whose digit runs more than one split explains (splits.py).
The style is recorded in the file name (`<stem>.webpage.txt`), the forms drawn in the truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from bench.report_text import HEADINGS, Block, Para, PlanStyle, ReportTable, build_plan, short_name
from bench.splits import Run, record_ambiguity
from bench.truth import ReportTruth, Value
from bench.webpage_truth import OTHER_SUBROWS, apply_deviations

STYLE = "webpage"
_TYPOS = {"现行有效件数": "先行有效件数", "四、政府信息公开行政复议": "四、政府信息公开行政法复议",
          "本年新公开数量": "本年新公开数", "申请人情况": "申请人清况"}
_SPACES = (" ", " ", " ", "\u3000")


@dataclass
class _TableStyle:
    """How one table's cells are parted: each boundary kind gets a space with its probability."""

    header: float  # between header / label cells
    label_value: float  # a label and the first value after it
    values: float  # between two values of a row (0: glued, 1: every cell)
    row_end: float  # a row's last value and the next row's label
    lead_space: float  # a stray space before a row's first value
    wide: float  # share of spaces printed as U+3000

    @staticmethod
    def draw(rng: random.Random, section: str) -> _TableStyle:
        values = rng.choice([0.0, 0.0, 1.0, 0.5]) if section != "s4" else rng.choice([0.0, 1.0, 1.0, 0.5])
        return _TableStyle(header=rng.choice([0.0, 0.5, 1.0]), label_value=rng.choice([0.0, 0.3, 1.0]),
                           values=values, row_end=rng.choice([0.0, 0.3, 1.0]),
                           lead_space=rng.choice([0.0, 0.0, 0.3]), wide=rng.choice([0.0, 0.0, 0.2]))

    def form(self) -> str:
        return {0.0: "glued", 1.0: "spaced"}.get(self.values, "stray_spaces")


@dataclass
class _Page:
    truth: ReportTruth
    rng: random.Random
    # Table 二's 第二十条 headings printed as paragraphs between its sub-tables.
    subheadings: bool = False
    # Section 三's 三、本年度办理结果 printed again before （四）, as a table split over two pages.
    repeat_group: bool = False
    runs: list[Run] = field(default_factory=list)
    # Values the prose states for table cells: a reader may use them to split a run.
    quoted: dict[str, Value] = field(default_factory=dict)
    forms: list[str] = field(default_factory=list)


def _value_text(value: Value, rng: random.Random) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        plain = format(value.normalize(), "f")
        places = len(plain.partition(".")[2])
        return f"{value:.2f}" if places <= 2 and rng.random() < 0.4 else plain
    return str(value)


def _space(style: _TableStyle, rng: random.Random, share: float) -> str:
    if rng.random() >= share:
        return ""
    return "\u3000" if rng.random() < style.wide else " "


def _table_text(page: _Page, table: ReportTable, dropped: set[tuple[int, int]]) -> list[str]:
    """The table as innerText reads it, cut where a prose sub-heading may stand on its own:
    cells in row order, values from the truth, parted as this table's style draws."""
    rng, truth = page.rng, page.truth
    style = _TableStyle.draw(rng, table.section)
    page.forms.append(f"{table.section}:{style.form()}")
    joiner = rng.choice(["", " "])
    pieces: list[str] = []
    out = ""
    previous = "label"
    for r in range(len(table.rows)):
        cells = sorted((c for c in table.cells if c.row == r and (c.row, c.col) not in dropped), key=lambda c: c.col)
        run = ""
        keys: list[str] = []
        piece_cells: list[int] = []  # cells in each whitespace-free piece of the run
        blanks = 0
        for cell in cells:
            if cell.key is None:
                text = cell.text.replace("\n", joiner)
                if text == "（四）无法提供" and page.repeat_group:
                    # The table ran over a page in the original: its top group label printed again.
                    text = "三、本年度办理结果" + text
                if text.startswith("第二十条") and out and page.subheadings:
                    pieces.append(out)  # the article heading may be a paragraph between sub-tables
                    out = ""
                elif out:
                    out += _space(style, rng, style.row_end if previous == "value" else style.header)
                out += text
                previous = "label"
                continue
            text = _value_text(truth.cells[cell.key], rng)
            keys.append(cell.key)
            if not text:
                blanks += 1
                continue
            if previous == "value":
                gap = _space(style, rng, style.values)
            else:
                gap = _space(style, rng, style.label_value) + _space(style, rng, style.lead_space)
            if previous == "value" and not gap:
                piece_cells[-1] += 1
            else:
                piece_cells.append(1)
            run += (gap if previous == "value" else "") + text
            out += gap + text
            if cell.key == "s2.procurement.amount" and truth.procurement_unit and rng.random() < 0.5:
                out += truth.procurement_unit
                previous = "label"
            else:
                previous = "value"
        if keys:
            page.runs.append(Run(table.section, tuple(keys), run, tuple(piece_cells), blanks))
    return [*pieces, out]


def _dropped_cells(page: _Page, table: ReportTable) -> set[tuple[int, int]]:
    """Grid positions the page does not print: a missing row, the merged （六） sub-rows' values."""
    truth = page.truth
    gone: set[tuple[int, int]] = set()
    for r, row in enumerate(table.rows):
        if "missing_row" in truth.forms and any(k.startswith("s2.regulations.") for k in row.keys):
            gone |= {(c.row, c.col) for c in table.cells if c.row == r}
        if "merged_other" in truth.forms and any(k.startswith(tuple(f"s3.{s}." for s in OTHER_SUBROWS))
                                                 for k in row.keys):
            gone |= {(c.row, c.col) for c in table.cells if c.row == r and c.key}
    return gone


def _typos(page: _Page, plan: list[Block]) -> list[Block]:
    """One or two of the header typos real pages print (先行有效件数, 行政法复议)."""
    chosen = dict(page.rng.sample(sorted(_TYPOS.items()), k=page.rng.randint(1, 2)))

    def fix(text: str) -> str:
        for right, wrong in chosen.items():
            text = text.replace(right, wrong)
        return text

    out: list[Block] = []
    for block in plan:
        if isinstance(block, Para):
            out.append(Para(fix(block.text), block.kind) if block.kind == "heading" else block)
        else:
            out.append(replace(block, cells=[replace(c, text=fix(c.text)) if c.key is None else c
                                             for c in block.cells]))
    return out


def _openings(truth: ReportTruth) -> list[str]:
    """Opening paragraphs of reports without a title line: the agency named, or only 我局."""
    y, agency, me = truth.year, truth.agency, short_name(truth.agency)
    return [
        f"本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{agency}办公室汇总本级及所属"
        f"各部门政府信息公开工作情况编制而成。报告中所列数据的统计期限为{y}年1月1日至{y}年12月31日。",
        f"{y}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，现将本年度政府信息公开工作情况报告如下。"
        f"本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。",
        f"根据《中华人民共和国政府信息公开条例》及政府信息公开工作有关文件要求，结合{me}工作实际，编制完成本报告。"
        f"本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。",
    ]


def _narrative(page: _Page, plan: list[Block]) -> list[Block]:
    """Title kept or dropped, the opening replaced when it is, the period cut for part of 2019."""
    rng, truth = page.rng, page.truth
    if rng.random() < 0.35:
        page.forms.append("no_title")
        opening = rng.choice(_openings(truth))
        plan = [b for b in plan if not (isinstance(b, Para) and b.kind == "title")]
        first = next(i for i, b in enumerate(plan) if isinstance(b, Para) and b.kind == "body")
        replaced = plan[first]
        if isinstance(replaced, Para) and "统计" in replaced.text and f"{truth.year - 1}年1月1日" in replaced.text:
            # The paragraph carries a statistics period planted a year early (bench/plant.py):
            # the opening shows it too; every opening states the end year.
            opening = opening.replace(f"{truth.year}年1月1日", f"{truth.year - 1}年1月1日")
            for plant in truth.planted:
                if plant["kind"] == "period_mismatch":
                    plant["ref"] = f"{truth.year - 1}、{truth.year}"
        plan[first] = Para(opening, "body")
    elif rng.random() < 0.15:
        # A title naming the year only: the agency is in the page's 标题, the opening or the signature.
        page.forms.append("title_without_agency")
        at = next(i for i, b in enumerate(plan) if isinstance(b, Para) and b.kind == "title")
        plan = [b for b in plan if not (isinstance(b, Para) and b.kind == "title")]
        plan.insert(at, Para(f"{truth.year}年度政府信息公开工作年度报告", "title"))
    if truth.template == "2019" and truth.year == 2019 and rng.random() < 0.5:
        page.forms.append("part_year")
        plan = [Para(b.text.replace("2019年1月1日", "2019年5月15日"), b.kind) if isinstance(b, Para) else b
                for b in plan]
    named = any(isinstance(b, Para) and b.kind in ("title", "body") and truth.agency in b.text for b in plan[:3])
    if named and rng.random() < 0.25:
        # Only when the title or the opening names the agency: it must be printed somewhere.
        page.forms.append("no_signature")
        plan = [b for b in plan if not (isinstance(b, Para) and b.kind == "signature")]
    elif truth.agency_aliases and rng.random() < 0.5:
        plan = [Para(truth.agency_aliases[0], b.kind) if isinstance(b, Para) and b.text == truth.agency
                and b.kind == "signature" else b for b in plan]
    return plan


_QUOTES = {
    "2021": ("s2.normative_docs.in_force", "s2.normative_docs.issued",
             "本年度集中公开现行有效行政规范性文件{}件，新制发行政规范性文件{}件，均已在规范性文件库中公开。"),
    "2019": ("s2.normative_docs.made", "s2.normative_docs.total",
             "全年新制作规范性文件{}件，对外公开规范性文件总数{}件。"),
}


def _prose_quotes(page: _Page, plan: list[Block]) -> list[Block]:
    """A sentence of section 一 stating two of table 二's values, as real reports often do."""
    first_key, second_key, sentence = _QUOTES[page.truth.template]
    first, second = page.truth.cells[first_key], page.truth.cells[second_key]
    if first is None or second is None:
        return plan
    page.forms.append("prose_quotes")
    page.quoted = {first_key: first, second_key: second}
    at = next(i for i, b in enumerate(plan) if isinstance(b, Para) and b.text == HEADINGS["s1"]) + 1
    return [*plan[:at], Para(sentence.format(first, second), "body"), *plan[at:]]


def _segments(page: _Page, plan: list[Block]) -> list[tuple[str, bool]]:
    """The page's paragraphs in order, each with whether it opens a section (一、 … 六、)."""
    out: list[tuple[str, bool]] = []
    headings = set(HEADINGS.values())
    for block in plan:
        if isinstance(block, Para):
            opens = block.kind == "heading" and (block.text in headings or block.text[:2] in
                                                 {h[:2] for h in headings})
            out.append((block.text, opens or block.kind == "title"))
            continue
        out += [(p, False) for p in _table_text(page, block, _dropped_cells(page, block))]
    return out


# ---------------------------------------------------------------- around the report


def _date(truth: ReportTruth, rng: random.Random) -> str:
    return f"{truth.year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"


def _crawler_lines(page: _Page, title: str) -> list[str]:
    """The archiver's header: a subset of its labelled lines, in its order or another."""
    rng, truth = page.rng, page.truth
    path = f"zwgk/zfxxgk/zfxxgknb/{truth.year + 1}0{rng.randint(1, 3)}/t{truth.year + 1}0{rng.randint(1, 3)}" \
           f"{rng.randint(10, 28)}_{rng.randint(10000, 99999)}"
    lines = {
        "标题": f"标题: {title}",
        "发布时间": f"{rng.choice(['发布时间', '发布日期'])}: {_date(truth, rng)} {rng.randint(8, 18):02d}:"
                    f"{rng.randint(0, 59):02d}",
        "文号": "文号: ",
        "发布机构": f"发布机构: {truth.agency if rng.random() < 0.5 else ''}",
        "来源": f"来源: {rng.choice([truth.agency, '本站', ''])}",
        "栏目": "栏目: 政府信息公开年报",
        "原文链接": f"原文链接: https://www.{rng.choice(['gov', 'zw', 'xxgk'])}{rng.randint(1, 99)}.gov.cn/{path}.htm",
        "本地目录": f"本地目录: {path.rsplit('/', 1)[0]}/{title}",
        "links": "页面链接与图片详见 links.tsv(同目录)",
    }
    keys = [k for k in lines if k == "标题" or rng.random() < 0.7]
    if rng.random() < 0.3:
        rng.shuffle(keys)
    out = [lines[k] for k in keys]
    if rng.random() < 0.7:
        out.append(f"{'=' * rng.choice([4, 20])} 正文 {'=' * rng.choice([4, 20])}")
    return out


_NAV = ["首页", "政务公开", "政务服务", "互动交流", "走进本站", "新闻中心", "专题专栏"]


def _site_lines(page: _Page) -> list[str]:
    """Breadcrumbs and navigation words the page's text keeps above the report."""
    rng = page.rng
    crumbs = rng.choice([" > ", ">>", " » ", "＞"]).join(["首页", "政务公开", "政府信息公开",
                                                        "政府信息公开年报"][: rng.randint(2, 4)])
    out = [" ".join(rng.sample(_NAV, k=rng.randint(3, len(_NAV))))] if rng.random() < 0.6 else []
    out.append(rng.choice(["", "当前位置：", "您当前的位置："]) + crumbs)
    if rng.random() < 0.5:
        out.append(f"来源：{rng.choice([page.truth.agency, '本网'])}  发布时间：{_date(page.truth, rng)}  "
                   f"浏览次数：{rng.randint(20, 9000)}  【字体：大 中 小】")
    return out


def _footer(page: _Page) -> list[str]:
    """Site footers name the body that runs the site: not the one that reports."""
    rng = page.rng
    return [rng.choice(["【打印本页】 【关闭窗口】", "扫一扫在手机打开当前页", "打印 关闭"]),
            f"主办单位：{rng.choice(['南充市', '岳阳市', '彭阳县', '金华市'])}人民政府办公室  "
            f"网站标识码：{rng.randint(1000000000, 9999999999)}  ICP备{rng.randint(10000000, 99999999)}号"]


def _cover_letter(page: _Page) -> tuple[list[str], list[str]]:
    """A letter sending the report up: its paragraphs before the report, and after it."""
    rng, truth = page.rng, page.truth
    y, agency = truth.year, truth.agency
    heading = rng.choice([f"{agency}关于报送{y}年度政府信息公开工作年度报告的函",
                          f"关于报送{agency}{y}年政府信息公开工作年度报告的函"])
    body = (f"{rng.choice(['市', '县', '区'])}政务公开办：", f"根据《中华人民共和国政府信息公开条例》和上级有关要求，"
            f"现将《{agency}{y}年政府信息公开工作年度报告》报送给你们，请审阅。")
    closing = ["特此函告。", agency, f"{y + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"]
    if rng.random() < 0.5:
        return [heading, *body, *closing], []
    return [heading, *body], closing


def _lines(page: _Page, segments: list[tuple[str, bool]]) -> list[str]:
    """The report on a handful of very long lines, one line, or a line per section."""
    rng = page.rng
    layout = rng.choice(["one_line", "few_lines", "few_lines", "section_lines"])
    page.forms.append(layout)
    joiner = rng.choice(["", " ", " "])
    cuts = {0}
    if layout == "section_lines":
        cuts |= {i for i, (_, opens) in enumerate(segments) if opens}
    elif layout == "few_lines":
        cuts |= set(rng.sample(range(1, len(segments)), k=min(len(segments) - 1, rng.randint(1, 5))))
    out: list[str] = []
    for i, (text, _) in enumerate(segments):
        if i in cuts:
            out.append(text)
        else:
            out[-1] += (joiner if rng.random() < 0.8 else rng.choice(_SPACES)) + text
    return out


def render_webpage(truth: ReportTruth, path_stem: Path, rng: random.Random) -> Path:
    """Write the report as a crawled page's text, `<stem>.webpage.txt`; the truth is changed
    to what the page prints and lists its ambiguous keys and the forms drawn."""
    apply_deviations(truth, rng)
    page = _Page(truth, rng, subheadings=rng.random() < 0.5, repeat_group=rng.random() < 0.15)
    page.forms += ["subheadings"] * page.subheadings + ["group_repeated"] * page.repeat_group
    plan = build_plan(truth, rng, PlanStyle(halfwidth=False, value_spacing="none", label_breaks=rng.random() < 0.6,
                                            extra_paragraphs=rng.randint(0, 4)))
    if rng.random() < 0.2:
        page.forms.append("typo")
        plan = _typos(page, plan)
    plan = _narrative(page, plan)
    if rng.random() < 0.3:
        plan = _prose_quotes(page, plan)
    title = f"{truth.agency}{truth.year}年度政府信息公开工作年度报告"
    head: list[str] = []
    if rng.random() < 0.5:
        page.forms.append("crawler_header")
        head = _crawler_lines(page, title)
    if rng.random() < 0.4:
        # The page's own breadcrumbs and navigation, after the archiver's lines when both are kept.
        page.forms.append("site_navigation")
        head += _site_lines(page)
    before: list[str] = []
    after: list[str] = []
    if rng.random() < 0.15:
        page.forms.append("cover_letter")
        before, after = _cover_letter(page)
    segments = [(t, False) for t in before] + _segments(page, plan) + [(t, False) for t in after]
    lines = head + _lines(page, segments)
    if rng.random() < 0.25:
        page.forms.append("footer")
        lines += _footer(page)
    _record_ambiguity(page)
    path = path_stem.with_name(f"{path_stem.name}.{STYLE}.txt")
    path.write_text("\n".join(lines) + rng.choice(["", "\n"]), encoding="utf-8")
    return path


def _record_ambiguity(page: _Page) -> None:
    truth = page.truth
    found = record_ambiguity(truth, page.runs, page.quoted)
    page.forms += ["ambiguous"] * bool(truth.ambiguous) + ["ambiguity_capped"] * found.capped
    truth.forms += page.forms
    truth.runs = {section: _longest(page.runs, section, found.joint_splits_log10.get(section, 0.0))
                  for section in ("s2", "s3", "s4")}


def _longest(runs: list[Run], section: str, splits_log10: float) -> dict[str, float]:
    """The section's longest glued piece (characters, cells it holds), and log10 of the ways to
    split the section's runs before the relations across rows are applied."""
    pieces = [(len(p), n) for r in runs if r.section == section for p, n in zip(r.pieces(), r.piece_cells,
                                                                                 strict=True)]
    chars, cells = max(pieces, default=(0, 0))
    return {"chars": chars, "cells": cells, "splits_log10": round(splits_log10, 2)}
