"""A photographed sheet curling up at one edge: its rules' ends bend down too steeply to be
found as rulings, and are traced on through their ink so that the page is straightened there
too (a photo's last column lost its cells, 9 values unread)."""

from __future__ import annotations

import cv2
import numpy as np

from ingest.scan import preprocess
from ingest.scan.bowed_rules import straighten
from ingest.tables.raster import find_rulings, raster_settings

WIDTH, HEIGHT = 1600, 1200
CURL_FROM = 1350  # the rules bend down past this column


def _droop(x: int) -> float:
    return 0.0 if x < CURL_FROM else 0.0016 * (x - CURL_FROM) ** 2


def _curled_table() -> np.ndarray:
    page = np.full((HEIGHT, WIDTH, 3), 255, np.uint8)
    xs = np.arange(100, 1500)
    for y in range(200, 1000, 80):
        points = np.stack([xs, [y + _droop(int(x)) for x in xs]], axis=1).round().astype(np.int32)
        cv2.polylines(page, [points], False, (0, 0, 0), 3)
    for x in range(100, 1501, 200):
        cv2.line(page, (x, 200), (x, 920 + round(_droop(x))), (0, 0, 0), 3)
    return page


def _rule_row(ink: np.ndarray, x: int, near: int) -> float:
    rows = np.flatnonzero(ink[near - 30:near + 30, x]) + near - 30
    return float(rows.mean())


def test_a_curled_edges_rules_are_straightened_to_their_ends() -> None:
    page = _curled_table()
    gray = preprocess.flatten_light(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY))
    ink = preprocess.binarise(gray)
    rulings = find_rulings(ink, preprocess.faint_ink(gray), raster_settings(ink))
    far = 1480
    assert _rule_row(ink, far, 520 + round(_droop(far))) - 520 > 20  # bent 28 px at the edge
    out = cv2.cvtColor(straighten(page, ink, rulings.horizontal, rulings.vertical), cv2.COLOR_BGR2GRAY)
    straight = (out < 128).astype(np.uint8)
    for y in range(280, 1000, 160):
        assert abs(_rule_row(straight, far, y) - _rule_row(straight, 800, y)) <= 2, y


def test_a_bowed_rule_is_as_thick_as_its_stroke() -> None:
    """Rules bowed 10 px over the page (a curled sheet whose outline was not found) measure
    their stroke's thickness, not their bow's: cells inset as deep cut their text off (seed
    4682's photo 6: two rows lost)."""
    page = np.full((HEIGHT, WIDTH, 3), 255, np.uint8)
    xs = np.arange(100, 1500)
    for y in range(200, 1000, 80):
        sag = 10 * np.sin(np.pi * (xs - 100) / 1400)
        points = np.stack([xs, y + sag], axis=1).round().astype(np.int32)
        cv2.polylines(page, [points], False, (0, 0, 0), 2)
        cv2.putText(page, "10 23 456 789", (150, y + 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
    ink = preprocess.binarise(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY))
    assert raster_settings(ink).line_thickness <= 4
