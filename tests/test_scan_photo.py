"""Phone photos of a printed page (bench/render_photo.py) read end to end: the sheet found on
the desk, warped flat, its shadow evened out, every cell it shows right; a flatbed scan is
not mistaken for a photo."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from bench.render_photo import render_photo
from bench.render_scan import scan_report
from bench.truth import make_truth
from ingest.output import report_to_dict
from ingest.pipeline import convert_file
from ingest.scan.photo import find_page
from ingest.settings import Settings
from tests.conftest import same_value


def _wrong(result: dict[str, Any], truth_cells: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {k: result["cells"].get(k, {}) for k in keys
            if not same_value(result["cells"].get(k, {}).get("value"), truth_cells[k])}


@pytest.mark.parametrize(("seed", "index"), [(7, 0), (7, 4)], ids=["sheet-upright", "sheet-sideways"])
def test_photo_is_read(tmp_path: Path, settings: Settings, seed: int, index: int) -> None:
    """Every cell the photographed page shows is read right."""
    # The benchmark corpus's own numbering: `python -m bench.corpus --formats photo --seed 7`.
    truth = make_truth(seed * 1_000_000 + index)
    stem = tmp_path / f"{seed}-{index:04d}-photo"
    document = render_photo(truth, stem, random.Random(f"{seed}/photo/{index}"))
    image = cv2.imread(str(document))
    assert image is not None
    assert image.shape[0] * image.shape[1] >= 7_900_000
    assert find_page(image) is not None
    keys = json.loads(stem.with_name(stem.name + ".keys.json").read_text(encoding="utf-8"))
    assert len(keys) >= 10
    result = report_to_dict(convert_file(document, settings))
    assert "error" not in result
    assert not _wrong(result, truth.cells, keys)


def test_scan_is_not_a_photo() -> None:
    """A flatbed scan is paper to its edges: no sheet is looked for inside it (its table's
    frame is a quadrilateral too, but paper lies on both sides of it)."""
    pages = scan_report(make_truth(21), random.Random(4))
    for page in pages[:3]:
        bgr = np.ascontiguousarray(np.asarray(page.image.convert("RGB"))[:, :, ::-1])
        assert find_page(bgr) is None
