"""Rows printed with fewer values than cells (blank cells dropped from the text) placed by
the table's sums.

Each such row's values are placed by a guess (`fit._fit_short`): which columns the printed
values stand in is not printed. The template's relations over the whole table often allow
one placement only: section 三's column sums against a 总计 row printed whole, where columns
summing to 0 take no value. Every short row of the table is placed together (a placement of
one row alone could keep its column's sums with the other short rows placed alike, as a
page whose 总计 row is short too does: seed 1053), and only when exactly one placement of
all of them keeps every relation are they placed so, surely."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from ingest.layouts import Relation, TemplateLayout, expand_relations
from ingest.mapper.fit import Slot
from ingest.mapper.numbers import parse_number
from ingest.mapper.proposals import Proposal
from ingest.models import Number
from ingest.settings import Settings

PLACED_BY_SUMS = "row printed short; its values' columns the only ones the table's sums allow"


@dataclass(frozen=True)
class _ShortRow:
    prop: Proposal
    keys: list[str]
    printed: list[Slot]
    values: list[Number]
    # The columns the row's values were put in by the guess.
    guessed: tuple[int, ...]

    def placements(self) -> Iterator[tuple[int, ...]]:
        """The columns the printed values may stand in, in their order: one placement for each
        way of placing the values other than 0 (a 0 counts in no sum: where it stands, the sums
        cannot tell), the guess's first."""
        seen: set[tuple[tuple[int, Number], ...]] = set()
        every = itertools.combinations(range(len(self.keys)), len(self.values))
        for columns in itertools.chain([self.guessed], every):
            if (placed := self.nonzero(columns)) not in seen:
                seen.add(placed)
                yield columns

    def nonzero(self, columns: tuple[int, ...]) -> tuple[tuple[int, Number], ...]:
        return tuple((j, v) for j, v in zip(columns, self.values, strict=True) if v != 0)

    def placed(self, columns: tuple[int, ...], sure: float) -> list[Slot]:
        """The row's slots with its values in `columns`: those other than 0 surely placed, and
        the rest as well when no 0 is printed (else a 0's column and the blanks stay a guess)."""
        at = dict(zip(columns, self.printed, strict=True))
        blank = next((slot for slot in self.prop.slots if slot.blank), Slot(None, True, None, sure))
        zeros = 0 in self.values
        slots = []
        for j in range(len(self.keys)):
            slot = at.get(j, blank)
            if (j in at and self.values[columns.index(j)] != 0) or not zeros:
                reader = slot.cell.confidence if slot.cell is not None else 1.0
                slot = replace(slot, confidence=sure * reader, note=PLACED_BY_SUMS)
            slots.append(slot)
        return slots


def place_short_rows(chain: list[Proposal], layout: TemplateLayout, s: Settings,
                     printed_blank: Iterable[str] = ()) -> None:
    """The short rows of `chain` placed where the relations over the table leave one way
    for all of them together (their slots replaced, surely placed); else left as guessed.
    `printed_blank`: the cells of rows printed with their label alone (0 in the sums)."""
    rows: list[_ShortRow] = []
    known: dict[str, Number] = dict.fromkeys(printed_blank, 0)
    # The relations over the rows the document prints (a merged row's, not those it replaces).
    replaced = {key for prop in chain for rep in prop.row.replaces
                for key in layout.row_by_key(prop.row.section, rep).cell_keys()}
    present = [key for prop in chain for key in prop.row.cell_keys()] + list(known)
    relations = expand_relations(layout, [key for key in present if key not in replaced])
    for prop in chain:
        keys = [prop.row.cell_key(column) for column in prop.row.columns]
        if any(slot.short_row for slot in prop.slots):
            guessed = tuple(j for j, slot in enumerate(prop.slots) if not slot.blank and slot.text is not None)
            if not guessed:
                continue  # no value printed (a page cut short after the row's header): nothing to place
            values = [_number(prop.slots[j]) for j in guessed]
            if any(v is None for v in values):
                return  # a printed value that is no number: its row cannot be placed by sums
            rows.append(_ShortRow(prop, keys, [prop.slots[j] for j in guessed], [v for v in values if v is not None],
                                  guessed))
        else:
            # A blank stands for 0 (the rows printed short drop their zeros' cells); a cell
            # that is no number leaves the relations over it out.
            known.update((key, v) for key, slot in zip(keys, prop.slots, strict=True)
                         if (v := _number(slot)) is not None)
    if not rows or any(v < 0 for v in [*known.values(), *(v for r in rows for v in r.values)]):
        return  # sums of values that may be negative bound nothing
    solution = _only_placement(rows, known, relations, s.mapper.short_row_search_nodes)
    if solution is None:
        return
    for row, columns in zip(rows, solution, strict=True):
        row.prop.slots = row.placed(columns, s.confidence.exact)


def _number(slot: Slot) -> Number | None:
    if slot.blank or not slot.text:
        return 0
    try:
        return parse_number(slot.text)
    except ValueError:
        return None


def _only_placement(rows: list[_ShortRow], known: dict[str, Number], relations: list[Relation],
                    max_nodes: int) -> list[tuple[int, ...]] | None:
    """The one placement of every short row under which each relation over the table holds
    (a relation over a cell the table did not give is left out; placements apart only in
    where a 0 stands are one); None when there is none, more than one, or more than
    `max_nodes` partial placements were tried."""
    owner = {key: i for i, row in enumerate(rows) for key in row.keys}
    usable = [rel for rel in relations if all(k in known or k in owner for k in rel.all_keys())
              and any(k in owner for k in rel.all_keys())]
    # Each relation is looked at once the last short row it holds a cell of is placed (then
    # whole), and before that bounded: values are not negative, so a side placed whole cannot
    # be less than the other's part placed so far.
    by_row: dict[int, list[Relation]] = {}
    for rel in usable:
        for i in sorted({owner[k] for k in rel.all_keys() if k in owner}):
            by_row.setdefault(i, []).append(rel)
    values: dict[str, Number] = dict(known)
    found: list[list[tuple[int, ...]]] = []
    chosen: list[tuple[int, ...]] = []
    nodes = 0

    def side(keys: tuple[str, ...], depth: int) -> tuple[Number, bool]:
        total: Number = 0
        whole = True
        for k in keys:
            if k in owner and owner[k] > depth:
                whole = False
            else:
                total += values[k]
        return total, whole

    def fits(depth: int) -> bool:
        for rel in by_row.get(depth, []):
            (left, left_whole), (right, right_whole) = side(rel.left, depth), side(rel.right, depth)
            if (left_whole and right_whole and left != right) or (left_whole and right > left) or (
                    right_whole and left > right):
                return False
        return True

    def search(depth: int) -> bool:
        """False once the search is to stop (a second placement found, or too many tried)."""
        nonlocal nodes
        if depth == len(rows):
            found.append(list(chosen))
            return len(found) < 2
        row = rows[depth]
        for columns in row.placements():
            nodes += 1
            if nodes > max_nodes:
                return False
            placed = dict.fromkeys(row.keys, 0) | {row.keys[j]: v for j, v in zip(columns, row.values, strict=True)}
            values.update(placed)
            if fits(depth):
                chosen.append(columns)
                going = search(depth + 1)
                chosen.pop()
                if not going:
                    return False
        return True

    finished = search(0)
    return found[0] if finished and len(found) == 1 else None
