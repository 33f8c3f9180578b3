"""Runs of digits cut into cells over a whole table at once.

A web page's text with the table markup stripped prints a row's cells with no separator
(`713000074`). Each row's possible cuts are known (the template's column count, no
leading zeros), but a row alone often allows several; the template's relations tie the
rows together (each row's 总计, section 三's balance and outcome columns, section 四's
sums). A dynamic programme over the rows in template order keeps, for every combination
of the partial sums of the relations still open, the fewest relations broken so far; a
backward pass then tells which cuts of each row take part in some best cut of the whole
table. Where that is one cut per row, the table is certain; where it is several, the
cells they disagree on are ambiguous (ingest/mapper/decisions.py chooses and flags).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.layouts import Relation
from ingest.mapper.numbers import parse_number
from ingest.models import Number
from ingest.settings import Settings

Values = tuple[Number | None, ...]
# Differences of the relations still open (None: voided by a blank).
State = tuple[Number | None, ...]


@dataclass(frozen=True)
class RowCuts:
    """A row's cell keys and every way its printed text can be read (one when fixed)."""

    keys: tuple[str, ...]
    texts: tuple[tuple[str | None, ...], ...]
    options: tuple[Values, ...]
    # The row's label (core), to find the numbers the report's prose quotes for it.
    label: str = ""
    # The run's text split where it had spaces (none: not known).
    printed: tuple[str, ...] = ()

    @classmethod
    def parse(cls, keys: tuple[str, ...], texts: Sequence[tuple[str | None, ...]], decimal: list[bool],
              label: str = "", printed: tuple[str, ...] = ()) -> RowCuts:
        """Options parsed as numbers (None: blank or not a number)."""
        def number(text: str | None, dec: bool) -> Number | None:
            try:
                return None if text is None else parse_number(text, decimal=dec)
            except ValueError:
                return None

        options = tuple(tuple(number(t, d) for t, d in zip(cut, decimal, strict=True)) for cut in texts)
        return cls(keys, tuple(texts), options, label, printed)

    def splits_printed(self, option: int) -> int:
        """How many of the run's space-separated parts this reading cuts into several cells."""
        cuts = set(itertools.accumulate(len(t or "") for t in self.texts[option]))
        ends = list(itertools.accumulate(len(p) for p in self.printed))
        return sum(1 for start, end in zip([0, *ends], ends, strict=False) if any(start < c < end for c in cuts))


@dataclass(frozen=True)
class TableCut:
    """The options of each row that appear in some best cut of the whole table."""

    best: list[tuple[int, ...]]
    # What a best cut costs (0: every relation holds, none voided by a blank read).
    cost: int
    # False when the search was bounded: then `best` is every option of an uncertain row.
    exhaustive: bool
    # States kept at the widest step of the search (the benchmark reports the worst case).
    widest: int


@dataclass(frozen=True)
class _Term:
    relation: int
    col: int
    sign: int


def applicable_relations(relations: list[Relation], rows: list[RowCuts]
                         ) -> list[tuple[Relation, list[tuple[int, int, int]]]]:
    """Relations over cells all present, as (row, column, sign) terms. A blank cell is not a
    zero: a relation over a cell blank in every reading does not apply (and one over a cell
    blank in some readings does not apply to those)."""
    where = {key: (r, c) for r, row in enumerate(rows) for c, key in enumerate(row.keys)}
    out = []
    for rel in relations:
        if not all(k in where for k in rel.all_keys()):
            continue
        terms = [(*where[k], 1) for k in rel.left] + [(*where[k], -1) for k in rel.right]
        if any(all(opt[c] is None for opt in rows[r].options) for r, c, _ in terms):
            continue
        out.append((rel, terms))
    return out


def _order(rows: list[RowCuts]) -> list[int]:
    """Rows with one reading first (they fix sums without branching), then the rest by
    how many cuts they allow: sums known early let sure breaks close relations early."""
    return sorted(range(len(rows)), key=lambda r: (len(rows[r].options), r))


def _can_move(rows: list[RowCuts], terms: list[tuple[int, int, int]]) -> tuple[bool, bool]:
    """Whether these terms can raise / lower a relation's difference (a term that may be
    read blank can do both: it voids the relation)."""
    values = [opt[c] for r, c, _ in terms for opt in rows[r].options]
    if any(v is None for v in values):
        return True, True
    moves = [sign * v for r, c, sign in terms for opt in rows[r].options if (v := opt[c]) is not None]
    return any(m > 0 for m in moves), any(m < 0 for m in moves)


def _own_cost(option: Values, extra_blanks: int, own: list[list[tuple[int, int, int]]], s: Settings) -> int:
    """What a reading of a row costs by the relations within the row alone and its blanks."""
    cost = s.cuts.cost_blank_not_last * extra_blanks
    for terms in own:
        values = [option[c] for _, c, _ in terms]
        if any(v is None for v in values):
            cost += s.cuts.cost_voided
        elif sum(sign * v for (_, _, sign), v in zip(terms, values, strict=True) if v is not None):
            cost += s.cuts.cost_broken
    return cost


def _to_come(rows: list[RowCuts], order: list[int], applicable: list[tuple[Relation, list[tuple[int, int, int]]]],
             s: Settings) -> list[int]:
    """After step k, the least the rows still to come must cost: each one's cheapest reading by itself."""
    own_terms = own_relations(applicable, len(rows))
    least = []
    for r in order:
        own = own_terms[r]
        inner = [sum(v is None for v in option[:-1]) for option in rows[r].options]
        least.append(min(_own_cost(o, n - min(inner), own, s) for o, n in zip(rows[r].options, inner, strict=True)))
    return [sum(least[k + 1:]) for k in range(len(order))]


def cut_table(rows: list[RowCuts], relations: list[Relation], s: Settings, bound: int | None = None) -> TableCut:
    """The best cuts of every row together: fewest relations broken over the whole table.

    Rows are taken in `_order`; a state holds the differences (left - right so far) of the
    relations still open. A relation closes at its last row, or earlier once the rows still
    to come can no longer bring its difference back to zero (a break for sure). A cut costs
    `cuts.cost_broken` a relation broken and `cuts.cost_voided` a relation voided by a reading that
    leaves one of its cells blank (as much: else reading blanks, a 总计 printed 0 read as a blank
    and its digit glued to the next cell, would be a way out of every relation); and
    `cuts.cost_blank_not_last` a blank read anywhere but in a row's last cell (where nothing else
    tells, the blank a run dropped is its 总计, left blank on detail rows, a 2019 habit). At most
    `cuts.max_states` states are kept at each step, none sure to cost more than `bound` (a narrow
    search's best, `cuts.bound_*` a step; sure: relations voided, each row to come alone): readings
    of blanks dropped anywhere on a page swamped the search."""
    if bound is None and any(len(row.options) > 1 for row in rows):
        narrow = replace(s, cuts=replace(s.cuts, max_states=s.cuts.bound_states, max_step_work=s.cuts.bound_step_work))
        bound = cut_table(rows, relations, narrow, bound=1 << 30).cost
    order = _order(rows)
    applicable = applicable_relations(relations, rows)
    to_come = _to_come(rows, order, applicable, s)
    step_of = {r: k for k, r in enumerate(order)}
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    terms_at: list[list[_Term]] = [[] for _ in rows]
    # After step k, whether the steps still to come can raise / lower relation i's difference.
    moves_after: dict[tuple[int, int], tuple[bool, bool]] = {}
    for i, (_, terms) in enumerate(applicable):
        steps_in = sorted({step_of[r] for r, _, _ in terms})
        first[i], last[i] = steps_in[0], steps_in[-1]
        for r, c, sign in terms:
            terms_at[step_of[r]].append(_Term(i, c, sign))
        for k in range(first[i], last[i]):
            moves_after[(i, k)] = _can_move(rows, [t for t in terms if step_of[t[0]] > k])

    open_rel: list[int] = []
    forward: list[dict[State, int]] = [{(): 0}]
    steps: list[list[tuple[State, int, State, int]]] = []
    exhaustive = True
    widest = 1
    for k, r in enumerate(order):
        opening = [i for i in range(len(applicable)) if first[i] == k]
        now_open = open_rel + opening
        index = {rel: j for j, rel in enumerate(now_open)}
        layer: dict[State, int] = {}
        step = []
        inner_blanks = [sum(v is None for v in option[:-1]) for option in rows[r].options]
        # Each state is tried with each of the row's cuts: past `cuts.max_step_work` pairs only
        # the cheapest states go on (a page of blanks dropped from long runs took minutes).
        states = forward[-1]
        cap = max(1, s.cuts.max_step_work // len(rows[r].options))
        if len(states) > cap:
            exhaustive = False
            states = dict(sorted(states.items(), key=lambda kv: kv[1])[:cap])
        for state, cost in states.items():
            for o, option in enumerate(rows[r].options):
                diffs: list[Number | None] = [*state, *([0] * len(opening))]
                for term in terms_at[k]:
                    value, j = option[term.col], index[term.relation]
                    diff = diffs[j]
                    # A blank in this reading voids the relation (None): it no longer applies.
                    diffs[j] = None if diff is None or value is None else diff + term.sign * value
                added = s.cuts.cost_blank_not_last * (inner_blanks[o] - min(inner_blanks))
                kept: list[Number | None] = []
                for j, rel in enumerate(now_open):
                    diff = diffs[j]
                    if last[rel] == k:
                        added += s.cuts.cost_voided if diff is None else s.cuts.cost_broken * (diff != 0)
                        continue
                    up, down = moves_after[(rel, k)]
                    if diff is not None and ((diff > 0 and not down) or (diff < 0 and not up)):
                        added += s.cuts.cost_broken
                        kept.append(0)  # broken for sure: its difference no longer matters
                    else:
                        kept.append(diffs[j])
                nxt = tuple(kept)
                step.append((state, o, nxt, added))
                if cost + added < layer.get(nxt, 1 << 30):
                    layer[nxt] = cost + added
        if bound is not None:
            layer = {state: cost for state, cost in layer.items()
                     if cost + s.cuts.cost_voided * state.count(None) + to_come[k] <= bound}
            step = [t for t in step if t[2] in layer]
        if len(layer) > s.cuts.max_states:
            exhaustive = False
            layer = dict(sorted(layer.items(), key=lambda kv: kv[1])[: s.cuts.max_states])
            step = [t for t in step if t[2] in layer]
        widest = max(widest, len(layer))
        forward.append(layer)
        steps.append(step)
        open_rel = [rel for rel in now_open if last[rel] != k]

    best_cost = min(forward[-1].values()) if forward[-1] else 0
    # Backward: the fewest breaks still to come from each state.
    to_go: dict[State, int] = {state: 0 for state in forward[-1]}
    best: list[tuple[int, ...]] = [() for _ in rows]
    for k in range(len(order) - 1, -1, -1):
        before: dict[State, int] = {}
        used: set[int] = set()
        for state, o, nxt, added in steps[k]:
            if nxt not in to_go:
                continue
            rest = added + to_go[nxt]
            if rest < before.get(state, 1 << 30):
                before[state] = rest
            if forward[k].get(state, 1 << 30) + rest == best_cost:
                used.add(o)
        best[order[k]] = tuple(sorted(used))
        to_go = before
    if not exhaustive:
        best = [b if len(row.options) == 1 else tuple(range(len(row.options)))
                for b, row in zip(best, rows, strict=True)]
    return TableCut(best, best_cost, exhaustive, widest)


def own_relations(applicable: list[tuple[Relation, list[tuple[int, int, int]]]],
                   n_rows: int) -> list[list[list[tuple[int, int, int]]]]:
    """Each row's applicable relations over its own cells alone, as terms."""
    own: list[list[list[tuple[int, int, int]]]] = [[] for _ in range(n_rows)]
    for _, terms in applicable:
        if len(in_rows := {r for r, _, _ in terms}) == 1:
            own[in_rows.pop()].append(terms)
    return own
