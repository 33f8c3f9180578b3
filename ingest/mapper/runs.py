"""The ways one run of digits, printed without separators, can be cut into a row's cells,
some perhaps printed blank and leaving no trace in the run.

A row alone often allows several cuts; ingest/mapper/cuts.py weighs them over a whole table.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from ingest.mapper.numbers import parse_number, piece_pattern, split_unit, splits, splits_summing
from ingest.models import Number
from ingest.settings import Settings

# One piece of text per cell (None: the cell is left blank).
Cut = tuple[str | None, ...]


@dataclass(frozen=True)
class RunOptions:
    """The cuts of one run into a row's cells, those that satisfy the row's own sums first."""

    cuts: list[Cut]
    # More cuts than were weighed: the row cannot be settled.
    truncated: bool = False
    # The cuts satisfy the row's own relations (no cut did when False).
    holding: bool = True


def run_options(
    parts: list[str], kinds: list[tuple[bool, bool]], holds: Callable[[Cut], bool], s: Settings, limit: int,
    sums_to_last: bool, keep_spaces: bool = False,
) -> RunOptions:
    """Every cut of a run (printed in `parts`, split where the text had spaces) into one
    piece per (decimal, signed) column kind, no leading zeros; when some cuts satisfy the
    row's own relations, only those. A space falls on a cell boundary, though not every
    boundary has one: cuts keep the spaces unless no cut can (or always, `keep_spaces`). At most `limit` cuts are
    kept, of at most `cuts.scan_factor` times as many looked at. `sums_to_last`: the row's one
    relation is that its last cell (总计) is the sum of the others, whole numbers all."""
    body, unit = split_unit("".join(parts))
    patterns = [piece_pattern(decimal, signed) for decimal, signed in kinds]
    spaces = frozenset(itertools.accumulate(len(p) for p in parts[:-1]))
    if sums_to_last and not unit:
        for must_cut in (spaces, frozenset()) if spaces and not keep_spaces else (spaces,):
            summing: list[Cut] = [tuple(c) for c in splits_summing(body, patterns, limit + 1, must_cut)]
            if summing:
                return RunOptions(summing[:limit], len(summing) > limit, True)
    scan = limit * s.cuts.scan_factor
    agreeing: list[Cut] = []
    others: list[Cut] = []
    seen = 0
    for must_cut in (spaces, frozenset()) if spaces and not keep_spaces else (spaces,):
        for pieces in splits(body, patterns, limit=scan, must_cut=must_cut):
            seen += 1
            cut = (*pieces[:-1], pieces[-1] + (unit or ""))
            (agreeing if holds(cut) else others).append(cut)
        if seen:
            break
    truncated = seen >= scan or len(agreeing or others) > limit
    return RunOptions((agreeing or others)[:limit], truncated, bool(agreeing))


def even_cut(cuts: list[Cut]) -> Cut:
    """The cut with the most even pieces: the likeliest when nothing else decides."""
    return min(cuts, key=lambda c: (max(len(p or "") for p in c), [p or "" for p in c]))


def _adds_up(cut: Cut) -> bool:
    """Whether a cut's last piece (a 总计) is the sum of the others, all whole numbers."""
    if not all((p or "0").isdigit() for p in cut):
        return False
    *parts, total = (int(p or 0) for p in cut)
    return sum(parts) == total


def one_blank_dropped(parts: list[str], kinds: list[tuple[bool, bool]], local: list[tuple[list[int], list[int]]],
                       s: Settings) -> tuple[Cut, ...]:
    """The cuts of a run into every cell but one, that one left blank: what the run reads as if
    the page dropped a blank cell from its text (11,_,0 printed 110, cut 1,1,0 alone). A page
    leaves its zeros blank: a cut is kept only if the row's own sums hold with its blank as 0."""
    n = len(kinds)
    out: list[Cut] = []
    for blank in range(n):
        fewer = run_options(parts, kinds[:blank] + kinds[blank + 1:], lambda cut: True, s, s.cuts.max_run_cuts // n,
                            False, keep_spaces=True)
        out += [cut for c in fewer.cuts if sums_as_zero(cut := (*c[:blank], None, *c[blank:]), local)]
    return tuple(out)


def sums_as_zero(cut: Cut, local: list[tuple[list[int], list[int]]]) -> bool:
    """Whether every relation over the row's own cells holds, its blanks counted as 0."""
    def num(i: int) -> Number:
        text = cut[i]
        return parse_number(text) if text else 0

    try:
        return all(sum(num(i) for i in left) == sum(num(i) for i in right) for left, right in local)
    except ValueError:
        return False


def blanks_dropped(parts: list[str], kinds: list[tuple[bool, bool]], s: Settings) -> list[Cut]:
    """The cuts of a run that adds up to its 总计 once two or more cells are taken for printed
    blank (a web page's empty cells leave no trace in its text: 821,35,_,_,2,1,859 printed as
    8213521859), with the fewest blanks that do, placed every way before the 总计."""
    n = len(kinds)
    for dropped in range(2, n - 1):
        kept = n - dropped
        summing = run_options(parts, kinds[:kept], _adds_up, s, s.cuts.max_run_cuts, True, keep_spaces=True)
        if not summing.holding or not summing.cuts:
            continue
        return [placed for cut in summing.cuts for placed in _before_total(cut, n, s)][: s.cuts.max_run_cuts]
    return []


def _before_total(cut: Cut, n: int, s: Settings) -> list[Cut]:
    """A cut of fewer pieces than the row's `n` cells, its last in the 总计 and the others in
    every order-keeping way among the cells before it, the rest blank."""
    out: list[Cut] = []
    for filled in itertools.combinations(range(n - 1), len(cut) - 1):
        pieces = iter(cut[:-1])
        out.append((*(next(pieces) if col in filled else None for col in range(n - 1)), cut[-1]))
    return out[: s.cuts.max_run_cuts]
