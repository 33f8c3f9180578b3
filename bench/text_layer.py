"""The text layer of a generated text PDF: its lines, and the page each truth key is printed on."""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from bench.report_text import Block, Para


@dataclass(frozen=True)
class TextLine:
    """One line of the text PDF's text layer (PDF points, top-left origin)."""

    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    text: str  # whitespace removed



def text_lines(pdf_path: Path) -> list[TextLine]:
    """Every text line of the PDF in reading order."""
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for index, page in enumerate(pdf.pages):
            for line in page.extract_text_lines():
                text = re.sub(r"\s+", "", line["text"])
                if text:
                    out.append(TextLine(index, line["top"], line["bottom"], line["x0"], line["x1"], text))
    return out


def is_value_line(text: str) -> bool:
    return bool(re.fullmatch(r"[-+0-9.]+", text))


def locate_keys(lines: list[TextLine], plan: list[Block], blank: Set[str]) -> dict[str, int]:
    """The page of every truth key printed in the plan's tables (`blank`: the keys printed blank).

    Each row is found by its label (its probe) after the previous one, so repeated
    words elsewhere do not mislead; the label-less value row of section 四 is the first
    all-number line after the table's heading. Raises LookupError when a row is missing."""
    pages: dict[str, int] = {}
    cursor = 0

    def find(needle: str | None) -> int:
        """The first line from the cursor on holding `needle` (None: holding only numbers)."""
        for i in range(cursor, len(lines)):
            text = lines[i].text
            if (needle in text) if needle is not None else is_value_line(text):
                return i
        # The text layer may interleave a label with a vertical cell's characters beside it
        # ("三年、度本办无供法提2作.没有现成"): the label's characters still come in order.
        for i in range(cursor, len(lines) if needle is not None else cursor):
            rest = iter(lines[i].text)
            if all(char in rest for char in needle or ""):
                return i
        raise LookupError(f"not in the text layer after line {cursor}: {needle or 'a row of values'}")

    for block in plan:
        if isinstance(block, Para):
            if block.kind == "heading":
                cursor = find(block.text[:8])
            continue
        for row in block.rows:
            if not row.keys:
                continue
            try:
                cursor = find(row.probe)
            except LookupError:
                if row.probe is not None or not blank >= set(row.keys):
                    raise
                # Section 四's row of values printed all blank leaves no line of numbers: it
                # stands on the page of the table's heading.
            pages.update(dict.fromkeys(row.keys, lines[cursor].page))
    return pages
