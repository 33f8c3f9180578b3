"""Web pages (and Word's single-file web pages, MHT): tables on their grid, text in order.

Data tables are the innermost ones: a layout table (one whose cells hold tables) gives
its content in order instead. Scripts, styles, navigation, headers, footers and hidden
elements are left out. Text between tables goes through the text reader's parser, so a
report pasted as `<pre>` or `|`-separated lines still yields rows. The page's title and
issuing body open the document, where the metadata search looks.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from collections.abc import Callable, Iterator
from email.message import Message

import lxml.html
from lxml import etree

from ingest.detect import Detected, decode_text
from ingest.errors import ErrorCode, InputError
from ingest.layouts import load_layouts
from ingest.models import Block, Document, Paragraph, Table
from ingest.readers.grid import GridBuilder, GridTooLarge, join_lines
from ingest.readers.invisible import visible
from ingest.readers.text import parse_text
from ingest.settings import Settings

_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]+)", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "x-euc-cn", "hz-gb-2312"}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SKIPPED_TAGS = {"script", "style", "noscript", "template", "nav", "iframe", "select", "button", "head", "object",
                 "svg", "canvas", "map", "input", "textarea"}
# Page furniture: left out unless it holds a table (a mislabelled content wrapper).
_FURNITURE_TAGS = {"header", "footer", "aside", "menu"}
_FURNITURE_NAME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|submenu|breadcrumbs?|crumbs?|sidebar|footer|header|topbar|share)(?:$|[\s_-])",
    re.I,
)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
               "dt", "dd", "blockquote", "center", "form", "fieldset", "address", "hr", "tr", "caption", "figure",
               "figcaption", "body", "td", "th", "thead", "tbody", "tfoot"}
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
# A line break in the page source between two CJK characters is no space when rendered.
_CJK_NEWLINE = re.compile(rf"(?<=[{_CJK}])[ \t\r]*\n\s*(?=[{_CJK}])")
_WHITESPACE = re.compile(r"\s+")
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s+[-–—]+\s+")
_ISSUER = re.compile(
    r"(?:发布机构|发文机关|发文单位|发布单位|信息来源|文章来源|来源)\s*[:：]?\s*([\u4e00-\u9fff（）()]{2,40})"
)
_ISSUER_STOP = re.compile(r"(?:发布|日期|时间|浏览|点击|作者|字号|索引|文号|分类).*$")
_BODY_ENDINGS = (
    "政府", "办公室", "办事处", "委员会", "局", "厅", "委", "办", "镇", "乡", "街道", "中心", "院", "所", "处"
)
_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|ofd|zip|rar)(?:$|[?#])", re.I)


def _codec(name: str) -> str | None:
    name = name.strip().lower()
    if name in _GB_FAMILY:
        # GB18030 is a superset of GB2312 and GBK: pages labelled with those often use its characters.
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_html(data: bytes, declared: str | None = None) -> str:
    """A page's text: BOM, then the declared charset (header or <meta>), then detection."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, "replace")
    meta = _META_CHARSET.search(data[:16384])
    codec = _codec(declared) if declared else None
    if codec is None and meta:
        codec = _codec(meta.group(1).decode("ascii"))
    if codec is None:
        return decode_text(data)[0]
    if codec == "gb18030" and not data.isascii() and _is_utf8(data):
        # Re-saved as UTF-8 with the old GB label kept: Chinese GB text is never valid UTF-8.
        return data.decode("utf-8")
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        if _is_utf8(data):
            return data.decode("utf-8")
        # A few broken bytes: the declaration is still the best evidence of the encoding.
        return data.decode(codec, "replace")


def _mht_html(data: bytes) -> tuple[bytes, str | None] | None:
    """The HTML part of a single-file web page (MHT, which Word also saves as .doc) and its charset."""
    head = data[:4096].lower()
    if b"mime-version" not in head or b"multipart/related" not in head:
        return None
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if isinstance(part, Message) and part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload, part.get_content_charset()
    return None


def _text(raw: str) -> str:
    return _WHITESPACE.sub(" ", _CJK_NEWLINE.sub("", visible(raw)))


def _attr(el: etree._Element, name: str) -> str:
    return str(el.get(name) or "")


def _hidden(el: etree._Element) -> bool:
    style = _attr(el, "style").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None


def _skipped(el: etree._Element, tag: str) -> bool:
    if tag in _SKIPPED_TAGS or _hidden(el):
        return True
    furniture = tag in _FURNITURE_TAGS or bool(_FURNITURE_NAME.search(f"{_attr(el, 'id')} {_attr(el, 'class')}"))
    return furniture and next(el.iter("table"), None) is None


class _Lines:
    """Text collected as lines, one per block element or line break."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current = ""

    def add(self, text: str) -> None:
        self.current += text

    def end_line(self) -> None:
        line = self.current.strip()
        if line:
            self.lines.append(line)
        self.current = ""

    def take(self) -> list[str]:
        self.end_line()
        lines, self.lines = self.lines, []
        return lines


def _walk(el: etree._Element, out: _Lines, on_table: Callable[[etree._Element], None] | None) -> None:
    """Visible text of `el`'s content into `out`; tables go to `on_table` when given."""
    if el.text:
        out.add(_text(el.text))
    for child in el:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag and not _skipped(child, tag):
            if tag == "br":
                out.end_line()
            elif tag == "table" and on_table is not None:
                on_table(child)
            elif tag == "pre":
                out.end_line()
                out.lines.extend(["", *visible(child.text_content()).splitlines(), ""])
            elif tag in _BLOCK_TAGS:
                out.end_line()
                _walk(child, out, on_table)
                out.end_line()
            else:
                _walk(child, out, on_table)
        if child.tail:
            out.add(_text(child.tail))


def _owned(table: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Descendants with `tag` whose nearest enclosing table is `table` (not a nested one)."""
    for el in table.iter(tag):
        if next(el.iterancestors("table"), None) is table:
            yield el


def _span(el: etree._Element, name: str) -> int:
    match = re.match(r"\s*(\d+)", _attr(el, name))
    return int(match.group(1)) if match else 1


def _cell_text(cell: etree._Element) -> str:
    lines = _Lines()
    _walk(cell, lines, None)
    return join_lines(lines.take())


def _grid(rows: list[etree._Element], max_cells: int) -> Table:
    grid = GridBuilder(max_cells)
    for r, tr in enumerate(rows):
        col = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th") or _hidden(cell):
                continue
            col = grid.next_free(r, col)
            rowspan = _span(cell, "rowspan")
            # rowspan="0" reaches the table's end; no span reaches past it.
            rowspan = len(rows) - r if rowspan == 0 else min(rowspan, len(rows) - r)
            col = grid.place(_cell_text(cell), r, col, rowspan, _span(cell, "colspan") or 1)
    return grid.table(len(rows))


class _PageWalker:
    def __init__(self, max_table_cells: int) -> None:
        self.blocks: list[Block] = []
        self.text = _Lines()
        self.max_table_cells = max_table_cells

    def flush_text(self) -> None:
        lines = self.text.take()
        if lines:
            self.blocks.extend(parse_text("\n".join(lines)))

    def table(self, table: etree._Element) -> None:
        self.flush_text()
        if next(table.iterdescendants("table"), None) is not None:
            # A layout table: its cells' content, in order, with the tables they wrap.
            for row in _owned(table, "tr"):
                for cell in row:
                    if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th") and not _hidden(cell):
                        self.text.end_line()
                        _walk(cell, self.text, self.table)
                        self.flush_text()
            return
        caption = next(_owned(table, "caption"), None)
        if caption is not None:
            self.blocks.append(Paragraph(_cell_text(caption)))
        try:
            grid = _grid(list(_owned(table, "tr")), self.max_table_cells)
        except GridTooLarge:
            return  # far larger than any report table: not one
        if any(c.text for row in grid.rows for c in row):
            self.blocks.append(grid)


def _page_title(root: etree._Element) -> str | None:
    """The report's title: the first heading naming a report, else the <title>'s part that does."""
    headings = [_text(h.text_content()).strip() for h in root.iter("h1", "h2", "h3")]
    titles = [part for t in root.iter("title") for part in _TITLE_SPLIT.split(_text(t.text_content()).strip())]
    candidates = [c for c in [*headings, *titles] if "报告" in c and len(c) <= 100]
    return next((c for c in candidates if "信息公开" in c), candidates[0] if candidates else None)


def _issuer(lines: list[str]) -> str | None:
    """The issuing body from a 发布机构 / 来源 line near the top of the page."""
    for line in lines[:60]:
        for match in _ISSUER.finditer(line):
            name = _ISSUER_STOP.sub("", match.group(1))
            if name.endswith(_BODY_ENDINGS) and len(name) >= 3:
                return name
    return None


def _attachments(root: etree._Element) -> list[str]:
    found: list[str] = []
    for a in root.iter("a"):
        href = _attr(a, "href").strip()
        if _ATTACHMENT.search(href):
            label = _text(a.text_content()).strip()
            name = href.rsplit("/", 1)[-1]
            found.append(f"{label} ({name})" if label and label != name else name)
    return list(dict.fromkeys(found))


def _has_report_content(blocks: list[Block], settings: Settings) -> bool:
    """Whether the page carries the report's tables, as tables or as text: it names enough of
    the words of the templates' labels (`page_markers`)."""
    text = "\n".join(Document("html", blocks).lines())
    markers = dict.fromkeys(m for layout in load_layouts(settings.layouts_dir) for m in layout.page_markers)
    return sum(1 for m in markers if m in text) >= settings.readers.html_min_report_markers


def read_html(text: str, settings: Settings) -> list[Block]:
    """The blocks of a page's text: title and issuer first, then content in order."""
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text.replace("\x00", "")))
    except (etree.ParserError, ValueError) as exc:
        raise InputError(ErrorCode.DAMAGED_DOCUMENT, f"the web page cannot be parsed: {exc}") from exc
    walker = _PageWalker(settings.limits.table_cells)
    body = root.find("body")
    _walk(body if body is not None else root, walker.text, walker.table)
    walker.flush_text()
    blocks = walker.blocks
    if not _has_report_content(blocks, settings):
        attached = _attachments(root)
        if attached:
            raise InputError(ErrorCode.ATTACHMENT_ONLY,
                "the page holds no report table, only attached file(s): " + "; ".join(attached[:5])
            )
    head: list[Block] = []
    issuer = _issuer(Document("html", blocks).lines())
    if issuer:
        head.append(Paragraph(issuer))
    title = _page_title(root)
    if title:
        head.append(Paragraph(title))
    return head + blocks


class HtmlReader:
    def read(self, data: bytes, detected: Detected, settings: Settings) -> Document:
        if len(data) > settings.limits.html_bytes:
            raise InputError(
                ErrorCode.FILE_TOO_LARGE, f"{len(data)} bytes of HTML; the limit is {settings.limits.html_bytes}"
            )
        mht = _mht_html(data)
        text = decode_html(*mht) if mht else decode_html(data)
        return Document(format="html", blocks=read_html(text, settings), ends_anywhere=True)
