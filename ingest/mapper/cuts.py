"""Runs of digits cut into cells over a whole table at once.

A web page's text with the table markup stripped prints a row's cells with no separator
(`713000074`). Each row's possible cuts are known (the template's column count, no
leading zeros), but a row alone often allows several; the template's relations tie the
rows together (each row's 总计, section 三's balance and outcome columns, section 四's
sums). A dynamic programme over the rows in template order keeps, for every combination
of the partial sums of the relations still open, the fewest relations broken so far; a
backward pass then tells which cuts of each row take part in some best cut of the whole
table. Where that is one cut per row, the table is certain; where it is several, the
cells they disagree on are ambiguous and carry the alternatives.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ingest.layouts import Relation
from ingest.mapper.blanks import blank_column, dropped_blank, into_column, printed_in_blank_column
from ingest.mapper.cut_prose import by_prose
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


def _applicable(relations: list[Relation], rows: list[RowCuts]) -> list[tuple[Relation, list[tuple[int, int, int]]]]:
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
    own_terms = _own_relations(applicable, len(rows))
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
    applicable = _applicable(relations, rows)
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
    own_terms = _own_relations(_applicable(relations, rows), len(rows))
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


def _own_relations(applicable: list[tuple[Relation, list[tuple[int, int, int]]]],
                   n_rows: int) -> list[list[list[tuple[int, int, int]]]]:
    """Each row's applicable relations over its own cells alone, as terms."""
    own: list[list[list[tuple[int, int, int]]]] = [[] for _ in range(n_rows)]
    for _, terms in applicable:
        if len(in_rows := {r for r, _, _ in terms}) == 1:
            own[in_rows.pop()].append(terms)
    return own


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
    for rel, terms in _applicable(relations, rows):
        values = [(sign, rows[r].options[choices[r]][c]) for r, c, sign in terms]
        voided = any(v is None for _, v in values)
        out.append((rel, terms, None if voided else sum(sign * v for sign, v in values if v is not None)))
    return out
