"""Each consistency relation on an intact and a broken example."""

from __future__ import annotations

import pytest

from ingest.checks import run_checks
from ingest.models import CellReading
from ingest.scoring import apply_checks
from ingest.settings import Settings
from tests.bench.truth import layout_for, make_truth


def _cells(template: str) -> dict[str, CellReading]:
    seed = next(s for s in range(100) if not (t := make_truth(s, template)).broken and t.deviations == [])
    truth = make_truth(seed, template)
    return {k: CellReading(v, None if v is None else str(v), 0.99) for k, v in truth.cells.items()}


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_intact_report_passes_every_check(template: str) -> None:
    checks = run_checks(layout_for(template), _cells(template))
    assert checks and all(c.ok for c in checks)
    ids = {".".join(c.id.split(".")[:2]) for c in checks}
    assert ids == {"s3.row_sum", "s3.balance", "s3.outcomes", "s4.row_sum"}


@pytest.mark.parametrize(
    ("template", "key", "broken_check"),
    [
        ("2021", "s3.granted.total", "s3.row_sum.granted"),
        ("2021", "s3.carried_forward.research", "s3.balance.research"),
        ("2021", "s3.other.no_fee.natural_person", "s3.outcomes.natural_person"),
        ("2021", "s4.suit_direct.total", "s4.row_sum.suit_direct"),
        ("2019", "s3.other.enterprise", "s3.outcomes.enterprise"),
        ("2019", "s4.review.pending", "s4.row_sum.review"),
    ],
)
def test_broken_relation_is_reported_flagged_and_not_fixed(
    template: str, key: str, broken_check: str, settings: Settings
) -> None:
    cells = _cells(template)
    printed = (cells[key].value or 0) + 5
    cells[key] = CellReading(printed, str(printed), 0.99)
    checks = run_checks(layout_for(template), cells)
    failed = {c.id: c for c in checks if not c.ok}
    assert broken_check in failed
    apply_checks(cells, checks, settings)
    assert cells[key].value == printed  # the printed number is kept
    assert cells[key].review is True
    assert all(cells[k].review for k in failed[broken_check].cells)


def test_suggestion_offers_the_sum_for_a_broken_total(settings: Settings) -> None:
    cells = _cells("2021")
    right = cells["s3.new.total"].value or 0
    cells["s3.new.total"] = CellReading(right + 1, str(right + 1), 0.99)
    checks = run_checks(layout_for("2021"), cells)
    row_sum = next(c for c in checks if c.id == "s3.row_sum.new")
    assert row_sum.suggestion == {"s3.new.total": right}
    apply_checks(cells, checks, settings)
    assert cells["s3.new.total"].suggestion == right
