"""What the cells a relation rests on may hold when the reader was unsure of some, and whether
the relation is broken whichever way that doubt is settled.

A cell read sure holds its value. A cell of digits run together holds one of its `candidates`,
and its row's pieces together hold the row's printed digits (`00004800` is 4 and 80 or 48 and 0,
never all zeros). Another cell of an exactly read format whose place in its row is unsure holds
one of the numbers its row prints or a piece of one, or nothing. A cell not found, or read by OCR
and flagged, may hold anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ingest.mapper.chain import RUN_MAY_BE_BLANK
from ingest.models import CellReading, CheckResult, Number, row_of

# More partial sums than this: the relation is not decided (left to the cells' reviews).
MAX_STATES = 20_000
# Pieces of a row's run tried: past this the row may hold anything its cells may.
MAX_ROW_READINGS = 2_000

Reading = tuple[Number | None, ...]


@dataclass(frozen=True)
class _Row:
    keys: tuple[str, ...]
    readings: list[Reading]


def _pieces(run: str, allowed: list[set[str]], at: int = 0) -> Iterator[tuple[str, ...]]:
    """Every way to cut `run` into one piece per cell, each piece one the cell allows ("": blank)."""
    if at == len(allowed):
        if not run:
            yield ()
        return
    for piece in sorted(allowed[at]):
        if run.startswith(piece):
            for rest in _pieces(run[len(piece):], allowed, at + 1):
                yield (piece, *rest)


def _numbers_in(digits: str) -> set[int]:
    """Every number a piece of the digits can be (no leading zeros)."""
    return {int(digits[i:j]) for i in range(len(digits)) for j in range(i + 1, len(digits) + 1)
            if digits[i] != "0" or j == i + 1}


def alternatives(cell: CellReading, blank_needed: bool = True) -> set[str]:
    """The pieces a cell of digits run together may print ("": blank). A cut of the table may
    leave it blank; that reading is weighed only where the row's digits are too few for every
    cell (`blank_needed`): a run long enough for all its cells is read as printing them all."""
    may_be_blank = blank_needed and any(RUN_MAY_BE_BLANK in n for n in cell.notes)
    blank = {""} if cell.text is None or may_be_blank else set()
    return {str(v) for v in cell.candidates} | {cell.text or ""} | blank


def _run_readings(cells: list[CellReading]) -> list[Reading] | None:
    """The readings of a row of digits run together that agree with its cells' candidates and
    use every digit it prints; None when the row is not such a row."""
    if not any(c.candidates for c in cells):
        return None
    if any(c.text is not None and not c.text.isdigit() for c in cells):
        return None
    run = "".join(c.text or "" for c in cells)
    allowed = [alternatives(c, len(run) < len(cells)) if c.candidates else {c.text or ""} for c in cells]
    out: list[Reading] = []
    for pieces in _pieces(run, allowed):
        out.append(tuple(int(p) if p else None for p in pieces))
        if len(out) > MAX_ROW_READINGS:
            return None
    return out or None


class Doubt:
    """The readings the cells of one report may take."""

    def __init__(self, cells: Mapping[str, CellReading], sure: set[str], exact: bool) -> None:
        self.cells = cells
        self.sure = sure
        self.exact = exact

    def _free(self, key: str) -> bool:
        """Whether the cell may hold anything (nothing tells which numbers it could be)."""
        cell = self.cells[key]
        return key not in self.sure and not cell.candidates and (not self.exact or not cell.found)

    def _row(self, row: str, keys: list[str]) -> _Row | None:
        """The readings the row's `keys` may take together; None when there are too many."""
        own = [k for k in self.cells if row_of(k) == row]
        cells = [self.cells[k] for k in own]
        if any(k not in self.sure for k in own):
            run = _run_readings(cells)
            if run is not None:
                return _Row(tuple(own), run)
        # Cells placed unsure within their row: any number the row prints (or a piece of one: a
        # lone 22 may be two cells run together), or nothing.
        printed = {c.value for c in cells if c.value is not None} | {
            n for c in cells if c.text and c.text.isdigit() for n in _numbers_in(c.text)}
        options = [[self.cells[k].value] if k in self.sure or self._free(k) else
                   [*sorted(printed | set(self.cells[k].candidates), key=Decimal), None] for k in keys]
        readings: list[Reading] = [()]
        for values in options:
            readings = [(*r, v) for r in readings for v in values]
            if len(readings) > MAX_ROW_READINGS:
                return None
        return _Row(tuple(keys), readings)

    def _states(self, keys: list[str], left: set[str]) -> set[tuple[Number, bool, bool]] | None:
        """Every (sum of `left` − sum of the others, a left cell printed, another printed) the
        keys' readings reach (free cells left out); None when there are too many."""
        rows: dict[str, list[str]] = {}
        for key in keys:
            rows.setdefault(row_of(key), []).append(key)
        states: set[tuple[Number, bool, bool]] = {(0, False, False)}
        for row, own in rows.items():
            found = self._row(row, own)
            if found is None:
                return None
            index = [found.keys.index(k) for k in own]
            moves = set()
            for reading in found.readings:
                diff: Number = 0
                lp = rp = False
                for key, i in zip(own, index, strict=True):
                    value = reading[i]
                    if value is None:
                        continue
                    if key in left:
                        diff, lp = diff + value, True
                    else:
                        diff, rp = diff - value, True
                moves.add((diff, lp, rp))
            states = {(d + md, lp or ml, rp or mr) for d, lp, rp in states for md, ml, mr in moves}
            if len(states) > MAX_STATES:
                return None
        return states

    def broken_whatever(self, check: CheckResult, never_negative: set[str]) -> bool:
        """Whether no reading of its unsure cells makes the relation hold (or void it by a
        blank side): the break is the document's, whichever way their reviews go."""
        left = set(check.left)
        free = [k for k in check.cells if self._free(k)]
        if any(k not in never_negative for k in free):
            return False
        states = self._states([k for k in check.cells if k not in free], left)
        if states is None:
            return False
        grows_left = any(k in left for k in free)
        grows_right = any(k not in left for k in free)
        for diff, lp, rp in states:
            # A side that may be all blank voids the relation (a free cell may be blank too).
            if not lp or not rp:
                return False
            if diff == 0 or (grows_left and diff < 0) or (grows_right and diff > 0):
                return False
        return True

    def may_sum_to(self, keys: list[str], value: Number) -> bool:
        """Whether some reading of the cells prints a sum of `value` (a free cell: any sum)."""
        if any(self._free(k) for k in keys):
            return True
        states = self._states(keys, set(keys))
        return states is None or any(lp and diff == value for diff, lp, _ in states)
