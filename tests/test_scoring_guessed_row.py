"""A row whose value was placed by guess (a lone number taken for its 总计) that a broken
relation doubts: its blank cells are as unsure as the guess, and flagged with it."""

from __future__ import annotations

from ingest.models import CellReading, CheckResult
from ingest.scoring import UNSURE_ROW, apply_checks
from ingest.settings import Settings

# The mapper's confidence of a lone value taken for the row's 总计, and of an exact placement.
GUESS = 0.6
EXACT = 0.995


def _cells() -> dict[str, CellReading]:
    return {
        "s3.carried_over.enterprise": CellReading(None, None, GUESS),
        "s3.carried_over.total": CellReading(10, "10", GUESS),
        "s3.new.enterprise": CellReading(None, None, EXACT),
        "s3.new.total": CellReading(3, "3", EXACT),
    }


def _balance(ok: bool) -> list[CheckResult]:
    cells = ["s3.new.total", "s3.carried_over.total"]
    return [CheckResult("s3.balance.total", ok, "", cells, left=cells)]


def test_blanks_beside_a_doubted_guess_are_flagged() -> None:
    cells = _cells()
    apply_checks(cells, _balance(False), Settings(), fmt="text")
    assert cells["s3.carried_over.total"].review
    blank = cells["s3.carried_over.enterprise"]
    assert blank.review and UNSURE_ROW in blank.notes
    # A row placed exactly is no guess: its blank stays as it was read.
    assert UNSURE_ROW not in cells["s3.new.enterprise"].notes


def test_a_guess_no_relation_doubts_leaves_its_blanks_alone() -> None:
    cells = _cells()
    apply_checks(cells, _balance(True), Settings(), fmt="text")
    assert UNSURE_ROW not in cells["s3.carried_over.enterprise"].notes
