"""A light face's digits on a gray scan, hair-thin and gray all through (AR PL UMing's at
150 dpi): thresholded they leave specks only, and the cell was called blank, surely. They are
read, flagged (a light "3" is read "2" as often as not); a cell of clean paper stays blank, and
so does one holding marks as light in a table that prints its values in ink.
A number read from such marks alone is no sure 0 where every sum is of zeros: the reverse
side's print showing through reads as digits too (seed 3361's image 4: a ghost "0" in a blank
cell of a row of zeros, read by disagreeing engines, was lifted to 0.9989 by its row's sum)."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.evidence import Evidence, cell_evidence
from ingest.models import BBox, CellReading
from ingest.scan.ocr.consensus import engine_set
from ingest.scan.page import prepare, read_table
from ingest.settings import load_settings
from ingest.tables.raster import find_tables

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
COL_X = [100, 300, 370, 440, 510, 580]
ROW_Y = [200, 222, 244, 266]
# Each row's label and values ("" blank), the values printed light gray.
ROWS = [("一、本年新收", ["0", "3", "0", "3"]),
        ("二、上年结转", ["0", "", "0", "0"]),
        ("（一）予以公开", ["", "", "", ""])]
# A gray scan's paper, and the values' gray: 0.85 of it (flattened, about 217).
PAPER = 200
LIGHT = 170


def _light_page(value_gray: int = LIGHT, ghosts: dict[tuple[int, int], str] | None = None) -> np.ndarray:
    """A gray 150-dpi page: a table of low rows ruled dark, labels dark, values thin in
    `value_gray`, and `ghosts` (row and value column: text) in blank cells, light."""
    image = Image.new("L", (1240, 600), PAPER)
    draw = ImageDraw.Draw(image)
    label_font, value_font = ImageFont.truetype(SERIF, 15), ImageFont.truetype(SERIF, 14)
    for y in ROW_Y:
        draw.line([(COL_X[0], y), (COL_X[-1], y)], fill=70, width=1)
    for x in COL_X:
        draw.line([(x, ROW_Y[0]), (x, ROW_Y[-1])], fill=70, width=1)
    for r, (label, values) in enumerate(ROWS):
        top = ROW_Y[r] + 2
        draw.text((COL_X[0] + 4, top), label, font=label_font, fill=60)
        for c, value in enumerate(values):
            draw.text((COL_X[c + 1] + 30, top), value, font=value_font, fill=value_gray)
            ghost = (ghosts or {}).get((r, c), "")
            draw.text((COL_X[c + 1] + 12, top), ghost, font=value_font, fill=LIGHT)
    page = np.asarray(image).astype(np.int16)
    noise = np.random.default_rng(8641).normal(0, 3, page.shape)
    return cv2.cvtColor(np.clip(page + noise, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


def test_light_thin_digits_are_read_flagged_and_clean_paper_stays_blank() -> None:
    settings = load_settings()
    page = prepare(_light_page(), False, settings.scan)
    assert not page.bilevel
    tables = find_tables(page.rulings, page.grid, None, page.ink)
    assert len(tables) == 1 and tables[0].n_rows == len(ROWS) and tables[0].n_cols == 5
    piece = read_table(page, tables[0], page.grid, 1, engine_set(settings), settings)
    read = {slot.origin: slot for _, slot in piece.cells}
    assert [read[(0, c)].text for c in (1, 3)] == ["0", "0"]
    for r, (_, values) in enumerate(ROWS):
        for c, value in enumerate(values):
            slot = read[(r, c + 1)]
            if value:
                assert slot.text and slot.confidence <= settings.ocr.conf_light_read, (r, c, slot.text)
            else:
                assert slot.text == "" and slot.confidence >= settings.ocr.conf_blank


def test_light_marks_in_a_table_printing_its_values_in_ink_are_no_number() -> None:
    # The values printed dark; blank cells hold print as light as the light face's above (the
    # next sheet showing through).
    settings = load_settings()
    ghosts = {(1, 1): "5", (2, 0): "193", (2, 2): "22"}
    page = prepare(_light_page(value_gray=60, ghosts=ghosts), False, settings.scan)
    (table,) = find_tables(page.rulings, page.grid, None, page.ink)
    piece = read_table(page, table, page.grid, 1, engine_set(settings), settings)
    read = {slot.origin: slot for _, slot in piece.cells}
    assert [read[(0, c + 1)].text for c in range(4)] == ROWS[0][1]
    assert all(read[(r, c + 1)].text == "" for r, c in ghosts)


def test_a_number_read_from_light_marks_alone_is_settled_by_no_sum_of_zeros() -> None:
    settings = load_settings()
    box = BBox(10, 10, 40, 30)
    at: tuple[int | None, tuple[float, ...]] = (1, tuple(box.as_list()))
    sources = {at: settings.ocr.conf_light_read}
    zero = cell_evidence(CellReading(0, "0", settings.ocr.conf_light_read, 1, box), "image", sources, settings)
    assert zero.reading == "faint_ink"
    assert Evidence(zero.format, zero.kind, zero.reading, zero.placement, zero.printed, "held_zero").must_review()
    # A sum over other numbers than 0 that holds with it confirms a number other than 0.
    three = cell_evidence(CellReading(3, "3", settings.ocr.conf_light_read, 1, box), "image", sources, settings)
    assert not Evidence(three.format, three.kind, three.reading, three.placement, three.printed, "held").must_review()
    # Two engines disagreeing on ink as dark as print stay a disagreement.
    sources[at] = settings.ocr.conf_disagree
    assert cell_evidence(CellReading(0, "0", settings.ocr.conf_disagree, 1, box), "image", sources,
                         settings).reading == "disagree"
