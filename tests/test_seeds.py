"""The five real reports convert with every cell right (expectations read from the seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.output import report_to_dict
from ingest.pipeline import convert_bytes, convert_file
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


def test_a_seed_padding_its_rows_after_their_values_places_a_leading_blank_surely(settings: Settings) -> None:
    # Seed 001 pads every row after its values (`0 |` ×7 then `||`) and never between a label
    # and its values: the lone `|` after two rows' labels is their first cell, printed blank.
    result = report_to_dict(convert_file(SEEDS[1], settings))
    for row in ("s3.unable.unclear", "s3.refused.repeat"):
        cells = [result["cells"][f"{row}.{column}"] for column in ("natural_person", "enterprise", "total")]
        assert [c["value"] for c in cells] == [None, 0, 0]
        assert not any(c["review"] for c in cells)


def test_a_blank_between_a_label_and_its_values_leaves_a_leading_blank_unsure(settings: Settings) -> None:
    # One full row printing a blank before its values: the table's padding is not only after
    # them, and a row's leading blank may be padding too.
    text = SEEDS[1].read_text(encoding="utf-8")
    padded = text.replace("一、本年新收政府信息公开申请数量 |\n", "一、本年新收政府信息公开申请数量 |\n|\n", 1)
    assert padded != text
    result = report_to_dict(convert_bytes(padded.encode("utf-8"), SEEDS[1].name, settings))
    assert {"s3.unable.unclear.natural_person", "s3.refused.repeat.natural_person"} <= set(result["review"]["cells"])


def test_blank_cells_are_null_never_zero(settings: Settings) -> None:
    result = report_to_dict(convert_file(SEEDS[4], settings))
    assert result["cells"]["s3.new.natural_person"]["value"] is None
    assert result["cells"]["s3.new.total"]["value"] == 0
    assert result["cells"]["s2.procurement.amount"]["value"] is None
