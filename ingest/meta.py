"""The issuing body and the year a report covers, from its title and first lines."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from ingest.labels import nfkc
from ingest.models import ReportMeta

_TITLE_WORDS = ("年度报告", "年报", "工作报告", "年度工作报告")
_YEAR = re.compile(r"(20[0-4]\d|19[89]\d)\s*年")
# A body's name ends in one of these; the strong ones end a full name, the weak ones
# (镇, 乡…) may be followed by more of it (新华镇人民政府, 城乡建设局).
_STRONG_SUFFIX = ("人民政府办公室", "人民政府", "街道办事处", "管理委员会", "委员会", "办公室", "办公厅", "管理局",
                  "局", "厅", "委", "办", "中心", "院", "所")
_WEAK_SUFFIX = ("镇", "乡", "街道")
_NOT_A_NAME = ("我", "本", "全", "该", "各", "贵", "以来", "年度", "国务院", "根据", "中华人民共和国", "关于")
# The State Council notice on the report's format, which every opening cites by its name.
_CITED_NOTICE = ("格式", "通知")
_TITLE_TAIL = re.compile(r"(?:关于)?(?:\d{4}\s*年(?:度)?)?\s*(?:政府)?信息公开.*$")


def _clean_name(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    text = _TITLE_TAIL.sub("", text)
    text = text.strip("《》“”\"'：:，,。 ")
    text = re.sub(r"^(?:年度|年|度)", "", text)
    return re.sub(r"(?:关于|的)$", "", text)


def _is_title(line: str) -> bool:
    return (any(w in line for w in _TITLE_WORDS) and len(line) <= 80 and "信息公开" in line
            and not any(w in line for w in _CITED_NOTICE))


def _title(lines: list[str]) -> tuple[int, str] | None:
    """The title line, or a title broken over two lines joined (a large title wraps on a
    scan). A line that is a title alone stands, but for the tail of one whose year is on the
    line above; a web page's banner above its title is not joined to it."""
    head = lines[:25]
    for i, line in enumerate(head):
        if _is_title(line):
            above = head[i - 1] if i else ""
            if not _YEAR.search(line) and _YEAR.search(above) and _is_title(above + line):
                return i - 1, above + line
            return i, line
    return next(((i, a + b) for i, (a, b) in enumerate(pairwise(head)) if _is_title(a + b)), None)


def _name_in(segment: str) -> str | None:
    """The body named at the start of a run of CJK text: the longest name ending in a strong
    suffix within reach, else the shortest ending in a weak one."""
    strong = [end for end in range(3, min(len(segment), 30) + 1) if segment[:end].endswith(_STRONG_SUFFIX)]
    weak = [end for end in range(3, min(len(segment), 30) + 1) if segment[:end].endswith(_WEAK_SUFFIX)]
    if strong and (not weak or strong[-1] - weak[0] <= 12):
        return segment[: strong[-1]]
    return segment[: weak[0]] if weak else None


def _first_named_body(text: str) -> str | None:
    for segment in re.split(r"[^\u4e00-\u9fff]+", text):
        for start in range(len(segment)):
            if segment[start:].startswith(_NOT_A_NAME):
                continue
            name = _name_in(segment[start:])
            if name:
                return name
    return None


def find_meta(lines: list[str]) -> ReportMeta:
    """Agency and year from the title (or the line above it) and the opening text."""
    lines = [nfkc(line).strip() for line in lines if line.strip()]
    agency: str | None = None
    year: int | None = None
    title = _title(lines)
    if title:
        i, line = title
        m = _YEAR.search(line)
        if m:
            year = int(m.group(1))
            before = _clean_name(line[: m.start()])
            after = _clean_name(line[m.end() :])
            if before:
                agency = before
            elif after:
                agency = after
            elif i > 0 and len(lines[i - 1]) <= 40 and not _YEAR.search(lines[i - 1]):
                agency = _clean_name(lines[i - 1])
        else:
            agency = _clean_name(line) or None
    opening = "\n".join(lines[:12])
    if year is None:
        span = re.search(r"统计数据.{0,6}?(20\d\d)\s*年", opening)
        years = Counter(int(y) for y in _YEAR.findall(opening))
        if span:
            year = int(span.group(1))
        elif years:
            year = years.most_common(1)[0][0]
    if not agency:
        agency = _first_named_body(opening)
    return ReportMeta(agency=agency, year=year)
