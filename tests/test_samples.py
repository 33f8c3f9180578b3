"""Every committed sample converts to its truth (samples/truth is the golden file of each).

Regenerate the generated samples and their truths with
`python -m bench.corpus --out samples --formats … --n 2 --seed 7`."""

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
    # Keys whose value the document alone cannot fix (cells run together, several cuts fit
    # every relation): not scored, but they must be flagged and carry their candidates.
    ambiguous = set(truth.get("ambiguous", []))
    visible = [k for k in truth.get("visible_keys") or list(expected) if k not in ambiguous]
    wrong = [k for k in visible if not same_value(result["cells"].get(k, {}).get("value"), expected[k])]
    silent = [k for k in wrong if not result["cells"].get(k, {}).get("review", True)]
    assert silent == [], "wrong values without a review flag"
    assert len(wrong) <= 0.02 * len(visible), wrong
    unflagged = [k for k in ambiguous if not result["cells"][k]["review"]]
    assert unflagged == [], "ambiguous cells without a review flag"
    if truth.get("source", "").startswith("real report as a crawler"):
        assert wrong == []
        assert result["report"]["year"] == truth["year"]
