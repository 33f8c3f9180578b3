"""Rules of a black-and-white page left as chains of dashes with gaps up to a character wide.

A hair-thin rule thresholded on a page fed a degree or so crooked breaks where it steps from one
row of pixels to the next: dashes as long as the step (a text height or more) with gaps up to
a character between them. The rulings' masks join only gaps narrower than two strokes of a
character, and a dashed run counts only where it carries on a solid rule or meets a crossing
one; in a table whose rules are all so broken neither exists, and the table was lost whole
(seed 5252's fax 0: section 四 not found, section 三's grid merged over its lower rows). Rows
are drawn so on a page where other tables were found (on a page with none, a standard-resolution
fax's rows are read from their dashes across the column rules: dash_rows.py); columns always.

Lined up, the dashes still say where the rule runs: several runs on one line of pixels, each
longer than a character's stroke, the gaps between them no wider than a rule's dots stand,
covering most of the line, with paper on both sides of them (a line of text closes up into
runs as long, but has ink above or below them: inside its characters, or at its top and foot
the characters themselves).
"""

from __future__ import annotations

import numpy as np

from ingest.tables.model import GridSettings
from ingest.tables.rule_like import inked_both_sides_at

# A chain is at least this many runs over at least this many text heights, its runs covering
# this share of it; over at most this share of its length is there ink on either side.
_RUNS = 3
_SPAN = 4
_COVERED = 0.6
_FLANKED = 0.3


def chained_dashes(ink: np.ndarray, at: np.ndarray, run: np.ndarray, gs: GridSettings[int]) -> np.ndarray:
    """A mask of the chains of dashed runs (the flat pixels `at` of a mask of the page's
    shape, numbered by run in row order as `run`), each drawn solid from its first run's start
    to its last run's end."""
    out = np.zeros_like(ink)
    if run.size == 0:
        return out
    width = ink.shape[1]
    new_run = np.diff(run, prepend=-1) != 0
    first = np.flatnonzero(new_run)
    last = np.append(first[1:] - 1, run.size - 1)
    y, x0 = np.divmod(at[first], width)
    x1 = at[last] % width
    # Runs in row order: the next run is the chain's when it lies on the same row within a dot gap.
    linked = (y[1:] == y[:-1]) & (x0[1:] - x1[:-1] <= gs.dot_gap)
    chain = np.concatenate(([0], np.cumsum(~linked)))
    heads = np.flatnonzero(np.diff(chain, prepend=-1))
    runs = np.bincount(chain)
    start, end = np.minimum.reduceat(x0, heads), np.maximum.reduceat(x1, heads)
    covered = np.bincount(chain, weights=x1 - x0 + 1)
    span = end - start + 1
    candidate = (runs >= _RUNS) & (span >= _SPAN * gs.text_height) & (covered >= _COVERED * span)
    if not candidate.any():
        return out
    # The flanks of the candidates' own pixels only (every run's cost a page's worth of memory).
    owner = chain[np.cumsum(new_run) - 1]
    mine = candidate[owner]
    ys, xs = np.divmod(at[mine], width)
    flanked = np.bincount(owner[mine], weights=inked_both_sides_at(ink, gs, ys, xs, either=True), minlength=len(runs))
    for c in np.flatnonzero(candidate & (flanked <= _FLANKED * covered)):
        out[y[heads[c]], start[c]:end[c] + 1] = 255
    return out
