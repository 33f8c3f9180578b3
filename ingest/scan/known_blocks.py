"""A section printed in blocks (section 二) told by its printed form rather than read, where a
table holds exactly a template's form: its captions (第二十条第（一）项), its header rows'
信息内容 and lone column labels, and the row labels the form pins.

The template prints section 二 in blocks (layouts' `blocks`): a caption row, a header row
(`block_header`, then the columns of the block's rows), then the block's rows, each a label
and its values under the header's columns. A table is taken for a template's form when, row
for row:
- a caption row holds one inked cell;
- a header row holds its words' cells and no other, all inked;
- a row of the block holds its label's cell, inked, then a cell under each of the header's
  value cells (the same columns), inked or blank;
- every cell told or compared is as wide as its text (`fits`, at the print scale they agree on).
Some cells are read even then, and must read as the form's, else nothing is told: the column
labels of a header over several columns (their order is the report's), and a row's label where
a later row of its block is as wide (rows swapped would not show by width). Some are read and
kept as read: a column label with a unit (本年收费金额（单位：万元）: the mapper takes the unit
from it), and a row label the template knows printed otherwise too (规范性文件 for 行政规范性文件,
a deviation the report is noted for). A table unlike every form (a row left out, a continuation
on the next page) is read whole as before. Reading the section's captions, headers and labels
cost a fifth of a section 二 image's recognition (the ten 150-dpi images)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from ingest.labels import label_core, similarity
from ingest.layouts import ColumnLayout, load_layouts
from ingest.scan.known_labels import KnownLabel, fits, print_scale, unplaced
from ingest.scan.ocr.base import CellText
from ingest.settings import Settings
from ingest.tables.model import GridCell

# told: its text given without reading; check: read, and the form's only if read as its text;
# keep: read, the reading kept (not compared).
How = Literal["tell", "check", "keep"]


@dataclass(frozen=True)
class _FormCell:
    text: KnownLabel
    how: How
    # A row label's: the labels of the later rows of its block (one as wide makes it checked).
    later: tuple[KnownLabel, ...] = ()


@dataclass(frozen=True)
class _FormRow:
    kind: Literal["caption", "header", "row"]
    cells: tuple[_FormCell, ...]
    # Value cells under a header or beside a row's label: the block's columns.
    values: int = 0


@cache
def printed_forms(layouts_dir: Path) -> tuple[tuple[_FormRow, ...], ...]:
    """The printed form of every templates' section printed in blocks, row by row."""
    forms = []
    for layout in load_layouts(layouts_dir):
        for section in layout.sections:
            if not section.blocks or section.block_header is None:
                continue
            rows = {row.key: row for row in section.rows}
            form: list[_FormRow] = []
            for block in section.blocks:
                members = [rows[key] for key in block.rows]
                columns = members[0].columns
                form.append(_FormRow("caption", (_FormCell(unplaced(block.caption), "tell"),)))
                words = [_FormCell(unplaced(section.block_header), "tell")]
                words += [_FormCell(unplaced(c.label), _column_how(c, len(columns))) for c in columns]
                form.append(_FormRow("header", tuple(words), len(columns)))
                labels = [unplaced(next(v.text for v in row.labels if v.deviation is None)) for row in members]
                for i, row in enumerate(members):
                    how: How = "keep" if len(row.labels) > 1 else "tell"
                    form.append(_FormRow("row", (_FormCell(labels[i], how, tuple(labels[i + 1:])),), len(row.columns)))
            forms.append(tuple(form))
    return tuple(forms)


def _column_how(column: ColumnLayout, columns: int) -> How:
    if column.unit or column.units_in_text:
        return "keep"
    return "check" if columns > 1 else "tell"


def blocks_told(table: list[GridCell[int]], inked: dict[tuple[int, int], int], widths: list[float],
                read: Callable[[list[int]], list[CellText]],
                settings: Settings) -> tuple[dict[int, CellText], dict[int, CellText]]:
    """The cells a template's printed form tells, and the cells read to check it (`read`: the
    inked cells of these indexes read), both by their index in `inked` (the table's inked cells
    by position); `widths`: each inked cell's width in characters, its lines together. Nothing
    told where no form matches; the cells read to find that out are given all the same."""
    rows = _table_rows(table)
    for form in printed_forms(settings.layouts_dir):
        placed = _placed(form, rows, inked, settings) if rows and len(rows) == len(form) else None
        if placed is None:
            continue
        measured = [(i, cell) for i, cell in placed if cell.how != "keep"]
        scale = print_scale([widths[i] / cell.text.width for i, cell in measured])
        if not all(fits(widths[i] / scale, cell.text, settings) for i, cell in measured):
            continue
        asked = [i for i, cell in placed if cell.how != "tell"]
        readings = dict(zip(asked, read(asked), strict=True))
        if any(cell.how == "check" and not _reads_as(readings[i], cell.text, settings) for i, cell in placed):
            return {}, readings
        told = {i: CellText(cell.text.text, settings.ocr.conf_agree) for i, cell in placed if cell.how == "tell"}
        return told, readings
    return {}, {}


def _table_rows(table: list[GridCell[int]]) -> list[list[GridCell[int]]] | None:
    """The table's cells row by row, left to right; None when a cell spans rows (no row of a
    form does)."""
    if not table or any(cell.row_span != 1 for cell in table):
        return None
    rows: list[list[GridCell[int]]] = [[] for _ in range(max(cell.row for cell in table) + 1)]
    for cell in table:
        rows[cell.row].append(cell)
    return [sorted(row, key=lambda c: c.col) for row in rows]


def _placed(form: tuple[_FormRow, ...], rows: list[list[GridCell[int]]], inked: dict[tuple[int, int], int],
            settings: Settings) -> list[tuple[int, _FormCell]] | None:
    """Each form cell's inked cell (by index) where the table's rows hold the form's, row by
    row, as the module's docstring says; a row label as wide as a later one of its block is
    checked. None where a row does not."""
    placed: list[tuple[int, _FormCell]] = []
    header: list[GridCell[int]] = []
    for expected, cells in zip(form, rows, strict=True):
        marked = [inked[(c.row, c.col)] for c in cells if (c.row, c.col) in inked]
        if expected.kind == "caption":
            if len(marked) != 1:
                return None
            placed.append((marked[0], expected.cells[0]))
        elif expected.kind == "header":
            if len(cells) != len(expected.cells) or len(marked) != len(cells):
                return None
            header = cells
            placed += zip(marked, expected.cells, strict=True)
        else:
            label = expected.cells[0]
            if (len(cells) != 1 + expected.values or (cells[0].row, cells[0].col) not in inked
                    or [(c.col, c.col_span) for c in cells[1:]] != [(c.col, c.col_span) for c in header[1:]]):
                return None
            if label.how == "tell" and any(fits(later.width, label.text, settings) for later in label.later):
                label = _FormCell(label.text, "check")
            placed.append((inked[(cells[0].row, cells[0].col)], label))
    return placed


def _reads_as(reading: CellText, text: KnownLabel, settings: Settings) -> bool:
    """Whether a cell read as the form's text, as the mapper would match a label."""
    return similarity(label_core(reading.text), text.core) >= settings.mapper.label_match_ratio
