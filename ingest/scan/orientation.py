"""Which end of a page is up: its inkiest text windows read as they stand and turned half round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ingest.scan.crops import scaled_crop
from ingest.scan.lines import line_boxes
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import EngineSet
from ingest.tables.model import PixelBox as Box

if TYPE_CHECKING:
    from ingest.scan.page import Prepared

# Text windows read both ways round to tell an upright page from an upside-down one, the first
# few before the rest; a window is at most this many text heights wide (eight characters decide
# it, a whole line costs more).
_ORIENTATION_PROBES = 6
_FIRST_PROBES = 3
_PROBE_CHARS = 8
# Readings of a page this sure (mean score, and twice the other way round's) settle its
# orientation without trying the quarter turn.
_SURE_SCORE = 0.8
# The first probes read as they stand this well (mean score, and characters weighed by their
# scores) settle that the page is upright, without reading them upside down, once the text's
# axis is sure. Measured on 46 page readings (seeds 41 and 933, pdf_turned among them): the
# first three probes read upright scored 22-33 at a mean of 0.94 or more; read upside down, at
# most 5.7 at a mean of 0.67 or less.
_UPRIGHT_MEAN = 0.9
_UPRIGHT_SCORE = 15.0


def _probe_windows(page: Prepared) -> list[np.ndarray]:
    """Crops of the page's inkiest text windows, table rules taken out."""
    gs = page.grid
    rules = cv2.dilate(cv2.bitwise_or(page.rulings.horizontal, page.rulings.vertical), np.ones((3, 3), np.uint8))
    text = cv2.subtract(page.ink, rules)
    windows: list[tuple[int, Box]] = []
    for x0, y0, x1, y1 in line_boxes(text, gs.text_height // 2, min_gap=2):
        if y1 - y0 > 2 * gs.text_height:
            continue
        x1 = min(x1, x0 + _PROBE_CHARS * (y1 - y0))
        windows.append((int(np.count_nonzero(text[y0:y1, x0:x1])), (x0, y0, x1, y1)))
    windows.sort(key=lambda w: w[0], reverse=True)
    return [scaled_crop(page.gray, box, box[3] - box[1]) for _, box in windows[:_ORIENTATION_PROBES]]


@dataclass(frozen=True)
class Orientation:
    """How well a page's text windows read as they stand and turned half round."""

    as_is: float
    flipped: float
    sure: bool


def _judge(as_is: list[CellText], flipped: list[CellText]) -> Orientation:
    up, down = _score(as_is), _score(flipped)
    best = as_is if up >= down else flipped
    mean = sum(r.confidence for r in best) / len(best)
    return Orientation(up, down, mean >= _SURE_SCORE and max(up, down) >= 2 * min(up, down))


def read_orientation(page: Prepared, engines: EngineSet, axis_sure: bool = False) -> Orientation:
    """Probe windows read both ways round, the inkiest few first: most pages are settled by
    them, and only a page left in doubt pays for the rest. With the text's axis sure, first
    probes that read well as they stand settle an upright page by themselves."""
    probes = _probe_windows(page)
    if not probes:
        return Orientation(0.0, 0.0, False)
    first = probes[:_FIRST_PROBES]
    upright_read = engines.labels.read_lines(first, "label") if axis_sure else []
    if upright_read and _reads_upright(upright_read):
        return Orientation(_score(upright_read), 0.0, True)
    as_is: list[CellText] = []
    flipped: list[CellText] = []
    for part in (first, probes[_FIRST_PROBES:]):
        if not part:
            break
        turned = [cv2.rotate(p, cv2.ROTATE_180) for p in part]
        if upright_read and part is first:
            readings = upright_read + engines.labels.read_lines(turned, "label")
        else:
            readings = engines.labels.read_lines(part + turned, "label")
        as_is += readings[: len(part)]
        flipped += readings[len(part):]
        found = _judge(as_is, flipped)
        if found.sure:
            break
    return found


def _score(readings: list[CellText]) -> float:
    """Characters read, each weighed by its reading's score."""
    return sum(r.confidence * len(r.text) for r in readings)


def _reads_upright(readings: list[CellText]) -> bool:
    mean = sum(r.confidence for r in readings) / len(readings)
    return mean >= _UPRIGHT_MEAN and _score(readings) >= _UPRIGHT_SCORE
