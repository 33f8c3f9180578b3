"""No page lost to orientation: a scanned report whose section-三 page went through the scanner
sideways (gray, 200 dpi, 1.7° crooked, seal on the last page) is read whole, and a turned
table page is set upright in colour, gray and black-and-white at 150 and 300 dpi."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench.render_scan import HardScan, render_turned_scan, scan_report
from bench.truth import make_truth
from ingest.output import report_to_dict
from ingest.pipeline import convert_file
from ingest.scan.ocr.base import CellText, Kind
from ingest.scan.ocr.consensus import EngineSet, engine_set
from ingest.scan.page import _straight, prepare, text_axis, upright
from ingest.scan.preprocess import skew_angle
from ingest.settings import Settings
from tests.conftest import same_value


def test_report_with_a_sideways_page_is_read_whole(tmp_path: Path, settings: Settings) -> None:
    """The conditions of the report once rejected as incomplete (14 of 200 cells found)."""
    truth = make_truth(17_000_003)
    document = render_turned_scan(truth, tmp_path / "sideways", random.Random("sideways"), HardScan())
    result = report_to_dict(convert_file(document, settings))
    assert "error" not in result, result.get("error")
    assert result["template"] == truth.template
    wrong = {k: result["cells"].get(k, {}) for k, v in truth.cells.items()
             if not same_value(result["cells"].get(k, {}).get("value"), v)}
    assert all(cell.get("review") for cell in wrong.values()), wrong
    assert len(wrong) <= 2, wrong


def _table_page(mode: str, dpi: int, turn: int) -> tuple[np.ndarray, np.ndarray]:
    """The page opening section 三 of a generated report scanned upright and turned by `turn`
    degrees clockwise, as BGR arrays."""
    hard = HardScan(dpi=dpi, skew=1.2, turn=0, mode=mode)
    pages = scan_report(make_truth(17_000_010 + dpi), random.Random(f"{mode}/{dpi}"), hard)
    page = next(p for p in pages if any(k.startswith("s3.") for k in p.keys))
    bgr = cv2.cvtColor(np.asarray(page.image.convert("RGB")), cv2.COLOR_RGB2BGR)
    return bgr, np.ascontiguousarray(np.rot90(bgr, k=-turn // 90))


@pytest.mark.parametrize(("mode", "dpi", "turn"), [("RGB", 150, 90), ("L", 300, 270), ("1", 150, 270),
                                                   ("1", 300, 90), ("L", 200, 180)])
def test_turned_table_page_is_set_upright(settings: Settings, mode: str, dpi: int, turn: int) -> None:
    upright_page, turned = _table_page(mode, dpi, turn)
    straight = _straight(prepare(turned))
    axis = text_axis(straight)
    assert (axis < 0.25) if turn % 180 else (axis > 4), axis
    ways = upright(turned, engine_set(settings))
    assert len(ways) == 1
    found = cv2.cvtColor(ways[0].set_upright(turned), cv2.COLOR_BGR2GRAY)
    expected = cv2.cvtColor(upright_page, cv2.COLOR_BGR2GRAY)
    assert found.shape == expected.shape
    # The same page the same way up: its ink lies where the upright scan's does (the skew
    # taken out aside), and not where a half-turned one's would (a table is nearly symmetric).
    same = _likeness(found, expected)
    assert same > 0.5 and same > _likeness(found, cv2.rotate(expected, cv2.ROTATE_180)) + 0.2, same


def test_a_page_fed_sideways_is_straightened_once_turned(settings: Settings) -> None:
    # Its lines and rules run down the page as fed: the rows' profile tells nothing of a slight
    # slant there (seed 2727's turned colour scan stayed 0.7° off and its section 四 was read
    # as one row).
    hard = HardScan(dpi=200, skew=0.7, turn=0, mode="RGB")
    page = scan_report(make_truth(17_000_100), random.Random("s0"), hard)[2]
    fed = np.ascontiguousarray(np.rot90(cv2.cvtColor(np.asarray(page.image.convert("RGB")), cv2.COLOR_RGB2BGR), k=-1))
    (way,) = upright(fed, engine_set(settings))
    assert way.turns % 2 == 1
    assert abs(skew_angle(way.ink)) <= 0.2, skew_angle(way.ink)


def _likeness(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two pages' ink at a coarse scale."""
    small = [cv2.GaussianBlur(cv2.resize(255 - x, (100, 140), interpolation=cv2.INTER_AREA).astype(np.float32),
                              (0, 0), 1.5) for x in (a, b)]
    return float(np.corrcoef(small[0].ravel(), small[1].ravel())[0, 1])


class _Counting:
    """The label engine, counting the crops it reads."""

    def __init__(self, engines: EngineSet) -> None:
        self.engine = engines.labels
        self.name, self.kind_blind = self.engine.name, self.engine.kind_blind
        self.crops = 0

    def read_lines(self, images: list[np.ndarray], kind: Kind) -> list[CellText]:
        self.crops += len(images)
        return self.engine.read_lines(images, kind)


@pytest.mark.parametrize("turn", [0, 180])
def test_upright_page_settled_by_its_first_probes_read_as_they_stand(settings: Settings, turn: int) -> None:
    upright_page, fed = _table_page("L", 200, turn)
    engines = engine_set(settings)
    counting = _Counting(engines)
    ways = upright(fed, EngineSet(counting, engines.values))
    assert len(ways) == 1
    found = cv2.cvtColor(ways[0].set_upright(fed), cv2.COLOR_BGR2GRAY)
    assert _likeness(found, cv2.cvtColor(upright_page, cv2.COLOR_BGR2GRAY)) > 0.5
    # Upright: three probe windows read once; upside down: read as they stand, then turned.
    assert counting.crops == (3 if turn == 0 else 6)


def test_a_few_characters_tell_nothing_of_the_texts_axis() -> None:
    # Seed 5791's black-and-white page scanned sideways, its print's height taken for half of
    # it: one run three characters long across and none down set it upright for sure, and its
    # section 三 was read sideways (189 cells lost, flagged).
    page = np.full((1200, 900, 3), 255, np.uint8)
    for i in range(3):
        cv2.rectangle(page, (100 + 36 * i, 500), (130 + 36 * i, 530), (0, 0, 0), -1)
    assert text_axis(_straight(prepare(page))) == 1.0
