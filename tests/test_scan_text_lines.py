"""Text lines outside the tables of a scanned page: lines a seal's ring joins into one band are
parted again, and a line is as wide as its text, not the seal's strokes beside it (the headings of
parts 五 and 六 were lost under a seal: read as one garbage crop, or taken for full-width prose)."""

from __future__ import annotations

import numpy as np

from ingest.scan.lines import text_line_boxes

BODY = 40  # a body line's height in pixels
PITCH = 64


def _page(lines: list[tuple[int, int]]) -> np.ndarray:
    """An ink mask with text-like lines (x0, x1) one under another: dense vertical strokes."""
    ink = np.zeros((100 + PITCH * len(lines), 1800), np.uint8)
    for i, (x0, x1) in enumerate(lines):
        top = 50 + i * PITCH
        for x in range(x0, x1, 12):
            ink[top:top + BODY, x:x + 5] = 255
    return ink


def test_a_seal_ring_across_lines_does_not_join_them() -> None:
    ink = _page([(200, 1750)] * 4 + [(200, 900), (200, 1750), (200, 1750)])
    top = 50 + 4 * PITCH
    ink[top + 10:top + 2 * PITCH + BODY - 5, 1300:1303] = 255  # the ring's stroke crosses the gaps
    boxes = text_line_boxes(ink, BODY)
    assert len(boxes) == 7, boxes
    assert all(abs((b[3] - b[1]) - BODY) <= 12 for b in boxes), boxes
    assert boxes[4][2] < 910, boxes[4]  # the heading-like short line stays short


def test_a_gray_seals_print_across_the_gaps_does_not_join_lines() -> None:
    """A gray scan keeps the seal as ink: its ring and characters put as much ink in the rows
    between lines as a fifth of a text row's (seed 8080's turned scan: 六、其他需要报告的事项,
    the line under it and the seal were one band, read as garbage)."""
    ink = _page([(200, 1750)] * 2 + [(200, 900), (200, 1400)])
    top = 50 + 2 * PITCH
    # The seal's print: short strokes, staggered, putting 150 pixels of ink in every row it
    # spans (a text row: 650); no stroke a line long, as a character's are not.
    for i, x in enumerate(range(1450, 1750, 8)):
        for y in range(top - 10 - 7 * (i % 4), top + PITCH + BODY + 10, 25):
            ink[max(top - 10, y):y + 20, x:x + 5] = 255
    boxes = text_line_boxes(ink, BODY)
    assert len(boxes) == 4, boxes
    assert all((b[3] - b[1]) <= BODY + 12 for b in boxes), boxes


def test_a_line_is_as_wide_as_its_text_not_a_stroke_beside_it() -> None:
    ink = _page([(200, 900)])
    ink[60:80, 1700:1702] = 255  # a stray stroke of the seal at the right edge
    (box,) = text_line_boxes(ink, BODY)
    assert box[0] == 200 and box[2] < 910, box


def test_lines_of_a_page_without_a_seal_are_as_before() -> None:
    ink = _page([(200, 1750), (260, 1750), (200, 700)])
    assert [(b[0], b[2]) for b in text_line_boxes(ink, BODY)] == [(200, 1753), (260, 1753), (200, 697)]


def test_a_line_between_the_rests_of_two_rules_is_its_text() -> None:
    # A table's vertical rules cut off at the band's ends: thin, denser than the text (a light
    # face: a quarter of its band inked), which crashed the reader.
    ink = np.zeros((200, 1800), np.uint8)
    for x in range(300, 1500, 12):
        ink[50:50 + BODY, x:x + 3] = 255
    ink[50:50 + BODY, 100:104] = 255
    ink[50:50 + BODY, 1700:1704] = 255
    (box,) = text_line_boxes(ink, BODY)
    assert (box[0], box[2]) == (300, 1491), box


def test_a_line_down_the_pages_side_joins_no_lines() -> None:
    """A thin line down the whole page beside the text (a sheet's edge left along the side, a
    margin line) put ink in every row: the text outside the tables was one band."""
    ink = _page([(200, 1750), (260, 1750), (200, 700)])
    ink[:, 3:6] = 255
    assert [(b[0], b[2]) for b in text_line_boxes(ink, BODY)] == [(200, 1753), (260, 1753), (200, 697)]


def test_specks_in_every_row_of_the_margins_join_no_lines() -> None:
    """A fax's speckled margins put a speck in nearly every row (seed 1919's fax TIFF 2: the text
    outside the tables one band, section 三's labels beside its grid unread)."""
    ink = _page([(200, 1750), (260, 1750), (200, 700)])
    for y in range(0, ink.shape[0] - 3, 3):
        ink[y:y + 2, 20 + 7 * (y % 5):22 + 7 * (y % 5)] = 255
        ink[y + 1:y + 3, 1780:1783] = 255
    assert [(b[0], b[2]) for b in text_line_boxes(ink, BODY)] == [(200, 1753), (260, 1753), (200, 697)]
