"""The ways one run of digits, printed without separators, can be cut into a row's cells.

A row alone often allows several cuts; ingest/mapper/cuts.py weighs them over a whole table.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from ingest.mapper.numbers import piece_pattern, split_unit, splits, splits_summing
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
