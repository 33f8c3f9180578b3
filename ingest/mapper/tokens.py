"""The document model flattened into a stream of labels and values, in reading order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from ingest.labels import LONE_ORDINAL, label_core, nfkc, similarity
from ingest.mapper.numbers import clean, is_blank
from ingest.models import Document, Paragraph, SourceCell, Table


class Kind(Enum):
    LABEL = "label"
    VALUE = "value"
    BLANK = "blank"
    # Digits of several cells printed with no separator: split later by the mapper.
    RUN = "run"


@dataclass(frozen=True)
class Token:
    """One label, value, blank cell or run of digits, where the document printed it."""

    kind: Kind
    text: str
    cell: SourceCell | None
    # First token of a row as the reader saw it.
    row_break: bool
    position: int = 0
    # Which table (block) of the document it came from.
    block: int = 0


# An ordinal inside a label starts another label: 三、本年度办理结果（一）予以公开.
_INNER_ORDINAL = re.compile(
    r"(?<=\S)(?=[(（][一二三四五六七八九十]{1,2}[)）]|(?<![\d.])\d{1,2}[.、](?![\d])|[一二三四五六七八九十]、)"
)
# Digits as printed: one number, or the numbers of several cells run together (signs and
# decimal points inside a run belong to its cells: 396-5181, 24252.311082), with a unit.
_DIGITS = re.compile(r"[+-]?\d+(?:[.,]\d+)*(?:[+-]\d+(?:[.,]\d+)*)*(?:万元|元|件|个|项|条|次)?")
# Digits that belong to the words around them: dates, times, amounts in prose, web addresses.
_WORD_AFTER = re.compile(r"[年月日号时分秒点岁周%‰倍亿余多期届批版层楼室:/_a-zA-Z]|万(?!元)")
_WORD_BEFORE = re.compile(r"[第:/_\-a-zA-Z]$")
# A digit run ending in the ordinal of the next label: 00000002.其他法律… -> 0000000 | 2.其他法律…
_ORDINAL_AFTER = re.compile(r"[.、]\s*(?=[^\d\s.、])")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
# A digit glued to the end of a cell's words.
_DIGIT_ENDING_WORDS = re.compile(r"[\u4e00-\u9fff]\d$")
# A Chinese character, or the mark that ends a label's ordinal (1. （一） 一、).
_ORDINAL_END = re.compile(r"[\u4e00-\u9fff.、)）]")


def _value_token(text: str, glued: bool = False) -> tuple[Kind, str]:
    cleaned = clean(text)
    # Numbers are not printed with leading zeros: "0011" is cells run together; digits
    # glued to a label may be several cells too.
    if glued or (len(cleaned) > 1 and cleaned.isdigit() and cleaned[0] == "0"):
        return (Kind.RUN, cleaned)
    return (Kind.VALUE, cleaned)


def _label_tokens(text: str) -> list[tuple[Kind, str]]:
    return [(Kind.LABEL, part) for part in _INNER_ORDINAL.split(text) if part]


def _pieces(text: str) -> list[tuple[str, bool]]:
    """(piece, is_number) in order: a text's words and its printed numbers, numbers that
    are part of words (2022年, 第1项, an address) left inside the words."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _DIGITS.finditer(text):
        start, end = m.span()
        if start < pos:
            continue
        number = m.group(0)
        before, after = text[:start], text[end:]
        if _WORD_BEFORE.search(before) or _WORD_AFTER.match(after):
            continue
        if _ORDINAL_AFTER.match(after) and number[-1].isdigit():
            # The last digit numbers the next label; the rest (if any) is a value.
            number, end = number[:-1], end - 1
            if not number or not number[-1].isdigit():
                continue
        if text[pos:start]:
            out.append((text[pos:start], False))
        out.append((number, True))
        pos = end
    if text[pos:]:
        out.append((text[pos:], False))
    return out


def _in_words(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The pieces with each number glued to a word (no space between) made part of it."""
    out: list[tuple[str, bool]] = []
    for piece, numeric in pieces:
        if out and (not numeric or not out[-1][1]) and out[-1][0][-1:].strip() and piece[:1].strip():
            out[-1] = (out[-1][0] + piece, False)
        else:
            out.append((piece, numeric))
    return out


def _inside_words(pieces: list[tuple[str, bool]], spaced: bool = False) -> list[tuple[str, bool]]:
    """The pieces with each number of a digit or two standing between two Chinese characters
    (no space either side) made part of the words around it; `spaced`, with spaces either
    side too, and after a label's ordinal (1. 4 于时家秘出 for 1.属于国家秘密)."""
    out: list[tuple[str, bool]] = []
    for i, (piece, numeric) in enumerate(pieces):
        inside = False
        if numeric and 0 < i < len(pieces) - 1 and len(piece) <= 2 and piece.isdigit():
            before, after = pieces[i - 1][0], pieces[i + 1][0]
            if spaced:
                before, after = before.rstrip(), after.lstrip()
            inside = bool((_ORDINAL_END if spaced else _CHINESE).match(before[-1:])) and bool(_CHINESE.match(after[:1]))
        if out and not out[-1][1] and (inside or not numeric):
            out[-1] = (out[-1][0] + piece, False)
        else:
            out.append((piece, numeric and not inside))
    return out


def _cell_tokens(text: str, over_rows: bool = False, unsure: bool = False,
                 tail_misread: bool = False) -> list[tuple[Kind, str]]:
    """A cell's or a paragraph's labels and values; labels, header words and numbers may
    be run together (a web page's text with the table markup stripped).

    A cell `over_rows` is a group's label (三、本年度办理结果 down a narrow column): a digit
    glued to its words is a misread character of them (三 read as 1, seed 871 in a serif
    face), which as a value would be every row's, each row a value too many. So is a digit or
    two between two Chinese characters of a cell read `unsure` (申 read as 中1, seed 1313's fax
    TIFF 7: the row's label cut there, its values no row's). A `tail_misread` cell's last digit
    is its words', or its lone number is a label's ordinal (`_tail_misread`)."""
    stripped = nfkc(text).strip()
    if is_blank(stripped):
        return [(Kind.BLANK, stripped)]
    out: list[tuple[Kind, str]] = []
    pieces = _pieces(stripped)
    if over_rows:
        pieces = _in_words(pieces)
    elif tail_misread and len(pieces) >= 2 and pieces[-1][1] and not pieces[-2][1]:
        pieces = [*pieces[:-2], (pieces[-2][0] + pieces[-1][0], False)]
    elif tail_misread and len(pieces) == 1:
        pieces = [(pieces[0][0], False)]
    if unsure:
        pieces = _inside_words(pieces, spaced=over_rows)
    for i, (piece, numeric) in enumerate(pieces):
        if not numeric:
            label = "".join(piece.split())
            if label:
                out.extend(_label_tokens(label))
            continue
        glued = any(
            0 <= j < len(pieces) and not pieces[j][1] and pieces[j][0][edge].strip()
            for j, edge in ((i - 1, -1), (i + 1, 0))
        )
        out.append(_value_token(piece, glued))
    return out


def tokenize(document: Document, row_labels: frozenset[str] = frozenset(), alike: float = 1.0) -> list[Token]:
    """Labels and values of every paragraph and table row, merged cells counted once;
    `row_labels`: the templates' row labels (their `label_core`), which a label cell over
    rows may print run together, each as alike as `alike` to its row label when read unsure."""
    tokens: list[Token] = []

    for block_index, block in enumerate(document.blocks):

        def emit(kind: Kind, text: str, cell: SourceCell | None, row_break: bool, block: int = block_index) -> None:
            tokens.append(Token(kind, text, cell, row_break, len(tokens), block))

        if isinstance(block, Paragraph):
            for i, (kind, text) in enumerate(_cell_tokens(block.text)):
                emit(kind, text, None, i == 0)
            continue
        spans = _row_spans(block)
        rows_by_number = {row[0].row: row for row in block.rows if row}
        for row in block.rows:
            first = True
            seen: set[tuple[int, int]] = set()
            for i, cell in enumerate(row):
                origin = _origin(cell)
                if origin in seen:
                    continue
                seen.add(origin)
                span = spans.get(origin, 1)
                parts = _value_below_words(cell, span, rows_by_number) or _cell_tokens(
                    cell.text, span > 1, cell.confidence < 1, _tail_misread(cell, row, rows_by_number))
                if first and parts[0][0] is Kind.BLANK and (span > 1 or _label_after(row[i + 1:], origin)):
                    # A blank cell over rows before a row's label is no row's value but a
                    # group's column, its label on the page before (seed 947 fax: read as
                    # the row above's 总计, sure, when that row was a value short); nor is a
                    # blank cell before a heading (seed 1818's fax 1: a column rule lost, the
                    # blank left of 第二十条第（五）项 was read as the row above's third value, sure).
                    continue
                alike_here = alike if cell.confidence < 1 else 1.0
                for kind, text in _share_of_merged_cell(parts, cell, span, row_labels, alike_here):
                    emit(kind, text, cell, first)
                    first = False
    return tokens


def _origin(cell: SourceCell) -> tuple[int, int]:
    """The grid position a cell (merged: its top-left one) stands at."""
    return cell.origin or (cell.row, cell.col)


def _cells_right(row: list[SourceCell], cell: SourceCell) -> list[SourceCell]:
    """The cells (merged ones once) a row has right of `cell` (merged: of its last column)."""
    own = _origin(cell)
    right: dict[tuple[int, int], SourceCell] = {}
    for c in row:
        if c.col > cell.col and _origin(c) != own:
            right.setdefault(_origin(c), c)
    return list(right.values())


def _tail_misread(cell: SourceCell, row: list[SourceCell], rows: dict[int, list[SourceCell]]) -> bool:
    """Whether a label cell read unsure ends in a digit that is a misread character of its
    words: the row has as many cells right of it as a row beside it has values right of a
    label there that ends in none (a column rule lost beside the label would leave one cell
    fewer; a row whose label and values share one cell has none right of it). Seed 8317's fax
    4 read 6.属于四类过程性信息 as …信0: a value too many, the row unplaced.

    Or whether it holds only a label's ordinal, a row's first cell (a fax left of
    2.没有现成信息需要另行制作 its "2": seed 8034's fax TIFF 5, its row lost so), where a row
    beside has its label first and numbers right of it, as many cells (a value read in the
    label's column leaves one fewer; a heading's word beside a row's values is no label: a
    section 二 table's 第二十条第（六）项 read with its 项 as 自 in the next column)."""
    text = nfkc(cell.text).strip()
    ordinal = LONE_ORDINAL.fullmatch(text) is not None
    if cell.confidence >= 1 or not (ordinal or _DIGIT_ENDING_WORDS.search(text)):
        return False
    if ordinal and not _first_in_row(row, cell):
        return False
    right = len(_cells_right(row, cell))
    for beside in (rows.get(cell.row - 1, []), rows.get(cell.row + 1, [])):
        there = next((c for c in beside if c.col == cell.col and _origin(c) == (c.row, c.col)), None)
        if there is None or not _CHINESE.search(there.text) or nfkc(there.text).strip()[-1:].isdigit():
            continue
        values = _cells_right(beside, there)
        if ordinal and not (_first_in_row(beside, there) and any(c.text.strip() for c in values)):
            continue
        if right and len(values) == right and not any(_CHINESE.search(c.text) for c in values):
            return True
    return False


def _first_in_row(row: list[SourceCell], cell: SourceCell) -> bool:
    """Whether no cell left of `cell` in its row holds anything."""
    return not any(c.col < cell.col and c.text.strip() for c in row)


def _label_after(rest: list[SourceCell], origin: tuple[int, int]) -> bool:
    """Whether the next cell of a row (`rest`, after the cell at `origin`) starts with a label."""
    later = next((c for c in rest if _origin(c) != origin), None)
    return later is not None and _cell_tokens(later.text)[0][0] is Kind.LABEL


def _value_below_words(cell: SourceCell, span: int,
                       rows: dict[int, list[SourceCell]]) -> list[tuple[Kind, str]] | None:
    """A header cell over rows down to a row of values, read as words ending in a number: the
    rule between the header and its value lost (行政复议's 其他结果 over its 0, read 比他结米0, and
    本年收费金额（单位：万元） over 433.93; seed 7979's fax TIFFs 5 and 7). The words are the rows'
    above; the number is the last row's, when no words that start in that row follow it (a
    group's label down a column ends beside a row label and its values, and a digit misread at
    its end is no value; the next header over its value may follow it)."""
    if span < 2 or cell.origin is None:
        return None
    parts = _cell_tokens(cell.text, unsure=cell.confidence < 1)
    if len(parts) < 2 or parts[-1][0] not in (Kind.VALUE, Kind.RUN) or any(k is not Kind.LABEL for k, _ in parts[:-1]):
        return None
    last = cell.origin[0] + span - 1
    after = [c for c in rows.get(last, []) if c.col > cell.col and _origin(c)[0] == last]
    if any(_CHINESE.search(c.text) for c in after):
        return None
    return parts[:-1] if cell.row < last else [_value_token(parts[-1][1])]


def _row_spans(table: Table) -> dict[tuple[int, int], int]:
    """How many rows each merged cell covers."""
    rows: dict[tuple[int, int], set[int]] = {}
    for row in table.rows:
        for cell in row:
            if cell.origin is not None:
                rows.setdefault(cell.origin, set()).add(cell.row)
    return {origin: len(covered) for origin, covered in rows.items()}


def _share_of_merged_cell(
    parts: list[tuple[Kind, str]], cell: SourceCell, span: int, row_labels: frozenset[str], alike: float = 1.0
) -> list[tuple[Kind, str]]:
    """A label cell over N rows that prints N numbered labels, or N of the templates' row
    labels run together (a lost rule between two row labels; each as alike as `alike` to its
    label), gives each row its own label. A value cell over N rows that prints N numbers, or a
    run of N digits (0 over 0 read 00 where a fax lost the rule between them, seed 7979's fax
    TIFF 5), gives each row its own value. Any other merged cell belongs to every row."""
    if span < 2 or cell.origin is None:
        return parts
    kinds = {kind for kind, _ in parts}
    if kinds == {Kind.LABEL} and len(parts) == 1:
        core = label_core(parts[0][1])
        cut = _run_together(core, span, row_labels) or _run_together_misread(core, span, row_labels, alike)
        parts = [(Kind.LABEL, label) for label in cut] or parts
    elif kinds == {Kind.RUN} and len(parts) == 1 and len(parts[0][1]) == span and parts[0][1].isdigit():
        parts = [(Kind.VALUE, digit) for digit in parts[0][1]]
    elif kinds not in ({Kind.LABEL}, {Kind.VALUE}):
        return parts
    if len(parts) != span:
        return parts
    return [parts[cell.row - cell.origin[0]]]


def _run_together(core: str, count: int, row_labels: frozenset[str]) -> list[str]:
    """`core` cut into `count` row labels, when exactly one cut does (a photo's 行政处罚行政强制:
    one label, it was the second row's, and the first row's value went to it, sure); else []."""
    if count == 1:
        return [core] if core in row_labels else []
    cuts = [[head, *rest] for i in range(1, len(core)) if (head := core[:i]) in row_labels
            for rest in [_run_together(core[i:], count - 1, row_labels)] if rest]
    return cuts[0] if len(cuts) == 1 else []


# A label cell over more rows than this is a group's label, never row labels run together misread.
_MAX_MISREAD_ROWS = 3


def _run_together_misread(core: str, count: int, row_labels: frozenset[str], alike: float) -> list[str]:
    """`core` cut into `count` pieces, each as alike as `alike` to a row label, when every such
    cut names the same row labels: the pieces of the cut most alike to them in sum; else []. A
    fax lost the rule between （一）予以公开 and （二）部分公开 and read the second 常分公斤…
    (seed 8787's fax TIFF 0): no exact cut, and the first row was not placed."""
    if alike >= 1 or count > _MAX_MISREAD_ROWS:
        return []
    cuts = _alike_cuts(core, count, row_labels, alike)
    if len({labels for _, labels, _ in cuts}) != 1:
        return []
    return list(max(cuts, key=lambda cut: cut[2])[0])


@lru_cache(maxsize=4096)
def _alike_cuts(core: str, count: int, row_labels: frozenset[str],
                alike: float) -> list[tuple[tuple[str, ...], tuple[str, ...], float]]:
    """Every cut of `core` into `count` pieces each as alike as `alike` to a row label: (the
    pieces, the labels, the sum of their likeness)."""
    if count == 1:
        scored = [(similarity(core, label, alike), label) for label in row_labels]
        ratio, label = max(scored, default=(0.0, ""))
        return [((core,), (label,), ratio)] if ratio >= alike else []
    cuts = []
    for i in range(1, len(core)):
        for head, head_label, head_ratio in _alike_cuts(core[:i], 1, row_labels, alike):
            for rest, rest_labels, rest_ratio in _alike_cuts(core[i:], count - 1, row_labels, alike):
                cuts.append(((*head, *rest), (*head_label, *rest_labels), head_ratio + rest_ratio))
    return cuts
