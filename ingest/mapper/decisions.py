"""Each row's reading chosen over the whole table (`cuts.cut_table`), and what stays unsure.

Where the table's sums leave several readings of a row equally good, the report's prose may
quote the numbers; else the likeliest is the guess and the cells the readings disagree on are
flagged with the alternatives. Where the table breaks a relation as printed, a row whose cut
only that relation chose is doubted too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ingest.layouts import Relation
from ingest.mapper.blanks import blank_column, dropped_blank, into_column, printed_in_blank_column
from ingest.mapper.cut_prose import by_prose
from ingest.mapper.cuts import RowCuts, Values, applicable_relations, cut_table, own_relations
from ingest.models import Number
from ingest.settings import Settings


@dataclass(frozen=True)
class RowDecision:
    """Which cut of a row is printed as its value, and how sure the table makes it."""

    choice: int
    # Columns whose value differs between the best cuts: flagged, with the alternatives.
    candidates: dict[int, list[Number]] = field(default_factory=dict)
    # The best table cut breaks a relation through this row, which could be cut otherwise
    # without the broken relations: its cells that no other cut changes are weak too.
    in_broken: bool = False
    # The best cuts were told apart by the numbers the report's prose quotes.
    by_prose: bool = False
    # The row's dropped blank was put in the column the table leaves blank (ingest/mapper/blanks.py).
    by_column: bool = False
    # Columns of `candidates` that some best cut leaves blank (a blank is not a candidate value).
    may_be_blank: frozenset[int] = frozenset()


def differing(options: Sequence[Values]) -> dict[int, list[Number]]:
    """The columns whose value differs between these readings of a row, with the values (a
    blank is no value)."""
    return {col: sorted({v for o in options if (v := o[col]) is not None})
            for col in range(len(options[0])) if len({o[col] for o in options}) > 1}


def _blank_elsewhere(row: RowCuts, choice: int) -> dict[int, list[Number]]:
    """The columns the chosen reading fills that another reading of the row leaves blank, with
    the values the readings give them."""
    chosen = row.options[choice]
    blank = {col for option in row.options for col, v in enumerate(option) if v is None and chosen[col] is not None}
    return {col: values for col, values in differing(list(row.options)).items() if col in blank}


def decide(rows: list[RowCuts], relations: list[Relation], prose: str, s: Settings) -> list[RowDecision]:
    """A decision for every row: its best cut over the whole table, what stays unsure."""
    table = cut_table(rows, relations, s)
    own_terms = own_relations(applicable_relations(relations, rows), len(rows))
    choices: list[int] = []
    decisions: list[RowDecision] = []
    for r, (row, best) in enumerate(zip(rows, table.best, strict=True)):
        pool = best or tuple(range(len(row.options)))
        if len(pool) == 1:
            choices.append(pool[0])
            decisions.append(RowDecision(pool[0]))
            continue
        chosen = by_prose(row, pool, prose, s)
        if chosen is not None:
            choices.append(chosen)
            decisions.append(RowDecision(chosen, by_prose=True))
            continue
        decisions.append(_guessed(row, pool, own_terms[r]))
        choices.append(decisions[-1].choice)
    sums = _sums(rows, relations, choices)
    held = {(r, c) for _, terms, diff in sums if diff == 0 for r, c, _ in terms}
    # A cut chosen only because blanks in one column void fewer relations than blanks spread
    # out is no evidence of where a dropped blank was (ingest/mapper/blanks.py).
    blanks = [
        dropped_blank(rows, r, choices, {c for rr, c in held if rr == r},
                      [terms for _, terms, _ in sums if any(rr == r for rr, _, _ in terms)])
        for r in range(len(rows))
    ]
    column = blank_column(rows, blanks, relations)
    for r, (row, blank) in enumerate(zip(rows, blanks, strict=True)):
        moved = into_column(row, choices[r], column) if column and len(blank.places) > 1 else None
        if moved is not None and not decisions[r].candidates:
            choices[r] = moved
            decisions[r] = RowDecision(moved, by_column=True)
        else:
            decisions[r] = replace(decisions[r], candidates={**blank.unsure, **decisions[r].candidates},
                                   may_be_blank=decisions[r].may_be_blank | frozenset(blank.unsure))
    for r, other in printed_in_blank_column(rows, choices).items():
        habit = rows[r].options[other]
        differ = differing([rows[r].options[choices[r]], habit])
        decisions[r] = replace(decisions[r], candidates={**differ, **decisions[r].candidates},
                               may_be_blank=decisions[r].may_be_blank | {c for c in differ if habit[c] is None})
    broken = {rel.id for rel, _, diff in sums if diff} if table.cost else set()
    if broken:
        decisions = [_parts_whole_doubted(rows[r], d, own_terms[r]) for r, d in enumerate(decisions)]
        # Without the relations the printed numbers break, is each row's cut still the only one?
        kept = [rel for rel in relations if rel.id not in broken]
        alone = cut_table(rows, kept, s).best
        # A row whose chosen cut breaks its own sum where a reading with blanks dropped keeps it
        # was cut by other rows' relations alone: a real page printed 821,35,_,_,2,1,859 as
        # 8213521859, and rows alike cut alike wrongly (821|3|5|2|1|8|59 and 767|3|5|2|1|80|5)
        # keep four columns' balance.
        own = [(terms[0][0], terms, diff) for _, terms, diff in sums if len({r for r, _, _ in terms}) == 1]
        own_broken = {r for r, terms, diff in own
                      if diff and any(_holds_printed(opt, terms) for opt in rows[r].options)}
        # Cut where a relation breaks, a row's cell another reading leaves blank is no surer
        # than the break: the page may have dropped it (seed 5353: a blank 总计 read as 0, the
        # run's digits pushed into the next cells, breaking their sum).
        decisions = [
            replace(d, in_broken=True, by_column=False,
                    candidates={**_blank_elsewhere(rows[r], d.choice), **d.candidates})
            if len(rows[r].options) > 1 and (alone[r] != (d.choice,) or r in own_broken) else d
            for r, d in enumerate(decisions)
        ]
    return decisions


def _guessed(row: RowCuts, pool: Sequence[int], own: list[list[tuple[int, int, int]]]) -> RowDecision:
    """The likeliest of a row's equally good readings (`guess_rank`), unsure where they differ."""
    guess = min(pool, key=lambda o: guess_rank(row, o, own))
    unsure = differing([row.options[o] for o in pool])
    blank_cols = frozenset(col for col in unsure if any(row.options[o][col] is None for o in pool))
    return RowDecision(guess, unsure, may_be_blank=blank_cols)


def _parts_whole_doubted(row: RowCuts, decision: RowDecision, own: list[list[tuple[int, int, int]]]) -> RowDecision:
    """In a table that does not add up, a sure cut splitting parts the page set apart with
    spaces is no surer than a reading that keeps more of them whole and the row's own sums,
    its blanks as 0: the relations that chose the cut may be the ones the table breaks, and a
    page leaving its zeros blank prints 1315,549,_,_,_,_,1864 as 1315 549 1864, which
    13|15|5|4|9|18|64 also adds up to. The likelier is the guess, unsure where they differ."""
    if decision.candidates or decision.by_prose:
        return decision
    split = row.splits_printed(decision.choice)
    whole = [o for o in range(len(row.options)) if row.splits_printed(o) < split and not guess_rank(row, o, own)[1]]
    return _guessed(row, [decision.choice, *whole], own) if whole else decision


def guess_rank(row: RowCuts, option: int, own: list[list[tuple[int, int, int]]]) -> tuple[int, int, int, int]:
    """How a reading ranks as the guess among a row's equally good ones, likeliest least: it
    keeps the parts the page set apart with spaces whole (seed 7575: 8045 0 8045, not
    8|0|4|5|0|80|45), keeps the row's own sums with its blanks as 0 (a page leaving its zeros
    blank: 18724211 as 187,24,_,_,_,_,211, not 1,8,7,2,4,2,11), then has the evenest pieces."""
    values = row.options[option]
    broken = sum(1 for terms in own if sum(sign * (values[c] or 0) for _, c, sign in terms))
    return row.splits_printed(option), broken, max(len(t or "") for t in row.texts[option]), option


def _holds_printed(option: Values, terms: list[tuple[int, int, int]]) -> bool:
    """Whether a reading of a row keeps a relation over its own cells, blanks adding nothing,
    with a number printed on either side."""
    signed = [(sign, v) for (_, c, sign) in terms if (v := option[c]) is not None]
    return {sign for sign, _ in signed} == {1, -1} and sum(sign * v for sign, v in signed) == 0


def _sums(rows: list[RowCuts], relations: list[Relation], choices: list[int]
          ) -> list[tuple[Relation, list[tuple[int, int, int]], Number | None]]:
    """Every applicable relation with its terms and its difference under the chosen cuts
    (None: voided by a blank)."""
    out = []
    for rel, terms in applicable_relations(relations, rows):
        values = [(sign, rows[r].options[choices[r]][c]) for r, c, sign in terms]
        voided = any(v is None for _, v in values)
        out.append((rel, terms, None if voided else sum(sign * v for sign, v in values if v is not None)))
    return out
