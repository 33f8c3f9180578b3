"""Every committed sample converts to its truth (samples/truth is the golden file of each).

Regenerate the generated samples and their truths with
`python -m tests.bench.corpus --out samples --formats … --n 2 --seed 7`."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.output import report_to_dict
from ingest.pipeline import convert_file
from ingest.settings import Settings
from tests.conftest import SAMPLES, same_value, truth_of

# Scanned PDFs take tens of seconds each: the scan tests and the benchmark cover them.
FAST = sorted(p for p in (SAMPLES / "documents").iterdir() if "pdf_scanned" not in p.name)


@pytest.mark.parametrize("sample", FAST, ids=lambda p: p.name)
def test_sample_matches_its_truth(sample: Path, settings: Settings) -> None:
    truth = truth_of(sample)
    result = report_to_dict(convert_file(sample, settings))
    assert "error" not in result, result.get("error")
    assert result["template"] == truth["template"]
    expected = truth["cells"]
    visible = truth.get("visible_keys") or list(expected)
    wrong = [k for k in visible if not same_value(result["cells"].get(k, {}).get("value"), expected[k])]
    silent = [k for k in wrong if not result["cells"].get(k, {}).get("review", True)]
    assert silent == [], "wrong values without a review flag"
    assert len(wrong) <= 0.02 * len(visible), wrong
