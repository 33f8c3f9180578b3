"""The result contract has one reader and one writer (ingest.contract): what the writer wrote reads back
as the same typed report and writes again byte for byte, reviewed cells included; what is not a result
is refused with the field named, and exports list such a file as an unreadable result."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ingest.contract import MalformedResult, report_from_dict, report_to_dict
from ingest.export import read_results
from ingest.pipeline import convert_bytes, convert_file
from ingest.settings import Settings
from tests.conftest import SEEDS


def _text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_every_seed_result_reads_back_as_written(seed: Path, settings: Settings) -> None:
    written = json.loads(_text(report_to_dict(convert_file(seed, settings))))
    again = report_to_dict(report_from_dict(written))
    assert _text(again) == _text(written)


def test_a_reviewed_cell_and_an_error_read_back_as_written(settings: Settings) -> None:
    written = json.loads(_text(report_to_dict(convert_file(SEEDS[0], settings))))
    cells = written["cells"]
    corrected, unreadable = sorted(k for k, c in cells.items() if isinstance(c["value"], int))[:2]
    cells[corrected].update({"read_value": cells[corrected]["value"], "reviewed": True, "reviewed_by": "ann"})
    cells[corrected]["value"] += 7
    cells[unreadable].update({"read_value": cells[unreadable]["value"], "illegible": True, "reviewed": True,
                              "reviewed_by": "bob", "value": None})
    report = report_from_dict(written)
    cell = report.cells[corrected]
    assert cell.reviewed and cell.reviewed_by == "ann" and cell.read_value is not None
    assert cell.value == cell.read_value + 7
    assert report.cells[unreadable].illegible and report.cells[unreadable].value is None
    assert _text(report_to_dict(report)) == _text(written)
    failed = report_to_dict(convert_bytes(b"\x00\x01 not a report", "junk.bin", settings))
    assert report_from_dict(failed).error is not None and report_to_dict(report_from_dict(failed)) == failed


def test_decimals_keep_what_was_printed(settings: Settings) -> None:
    written = json.loads(_text(report_to_dict(convert_file(SEEDS[0], settings))))
    key = next(iter(written["cells"]))
    written["cells"][key]["value"] = 12.5
    assert report_from_dict(written).cells[key].value == Decimal("12.5")
    assert report_to_dict(report_from_dict(written))["cells"][key]["value"] == 12.5


@pytest.mark.parametrize(("field", "bad", "named"), [
    ("value", "twelve", "'twelve' is not a number"),
    ("confidence", "high", "confidence"),
    ("page", 1.5, "page"),
])
def test_a_cell_of_the_wrong_type_is_named(field: str, bad: object, named: str, settings: Settings) -> None:
    written = report_to_dict(convert_file(SEEDS[0], settings))
    key = next(iter(written["cells"]))
    broken = copy.deepcopy(written)
    broken["cells"][key][field] = bad
    with pytest.raises(MalformedResult, match=named):
        report_from_dict(broken)


def test_an_export_lists_a_result_it_cannot_read_as_unreadable(tmp_path: Path, settings: Settings) -> None:
    written = report_to_dict(convert_file(SEEDS[0], settings))
    (tmp_path / "good.json").write_text(_text(written), encoding="utf-8")
    written["cells"] = ["not", "an", "object"]
    (tmp_path / "odd.json").write_text(_text(written), encoding="utf-8")
    (tmp_path / "other.json").write_text('{"not": "a result"}', encoding="utf-8")  # not ours: left alone
    results = {r.path: r.report for r in read_results(tmp_path)}
    assert sorted(results) == ["good.json", "odd.json"]
    assert results["good.json"].error is None
    error = results["odd.json"].error
    assert error is not None and error.code == "unreadable_result" and "cells" in error.message
