"""Text lines in an ink mask: bands of rows with ink, and each band's horizontal extent."""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np

from ingest.scan.ocr.sign_mark import minus_marks
from ingest.tables.model import PixelBox as Box

# A band this many body lines tall is lines joined; a row holding this share of the band's
# inked rows' ink (their 90th percentile) is a text line's; a parted line gets this share of
# the body height back above and below (the rows its strokes' ends thin out in).
_JOINED = 1.8
_LINE_ROW_SHARE = 0.15
_LINE_PAD = 0.12
# The band's rows this low in its ink (percentile) hold only what crosses every row: a seal's ring.
_FLOOR_PERCENTILE = 5
# Marks a body line's height or more beside a line's text whose ink is this much sparser than
# its text's (a seal's ring), or this small a share of it (specks), are not the line's: they do
# not widen it into prose.
_STRAY_DENSITY_SHARE = 0.3
_STRAY_INK_SHARE = 0.05
# An upright stroke this many text heights long is no character's (a CJK stroke is one at most).
_LONG_STROKE = 3
# A body line's band is at most this many text heights tall.
_BODY_MAX = 1.5
# Gaps this share of a text height long are holes in a stroke, not the space between lines.
_PINHOLE = 10
# A digit stands under this share of the height of the page's text (its Chinese characters).
_DIGIT_HEIGHT = 0.85


def line_boxes(ink: np.ndarray, min_height: int, min_gap: int = 1) -> list[Box]:
    """Boxes (x0, y0, x1, y1) of the text lines of an ink mask, top to bottom.

    A band shorter than `min_height` is noise (a speck, the rest of a rule)."""
    rows = (ink > 0).sum(axis=1)
    inked = np.flatnonzero(rows > 0)
    boxes: list[Box] = []
    if inked.size == 0:
        return boxes
    starts = [int(inked[0])]
    ends = []
    for a, b in pairwise(inked):
        if b - a > min_gap:
            ends.append(int(a) + 1)
            starts.append(int(b))
    ends.append(int(inked[-1]) + 1)
    for y0, y1 in zip(starts, ends, strict=True):
        if y1 - y0 < min_height:
            continue
        cols = np.flatnonzero((ink[y0:y1] > 0).any(axis=0))
        boxes.append((int(cols[0]), y0, int(cols[-1]) + 1, y1))
    return boxes


def has_ink(ink: np.ndarray, min_height: int) -> bool:
    """Whether a cell holds a mark at least `min_height` tall (specks and rule rests are not)."""
    rows = (ink > 0).any(axis=1)
    cols = (ink > 0).any(axis=0)
    if not rows.any():
        return False
    tall = np.flatnonzero(rows)
    return int(tall[-1] - tall[0] + 1) >= min_height and int(cols.sum()) >= 2


def without_rule_rests(region: np.ndarray, reach: int, inner: tuple[int, ...] = (), text_height: int = 0) -> np.ndarray:
    """A cell's ink with the rests of its side rules taken out: marks no wider than `reach`
    lying within `reach` of the left or right side, or of an `inner` x where a rule would part
    a merged cell (a thin rule of a black-and-white scan comes out in dashes a few pixels off
    its line, or drops out over a row and leaves a dash; read beside a "0" it makes "10"),
    unless a part of a digit in a cell of digits (its marks all shorter than `text_height`).
    A flat mark where a minus stands before a number near the side is no rest: a faded
    copy's minus is as short as a rest (seed 941 browser_scan 2: "-1" read "1", unflagged)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    width = region.shape[1]
    x, w = stats[1:count, cv2.CC_STAT_LEFT], stats[1:count, cv2.CC_STAT_WIDTH]
    h = stats[1:count, cv2.CC_STAT_HEIGHT]
    rest = (w <= reach) & ((x + w <= reach) | (x >= width - reach))
    # The minus is told among the marks that are not rests (a rule's rest is no digit).
    rest &= ~((w > h) & minus_marks(stats[1:count], ~rest))
    top = stats[1:count, cv2.CC_STAT_TOP]
    digits = bool((h < _DIGIT_HEIGHT * text_height).all())
    if digits:
        # A thin-stroked "0" set against its cell's side, binarised as two arcs: the one at the
        # side is as narrow as a rest, its twin beside it as narrow and as high (seed 5858's
        # browser scan 7: 22 zeros so lost, their cells read blank and flagged).
        rest &= ~_digit_parts(x, top, w, h, rest, among=w <= reach)
    for at in inner:
        # A dropped rule leaves a dash along it (upright); the minus of a value centred in the
        # merged cell lies flat across where the rule would run (seed 317: "-3" read "3").
        # A decimal point there (seed 931: 30.12 centred in a merged cell, read 3012) is as wide
        # as it is tall; a rule's dash is thinner than it is long.
        dash = (w <= reach) & (2 * h >= 3 * w) & (x >= at - reach) & (x + w <= at + reach)
        rest |= dash & ~_digit_parts(x, top, w, h, dash) if digits else dash
    rests = np.flatnonzero(rest) + 1
    if rests.size == 0:
        return region
    out = region.copy()
    out[np.isin(labels, rests)] = 0
    return out


def _digit_parts(x: np.ndarray, top: np.ndarray, w: np.ndarray, h: np.ndarray, dash: np.ndarray,
                 among: np.ndarray | None = None) -> np.ndarray:
    """Which of the `dash` marks are a digit's part: another mark within its height beside it
    stands as high and as low (a black-and-white scan's "0" whose thin top and foot dropped out
    is two arcs; centred on a dropped rule's line, its left arc was taken for the rule's dash
    and the right one read "1": seed 9191's fax). A rule's dashes stand at heights of their own.
    Only a cell of marks all shorter than a Chinese character is asked: a character's parts
    stand alike too, and keeping them changed labels' readings (seed 9191's fax 4: a row lost).
    `among`: the marks that may be such a twin (all, if None)."""
    parts = np.zeros_like(dash)
    for i in np.flatnonzero(dash):
        tol = max(2, int(h[i]) // 8)
        beside = (np.abs(top - top[i]) <= tol) & (np.abs(top + h - top[i] - h[i]) <= tol)
        if among is not None:
            beside &= among
        beside &= (x < x[i] + w[i] + h[i]) & (x + w > x[i] - h[i])
        beside[i] = False
        parts[i] = bool(beside.any())
    return parts


def cell_lines(ink: np.ndarray, text_height: int) -> list[Box]:
    """The text lines of a table cell's ink, each at least a third of a character tall.

    In a cell of several lines (a label set one character a line), the strokes of a
    character that stand apart on a line of their own (the three of 三) make one line, not
    strokes too thin to read, and a punctuation mark alone on its line (the 、 after 三) is
    left out: read alone it passes for a "1"."""
    bands = line_boxes(ink, 1, min_gap=2)
    lines = [b for b in bands if _tall(ink, b, text_height)]
    if not lines:
        # A thin-stroked digit of a light scan binarised in parts, each under a third of a
        # character: a 2's arc and foot (fresh seed 4949's browser scan 4: a 2 called blank, sure).
        return [b for b in _parts_joined(bands, text_height) if _tall(ink, b, text_height)]
    if len(lines) == 1:
        # A thin-stroked digit's part cut off under or over it (a light 150 dpi scan's 2, its
        # foot apart from its arc: the arc alone was read 9 by both engines, seed 9595's
        # browser scan 0) is the line's, where it lies within the line's width.
        line = lines[0]
        parts = [b for b in bands if b == line or (not _tall(ink, b, text_height)
                                                   and b[0] >= line[0] - _CONTACT and b[2] <= line[2] + _CONTACT)]
        return [b for b in _parts_joined(parts, text_height) if _tall(ink, b, text_height)]
    # Bands so far, each with whether it is made of strokes only.
    joined: list[tuple[Box, bool]] = []
    for band in bands:
        stroke = _stroke(band, text_height)
        if joined and joined[-1][1] and stroke and band[3] - joined[-1][0][1] <= _CHARACTER * text_height:
            last = joined[-1][0]
            joined[-1] = ((min(last[0], band[0]), last[1], max(last[2], band[2]), band[3]), True)
        else:
            joined.append((band, stroke))
    lines = _parts_joined([b for b, _ in joined if _tall(ink, b, text_height)], text_height)
    words = [b for b in lines if max(b[2] - b[0], b[3] - b[1]) >= text_height // 2]
    return words or lines


def _parts_joined(lines: list[Box], text_height: int) -> list[Box]:
    """Lines one over the other, a sliver apart and together no taller than a character, joined:
    the parts of one character a black-and-white scan broke where a thin stroke dropped out (a
    2 without its diagonal, its head and foot read 2 and 下 as two lines: seed 3131's fax TIFF
    1, section 四's row cut in two). Lines of text stand a character tall each."""
    out: list[Box] = []
    for box in lines:
        last = out[-1] if out else None
        if (last is not None and box[1] - last[3] <= text_height // _SLIVER
                and box[3] - last[1] <= _CHARACTER * text_height and box[0] < last[2] and last[0] < box[2]):
            out[-1] = (min(last[0], box[0]), last[1], max(last[2], box[2]), box[3])
        else:
            out.append(box)
    return out


# A part of a line's character lies within this many pixels of its width (antialiasing).
_CONTACT = 2
# Strokes of one character lie within this many text heights from its top to its bottom, its
# parts at most this share of a text height apart.
_CHARACTER = 1.15
_SLIVER = 4


def _tall(ink: np.ndarray, box: Box, text_height: int) -> bool:
    return has_ink(ink[box[1]:box[3], box[0]:box[2]], text_height // 3)


def _stroke(box: Box, text_height: int) -> bool:
    """A band under a third of a character tall and about a character wide: a stroke of
    三 or 二; a speck is narrower, a rule's rest wider."""
    height, width = box[3] - box[1], box[2] - box[0]
    return height < text_height // 3 and text_height // 2 <= width <= _CHARACTER * text_height


def rules_painted_out(gray: np.ndarray, ink: np.ndarray, rules: list[np.ndarray],
                      box: Box) -> tuple[np.ndarray, np.ndarray]:
    """The gray and ink of a page's `box` with its rules (masks of the whole page) painted
    paper-white: a rule's dash that drifts into a cell is read as a "1" beside the value."""
    x0, y0, x1, y1 = box
    ruled: np.ndarray = np.zeros((y1 - y0, x1 - x0), np.uint8)
    for mask in rules:
        ruled |= mask[y0:y1, x0:x1]
    # Antialiased rims of a rule go with it.
    ruled = cv2.dilate(ruled, np.ones((3, 3), np.uint8))
    clean_gray, clean_ink = gray[y0:y1, x0:x1].copy(), ink[y0:y1, x0:x1].copy()
    clean_gray[ruled > 0] = 255
    clean_ink[ruled > 0] = 0
    return clean_gray, clean_ink


def text_line_boxes(ink: np.ndarray, text_height: int) -> list[Box]:
    """The text lines of a page's ink outside its tables: `line_boxes`, bands of lines a seal
    joined parted again, each line as wide as its text (not the seal's strokes beside it)."""
    min_height = text_height // 2
    ink = without_long_upright_strokes(ink, text_height)
    lines = [b for b in line_boxes(ink, min_height, min_gap=2) if b[2] - b[0] >= min_height]
    if not lines:
        return lines
    # A body line is about a character tall: the median band is not, where most bands are lines
    # run together (a fax's speckled margins put a speck in nearly every row: seed 1919's fax
    # TIFF 2, its text outside the tables one band a paragraph, section 三's labels unread).
    body = min(float(np.median([b[3] - b[1] for b in lines])), _BODY_MAX * text_height)
    return [_as_wide_as_text(ink, b, body) for b in _part_joined_lines(ink, lines, body)]


def without_long_upright_strokes(ink: np.ndarray, text_height: int) -> np.ndarray:
    """The ink without upright strokes several text lines long: a sheet's edge left along the
    page's side, a margin or binding line, put ink in every row, and the page's text outside
    its tables was one band, no line of it read (seed 1439's scan: two sections' headings lost)."""
    # A desk's grain leaves pinholes in such a stroke: they are closed first.
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((max(3, text_height // _PINHOLE), 1), np.uint8))
    strokes = cv2.morphologyEx(closed, cv2.MORPH_OPEN, np.ones((_LONG_STROKE * text_height, 1), np.uint8))
    if not strokes.any():
        return ink
    # The stroke's blurred rim goes with it.
    return cv2.subtract(ink, cv2.dilate(strokes, np.ones((1, 3), np.uint8)))


def _as_wide_as_text(ink: np.ndarray, box: Box, body: float) -> Box:
    x0, y0, x1, y1 = box
    inked = np.flatnonzero((ink[y0:y1, x0:x1] > 0).any(axis=0))
    if y1 <= y0 or not inked.size:
        return box
    groups = np.split(inked, np.flatnonzero(np.diff(inked) > body) + 1)
    amount = [int((ink[y0:y1, x0 + g[0]:x0 + g[-1] + 1] > 0).sum()) for g in groups]
    density = [n / ((g[-1] - g[0] + 1) * (y1 - y0)) for g, n in zip(groups, amount, strict=True)]
    # The text is the run with the most ink; a rule's rest beside it is denser, not text.
    text = int(np.argmax(amount))
    kept = [g for g, n, d in zip(groups, amount, density, strict=True)
            if d >= _STRAY_DENSITY_SHARE * density[text] and n >= _STRAY_INK_SHARE * amount[text]]
    return (x0 + int(kept[0][0]), y0, x0 + int(kept[-1][-1]) + 1, y1)


def _part_joined_lines(ink: np.ndarray, boxes: list[Box], body: float) -> list[Box]:
    """Text lines that a seal or a stain joined into one band (two or more body lines tall)
    parted again: within the band, a line is a run of rows holding a good share of the band's
    ink; the rows between lines hold only the seal's thin strokes. Read as one crop, such a
    band came back as garbage and the heading in it was lost (六、其他需要报告的事项 under the seal)."""
    out: list[Box] = []
    for box in boxes:
        x0, y0, x1, y1 = box
        if y1 - y0 < _JOINED * body:
            out.append(box)
            continue
        # A gray seal's ring crosses every row of the band, the gaps between lines too: its
        # floor is taken off each row's ink (seed 8080's turned scan: the rows between the
        # lines held 50-80 pixels of ring, text rows 300-400, and 六、其他需要报告的事项 was lost).
        rows = (ink[y0:y1, x0:x1] > 0).sum(axis=1)
        rows = rows - np.percentile(rows, _FLOOR_PERCENTILE)
        dense = np.concatenate(([False], rows > _LINE_ROW_SHARE * np.percentile(rows, 90), [False]))
        edges = np.flatnonzero(np.diff(dense.astype(np.int8)))
        runs = [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= body / 2]
        if len(runs) < 2:
            out.append(box)
            continue
        pad = round(_LINE_PAD * body)
        for a, b in runs:
            top, bottom = y0 + max(0, a - pad), y0 + min(y1 - y0, b + pad)
            cols = np.flatnonzero((ink[top:bottom, x0:x1] > 0).any(axis=0))
            out.append((x0 + int(cols[0]), top, x0 + int(cols[-1]) + 1, bottom))
    return out

