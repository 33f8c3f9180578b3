"""The document model flattened into a stream of labels and values, in reading order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from ingest.labels import nfkc
from ingest.models import Document, Paragraph, SourceCell, Table
from ingest.numbers import clean, is_blank, is_number


class Kind(Enum):
    LABEL = "label"
    VALUE = "value"
    BLANK = "blank"
    # Digits of several cells printed with no separator: split later by the mapper.
    RUN = "run"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    cell: SourceCell | None
    # First token of a row as the reader saw it.
    row_break: bool
    position: int = 0
    # Which table (block) of the document it came from.
    block: int = 0


# Digits (with signs and decimal points) glued to the end of a label.
_GLUED_DIGITS = re.compile(r"^(.*[^\d\s.,+\-])\s*([+-]?\d[\d.\-]*)$")
# An ordinal inside a label starts another label: 三、本年度办理结果（一）予以公开.
_INNER_ORDINAL = re.compile(
    r"(?<=\S)(?=[(（][一二三四五六七八九十]{1,2}[)）]|(?<![\d.])\d{1,2}[.、](?![\d])|[一二三四五六七八九十]、)"
)


def _value_token(text: str) -> tuple[Kind, str]:
    cleaned = clean(text)
    # Numbers are not printed with leading zeros: "0011" is cells run together.
    if len(cleaned) > 1 and cleaned.isdigit() and cleaned[0] == "0":
        return (Kind.RUN, cleaned)
    return (Kind.VALUE, cleaned)


def _label_tokens(text: str) -> list[tuple[Kind, str]]:
    return [(Kind.LABEL, part) for part in _INNER_ORDINAL.split(text) if part]


def _cell_tokens(text: str) -> list[tuple[Kind, str]]:
    stripped = nfkc(text).strip()
    if is_blank(stripped):
        return [(Kind.BLANK, stripped)]
    parts = stripped.split()
    if len(parts) > 1 and any(is_number(p) for p in parts):
        out: list[tuple[Kind, str]] = []
        for part in parts:
            if is_number(part):
                out.append(_value_token(part))
            elif out and out[-1][0] is Kind.LABEL:
                out[-1] = (Kind.LABEL, out[-1][1] + part)
            else:
                out.append((Kind.LABEL, part))
        return [tok for kind, txt in out for tok in (_label_tokens(txt) if kind is Kind.LABEL else [(kind, txt)])]
    if is_number(stripped):
        return [_value_token(stripped)]
    glued = _GLUED_DIGITS.match(re.sub(r"\s+", "", stripped))
    if glued and not glued.group(2).endswith((".", "-")):
        return [*_label_tokens(glued.group(1)), (Kind.RUN, glued.group(2))]
    return _label_tokens(stripped)


def tokenize(document: Document) -> list[Token]:
    """Labels and values of every paragraph and table row, merged cells counted once."""
    tokens: list[Token] = []

    for block_index, block in enumerate(document.blocks):

        def emit(kind: Kind, text: str, cell: SourceCell | None, row_break: bool, block: int = block_index) -> None:
            tokens.append(Token(kind, text, cell, row_break, len(tokens), block))

        if isinstance(block, Paragraph):
            for i, (kind, text) in enumerate(_cell_tokens(block.text)):
                emit(kind, text, None, i == 0)
            continue
        spans = _row_spans(block)
        for row in block.rows:
            first = True
            seen: set[tuple[int, int]] = set()
            for cell in row:
                origin = cell.origin or (cell.row, cell.col)
                if origin in seen:
                    continue
                seen.add(origin)
                for kind, text in _share_of_merged_label(_cell_tokens(cell.text), cell, spans.get(origin, 1)):
                    emit(kind, text, cell, first)
                    first = False
    return tokens


def _row_spans(table: Table) -> dict[tuple[int, int], int]:
    """How many rows each merged cell covers."""
    rows: dict[tuple[int, int], set[int]] = {}
    for row in table.rows:
        for cell in row:
            if cell.origin is not None:
                rows.setdefault(cell.origin, set()).add(cell.row)
    return {origin: len(covered) for origin, covered in rows.items()}


def _share_of_merged_label(
    parts: list[tuple[Kind, str]], cell: SourceCell, span: int
) -> list[tuple[Kind, str]]:
    """A label cell over N rows that prints N numbered labels (a lost rule between two row
    labels) gives each row its own label; any other merged cell belongs to every row."""
    if span < 2 or len(parts) != span or any(kind is not Kind.LABEL for kind, _ in parts) or cell.origin is None:
        return parts
    return [parts[cell.row - cell.origin[0]]]
