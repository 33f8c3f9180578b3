"""The five real reports convert with every cell right (expectations read from the seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.output import report_to_dict
from ingest.pipeline import convert_file
from ingest.settings import Settings
from tests.conftest import SEEDS, same_value, truth_of


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_converts_with_every_cell_right(seed: Path, settings: Settings) -> None:
    truth = truth_of(seed)
    result = report_to_dict(convert_file(seed, settings))
    assert "error" not in result
    assert result["template"] == truth["template"]
    assert (result["report"]["agency"], result["report"]["year"]) == (truth["agency"], truth["year"])
    assert result["source"]["format"] == "text"
    assert list(result["cells"]) == list(truth["cells"])
    wrong = {k: (c["value"], truth["cells"][k]) for k, c in result["cells"].items()
             if not same_value(c["value"], truth["cells"][k])}
    assert wrong == {}
    assert all(check["ok"] for check in result["checks"])


def test_a_seed_with_an_uncertain_alignment_flags_it(settings: Settings) -> None:
    # Seed 001 prints two rows whose first cell is empty; '|||' filler makes the row's
    # edge ambiguous, so those cells must be flagged, not silently trusted.
    result = report_to_dict(convert_file(SEEDS[1], settings))
    flagged = set(result["review"]["cells"])
    assert {"s3.unable.unclear.natural_person", "s3.refused.repeat.natural_person"} <= flagged
    assert result["review"]["needed"] is True


def test_blank_cells_are_null_never_zero(settings: Settings) -> None:
    result = report_to_dict(convert_file(SEEDS[4], settings))
    assert result["cells"]["s3.new.natural_person"]["value"] is None
    assert result["cells"]["s3.new.total"]["value"] == 0
    assert result["cells"]["s2.procurement.amount"]["value"] is None
