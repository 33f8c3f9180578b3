"""Columns at a table's right end whose column rules the grid lost: taken while the row rules
carry on over values set in slots of the last columns' width (ingest/scan/lost_columns.py)."""

from __future__ import annotations

import cv2
import numpy as np

from ingest.scan.lost_columns import with_lost_columns
from ingest.tables.model import GridCell, GridSettings
from ingest.tables.raster import GridTable, raster_settings

_LEFT, _WIDTH, _TOP, _BOTTOM, _FOUND = 100, 80, 100, 140, 10


def _row(printed: int, ruled: int, text: str = "0") -> tuple[np.ndarray, GridSettings[int]]:
    """Ink of one ruled row of `printed` values whose row rules run over `ruled` columns and
    whose column rules stop after the first `_FOUND`."""
    ink = np.zeros((300, 1600), np.uint8)
    for y in (_TOP, _BOTTOM):
        cv2.line(ink, (_LEFT, y), (_LEFT + _WIDTH * ruled, y), 255, 2)
    for k in range(_FOUND + 1):
        cv2.line(ink, (_LEFT + _WIDTH * k, _TOP), (_LEFT + _WIDTH * k, _BOTTOM), 255, 2)
    for k in range(printed):
        cv2.putText(ink, text, (_LEFT + _WIDTH * k + 30, _BOTTOM - 10), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 255, 2)
    return ink, raster_settings(ink)


def _table() -> GridTable:
    xs = [_LEFT + _WIDTH * k for k in range(_FOUND + 1)]
    cells = [GridCell(0, k, 1, 1, (xs[k], _TOP, xs[k + 1], _BOTTOM)) for k in range(_FOUND)]
    return GridTable((xs[0], _TOP, xs[-1], _BOTTOM), [_TOP, _BOTTOM], xs, cells)


def test_values_under_row_rules_past_the_last_column_rule_are_columns() -> None:
    ink, gs = _row(printed=13, ruled=13)
    table = with_lost_columns(_table(), ink, gs, [])
    assert table.n_cols == 13
    assert table.box == (_LEFT, _TOP, _LEFT + 13 * _WIDTH, _BOTTOM)
    assert table.cells[-1] == GridCell(0, 12, 1, 1, (_LEFT + 12 * _WIDTH, _TOP, _LEFT + 13 * _WIDTH, _BOTTOM))


def test_print_beside_a_table_without_rules_over_it_is_no_column() -> None:
    ink, gs = _row(printed=13, ruled=_FOUND)
    assert with_lost_columns(_table(), ink, gs, []).n_cols == _FOUND


def test_text_running_over_the_slots_is_no_column() -> None:
    ink, gs = _row(printed=_FOUND, ruled=13)
    start = (_LEFT + _WIDTH * _FOUND + 5, _BOTTOM - 10)
    cv2.putText(ink, "ABCDEFGHIJKLMN", start, cv2.FONT_HERSHEY_SIMPLEX, 0.8, 255, 2)
    assert with_lost_columns(_table(), ink, gs, []).n_cols == _FOUND


def test_columns_stop_at_another_table() -> None:
    ink, gs = _row(printed=13, ruled=13)
    beside = (_LEFT + _WIDTH * 12, _TOP, _LEFT + _WIDTH * 14, _BOTTOM)
    assert with_lost_columns(_table(), ink, gs, [beside]).n_cols == 12
