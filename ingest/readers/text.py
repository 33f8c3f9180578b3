"""Plain text as pulled out of Word, web pages or PDFs: tables without their grid.

Rows come as tab-separated lines, as one cell per line (tab-prefixed, rows split by
blank lines, wrapped text on unprefixed lines), as `|`-separated cells with `|||`
filler, or as plain lines where spaces part the numbers. The reader rebuilds rows of
cells where the text says where they are; the mapper does the rest.
"""

from __future__ import annotations

import html
import itertools
import re

from ingest.detect import Detected
from ingest.errors import ErrorCode, InputError
from ingest.models import Block, Document, Paragraph, SourceCell, Table
from ingest.readers.grid import join_lines
from ingest.readers.invisible import visible
from ingest.settings import Settings

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# A table drawn in text (a browser's text dump, a full-width keyboard): its upright strokes
# part cells as "|" does; a line of only its strokes and corners (or +---+) is a rule between rows.
_CELL_BARS = str.maketrans(dict.fromkeys("\u2502\u2503\u2551\uff5c\uffe8", "|"))
_DRAWN_RULE = re.compile(
    r"^[\s|+=\-\u2500-\u257f]*[\u2500\u2501\u2550\u250c-\u254b\u2554-\u256c][\s|+=\-\u2500-\u257f]*$"
    r"|^\s*\+(?:[-=]+\+)+\s*$"
)
# Fewer lines than this alone (a web page's text on a line or two) do not show a text double-spaced.
_DOUBLE_SPACED_MIN_LINES = 10
# Horizontal white space other than a tab: a line of only this is blank.
_INDENT = " \u3000\xa0"
_CHARACTER_REFERENCE = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")


def _pipe_cells(line: str) -> list[str]:
    stripped = line.strip()
    if not stripped.replace("|", "").strip():
        return [""] * stripped.count("|")
    parts = stripped.split("|")
    if stripped.endswith("|"):
        parts = parts[:-1]
    if stripped.startswith("|"):
        parts = parts[1:]
    return [p.strip() for p in parts]


class _Builder:
    """Collects rows and paragraphs in order; consecutive rows form one table."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.rows: list[list[str]] = []
        self.open_row: list[str] | None = None

    def close_row(self) -> None:
        if self.open_row is not None:
            self.rows.append(self.open_row)
            self.open_row = None

    def close_table(self) -> None:
        self.close_row()
        if self.rows:
            cells = [
                [SourceCell(text, r, c) for c, text in enumerate(row)]
                for r, row in enumerate(self.rows)
            ]
            self.blocks.append(Table(cells))
            self.rows = []

    def row(self, cells: list[str]) -> None:
        self.close_row()
        self.rows.append(cells)

    def cell(self, text: str) -> None:
        if self.open_row is None:
            self.open_row = []
        self.open_row.append(text)

    def continue_cell(self, text: str) -> bool:
        if self.open_row:
            self.open_row[-1] = join_lines([self.open_row[-1], text])
            return True
        return False

    def paragraph(self, text: str) -> None:
        self.close_table()
        self.blocks.append(Paragraph(text))


def _blank(line: str) -> bool:
    return not line.strip(_INDENT)


def _single_spaced(lines: list[str]) -> list[str]:
    """The lines of a text saved double-spaced (a blank line after every line: not two lines
    of its own text stand together) with one blank line taken out of each run of them, so
    that blank lines part rows and paragraphs as they did before."""
    printed = [i for i, line in enumerate(lines) if not _blank(line)]
    if len(printed) < _DOUBLE_SPACED_MIN_LINES or any(b == a + 1 for a, b in itertools.pairwise(printed)):
        return lines
    out: list[str] = []
    for i, line in enumerate(lines):
        # The first blank line after each printed line was the saver's.
        if not (_blank(line) and i > 0 and not _blank(lines[i - 1])):
            out.append(line)
    return out


def parse_text(text: str) -> list[Block]:
    """Rows and paragraphs of a report given as plain text."""
    out = _Builder()
    previous_was_cell = False
    for raw in _single_spaced(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        line = raw.rstrip(" \u3000").translate(_CELL_BARS)
        # Indentation before a cell's tab (a page's markup indented, every line) is not a
        # cell of its own: read as one, it shifted every cell of a table printed cell by cell.
        if line.lstrip(_INDENT).startswith("\t"):
            line = line.lstrip(_INDENT)
        if _PAGE_NUMBER.match(line) or _MARKDOWN_RULE.match(line) or _DRAWN_RULE.match(line):
            continue
        if _blank(line):
            out.close_row()
            previous_was_cell = False
            continue
        if "|" in line:
            cells = _pipe_cells(line)
            if sum(1 for c in cells if c) > 1:
                out.row(cells)
            else:
                for c in cells:
                    out.cell(c)
            previous_was_cell = False
            continue
        if "\t" in line:
            body = line[1:] if line.startswith("\t") else line
            # A lone tab-prefixed cell; tabs after it are a row's blank cells (a row label
            # printed with its cells left empty), not one cell of a row printed cell by cell.
            if line.startswith("\t") and "\t" not in body:
                out.cell(body.strip())
                previous_was_cell = True
            else:
                out.row([c.strip() for c in line.split("\t")])
                previous_was_cell = False
            continue
        if not (previous_was_cell and out.continue_cell(line.strip())):
            out.paragraph(line.strip())
    out.close_table()
    return out.blocks


class TextReader:
    def read(self, data: bytes, detected: Detected, settings: Settings) -> Document:
        if detected.text is None:
            raise InputError(ErrorCode.UNDECODABLE_TEXT, "no text could be decoded")
        if len(detected.text) > settings.limits.text_chars:
            limit = settings.limits.text_chars
            raise InputError(ErrorCode.FILE_TOO_LARGE, f"{len(detected.text)} characters of text; the limit is {limit}")
        return Document(format="text", blocks=parse_text(visible(_unescaped(detected.text))), ends_anywhere=True)


def _unescaped(text: str) -> str:
    """The text with the HTML character references a crawler left in it (`0&nbsp;0`) replaced."""
    return html.unescape(text) if _CHARACTER_REFERENCE.search(text) else text
