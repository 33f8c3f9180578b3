"""A row printed with fewer numbers than cells: where its 总计 goes (ingest/mapper/fit.py)."""

from __future__ import annotations

from ingest.layouts import expand_relations, load_layouts
from ingest.mapper.fit import RowContext, fit_values, local_relations
from ingest.mapper.tokens import Kind, Token
from ingest.settings import Settings


def _context(runs_style: bool) -> RowContext:
    layout = next(lay for lay in load_layouts(Settings().layouts_dir) if lay.template == "2021")
    row = next(r for r in layout.rows() if r.section == "s3" and r.key == "new")
    relations = expand_relations(layout, [k for r in layout.rows() for k in r.cell_keys()])
    return RowContext(row.columns, local_relations(row, relations), [None] * len(row.columns), False, runs_style)


def _fitted(texts: list[str], runs_style: bool = False) -> list[str | None]:
    kind = Kind.RUN if runs_style else Kind.VALUE
    fit = fit_values([Token(kind, t, None, i == 0) for i, t in enumerate(texts)], _context(runs_style), Settings())
    return [slot.text for slot in fit.slots]


def test_the_last_number_that_sums_the_others_is_the_total() -> None:
    assert _fitted(["2", "1", "3"]) == ["2", "1", None, None, None, None, "3"]


def test_numbers_that_do_not_sum_are_placed_from_the_left() -> None:
    assert _fitted(["2", "5"]) == ["2", "5", None, None, None, None, None]


def test_zeros_settle_nothing() -> None:
    assert _fitted(["0", "0"]) == ["0", "0", None, None, None, None, None]


def test_a_short_run_of_digits_is_a_detail_and_its_total() -> None:
    # A page running cells together prints "11" for a detail of 1 and its 总计 of 1.
    assert _fitted(["11"], runs_style=True) == ["1", None, None, None, None, None, "1"]


def test_a_short_run_cut_one_way_only_is_split() -> None:
    assert _fitted(["1010"], runs_style=True) == ["10", None, None, None, None, None, "10"]


def test_a_short_run_no_cut_or_two_cuts_explain_stays_a_lone_total() -> None:
    assert _fitted(["25"], runs_style=True) == [None, None, None, None, None, None, "25"]
    # 1 + 10 = 11 and 11 + 0 = 11: the digits cannot tell.
    assert _fitted(["11011"], runs_style=True) == [None, None, None, None, None, None, "11011"]
