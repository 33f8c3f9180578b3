"""The body that reports and the year it reports on, each with a confidence.

Every place a report names itself is read as evidence: its title (also as a crawler's `标题:`
label and as a 《…》 quote in the opening), the opening's subject, its signature and closing date,
the span of its statistics. The first strong piece of evidence gives the value; the others
confirm it or contradict it. Where the value was read and how the others bear it out are the
evidence its calibrated confidence is looked up by (ingest/field_evidence.py); below the review
threshold a person looks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

from ingest.agency import clean_name, names_no_province, same_body, strip_citations, tail_names, well_formed
from ingest.calibration import field_confidence
from ingest.evidence import OCR_FORMATS
from ingest.field_evidence import FieldEvidence
from ingest.labels import CHINESE_OR_DIGIT, KANA, nfkc
from ingest.models import ReportMeta
from ingest.settings import Settings

_TITLE_WORDS = ("年度报告", "年报", "工作报告", "年度工作报告")
_CUT_TITLE_END = "年度报"
_YEAR = re.compile(r"((?:19[89]|20[0-4])\d)\s*年")
_TITLE_TAIL = re.compile(r"(?:关于)?(?:\d{4}\s*年(?:度)?)?\s*(?:政府)?信息公开.*$")
# A crawler's page labels (`标题: …`) and the page furniture around a report.
_LABEL_NAMES = (r"(?:标题|题名|来源|信息来源|发布时间|发布日期|成文日期|生成日期|发布机构|发文机关|发文单位|"
                r"栏目|所属栏目|原文链接|链接|本地目录|文号|发文字号|索引号|主题分类|作者|浏览次数|点击数|访问量)")
_PAGE_LABEL = re.compile(rf"^({_LABEL_NAMES})\s*[:：]\s*(.*)$")
# Where a page's labels saved on one line with the report (its line breaks lost) part: before
# each label, before the note on links, around the rule that opens the text.
_RUN_IN_LABELS = re.compile(rf"\s*(?={_LABEL_NAMES}\s*[:：])|\s+(?=页面链接与图片详见)|\s*(=+\s*正文\s*=+)\s*")
_PAGE_NOISE = re.compile(r"^(?:=+.*=+|页面链接与图片详见.*|.*(?:当前位置|您现在的位置|您的位置)\s*[:：].*|"
                         r".*(?:首页|主页)\s*[>＞»›/].*|.*[>＞»›].*[>＞»›].*|"
                         r".*(?:主办单位|承办单位|网站标识码|ICP备|版权所有|技术支持|打印本页|关闭窗口).*)$")
# A page's buttons, which a PDF's text layer may join to the line above (the signature's date).
_PAGE_BUTTONS = re.compile(r"[【\[]\s*(?:打印本页|打印此页|关闭窗口|返回顶部)\s*[】\]]")
_PUBLISHER_LABELS = ("发布机构", "发文机关", "发文单位")
_DATE_LABELS = ("发布时间", "发布日期", "成文日期", "生成日期")
_SOURCE_LABELS = ("来源", "信息来源")
# A title at the start of a long line (crawler text runs the title into the opening).
_TITLE_PREFIX = re.compile(r"^[^，。；:：]{0,45}?\d{4}\s*年度?\s*(?:的)?(?:政府)?信息公开(?:工作)?(?:的)?"
                           r"(?:年度)?(?:工作)?(?:报告|年报)")
_LETTER_VERB = re.compile(r"关于(?:印发|公布|发布|转发|报送|上报|呈报|提交)")
_QUOTED = re.compile(r"《([^《》]{6,80})》")
_STATS_SPAN = re.compile(
    r"(?:统计|期限|时限|时间|数据|期间)[^。；]{0,16}?((?:19|20)\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:起)?\s*"
    r"(?:至|到|—|–|-|~)\s*(?:((?:19|20)\d\d)\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日")
_SEAL_RIM = re.compile(r"[|丨｜\s]+$")
# 年 or 日 may be lost to OCR where a seal covers the date (2020年6月1日 read 20206月1申).
_CLOSING_DATE = re.compile(r"((?:19|20)\d\d)\s*年?\s*\d{1,2}\s*月\s*\d{1,2}\s*日?")
_NUMERIC_DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*\d{1,2}")
_SUBJECT = (
    re.compile(r"汇总([\u4e00-\u9fff]{2,30}?)(?:各有关单位|各单位|各部门|各级|所属|本级|及其|和所属)"),
    re.compile(r"(?:\d{4}\s*年(?:度|以来)?|今年以来|本年度)\s*[，,]?\s*([\u4e00-\u9fff]{2,30}?)"
               r"(?:坚持|认真|深入|紧紧|全面|严格|按照|持续|始终|进一步|积极|高度|紧扣|不断|扎实|围绕)"),
    re.compile(r"现将([\u4e00-\u9fff]{2,30}?)\d{4}\s*年"),
    # Compiled by the body's office for the body: 由X办公室汇总本级及所属各部门…
    re.compile(r"由([\u4e00-\u9fff]{2,30}?)办公室(?:汇总|负责|编制|牵头)"),
)
# How far into the report the opening reaches, and how near its end the signature lies.
_OPENING_CHARS = 1500
_CLOSING_CHARS = 400
# A page's labels come before the report, after at most a site's navigation lines; page
# furniture (breadcrumbs, navigation) is short.
_PAGE_HEAD_LINES = 30
_PAGE_NOISE_CHARS = 200

STRONG, MEDIUM, WEAK = 3, 2, 1
# A name OCR read in two places, as long and differing in this many characters at most, is one
# name misread in one place; names shorter than this differ too much by one character.
_MISREAD_CHARS = 2
_MISREAD_MIN_CHARS = 5


@dataclass(frozen=True)
class Evidence:
    """One place a report names its body or year; `kind` says where (a title printed twice
    is two pieces of evidence, a name repeated in the prose is not)."""

    value: str | int
    kind: str
    strength: int


@dataclass
class _Page:
    """A crawler's page labels and the report's own lines without the page around them."""

    labels: dict[str, str]
    lines: list[str]


def _page(lines: list[str]) -> _Page:
    labels: dict[str, str] = {}
    body: list[str] = []
    for n, raw in enumerate(line for line in lines if line.strip()):
        line = _PAGE_BUTTONS.sub("", nfkc(raw)).strip()
        parts = _RUN_IN_LABELS.split(line) if n < _PAGE_HEAD_LINES and _PAGE_LABEL.match(line) else [line]
        for part in filter(None, parts):
            label = _PAGE_LABEL.match(part)
            if label:
                labels.setdefault(label.group(1), label.group(2).strip())
            elif len(part) > _PAGE_NOISE_CHARS or not _PAGE_NOISE.match(part):
                body.append(part)
    return _Page(labels, body)


def _is_title(line: str) -> bool:
    """A report's title, or a letter sending or publishing one; not a notice it cites. A title
    may end cut short of its last character (…年度报: a scan's large title wrapped, its 告 on
    the next line misread)."""
    titled = any(w in line for w in _TITLE_WORDS) or line.rstrip().endswith(_CUT_TITLE_END)
    if not titled or len(line) > 80 or "信息公开" not in line:
        return False
    return "格式" not in line and ("通知" not in line or bool(_LETTER_VERB.search(line)))


def _title(lines: list[str]) -> tuple[int, str] | None:
    """The title line, or a title broken over two lines joined (a large title wraps on a
    scan). A line that is a title alone stands, but for the tail of one whose year is on the
    line above; a web page's banner above its title is not joined to it."""
    head = lines[:25]
    for i, line in enumerate(head):
        prefix = _TITLE_PREFIX.match(line)
        if prefix and not _is_title(line) and i < 3:
            line = prefix.group(0)
        if _is_title(line):
            above = head[i - 1] if i else ""
            if not _YEAR.search(line) and _YEAR.search(above) and _is_title(above + line):
                return i - 1, above + line
            return i, line
        below = head[i + 1] if i + 1 < len(head) else ""
        if i < 3 and below and not _is_title(below) and _is_title(head[i] + below):
            # Wrapped at the top, neither half a title: before any later line that is one
            # (the opening quoting the title, itself wrapped, would give half a name).
            return i, head[i] + below
    return next(((i, a + b) for i, (a, b) in enumerate(pairwise(head)) if _is_title(a + b)), None)


def _parse_title(line: str) -> tuple[str | None, int | None]:
    """The body and the year a title names (either may be missing). A letter or notice that
    sends or publishes a report names the report's body after its verb if any body is there
    (…办公室关于印发X2022年…的通知), else before it (X关于报送2022年…的函)."""
    verb = _LETTER_VERB.search(line)
    if verb:
        tail = line[verb.end() :]
        year = _YEAR.search(tail)
        named_after = year is not None and bool(clean_name(tail[: year.start()]))
        line = tail if named_after else line[: verb.start()] + tail
    m = _YEAR.search(line)
    if not m:
        name = clean_name(_TITLE_TAIL.sub("", line))
        return (name if well_formed(name) else None), None
    before = clean_name(_TITLE_TAIL.sub("", line[: m.start()]))
    after = clean_name(_TITLE_TAIL.sub("", line[m.end() :]))
    name = before or after
    return (name if well_formed(name) else None), int(m.group(1))


def _title_evidence(page: _Page) -> tuple[list[Evidence], list[Evidence], str]:
    """Agency and year evidence of the titles, and the printed title's text ("" if none)."""
    agencies: list[Evidence] = []
    years: list[Evidence] = []

    def add(text: str, kind: str) -> None:
        name, year = _parse_title(text)
        if name:
            agencies.append(Evidence(name, kind, STRONG))
        if year:
            years.append(Evidence(year, kind, STRONG))

    page_title = page.labels.get("标题", "")
    if _is_title(page_title):
        add(page_title, "page title")
    elif well_formed(clean_name(page_title)):
        agencies.append(Evidence(clean_name(page_title), "page title", MEDIUM))
    found = _title(page.lines)
    printed = ""
    if found:
        i, line = found
        printed = line
        add(line, "title")
        name, _ = _parse_title(line)
        above = page.lines[i - 1] if i > 0 else ""
        if not name and above and len(above) <= 40 and not _YEAR.search(above) and well_formed(clean_name(above)):
            # The first line of a document is the title's own first line; on a web page it
            # may be the site's banner, naming the body that runs the site.
            strength = STRONG if i == 1 and not page.labels else MEDIUM
            agencies.append(Evidence(clean_name(above), "line above the title", strength))
    for quoted in _QUOTED.findall("\n".join(page.lines)[:_OPENING_CHARS]):
        if _is_title(quoted):
            add(quoted, "quoted title")
    return agencies, years, printed


@dataclass(frozen=True)
class _Signature:
    name: str | None
    year: int | None
    # Set apart from the text before it (its own line, or after a sentence's end): a name, not
    # the tail of a clause.
    apart: bool = False


def _signature(closing: str, known: list[str]) -> _Signature:
    """The name and year of the closing date line at the end of the report."""
    dates = list(_CLOSING_DATE.finditer(closing))
    # A closing date ends the report: at most a short page footer follows it, no sentence; and
    # what OCR reads of a seal beside it (kana, which no Chinese report prints, and stray marks).
    after = "\n".join(line for line in closing[dates[-1].end() :].split("\n")
                       if CHINESE_OR_DIGIT.search(line) and not KANA.search(line)) if dates else "。"
    if len(after) > 60 or "。" in after:
        return _Signature(None, None)
    date = dates[-1]
    before = closing[: date.start()]
    # A seal stamped over the date line: OCR reads what it covers as kana (which no Chinese
    # report prints) and the seal's rim as a bar; the name stands on the line above.
    line_start = before.rfind("\n") + 1
    if KANA.search(before[line_start:]):
        before = before[:line_start]
    before = _SEAL_RIM.sub("", before)
    run = re.search(r"[\u4e00-\u9fff()（）]{2,60}$", before)
    if not run:
        return _Signature(None, int(date.group(1)))
    name = tail_names(run.group(0), known)
    ahead = before[: run.start()]
    apart = name == run.group(0) and (not ahead.strip() or bool(re.search(r"(?:\n|[。！？；])\s*$", ahead)))
    return _Signature(name, int(date.group(1)), apart)


def _opening_evidence(opening: str) -> tuple[list[Evidence], list[Evidence]]:
    """The body the opening names as its subject, and the year it opens with (`2023年以来，X坚持`)."""
    agencies: list[Evidence] = []
    years: list[Evidence] = []
    plain = strip_citations(opening)
    for pattern in _SUBJECT:
        for m in pattern.finditer(plain):
            name = clean_name(m.group(1))
            if well_formed(name):
                agencies.append(Evidence(name, "opening", MEDIUM))
                year = _YEAR.match(m.group(0))
                if year and not years:
                    years.append(Evidence(int(year.group(1)), "opening", MEDIUM))
                break
    return agencies, years


def _year_evidence(page: _Page, text: str, closing_year: int | None) -> list[Evidence]:
    out: list[Evidence] = []
    span = _STATS_SPAN.search(text)
    if span:
        out.append(Evidence(int(span.group(2) or span.group(1)), "statistics period", STRONG))
    counts = Counter(int(y) for y in _YEAR.findall(text)).most_common(2)
    if counts:
        (top, n), second = counts[0], (counts[1][1] if len(counts) > 1 else 0)
        out.append(Evidence(top, "most years named", MEDIUM if n >= 3 and n >= 2 * second else WEAK))
    if closing_year:
        out.append(Evidence(closing_year - 1, "closing date", WEAK))
    for label in _DATE_LABELS:
        published = _NUMERIC_DATE.match(page.labels.get(label, ""))
        if published:
            out.append(Evidence(int(published.group(1)) - 1, "page date", WEAK))
            break
    return out


@dataclass(frozen=True)
class _Decision:
    value: str | int | None
    source: str  # the kind of the evidence that gave the value
    status: str  # how the rest bears it out (ingest/field_evidence.py)

    def calibrated(self, field: str, fmt: str | None, s: Settings) -> tuple[float, str]:
        """The calibrated confidence and the evidence class it was looked up by."""
        evidence = FieldEvidence.of(field, self.source, self.status, fmt)
        return field_confidence(evidence, evidence.claimed(s)), evidence.classes()[-1]


def _decide(evidence: list[Evidence], agree: Callable[[str | int, str | int], bool],
            misread: Callable[[str | int, str | int], bool] = lambda a, b: False) -> _Decision:
    """The value of the strongest evidence, and how far the rest bears it out (what may be it
    `misread` neither bears it out nor speaks against it)."""
    if not evidence:
        return _Decision(None, "none", "none")
    primary = max(evidence, key=lambda e: e.strength)  # first of the strongest: evidence is in priority order
    others = [e for e in evidence if e.kind != primary.kind and not misread(e.value, primary.value)]
    # Weighed by strength: a title and a signature outweigh one page label, not two other places.
    support = sum(e.strength for e in others if agree(e.value, primary.value))
    against = [e.strength for e in others if not agree(e.value, primary.value) and e.strength > WEAK]
    if primary.strength == STRONG:
        outweighed = bool(against) and sum(against) >= support
        status = ("conflict" if STRONG in against else "doubted" if outweighed
                  else "confirmed" if support else "single")
    elif primary.strength == MEDIUM:
        status = "medium_confirmed" if support > sum(against) else "medium"
    else:
        status = "weak"
    return _Decision(primary.value, primary.kind, status)


def _bears_out_read(other: str | int, value: str | int) -> bool:
    """Whether `other` names the body `value` names, read by OCR: not when `value` is `other`
    without its first characters, as OCR drops a large title's first ones (山东省韶关市清河镇
    read 省韶关市清河镇, and the signature 山东省韶关市清河镇 confirmed it)."""
    other, value = str(other), str(value)
    return same_body(other, value) and not (len(other) > len(value) and other.endswith(value))


def _misread_name(other: str | int, value: str | int) -> bool:
    """Whether `other` may be the name `value` read by OCR with a character or two wrong: as
    long, alike but in at most _MISREAD_CHARS places, the same kind of body (its last character).
    A seal's star over a fax's signature leaves 湖南省袁州區區扶镇 for 湖南省袁州区郭扶镇."""
    a, b = str(other), str(value)
    wrong = sum(x != y for x, y in zip(a, b, strict=False))
    return len(a) == len(b) >= _MISREAD_MIN_CHARS and a[-1] == b[-1] and 0 < wrong <= _MISREAD_CHARS


def find_meta(lines: list[str], settings: Settings | None = None, fmt: str | None = None) -> ReportMeta:
    """Agency and year, with calibrated confidences, from the report's title, opening and closing
    (`fmt`: the document's format, whose reading the confidence depends on)."""
    s = settings or Settings()
    page = _page(lines)
    text = "\n".join(page.lines)
    agencies, years, title = _title_evidence(page)
    # The opening after the title, so that the title does not confirm itself.
    opening = text.replace(title, "", 1)[:_OPENING_CHARS] if title else text[:_OPENING_CHARS]
    closing = text[-_CLOSING_CHARS:]
    opening_agencies, opening_years = _opening_evidence(opening)
    agencies += opening_agencies
    publisher = clean_name(next((page.labels[k] for k in _PUBLISHER_LABELS if page.labels.get(k)), ""))
    if well_formed(publisher):
        agencies.append(Evidence(publisher, "page publisher", MEDIUM))
    # The page's source label names a body too, which the signature may be.
    sources = [clean_name(page.labels[k]) for k in _SOURCE_LABELS if page.labels.get(k)]
    signed = _signature(closing, [str(e.value) for e in agencies] + [name for name in sources if well_formed(name)])
    if signed.name:
        # A signature is as strong as a title when it stands apart or something else names a
        # body too; alone and glued to a clause, the name cut before a date may be only part of one.
        # It ranks after every title (the first of the strongest evidence gives the value).
        after_titles = max((i + 1 for i, e in enumerate(agencies) if e.strength == STRONG), default=0)
        strength = STRONG if agencies or signed.apart else MEDIUM
        agencies.insert(after_titles, Evidence(signed.name, "signature", strength))
    # The source bears out a title or signature read as it names (a news desk that names
    # another body speaks against nothing); with nothing else naming a body it is the guess,
    # for a person to confirm (a browser scan's title run into its sidebar's links and
    # misread: seed 5454's browser scan 1, its agency left blank).
    agencies += [Evidence(name, "page source", WEAK) for name in sources[:1] if well_formed(name)]
    years += _year_evidence(page, text, signed.year) + opening_years
    if fmt in OCR_FORMATS:
        agency = _decide(agencies, _bears_out_read, _misread_name)
        # A name with a province no province is was read with marks in it, whatever bears it out
        # (河工组南省卫辉市人民政府办公室, confirmed by a signature read 南省卫辉市人民政府办公室:
        # seed 9292's browser scan, unflagged).
        if agency.value is not None and names_no_province(str(agency.value)):
            agency = replace(agency, status="doubted")
    else:
        agency = _decide(agencies, lambda a, b: same_body(str(a), str(b)))
    year = _decide(years, lambda a, b: a == b)
    agency_conf, agency_class = agency.calibrated("agency", fmt, s)
    year_conf, year_class = year.calibrated("year", fmt, s)
    return ReportMeta(
        agency=str(agency.value) if agency.value is not None else None,
        year=int(year.value) if year.value is not None else None,
        agency_confidence=agency_conf,
        year_confidence=year_conf,
        evidence=[f"{e.kind}: {e.value}" for e in agencies + years],
        agency_evidence=agency_class,
        year_evidence=year_class,
    )
