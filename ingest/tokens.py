"""The document model flattened into a stream of labels and values, in reading order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from ingest.labels import nfkc
from ingest.models import Document, Paragraph, SourceCell
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


_GLUED_DIGITS = re.compile(r"^(.*[^\d\s.,])\s*(\d[\d.]*)$")


def _cell_tokens(text: str) -> list[tuple[Kind, str]]:
    stripped = nfkc(text).strip()
    if is_blank(stripped):
        return [(Kind.BLANK, stripped)]
    if is_number(stripped):
        return [(Kind.VALUE, clean(stripped))]
    parts = stripped.split()
    if len(parts) > 1 and any(is_number(p) for p in parts):
        out: list[tuple[Kind, str]] = []
        for part in parts:
            if is_number(part):
                out.append((Kind.VALUE, clean(part)))
            elif out and out[-1][0] is Kind.LABEL:
                out[-1] = (Kind.LABEL, out[-1][1] + part)
            else:
                out.append((Kind.LABEL, part))
        return out
    glued = _GLUED_DIGITS.match(re.sub(r"\s+", "", stripped))
    if glued and not glued.group(2).endswith("."):
        return [(Kind.LABEL, glued.group(1)), (Kind.RUN, glued.group(2))]
    return [(Kind.LABEL, stripped)]


def tokenize(document: Document) -> list[Token]:
    """Labels and values of every paragraph and table row, merged cells counted once."""
    tokens: list[Token] = []

    def emit(kind: Kind, text: str, cell: SourceCell | None, row_break: bool) -> None:
        tokens.append(Token(kind, text, cell, row_break, len(tokens)))

    for block in document.blocks:
        if isinstance(block, Paragraph):
            for i, (kind, text) in enumerate(_cell_tokens(block.text)):
                emit(kind, text, None, i == 0)
            continue
        for row in block.rows:
            first = True
            seen: set[tuple[int, int]] = set()
            for cell in row:
                origin = cell.origin or (cell.row, cell.col)
                if origin in seen:
                    continue
                seen.add(origin)
                for kind, text in _cell_tokens(cell.text):
                    emit(kind, text, cell, first)
                    first = False
    return tokens
