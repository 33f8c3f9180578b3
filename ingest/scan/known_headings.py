"""The templates' section headings among a page's text lines told by their openings instead of
read whole, as long row labels are (`known_labels`).

A line that may be a heading (one standing alone and holding no digit) and is as wide as one
of the templates' headings (the parts with tables and those after them, 五、六) is read by its
opening characters first; where they name exactly one heading, ordinal and all, and the line is
that heading's width, it is given the heading's text. The width is within a label's slack
(measured headings came to 0.92-1.21 of theirs), so a line running on a few characters past a
heading is taken for it. Any other line is read whole. Reading the headings whole was nearly a
third of the text lines' recognition on the ten 150-dpi images (三、收到和处理政府信息公开申请情况
is 17 characters).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from ingest.layouts import load_layouts
from ingest.scan.known_labels import KnownLabel, char_width, fits, ink_width, match_opening, opening, unplaced
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import EngineSet
from ingest.settings import Settings


@cache
def known_headings(layouts_dir: Path) -> tuple[KnownLabel, ...]:
    """Every template's section headings, and the headings of the parts after the tables."""
    texts = dict.fromkeys(heading for layout in load_layouts(layouts_dir)
                          for heading in (*(h for s in layout.sections for h in s.headings), *layout.end_headings))
    return tuple(unplaced(text) for text in texts)


def read_text_lines(crops: list[np.ndarray], may_be_heading: list[bool], engines: EngineSet,
                    settings: Settings) -> list[CellText]:
    """Each text line's reading (`crops`: the lines' crops); a line that may be a heading is
    given a heading's text where its opening and width name it."""
    ocr = settings.ocr
    headings = known_headings(settings.layouts_dir)
    widths = [ink_width(crop, ocr.label_char_width) if may else 0.0
              for crop, may in zip(crops, may_be_heading, strict=True)]
    tried = [i for i, width in enumerate(widths)
             if width >= ocr.label_opening_min_width and any(fits(width, h, settings) for h in headings)]
    openings = engines.labels.read_lines(
        [opening(crops[i], ocr.label_opening_chars, char_width(crops[i], ocr.label_char_width)) for i in tried],
        "label")
    told = {i: CellText(heading.text, reading.confidence) for i, reading in zip(tried, openings, strict=True)
            if (heading := match_opening(reading, widths[i], headings, settings))}
    rest = [i for i in range(len(crops)) if i not in told]
    readings = dict(zip(rest, engines.labels.read_lines([crops[i] for i in rest], "label"), strict=True))
    readings.update(told)
    return [readings[i] for i in range(len(crops))]
