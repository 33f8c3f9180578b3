"""The numbers a report's prose quotes for a table row: they tell apart cuts of a run of digits
that no relation can (ingest/mapper/cuts.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ingest.mapper.numbers import split_unit
from ingest.settings import Settings

if TYPE_CHECKING:
    from ingest.mapper.cuts import RowCuts

_PROSE_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def _prose_quotes(prose: str, label: str, window: int) -> set[str]:
    """Numbers the prose gives right after naming the row: its label within `window` characters
    before (规范性文件698件, 制发的规范性文件88件)."""
    if len(label) < 2:
        return set()
    return {
        m.group(0) for m in _PROSE_NUMBER.finditer(prose)
        if label in prose[max(0, m.start() - window) : m.start()]
    }


def by_prose(row: RowCuts, best: tuple[int, ...], prose: str, s: Settings) -> int | None:
    """The one best cut with more pieces (past single digits) quoted by the prose than any
    other, and at least `cuts.prose_min_quotes`."""
    quotes = _prose_quotes(prose, row.label, s.cuts.prose_label_window)
    if not quotes:
        return None
    support = {o: sum(1 for t in row.texts[o] if t and len(t) > 1 and split_unit(t)[0] in quotes) for o in best}
    ranked = sorted(support.values(), reverse=True)
    top = ranked[0]
    if top >= s.cuts.prose_min_quotes and (len(ranked) == 1 or ranked[1] < top):
        return next(o for o in best if support[o] == top)
    return None
