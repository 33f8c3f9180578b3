"""Section headings among a scan's text lines told by their openings, only where the opening
names one heading, ordinal and all, and the line is as wide (else read whole)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.scan.known_headings import known_headings, read_text_lines
from ingest.scan.ocr.base import CellText, Kind
from ingest.scan.ocr.consensus import EngineSet, engine_set
from ingest.settings import load_settings

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
HEADING = "三、收到和处理政府信息公开申请情况"


def _line(text: str) -> np.ndarray:
    """A gray crop of one text line, 24 px characters (a 150-dpi page's)."""
    font = ImageFont.truetype(FONT, 24)
    image = Image.new("L", (int(font.getlength(text)) + 16, 40), 255)
    ImageDraw.Draw(image).text((8, 6), text, font=font, fill=0)
    return np.asarray(image)


class _Counting:
    """The engine set's label engine, counting the widths of the crops it reads."""

    def __init__(self, engines: EngineSet) -> None:
        self.engines, self.widths = engines, []  # type: ignore[var-annotated]

    def read_lines(self, images: list[np.ndarray], kind: Kind) -> list[CellText]:
        self.widths += [image.shape[1] for image in images]
        return self.engines.labels.read_lines(images, kind)


def _read(texts: list[str], may_be_heading: list[bool]) -> tuple[list[str], list[int], list[np.ndarray]]:
    settings = load_settings()
    engines = engine_set(settings)
    counting = _Counting(engines)
    crops = [_line(t) for t in texts]
    readings = read_text_lines(crops, may_be_heading, EngineSet(counting, engines.values), settings)  # type: ignore[arg-type]
    return [r.text for r in readings], counting.widths, crops


def test_the_templates_headings_are_known_once_each() -> None:
    texts = [h.text for h in known_headings(load_settings().layouts_dir)]
    assert HEADING in texts and "五、存在的主要问题及改进情况" in texts and len(texts) == len(set(texts))


def test_a_heading_is_told_by_its_opening_and_width() -> None:
    read, widths, crops = _read([HEADING], [True])
    assert read == [HEADING]
    # Only its opening was read.
    assert widths and max(widths) < crops[0].shape[1] / 2


def test_a_line_unlike_every_heading_or_not_one_is_read_whole() -> None:
    # Another part's heading, a heading with more after it than a label's slack, and a
    # heading's text on a line that cannot be one (a paragraph's last line).
    texts = ["（四）政府信息公开平台建设", HEADING + "的有关情况如下表所示", HEADING]
    read, widths, crops = _read(texts, [True, True, False])
    assert read[2] == HEADING and read[1].startswith("三、收到") and read[1] != HEADING
    # Every line was read whole.
    assert all(crop.shape[1] in widths for crop in crops)
