"""The vector front end's text: a PDF page's characters -> lines -> cell text, and the
stream rows of tables drawn without rules (cut where a gap is wider than a cell separation)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ingest.tables.model import Box, GridSettings


@dataclass(frozen=True)
class Glyph:
    """One printed character, top-left origin."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def size(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Line:
    """Glyphs on one baseline, left to right."""

    glyphs: tuple[Glyph, ...]

    @property
    def box(self) -> Box[float]:
        return bounds(self.glyphs)


def bounds(glyphs: Sequence[Glyph]) -> Box[float]:
    return (
        min(g.x0 for g in glyphs),
        min(g.top for g in glyphs),
        max(g.x1 for g in glyphs),
        max(g.bottom for g in glyphs),
    )


# --- glyphs -> lines and text ------------------------------------------------------------


def inside(glyph: Glyph, box: Box[float]) -> bool:
    return box[0] <= glyph.cx <= box[2] and box[1] <= glyph.cy <= box[3]


def lines_of(glyphs: Iterable[Glyph], gs: GridSettings[float]) -> list[Line]:
    """Glyphs grouped into lines (top to bottom), each left to right."""
    rows: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: (g.cy, g.x0)):
        if rows and abs(g.cy - statistics.fmean(x.cy for x in rows[-1])) <= gs.same_line:
            rows[-1].append(g)
        else:
            rows.append([g])
    return [Line(tuple(sorted(r, key=lambda g: g.x0))) for r in rows]


def with_offset_values_joined(lines: list[Line]) -> list[Line]:
    """Lines (top to bottom) with a line of numbers only that its cells set off the row's
    baseline rejoined to that row: its digits overlap the row's height, stand in its gaps,
    and the row holds digits too, while the line on its other side stays clear of them. A
    browser centres a cell holding a blank line under or over its value, so the value prints
    half a line high or low (seed 3571's browser PDF 7: 行政复议's 总计 low, a paragraph of its
    own, its row's values set a column left). A value centred between a label's wrapped lines
    overlaps both."""
    out = list(lines)
    i = 0
    while i < len(out):
        above, below = out[i - 1] if i else None, out[i + 1] if i + 1 < len(out) else None
        row = next((r for r, other in ((above, below), (below, above)) if r is not None and _set_off(out[i], r, other)),
                   None)
        if row is None:
            i += 1
            continue
        joined = Line(tuple(sorted(row.glyphs + out[i].glyphs, key=lambda g: g.x0)))
        at = i - 1 if row is above else i
        out[at:at + 2] = [joined]
        i = at + 1
    return out


def _set_off(line: Line, row: Line, other: Line | None) -> bool:
    """Whether `line` is values of `row` set off its baseline (`other`: the line on its far side)."""
    if not is_number("".join(g.text for g in line.glyphs)) or not any(g.text.isdigit() for g in row.glyphs):
        return False
    if not _overlap(line, row) or (other is not None and _overlap(line, other)):
        return False
    return not any(g.x0 < a.x1 and a.x0 < g.x1 for g in line.glyphs for a in row.glyphs)


def _overlap(a: Line, b: Line) -> bool:
    return a.box[1] < b.box[3] and b.box[1] < a.box[3]


def _wordy(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%")


def join_text(a: str, b: str, spaced: bool) -> str:
    """Two pieces of text: a space only between separate ASCII words or numbers."""
    if a and b and spaced and _wordy(a[-1]) and _wordy(b[0]):
        return a + " " + b
    return a + b


def line_text(glyphs: Sequence[Glyph], gs: GridSettings[float]) -> str:
    """A line's text; CJK joined, ASCII words kept apart by the gaps between them."""
    text = ""
    previous: Glyph | None = None
    for g in glyphs:
        spaced = previous is not None and g.x0 - previous.x1 > gs.space_gap
        text = join_text(text, g.text, spaced)
        previous = g
    return text


def cell_text(lines: Sequence[Line], gs: GridSettings[float]) -> str:
    """Text of a cell's lines; digits wrapped onto the next line continue one number."""
    text = ""
    for line in lines:
        piece = line_text(line.glyphs, gs)
        wrapped_number = bool(text) and text[-1].isdigit() and piece[:1].isdigit()
        text = join_text(text, piece, not wrapped_number)
    return text


# --- stream: rows of tables drawn without rules ------------------------------------------


def segments(line: Line, gs: GridSettings[float]) -> list[tuple[Glyph, ...]]:
    """A line cut where a gap is wider than a cell separation, and where a space parts two
    numbers: a web page's table printed without rules and set tight leaves a space between
    its columns (13612 252 0), and a number never holds one."""
    parts: list[list[Glyph]] = []
    for g in line.glyphs:
        gap = g.x0 - parts[-1][-1].x1 if parts else 0.0
        between_numbers = gap > gs.space_gap and g.text.isdigit() and parts[-1][-1].text.isdigit() if parts else False
        if parts and gap <= gs.stream_gap and not between_numbers:
            parts[-1].append(g)
        else:
            parts.append([g])
    out: list[tuple[Glyph, ...]] = []
    for part, after in zip(parts, [*parts[1:], None], strict=True):
        before_a_value = after is not None and is_number("".join(g.text for g in after))
        out.extend(_value_parted(tuple(part), gs) if before_a_value else [tuple(part)])
    return out


def _value_parted(part: tuple[Glyph, ...], gs: GridSettings[float]) -> list[tuple[Glyph, ...]]:
    """A part before a row's values cut before the number it ends in, when that stands a
    character or more after its words: a label filling its cell, centred, stands closer to the
    first value than cells are parted (seed 5903's browser PDF 0: 6.属于四类过程性信息 1.5
    characters before its 0, read as one cell and the row's values shifted). Words run into a
    number (一、本年新收13612) stand closer."""
    for j in range(len(part) - 1, 0, -1):
        if part[j].x0 - part[j - 1].x1 >= _VALUE_AFTER_WORDS * gs.text_height:
            if is_number("".join(g.text for g in part[j:])) and not is_number(part[j - 1].text):
                return [part[:j], part[j:]]
            break
    return [part]


# A number this many characters after a label's words is a cell of its own.
_VALUE_AFTER_WORDS = 1.0
_NUMBER = re.compile(r"^[-+−]?\d[\d,，.]*%?$")


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))
