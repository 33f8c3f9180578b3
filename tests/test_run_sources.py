"""A printed cell's reading and the template cells it fills: a run of digits pieced from
several read cells keeps each piece's own reading; one printed cell read into two rows is
flagged in both."""

from __future__ import annotations

from ingest.layouts import ColumnLayout
from ingest.mapper.fit import RowContext, fit_values
from ingest.mapper.tokens import Kind, Token
from ingest.models import BBox, CellReading, SourceCell
from ingest.scoring import SHARED_SOURCE, apply_checks
from ingest.settings import Settings

APPLICANTS = ("natural_person", "enterprise", "research", "public_interest", "legal_service", "other_org", "total")


def _cell(text: str, col: int, confidence: float, width: int = 1) -> SourceCell:
    x0 = 100.0 * col
    return SourceCell(text, 4, col, (4, col), 1, BBox(x0, 0.0, x0 + 100.0 * width, 50.0), confidence)


def test_pieces_of_a_misread_cell_keep_its_unsure_reading_not_the_first_cells(settings: Settings) -> None:
    # A photo lost the rules between the last three cells (0 | 0 | 0) and read them `01010`,
    # their rests as 1s, with the engines disagreeing; the four cells before it read surely.
    # The one cut that holds the row's sum (0 0 0 0 0 10 10) must not borrow the sure reading
    # of the first cell, or the two 10s pass unflagged.
    sure = [_cell("0", col, 0.995) for col in range(4)]
    misread = _cell("01010", 4, 0.3, width=3)
    tokens = [Token(Kind.VALUE, c.text, c, i == 0, i) for i, c in enumerate(sure)]
    tokens.append(Token(Kind.RUN, misread.text, misread, False, 4))
    ctx = RowContext(tuple(ColumnLayout(key, key) for key in APPLICANTS), [([6], list(range(6)))],
                     [None] * 7, totals_only=False, runs_style=False)
    fit = fit_values(tokens, ctx, settings)
    assert [s.text for s in fit.slots] == ["0", "0", "0", "0", "0", "10", "10"]
    assert [s.cell for s in fit.slots] == [*sure, misread, misread, misread]


def test_a_run_read_from_one_cell_is_that_cell_for_every_piece() -> None:
    run = _cell("123", 0, 0.995, width=3)
    ctx = RowContext(tuple(ColumnLayout(key, key) for key in ("a", "b", "total")), [([2], [0, 1])],
                     [None] * 3, totals_only=False, runs_style=False)
    fit = fit_values([Token(Kind.RUN, run.text, run, True)], ctx, Settings())
    assert [s.text for s in fit.slots] == ["1", "2", "3"]
    assert all(s.cell is run for s in fit.slots)


def test_a_printed_cell_read_into_two_rows_flags_both_but_one_rows_cut_does_not(settings: Settings) -> None:
    # A rule lost between two rows: one tall cell read once, its value given to both rows.
    tall = _cell("3", 1, 0.995)
    cut = _cell("12", 2, 0.995)
    cells = {key: CellReading(value, text, 0.995, c.page, c.bbox) for key, value, text, c in (
        ("s2.regulations.issued", 3, "3", tall), ("s2.normative_docs.issued", 3, "3", tall),
        ("s2.regulations.repealed", 1, "1", cut), ("s2.regulations.in_force", 2, "2", cut))}
    sources = {(c.page, tuple(c.bbox.as_list())): c.confidence for c in (tall, cut) if c.bbox is not None}
    apply_checks(cells, [], settings, "image", sources)
    assert cells["s2.regulations.issued"].review and cells["s2.normative_docs.issued"].review
    assert SHARED_SOURCE in cells["s2.normative_docs.issued"].notes
    assert SHARED_SOURCE not in cells["s2.regulations.in_force"].notes
    assert SHARED_SOURCE not in cells["s2.regulations.repealed"].notes
