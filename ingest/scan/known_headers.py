"""A table's column headers told by the columns they span instead of read, where the header
is a template section's.

The layouts give each column of a section as a path of header words, top down: its `group`,
then its label's words (行政诉讼 未经复议直接起诉 结果维持). A word stands over the columns
whose paths share it at its depth (法人或其他组织 over five). A table's header is taken for a
section's when, over the table's last columns (as many as the section has):
- the rows above the first row holding a cell of its own in each of those columns hold one
  inked cell per word of the section's header and no other (but a caption over them all,
  申请人情况), each spanning exactly its word's columns, every cell within those columns
  and rows;
- a word's cell lies above the cells of the words under it;
- each cell is as wide as its word (`fits`, at the print scale the cells agree on).
A caption over them all is told too where the section has one (layouts' `header_caption`) and
it is as wide. Cells over the label columns (a header's note) are read as before, and any header
unlike the template's is read whole. Reading the column headers cost half of a table image's
recognition (fresh seed 8870's ten images: 4.6 of 8.7 CPU s)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.layouts import ColumnLayout, load_layouts
from ingest.scan.known_labels import KnownLabel, fits, print_scale, unplaced
from ingest.settings import Settings
from ingest.tables.model import GridCell


@dataclass(frozen=True)
class HeaderWord:
    word: KnownLabel
    # Its depth (0: the top row's words) and the first and last of the section's columns under it.
    depth: int
    first: int
    last: int


@dataclass(frozen=True)
class SectionHeader:
    words: tuple[HeaderWord, ...]
    # Printed over all its columns, above the words (申请人情况).
    caption: KnownLabel | None


@cache
def section_headers(layouts_dir: Path) -> tuple[SectionHeader, ...]:
    """The distinct column headers of the templates' sections whose rows share one set of
    columns (section 二's rows each have their own), each as its words and caption."""
    headers: dict[tuple[tuple[str, ...], ...], SectionHeader] = {}
    for layout in load_layouts(layouts_dir):
        for section in layout.sections:
            column_sets = {row.columns for row in section.rows if row.columns}
            if len(column_sets) == 1:
                paths = tuple(_path(column) for column in column_sets.pop())
                if len(paths) > 1 and paths not in headers and (words := _words(paths)):
                    caption = unplaced(section.header_caption) if section.header_caption else None
                    headers[paths] = SectionHeader(words, caption)
    return tuple(headers.values())


def _path(column: ColumnLayout) -> tuple[str, ...]:
    return ((column.group,) if column.group else ()) + tuple(column.label.split())


def _words(paths: tuple[tuple[str, ...], ...]) -> tuple[HeaderWord, ...]:
    """The header's words, each over the columns whose paths begin alike up to it; none when a
    word's columns are not side by side or two words stand over the same columns."""
    spans: dict[tuple[str, ...], list[int]] = {}
    for index, path in enumerate(paths):
        for depth in range(len(path)):
            spans.setdefault(path[:depth + 1], []).append(index)
    if any(cols != list(range(cols[0], cols[-1] + 1)) for cols in spans.values()):
        return ()
    if len({(cols[0], cols[-1]) for cols in spans.values()}) < len(spans):
        return ()
    return tuple(HeaderWord(unplaced(node[-1]), len(node) - 1, cols[0], cols[-1]) for node, cols in spans.items())


def headers_told(table: list[GridCell[int]], inked: dict[tuple[int, int], int], widths: list[float],
                 settings: Settings) -> dict[int, str]:
    """The column header cells a template section's header tells (by their index in `inked`,
    which indexes the table's inked cells by position; `widths`: each inked cell's width in
    characters, its lines together)."""
    for header in section_headers(settings.layouts_dir):
        told = _header_cells(table, inked, widths, header, settings)
        if told:
            return told
    return {}


def _header_cells(table: list[GridCell[int]], inked: dict[tuple[int, int], int], widths: list[float],
                  header: SectionHeader, settings: Settings) -> dict[int, str]:
    words = header.words
    n_cols = max((c.col + c.col_span for c in table), default=0)
    start = n_cols - (max(w.last for w in words) + 1)
    first_row = _first_full_row(table, start, n_cols) if start >= 0 else None
    if first_row is None:
        return {}
    spanned = {(w.first + start, w.last + start): w for w in words}
    found: dict[int, tuple[GridCell[int], HeaderWord]] = {}
    caption: int | None = None
    for cell in table:
        if cell.row >= first_row or cell.col + cell.col_span <= start:
            continue
        if cell.col < start or cell.row + cell.row_span > first_row:
            return {}  # a cell across the label columns' edge or into the rows below
        index = inked.get((cell.row, cell.col))
        if index is None:
            continue
        word = spanned.get((cell.col, cell.col + cell.col_span - 1))
        if word is None and cell.col == start and cell.col + cell.col_span == n_cols:
            caption = index  # over them all (申请人情况)
            continue
        if word is None or word in (w for _, w in found.values()):
            return {}
        found[index] = (cell, word)
    if len(found) != len(words) or not _stacked(list(found.values())):
        return {}
    scale = print_scale([widths[i] / w.word.width for i, (_, w) in found.items()])
    if not all(fits(widths[i] / scale, w.word, settings) for i, (_, w) in found.items()):
        return {}
    told = {i: w.word.text for i, (_, w) in found.items()}
    if caption is not None and header.caption and fits(widths[caption] / scale, header.caption, settings):
        told[caption] = header.caption.text
    return told


def _first_full_row(table: list[GridCell[int]], start: int, n_cols: int) -> int | None:
    """The first row holding a cell of its own (one row, one column) in each column from `start`."""
    singles: dict[int, set[int]] = {}
    for cell in table:
        if cell.row_span == 1 and cell.col_span == 1 and cell.col >= start:
            singles.setdefault(cell.row, set()).add(cell.col)
    return min((row for row, cols in singles.items() if len(cols) == n_cols - start), default=None)


def _stacked(found: list[tuple[GridCell[int], HeaderWord]]) -> bool:
    """Whether each word's cell lies above the cells of the words under it."""
    return all(a.row + a.row_span <= b.row
               for a, wa in found for b, wb in found
               if wa.depth < wb.depth and wa.first <= wb.first and wb.last <= wa.last)
