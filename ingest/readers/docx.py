"""Word (.docx) documents: paragraphs and tables in body order, merged cells on their grid.

The body's XML is walked directly (python-docx opens the package) so that tables come
interleaved with paragraphs, tables inside content controls and text boxes are reached,
and a layout table (one whose cells hold tables) gives the tables it wraps, in order.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ingest.detect import Detected
from ingest.errors import ErrorCode, InputError
from ingest.models import Block, Document, Paragraph, Table
from ingest.readers.grid import GridBuilder, GridTooLarge, join_lines
from ingest.readers.invisible import visible
from ingest.settings import Settings

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _SDT = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}sdt"
_TXBX = f"{_W}txbxContent"
_FALLBACK = f"{_MC}Fallback"
# Containers whose children belong to the enclosing level (custom XML, tracked insertions).
_TRANSPARENT = {f"{_W}customXml", f"{_W}ins"}
# Parts inflating less than this are never treated as a ZIP bomb, whatever their ratio.
_RATIO_CHECKED_ABOVE = 1024 * 1024


def check_zip_limits(data: bytes, settings: Settings) -> None:
    """Refuse a ZIP bomb from the sizes its directory declares, before inflating anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError(ErrorCode.DAMAGED_DOCUMENT, f"a damaged Word (ZIP) container: {exc}") from exc
    total = sum(i.file_size for i in infos)
    if total > settings.limits.unzipped_bytes:
        raise InputError(ErrorCode.FILE_TOO_LARGE,
            f"the Word container declares {total} bytes uncompressed; the limit is {settings.limits.unzipped_bytes}"
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_CHECKED_ABOVE and ratio > settings.limits.zip_ratio:
            raise InputError(ErrorCode.FILE_TOO_LARGE,
                f"part {info.filename} inflates {ratio:.0f} times (limit {settings.limits.zip_ratio:.0f}): a ZIP bomb"
            )


def _children(element: etree._Element) -> Iterator[etree._Element]:
    """Child elements, looking through content controls and other transparent wrappers."""
    for child in element:
        if child.tag == _SDT:
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _children(content)
        elif child.tag in _TRANSPARENT:
            yield from _children(child)
        else:
            yield child


def _text_lines(element: etree._Element) -> list[str]:
    """A paragraph's visible text split at its line breaks; text boxes and fallbacks left out."""
    lines = [""]

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag in (_TXBX, _FALLBACK) or not isinstance(tag, str):
                continue
            if tag == f"{_W}t":
                lines[-1] += visible(child.text or "")
            elif tag in (f"{_W}br", f"{_W}cr"):
                lines.append("")
            elif tag == f"{_W}tab":
                lines[-1] += " "
            else:
                walk(child)

    walk(element)
    return lines


def _text_boxes(paragraph: etree._Element) -> Iterator[etree._Element]:
    """Text-box contents anchored in a paragraph (the modern choice, not its VML fallback)."""
    stack = list(paragraph)
    while stack:
        el = stack.pop(0)
        if el.tag == _FALLBACK:
            continue
        if el.tag == _TXBX:
            yield el
            continue
        stack[0:0] = list(el)


class _Walker:
    def __init__(self, max_table_cells: int) -> None:
        self.blocks: list[Block] = []
        self.max_table_cells = max_table_cells

    def flow(self, container: etree._Element) -> None:
        """Paragraphs and tables of a body, cell, content control or text box, in order."""
        for child in _children(container):
            if child.tag == _P:
                self.paragraph(child)
            elif child.tag == _TBL:
                self.table(child)

    def paragraph(self, p: etree._Element) -> None:
        text = join_lines(_text_lines(p))
        if text:
            self.blocks.append(Paragraph(text))
        for box in _text_boxes(p):
            self.flow(box)

    def table(self, tbl: etree._Element) -> None:
        rows = [row for row in _children(tbl) if row.tag == _TR]
        cells = [[c for c in _children(row) if c.tag == _TC] for row in rows]
        if any(c.find(f".//{_TBL}") is not None for row in cells for c in row):
            # A layout table: what matters is the content it wraps, cell by cell.
            for row in cells:
                for cell in row:
                    self.flow(cell)
            return
        try:
            table = _grid(rows, cells, self.max_table_cells)
        except GridTooLarge:
            return  # far larger than any report table: not one
        if any(c.text for row in table.rows for c in row):
            self.blocks.append(table)


def _grid(rows: list[etree._Element], cells: list[list[etree._Element]], max_cells: int) -> Table:
    """A table's rows on its grid: gridBefore skips, gridSpan widens, vMerge continues the cell above."""
    grid = GridBuilder(max_cells)
    for r, (row, row_cells) in enumerate(zip(rows, cells, strict=True)):
        col = _int_val(row.find(f"{_W}trPr/{_W}gridBefore"), 0)
        for cell in row_cells:
            col = grid.next_free(r, col)
            props = cell.find(f"{_W}tcPr")
            span = _int_val(props.find(f"{_W}gridSpan") if props is not None else None, 1)
            merge = props.find(f"{_W}vMerge") if props is not None else None
            text = _cell_text(cell)
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                col = grid.merge_up(text, r, col, span)
            else:
                col = grid.place(text, r, col, 1, span)
    return grid.table()


def _int_val(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{_W}val", default))
    except ValueError:
        return default


def _cell_text(cell: etree._Element) -> str:
    lines: list[str] = []
    for p in _children(cell):
        if p.tag == _P:
            lines.extend(_text_lines(p))
    return join_lines(lines)


def read_docx_blocks(data: bytes, settings: Settings) -> list[Block]:
    """The blocks of a .docx file's body; bad containers raise an InputError."""
    check_zip_limits(data, settings)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile) as exc:
        raise InputError(ErrorCode.DAMAGED_DOCUMENT, f"a damaged Word document: {type(exc).__name__}: {exc}") from exc
    if body is None:
        raise InputError(ErrorCode.DAMAGED_DOCUMENT, "a damaged Word document: its main part has no body")
    walker = _Walker(settings.limits.table_cells)
    walker.flow(body)
    return walker.blocks


class DocxReader:
    def read(self, data: bytes, detected: Detected, settings: Settings) -> Document:
        return Document(format="docx", blocks=read_docx_blocks(data, settings))
