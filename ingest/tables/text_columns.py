"""Columns of a table drawn without rules, told by where its words start.

A browser prints a web page's table cell by cell from each cell's left padding: the values
of a column start at one x, and so do the words of its header stacked over it (seed 9393:
自然 / 人 at 354, 商业 / 企业 at 380, values at 405, 457 …; columns 26 points apart, 8 between
words). A row printed with its zeros blank keeps only some values; where the rest stand is
told by the columns the other rows fill and by the header's stacked words over the columns
no row fills. A table whose every cell is centred shows its columns by its header words'
centres instead. Pure transforms: lines -> words -> columns -> each value's column.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from ingest.tables.glyphs import Line, is_number
from ingest.tables.model import GridSettings

# A word starts after a gap this share of a character (CJK characters and a number's digits
# stand closer; two cells' words a cell's padding apart, farther); starts this share of a
# character apart are one column's.
_WORD_GAP = 0.5
_SAME_START = 0.3
# A header's words over a column no row fills: stacked on this many lines at least (a group's
# heading over several columns, or words centred in a cell, stand on one line and start
# elsewhere), and a character clear of every other column.
_STACKED = 2
# Words centred in narrow cells stand closer: a third of a character apart (seed 1919's browser
# PDF 6, 商业企 科研机 社会公 at 27-point steps, 3 points between).
_CENTRED_WORD_GAP = 0.25


@dataclass(frozen=True)
class HeaderColumns:
    """A rule-less table's header columns: where its words start (`header_columns`), and
    their centres when they are centred in their cells (`centred_columns`)."""

    starts: tuple[float, ...] = ()
    centres: tuple[float, ...] = ()


def words(line: Line, gs: GridSettings[float], gap: float = _WORD_GAP) -> list[tuple[float, float]]:
    """The line's words, their left and right edges: its glyphs parted after each gap (this
    share of a character or wider)."""
    out: list[tuple[float, float]] = []
    for before, glyph in zip((None, *line.glyphs), line.glyphs, strict=False):
        if before is None or glyph.x0 - before.x1 >= gap * gs.text_height:
            out.append((glyph.x0, glyph.x1))
        else:
            out[-1] = (out[-1][0], glyph.x1)
    return out


def word_starts(line: Line, gs: GridSettings[float]) -> list[float]:
    """Where the line's words start: its first glyph's and each glyph's after a gap."""
    return [x0 for x0, _ in words(line, gs)]


def _clusters(points: Sequence[tuple[float, int]], gs: GridSettings[float]) -> list[list[tuple[float, int]]]:
    """(x, source) points grouped where they lie a fraction of a character apart, left to right."""
    clusters: list[list[tuple[float, int]]] = []
    for x, source in sorted(points):
        if clusters and x - clusters[-1][-1][0] <= _SAME_START * gs.text_height:
            clusters[-1].append((x, source))
        else:
            clusters.append([(x, source)])
    return clusters


def header_columns(header: Sequence[Line], label_right: float, gs: GridSettings[float]) -> list[float]:
    """Where words of a table's header lines (those holding no number) start stacked on
    several lines right of its labels (`label_right`), left to right."""
    lines = [line for line in header if not any(is_number(g.text) for g in line.glyphs)]
    left = label_right - _SAME_START * gs.text_height
    points = [(x, i) for i, line in enumerate(lines) for x in word_starts(line, gs) if x >= left]
    return [statistics.median(x for x, _ in c) for c in _clusters(points, gs) if len({i for _, i in c}) >= _STACKED]


def _unfilled(filled: list[float], header: Sequence[float], gs: GridSettings[float]) -> list[float]:
    """The header's columns that no value fills: those that stand where the filled columns'
    pitch (the narrowest step between two of them) puts a column, left of the first or in a
    gap of several steps, a character clear of every filled column. A header's words set
    otherwise than its values (centred over them) stand off that lattice."""
    if len(filled) < 2:
        return []
    pitch = min(b - a for a, b in pairwise(filled))
    tolerance = _SAME_START * gs.text_height
    out = []
    for start in header:
        steps = (filled[0] - start) / pitch if start < filled[0] else None
        if steps is None:
            below = max((c for c in filled if c < start), default=None)
            steps = None if below is None or start > filled[-1] else (start - below) / pitch
        if (steps is not None and abs(steps - round(steps)) * pitch <= tolerance and round(steps) >= 1
                and all(abs(start - c) >= gs.text_height for c in filled)):
            out.append(start)
    return out


def _header_lattice(filled: list[float], header: Sequence[float], gs: GridSettings[float]) -> list[float]:
    """The columns no value fills when the header's stacked words stand at one even pitch and
    every filled column on it: each step of that lattice from the first column to the last,
    a character clear of the filled ones. Seed 4747's browser PDF: only 自然人 and 总计 filled,
    162 points apart, the header's words 27 apart (其他 on one line, not stacked, between)."""
    if len(header) < 2:
        return []
    pitch = min(b - a for a, b in pairwise(header))
    tolerance = _SAME_START * gs.text_height
    if pitch < gs.text_height:
        return []

    def on_lattice(x: float) -> bool:
        steps = (x - header[0]) / pitch
        return abs(steps - round(steps)) * pitch <= tolerance

    if not all(on_lattice(x) for x in [*header, *filled]):
        return []
    first, last = min(header[0], filled[0]), max(header[-1], filled[-1])
    steps = range(round((first - header[0]) / pitch), round((last - header[0]) / pitch) + 1)
    lattice = [header[0] + k * pitch for k in steps]
    return [x for x in lattice if all(abs(x - c) >= gs.text_height for c in filled)]


def _even_pitch(columns: Sequence[float], gs: GridSettings[float]) -> bool:
    """Whether every step between the columns is a whole number of the narrowest."""
    steps = [b - a for a, b in pairwise(columns)]
    if not steps:
        return True
    pitch = min(steps)
    return all(abs(step / pitch - round(step / pitch)) * pitch <= _SAME_START * gs.text_height for step in steps)


def value_columns(extents: Sequence[Sequence[tuple[float, float]]], header: Sequence[float],
                  gs: GridSettings[float], even: bool = False) -> tuple[list[float], list[list[int]]] | None:
    """The table's value columns and, row by row, the column of each value (`extents`: each
    row's values' left and right edges; `header`: `header_columns`): the starts the values
    share, and the header's columns up to the last value a character clear of them. None
    when the values line up better by their centres than by their starts, stand at more
    places than the fullest row has values, or two values of a row would share a column;
    given `even`, also when their starts stand at no one pitch (values with no label beside
    them, set some from the left of their cells and some centred)."""
    values = [[x0 for x0, _ in row] for row in extents]
    points = [(x, r) for r, row in enumerate(values) for x in row]
    if not points:
        return None
    columns = [statistics.median(x for x, _ in c) for c in _clusters(points, gs)]
    centred = [((x0 + x1) / 2, r) for r, row in enumerate(extents) for x0, x1 in row]
    if len(columns) > len(_clusters(centred, gs)):
        return None  # set centred (or right) in their cells: their starts tell no columns
    if len(columns) > max(len(row) for row in values) or (even and not _even_pitch(columns, gs)):
        return None  # padded apart unevenly (web text's em spaces): no start is a column's
    columns += _header_lattice(columns, header, gs) or _unfilled(columns, header, gs)
    columns.sort()
    placed = _nearest_columns(values, columns, float("inf"))
    return None if placed is None else (columns, placed)


def centred_columns(header: Sequence[Line], gs: GridSettings[float], left: float | None = None) -> list[float]:
    """The centres of a header's columns when its words are centred in their cells (a browser's
    print of a table whose every cell is centred, seed 5353's section 四): the centres of the
    words of its lines holding no number (starting right of `left`, the labels' end, if given),
    but a group's heading (a word over another that is centred elsewhere); empty unless they
    stand at one even pitch, so that no column is missed."""
    return _evenly_set([(x0 + x1) / 2 for x0, x1 in _column_words(header, gs, left)], gs)


def started_columns(header: Sequence[Line], gs: GridSettings[float]) -> list[float]:
    """Where a header's columns start when its words start at their cells' left padding, as
    the values under them do: the starts of the words `centred_columns` takes, when those stand
    at one even pitch (seed 5903's browser PDF 2: section 四's words two characters wide, its
    values one digit, 6 points left of the words' centres)."""
    return _evenly_set([x0 for x0, _ in _column_words(header, gs, None)], gs)


def _column_words(header: Sequence[Line], gs: GridSettings[float], left: float | None) -> list[tuple[float, float]]:
    """The left and right edges of the words of a header's lines holding no number (right of
    `left`, if given), but a group's heading (a word over another centred elsewhere)."""
    lines = [line for line in header if not any(is_number(g.text) for g in line.glyphs)]
    tolerance = _SAME_START * gs.text_height
    placed = [(x0, x1, line.box[1]) for line in lines for x0, x1 in words(line, gs, _CENTRED_WORD_GAP)
              if left is None or x0 >= left - tolerance]

    def over_others(x0: float, x1: float, top: float) -> bool:
        return any(below > top and b0 < x1 and b1 > x0 and abs((b0 + b1 - x0 - x1) / 2) > tolerance
                   for b0, b1, below in placed)

    return [(x0, x1) for x0, x1, top in placed if not over_others(x0, x1, top)]


def _evenly_set(points: Sequence[float], gs: GridSettings[float]) -> list[float]:
    """The columns the points cluster at, empty unless they stand at one even pitch."""
    columns = [statistics.median(x for x, _ in c) for c in _clusters([(x, 0) for x in points], gs)]
    steps = [b - a for a, b in pairwise(columns)]
    if not steps or max(steps) - min(steps) > 2 * _SAME_START * gs.text_height:
        return []
    return columns


def placed_under(rows: Sequence[Sequence[float]], columns: Sequence[float],
                 gs: GridSettings[float]) -> list[list[int]] | None:
    """Each row's values' columns (`rows`: their centres, or their starts), each value under
    one of `columns`; None when one stands off them or two of a row share one."""
    return _nearest_columns(rows, columns, _SAME_START * gs.text_height)


def _nearest_columns(rows: Sequence[Sequence[float]], columns: Sequence[float],
                     tolerance: float) -> list[list[int]] | None:
    """Each row's points' nearest columns; None when a point is farther than `tolerance` from
    its column or two of a row share one."""
    placed = []
    for row in rows:
        at = [min(range(len(columns)), key=lambda c: abs(columns[c] - x)) for x in row]
        if any(abs(columns[c] - x) > tolerance for c, x in zip(at, row, strict=True)) or at != sorted(set(at)):
            return None
        placed.append(at)
    return placed
