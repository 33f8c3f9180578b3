"""Where the blank cell a run of digits dropped lies (the runs are cut in ingest/mapper/cuts.py).

A run printed with a cell too few left a blank cell out. A 0 and a blank add nothing to any
sum, so the relations cannot tell the blank from the zeros beside it (the same digits either
way): those cells stay unsure, unless the table shows one column left blank: every row
printing a cell too few, several settling their blank in that column by their digits or by
the counts (a 总计 read as 0 beside a detail of 2 cannot be: its blank is the 总计), none
elsewhere (总计 blank on a 2019 page's detail rows). One row's counts alone settle nothing:
the document may break that relation as printed. The blank could have moved further only by displacing a number, which
a relation that holds over that number rules out; a number none holds leaves every cell unsure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.models import Number

if TYPE_CHECKING:  # cuts calls this module
    from ingest.layouts import Relation
    from ingest.mapper.cuts import RowCuts, Values

# A relation's (row, column, sign) terms.
Terms = list[tuple[int, int, int]]
# Rows that must settle their blank in one column before the rows that cannot are put there.
_VOTES = 2
# The share of a section's rows leaving one cell blank that leave it in one column: the page's habit.
_HABIT_SHARE = 0.75


@dataclass(frozen=True)
class DroppedBlank:
    """A row's cells that stay unsure (with their alternatives), where its one blank may lie
    by the digits, and where once no relation over counts is broken as printed."""

    unsure: dict[int, list[Number]]
    places: frozenset[int] = frozenset()
    bounded: frozenset[int] = frozenset()


def impossible(terms: Terms, value: Callable[[int, int], Number | None]) -> bool:
    """Whether a relation over counts cannot hold whatever its blank cells (≥ 0) stand for."""
    sides = [[value(r, c) for r, c, sign in terms if sign == want] for want in (1, -1)]
    if any(v is not None and v < 0 for side in sides for v in side):
        return False
    known = [sum((v for v in side if v is not None), start=0) for side in sides]
    blank = [any(v is None for v in side) for side in sides]
    return (not blank[0] and known[0] < known[1]) or (not blank[1] and known[1] < known[0])


def _moved(option: Values, blank: int, place: int) -> Values:
    out = list(option)
    out[blank], out[place] = option[place], None
    return tuple(out)


def dropped_blank(rows: list[RowCuts], r: int, choices: list[int], held: set[int], terms: list[Terms]) -> DroppedBlank:
    """What row `r`'s chosen cut leaves unsure about its dropped blank (`held`: its columns in
    a relation that holds; `terms`: the relations over the row)."""
    row = rows[r]
    option = row.options[choices[r]]
    if None not in option or len(row.options) < 2:
        return DroppedBlank({})
    differ = {
        col: sorted({v for o in row.options if (v := o[col]) is not None and v != value}) or [0]
        for col, value in enumerate(option)
        if any(o[col] != value for o in row.options)
    }
    if any(option[col] and col not in held for col in differ):
        return DroppedBlank(differ)

    def reading(cut: Values) -> Callable[[int, int], Number | None]:
        return lambda rr, c: cut[c] if rr == r else rows[rr].options[choices[rr]][c]

    def ruled_out(cut: Values) -> bool:
        return any(impossible(t, reading(cut)) and not impossible(t, reading(option)) for t in terms)

    blanks = [c for c, v in enumerate(option) if v is None]
    places, bounded = set(blanks), set(blanks)
    for blank in blanks:
        for step in (-1, 1):
            col = blank + step
            while 0 <= col < len(option) and option[col] == 0:
                places.add(col)
                if not ruled_out(_moved(option, blank, col)):
                    bounded.add(col)
                col += step
    unsure: dict[int, list[Number]] = {c: [0] for c in places} if len(places) > len(blanks) else {}
    if len(blanks) > 1:
        return DroppedBlank(unsure)
    return DroppedBlank(unsure, frozenset(places), frozenset(bounded))


def _column(row: RowCuts, col: int) -> tuple[str, str]:
    """A cell's section and column name (s3.new.total → s3, total)."""
    key = row.keys[col]
    return key.split(".", 1)[0], key.rsplit(".", 1)[-1]


def _sum_column(row: RowCuts, relations: Sequence[Relation]) -> tuple[str, str] | None:
    """The row's one column that sums its others: the lone left side of a relation over its own cells."""
    keys = set(row.keys)
    found = {_column(row, row.keys.index(rel.left[0])) for rel in relations
             if len(rel.left) == 1 and len(rel.right) > 1 and keys.issuperset(rel.all_keys())}
    return found.pop() if len(found) == 1 else None


def blank_column(rows: list[RowCuts], blanks: list[DroppedBlank],
                 relations: Sequence[Relation]) -> tuple[str, str] | None:
    """The column every row of its section printing a cell too few left blank: at least
    `_VOTES` rows whose digits or counts settle their blank put it there (one could be a
    relation the document breaks), no row puts it elsewhere, and every other row could. Where
    no row's digits tell (a table of zeros), the column that sums the others (总计): a page
    leaves the column it does not add up blank throughout, not one of its counts."""
    settled = [_column(rows[r], next(iter(b.bounded))) for r, b in enumerate(blanks) if len(b.bounded) == 1]
    if settled:
        if len(set(settled)) != 1 or len(settled) < _VOTES:
            return None
        column = settled[0]
    else:
        short = [r for r, b in enumerate(blanks) if b.places]
        sums = {_sum_column(rows[r], relations) for r in short}
        if len(short) < _VOTES or len(sums) != 1 or (column_or_none := sums.pop()) is None:
            return None
        column = column_or_none
    for row, blank in zip(rows, blanks, strict=True):
        cols = [c for c in range(len(row.keys)) if _column(row, c) == column]
        printed_nothing = len(row.options) == 1 and all(v is None for v in row.options[0])
        if cols and not printed_nothing and not (len(cols) == 1 and cols[0] in blank.places):
            return None
    return column


def into_column(row: RowCuts, choice: int, column: tuple[str, str]) -> int | None:
    """The cut of the row that puts its one blank in `column` instead (trading it with a 0)."""
    option = row.options[choice]
    blank = option.index(None)
    place = next(c for c in range(len(row.keys)) if _column(row, c) == column)
    moved = _moved(option, blank, place)
    return next((o for o, cut in enumerate(row.options) if cut == moved), None)


def printed_in_blank_column(rows: list[RowCuts], choices: list[int]) -> dict[int, int]:
    """Rows read with every cell printed whose digits also allow the cut that leaves blank the
    column most rows of their section leave blank (three in four of those leaving one, at
    least `_VOTES`): each such row's other cut. A page leaving 总计 blank throughout prints
    "0010 0 0 0" as 0 0 10 0 0 0 and a blank as readily as 0 0 1 0 0 0 0; the relations it
    breaks as printed cannot tell (a blank read elsewhere voids one of them as well)."""
    left_blank: dict[str, list[tuple[str, str]]] = {}
    for row, choice in zip(rows, choices, strict=True):
        option = row.options[choice]
        if option.count(None) == 1 and len(row.options) > 1:
            column = _column(row, option.index(None))
            left_blank.setdefault(column[0], []).append(column)
    habits = {}
    for section, columns in left_blank.items():
        most = max(set(columns), key=columns.count)
        if columns.count(most) >= max(_VOTES, _HABIT_SHARE * len(columns)):
            habits[section] = most
    out: dict[int, int] = {}
    for r, (row, choice) in enumerate(zip(rows, choices, strict=True)):
        habit = habits.get(_column(row, 0)[0]) if row.keys else None
        if habit is None or None in row.options[choice]:
            continue
        other = next((o for o, cut in enumerate(row.options)
                      if cut.count(None) == 1 and _column(row, cut.index(None)) == habit), None)
        if other is not None:
            out[r] = other
    return out
