"""How a report departs from its template: an outdated or mixed format, a statistics period
that is not the report's year, a part or table missing, blanks, relations broken as printed."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from ingest.findings.rules import FindingRules, pending_note
from ingest.labels import nfkc
from ingest.layouts import TemplateLayout
from ingest.mapper.mapping import ROW_NOT_PRINTED
from ingest.models import TEMPLATE_FIELD, TEXT_FIELD, YEAR_FIELD, CellReading, CheckResult, Finding

# 自2023年1月1日起至2023年12月31日止 / 从2023年1月1日至12月31日, after 统计 (期限, 时限, 数据…).
_PERIOD = re.compile(
    r"统计[^。；;]{0,16}?((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|—|－|-|~|～)\s*"
    r"(?:((?:19|20)\d\d)\s*年\s*)?12\s*月\s*31\s*日"
)
# A part's heading: its numeral and 、 or ． then one of its words; or a short line of its own
# holding one of them, opening with the numeral (OCR often loses the 、: 四政府信息公开行政复议…
# — but not 四是…, a list in the narrative) or without it (numbering lost, as Word list numbers
# are when text is pulled out).
_HEADING = ("(?<![一二三四五六七八九十第]){numeral}\\s*[、.．]\\s*[^。；;\\n]{{0,12}}?(?:{words})"
            "|^\\s*{numeral}(?![是要])[^\\n。，,]{{0,12}}?(?:{words})[^\\n。，,]{{0,16}}$"
            "|^[^\\n。，,]{{0,6}}(?:{words})[^\\n。，,]{{0,16}}$")


def template_findings(rules: FindingRules, template: str, year: int | None, deviations: list[str],
                      unsure: frozenset[str] = frozenset()) -> list[Finding]:
    """An outdated format, and each deviation from the format followed. When they are `unsure`
    (flagged fields), an outdated format is pending the review of the template and the year, and
    a deviation the review of the template (a page whose rows fit both templates: seed 1010's
    photo 6, a 2019 table taken for 2021's with （六） on one row)."""
    out = []
    if year is not None and year >= rules.current_from_year and template != rules.current_template:
        out.append(rules.finding("template_outdated", f"{year}年度报告应使用{rules.current_template}年格式，"
                                 f"却使用了{template}年格式", ref=template,
                                 pending=[f for f in (TEMPLATE_FIELD, YEAR_FIELD) if f in unsure]))
    for deviation in deviations:
        out.append(rules.finding("template_mixed", rules.deviations.get(deviation, deviation), ref=deviation,
                                 pending=[TEMPLATE_FIELD] if TEMPLATE_FIELD in unsure else []))
    return out


def period_findings(rules: FindingRules, text: str, year: int | None,
                    unsure: frozenset[str] = frozenset()) -> list[Finding]:
    """The statistics period stated in the text, when it is not the report's year (pending its
    review when the year is `unsure`)."""
    if year is None:
        return []
    for m in _PERIOD.finditer(nfkc(text)):
        years = {int(y) for y in m.groups() if y}
        if years != {year}:
            stated = "、".join(str(y) for y in sorted(years))
            return [rules.finding("period_mismatch", f"报告为{year}年度，正文所述统计期限“{m.group(0)}”为{stated}年",
                                  ref=stated, pending=[YEAR_FIELD] if YEAR_FIELD in unsure else [])]
    return []


def section_findings(rules: FindingRules, text: str, tables: frozenset[str] = frozenset(),
                     ocr: bool = False) -> list[Finding]:
    """Each of the six parts whose numbered heading the text does not hold, but for a part
    whose table was read (`tables`: section ids): its heading was misread, as OCR may
    (收到和处埋政府信息公开甲请情况), or misprinted, not left out. In a text read by `ocr`
    a heading may be misread past knowing: the finding is pending a look at the text."""
    text = nfkc(text)
    out = []
    for numeral, words in rules.sections.items():
        if rules.section_tables.get(numeral) in tables:
            continue
        pattern = _HEADING.format(numeral=numeral, words="|".join(map(re.escape, words)))
        if not re.search(pattern, text, re.MULTILINE):
            pending = [TEXT_FIELD] if ocr else []
            out.append(rules.finding("section_missing", f"未找到第{numeral}部分（{words[0]}）的标题"
                                     f"{pending_note(pending)}", ref=numeral, pending=pending))
    return out


def tables_read(layout: TemplateLayout, cells: Mapping[str, CellReading]) -> frozenset[str]:
    """The sections (ids) whose table was read: a cell of it holds a value or is printed blank
    (a body that prints no zeros prints a table of blanks)."""
    return frozenset(s.id for s in layout.sections if any(
        c.value is not None or printed_blank(c) for k, c in cells.items() if k.startswith(f"{s.id}.")))


def printed_blank(cell: CellReading) -> bool:
    """A cell the table prints with nothing in it: an empty or dashed cell, one whose row
    prints fewer numbers than it has cells (dropped from the text, or cut from a run of
    digits), or one of a row printed as its label alone. Not a cell of a row left out, nor one
    that is not found or not a number."""
    return cell.value is None and cell.found and ROW_NOT_PRINTED not in cell.notes


def _may_be_run_together(row: list[CellReading]) -> bool:
    """Whether a row printing one number may print every cell, its digits run together (a lone
    202 under three cells, read unsure, may be 2, 0 and 2): its blanks are then not known."""
    printed = [c for c in row if c.value is not None]
    digits = sum(ch.isdigit() for c in printed for ch in c.text or "")
    return len(printed) == 1 and digits >= len(row) and any(c.review for c in row)


def table_findings(rules: FindingRules, layout: TemplateLayout, cells: Mapping[str, CellReading],
                   sure: Collection[str]) -> list[Finding]:
    """A table of which no number was found, a row the mapper found left out of a table that is
    there, and the cells printed blank (a table printed whole with every cell blank is that, not
    a table missing). A cell not found at all is not known to be either, nor one of a row whose
    one number may be all its cells run together. A table or row missing, or a cell blank, is
    pending the review of its cells not read `sure`: a reader unsure of them may have missed
    what they print (a fax's rules lost: seed 9696's fax 6 "left out" three rows it prints)."""
    out = []
    blank: list[str] = []
    for section in layout.sections:
        keys = [k for row in section.rows for k in row.cell_keys() if k in cells]
        if keys and all(cells[k].value is None for k in keys) and not all(printed_blank(cells[k]) for k in keys):
            pending = [k for k in keys if k not in sure]
            out.append(rules.finding("table_missing", f"未找到“{section.headings[0]}”的统计表或表中无数字"
                                     f"{pending_note(pending)}", cells=keys, ref=section.id, pending=pending))
            continue
        for row in section.rows:
            own = [k for k in row.cell_keys() if k in cells]
            if own and all(ROW_NOT_PRINTED in cells[k].notes for k in own):
                label = row.labels[0].text if row.labels else row.key
                pending = [k for k in own if k not in sure]
                out.append(rules.finding("row_missing", f"表格未列出模板要求的“{label}”行{pending_note(pending)}",
                                         cells=own, ref=f"{row.section}.{row.key}", pending=pending))
            elif not _may_be_run_together([cells[k] for k in own]):
                blank += [k for k in own if printed_blank(cells[k])]
    if blank:
        pending = [k for k in blank if k not in sure]
        out.append(rules.finding("cells_blank", f"表格中有{len(blank)}处应填数字的位置留空（应填0或实际数字）"
                                 f"{pending_note(pending)}", cells=blank, pending=pending))
    return out


def relation_findings(rules: FindingRules, checks: list[CheckResult], sure: set[str]) -> list[Finding]:
    """Each relation of the template the printed numbers break, pending the review of the
    cells not read sure (broken whichever way that review goes)."""
    out = []
    for c in checks:
        pending = [k for k in c.cells if k not in sure]
        note = f"（待复核的单元格{'、'.join(pending)}无论如何读，该关系均不成立）" if pending else ""
        out.append(rules.finding("relation_broken", f"勾稽关系 {c.id} 不成立：{c.detail}{note}", cells=c.cells,
                                 ref=c.id, pending=pending))
    return out
