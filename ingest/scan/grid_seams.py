"""Two grids side by side that are one table parted: ink left in the strip between them, at a
row's height, is a value neither grid holds, and leaves that row's blank cells unsure.

A coarse fax's rules come out in dashes; a merged cell's digit standing on the rule its columns
above are parted by can leave the grid parted there, the digit in neither part (seed 8383's fax
TIFF 4: 本年增/减's 0 read nowhere, its row's cells blank, one of them surely)."""

from __future__ import annotations

import statistics
from dataclasses import replace

import cv2
import numpy as np

from ingest.tables.components import components
from ingest.tables.model import GridCell, GridSettings, Slot
from ingest.tables.stitch import TablePiece

# Share of the left grid's rows whose top the right grid's rows share (within the snap).
_SHARED_ROWS = 0.8
# Two grids this many text heights apart or closer may be one table's parts (seed 8383's: 3.1).
_GAP_HEIGHTS = 4
# Print this many text heights right of a grid may be a value of its rows the grid left out.
_BESIDE = 8
# No character is this many text heights tall: a stroke that is (a sheet's edge, a pen's line)
# runs on past the rows, no value of theirs.
_LONGEST_MARK = 2
# A cell narrower than this share of its row's value cells (their median) is no column of the
# table: the template's value columns are alike in width.
_SLIVER = 0.5


def _row_tops(piece: TablePiece[int]) -> dict[int, int]:
    tops: dict[int, int] = {}
    for cell, _ in piece.cells:
        tops[cell.row] = min(tops.get(cell.row, cell.box[1]), cell.box[1])
    return tops


def _one_table(left: TablePiece[int], right: TablePiece[int], gs: GridSettings[int]) -> bool:
    """Whether `right` stands just right of `left` on the same rows."""
    if right.box[0] <= left.box[2] or right.box[0] - left.box[2] > _GAP_HEIGHTS * gs.text_height:
        return False
    theirs = list(_row_tops(right).values())
    ours = list(_row_tops(left).values())
    shared = sum(1 for top in ours if any(abs(top - other) <= gs.snap for other in theirs))
    return len(ours) >= 2 and shared >= _SHARED_ROWS * len(ours)


def rows_with_ink_between(left: TablePiece[int], right: TablePiece[int], ink: np.ndarray,
                          gs: GridSettings[int]) -> set[int]:
    """The rows of `left` with a mark a third of a character tall or more in the strip between
    it and `right` (`ink` off the rules), when the two are one table parted (else none)."""
    if not _one_table(left, right, gs):
        return set()
    margin = gs.line_thickness + 2
    return _rows_with_marks(left, ink, left.box[2] + margin, right.box[0] - margin, gs)


def _rows_with_marks(piece: TablePiece[int], ink: np.ndarray, x0: int, x1: int, gs: GridSettings[int]) -> set[int]:
    """The rows of `piece` with a mark a third of a character tall or more between x0 and x1,
    strokes taller than any character left out (a photo's sheet edge, slanting down beside
    the grid: seed 5050's photo 2, 77 blank cells of eleven rows doubted, all right)."""
    margin = gs.line_thickness + 2
    rows: set[int] = set()
    band_top = piece.box[1]
    band = ink[band_top:piece.box[3], x0:x1].copy()
    if band.size:
        _, labels, stats = components(band)
        long = np.flatnonzero(stats[:, cv2.CC_STAT_HEIGHT] > _LONGEST_MARK * gs.text_height)
        band[np.isin(labels, long[long > 0])] = 0
    for row, (top, bottom) in piece.row_spans().items():
        strip = band[top + margin - band_top:bottom - margin - band_top]
        if strip.size == 0:
            continue
        opened = cv2.morphologyEx(strip, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
        count, _, stats = components(opened)
        if any(stats[k, cv2.CC_STAT_HEIGHT] >= gs.text_height // 3 for k in range(1, count)):
            rows.add(row)
    return rows


def with_blanks_doubted(piece: TablePiece[int], rows: set[int], confidence: float) -> TablePiece[int]:
    """The table with the blank cells of `rows` read at no more than `confidence`."""
    return _doubted(piece, {id(slot) for cell, slot in piece.cells if cell.row in rows and not slot.text.strip()},
                    confidence)


def _doubted(piece: TablePiece[int], slots: set[int], confidence: float) -> TablePiece[int]:
    """The table with the cells whose slots are `slots` (by id) read at no more than `confidence`."""
    cells = [(cell, replace(slot, confidence=min(slot.confidence, confidence)) if id(slot) in slots else slot)
             for cell, slot in piece.cells]
    return replace(piece, cells=cells)


def doubt_blanks_beside(pieces: list[TablePiece[int]], ink: np.ndarray, gs: GridSettings[int],
                        confidence: float) -> list[TablePiece[int]]:
    """The page's tables, the blank cells of each row with print just right of its grid (`ink`
    off the rules) read at no more than `confidence`: a grid whose last columns' rules were
    lost ends short of them, and a value standing there is in no cell of its row (seed 9494's
    fax TIFF 5: section 二's values right of the grid's edge, its cells read blank, surely)."""
    margin = gs.line_thickness + 2
    out = []
    for piece in pieces:
        x0 = piece.box[2] + margin
        # Up to the next table on the right, if one stands near.
        x1 = min([other.box[0] - margin for other in pieces if other.box[0] > x0] + [x0 + _BESIDE * gs.text_height])
        out.append(with_blanks_doubted(piece, _rows_with_marks(piece, ink, x0, x1, gs), confidence))
    return out


def doubt_blanks_between(pieces: list[TablePiece[int]], ink: np.ndarray, gs: GridSettings[int],
                         confidence: float) -> list[TablePiece[int]]:
    """The page's tables, the blank cells of each row with ink between two parts of one table
    read at no more than `confidence` in both parts (rows of the right part by their tops)."""
    out = list(pieces)
    for a, left in enumerate(pieces):
        for b, right in enumerate(pieces):
            rows = rows_with_ink_between(left, right, ink, gs) if a != b else set()
            if not rows:
                continue
            tops = [top for row, top in _row_tops(left).items() if row in rows]
            theirs = {row for row, top in _row_tops(right).items() if any(abs(top - t) <= gs.snap for t in tops)}
            out[a] = with_blanks_doubted(out[a], rows, confidence)
            out[b] = with_blanks_doubted(out[b], theirs, confidence)
    return out


def doubt_sliver_blanks(pieces: list[TablePiece[int]], confidence: float) -> list[TablePiece[int]]:
    """The page's tables, each blank cell among its row's values that is a sliver of their
    width read at no more than `confidence`: a stroke taken for a rule parted a column there,
    and its value may stand in the cell beside (seed 8263's black-and-white image 7: a seal's
    ring over section 四 parted 尚未审结, its 0 read into the cell on the left and the sliver
    right of it a sure blank, unflagged)."""
    out = []
    for piece in pieces:
        rows: dict[int, list[tuple[GridCell[int], Slot]]] = {}
        for cell, slot in piece.cells:
            rows.setdefault(cell.row, []).append((cell, slot))
        slivers: set[int] = set()
        for row in rows.values():
            values = [cell.box for cell, slot in row if piece.numeric(slot.text)]
            if len(values) < 2:
                continue
            width = statistics.median(x1 - x0 for x0, _, x1, _ in values)
            first = min(x0 for x0, _, _, _ in values)
            slivers |= {id(slot) for cell, slot in row if not slot.text.strip() and cell.box[0] > first
                        and cell.box[2] - cell.box[0] < _SLIVER * width}
        out.append(_doubted(piece, slivers, confidence))
    return out
