"""Crops that look the same, grouped so the first engine reads each look once.

A table page prints the same short value many times (most cells of a report are "0"): its
crops, scaled to one text height, differ only by scanning noise. Only short crops (one or
two characters) are grouped, and only when their ink matches almost pixel for pixel; the
second value reading still reads every crop on its own, so a crop grouped with the wrong
look gets two readings that disagree and goes to review. The second reading shares a look's
reading only among crops far closer still (`SURE_APART`), and only a one-digit reading.

A label (a reading with Chinese in it) is read once only, so a look's label reading is shared
only among crops as close as that, up to a few characters wide: a table's header prints
结果 or 总计 once a column, section 四's narrow columns one character a line."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import cv2
import numpy as np

from ingest.scan.ocr.base import CellText

# Grouped crops are at most this many text heights wide (a digit or two; labels are wider).
_MAX_WIDTH = 2.0
# Ink of one crop allowed to lie more than a pixel from the other's ink, as a share of its
# ink: a scan's noise and a sub-pixel shift move edges by a pixel; "0" against "8" or "6"
# differs by a whole stroke several pixels from any of the other's (the closest pair of
# different digits measured, "8" and "6" in Noto Sans, 5 % of the ink; "0" and "8" 20 %).
_MAX_APART = 0.02
# The second value reading shares a look's reading only among crops this close: a fifth of the
# closest pair of different digits, and half the first reading's tolerance (a crop the first
# reading grouped wrongly, between the two, is still read on its own). On seed 41's ten
# images, 89 % of the crops the first reading grouped were this close (78 % pixel for pixel).
SURE_APART = 0.01
# Labels shared among crops up to this many text heights wide (four characters: a header's line;
# a longer label is a row's, its own, and a wider crop risks a one-stroke difference within 1 %).
LABEL_WIDTH = 4.0
# Inks fewer pixels high than this are never grouped: a pixel's tolerance is most of a stroke
# there. Blurred digits of Noto Sans and Serif 10-14 pixels high, 320 crops each: 4-55 grouped
# with another digit, within `SURE_APART` too; 16 pixels and more, none.
_MIN_HEIGHT = 16
# Ink boxes of one look differ by at most this share in width and in height.
_SIZE_SLACK = 0.12
_NEAR = np.ones((3, 3), np.uint8)


def _ink(crop: np.ndarray) -> np.ndarray | None:
    """The crop's ink (Otsu) cut to its bounding box, 0/1; None for no ink."""
    _, binary = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    points = cv2.findNonZero(binary)
    if points is None:
        return None
    x, y, w, h = cv2.boundingRect(points)
    return binary[y:y + h, x:x + w]


class _Ink:
    """A crop's ink (0/1, cut to its box), with what lies farther than a pixel from its ink and
    from its paper, made once: a crop is compared with every look before it, and growing the
    ink and the paper was most of the comparing (seed 8870's ten images: 0.8 CPU s)."""

    def __init__(self, ink: np.ndarray) -> None:
        self.ink = ink
        self.paper = 1 - ink
        self.ink_count = np.count_nonzero(ink)
        self.paper_count = ink.size - self.ink_count
        self._scaled: dict[tuple[int, int], _Ink] = {}

    @property
    def shape(self) -> tuple[int, int]:
        return self.ink.shape

    @cached_property
    def far_from_ink(self) -> np.ndarray:
        return 1 - cv2.dilate(self.ink, _NEAR)

    @cached_property
    def far_from_paper(self) -> np.ndarray:
        return 1 - cv2.dilate(self.paper, _NEAR)

    def scaled(self, shape: tuple[int, int]) -> _Ink:
        """This ink scaled to `shape` (height, width), kept: a look is compared with crops of a
        few sizes, many times each (seed 8870's ten images: 6,642 scalings to 1,030 sizes)."""
        if shape == self.shape:
            return self
        if shape not in self._scaled:
            self._scaled[shape] = _Ink(cv2.resize(self.ink, shape[::-1], interpolation=cv2.INTER_NEAREST))
        return self._scaled[shape]


def _same(a: _Ink, b: _Ink, max_apart: float) -> bool:
    """Whether two inks are one look: boxes of nearly one size, and (scaled to one size) no
    more than a few of either's pixels farther than a pixel from the other's ink, nor of
    either's paper within the box from the other's paper. Small bold digits are all but ink
    from edge to edge, a pixel from any other's: a blurred photo's 3 and 2, 16 pixels high,
    differed by one pixel of ink, and by 15 of 82 of paper (seed 2323's photo 7: the 3 read 2
    by both readers sharing the 2's look, silently)."""
    (ha, wa), (hb, wb) = a.shape, b.shape
    if abs(ha - hb) > _SIZE_SLACK * max(ha, hb) + 1 or abs(wa - wb) > _SIZE_SLACK * max(wa, wb) + 1:
        return False
    b = b.scaled(a.shape)
    pairs = ((a.ink, a.ink_count, b.far_from_ink), (b.ink, b.ink_count, a.far_from_ink),
             (a.paper, a.paper_count, b.far_from_paper), (b.paper, b.paper_count, a.far_from_paper))
    return all(np.count_nonzero(one & far) <= max_apart * count for one, count, far in pairs)


def _inks(crops: list[np.ndarray], text_height: int, max_width: float) -> list[_Ink | None]:
    """Each crop's ink (`_ink`) if at most `max_width` text heights wide and `_MIN_HEIGHT`
    high, else None."""
    inks = []
    for crop in crops:
        ink = _ink(crop) if crop.shape[1] <= 3 * max_width * text_height else None
        fits = ink is not None and ink.shape[0] >= _MIN_HEIGHT and ink.shape[1] <= max_width * text_height
        inks.append(_Ink(ink) if fits and ink is not None else None)
    return inks


def group_looks(crops: list[np.ndarray], text_height: int, max_apart: float = _MAX_APART) -> list[int]:
    """For each crop (text scaled to `text_height`), the index of the first crop that looks
    the same (itself when none does): at most `max_apart` of either's ink apart."""
    return _owners(_inks(crops, text_height, _MAX_WIDTH), max_apart)


def _owners(inks: list[_Ink | None], max_apart: float) -> list[int]:
    owners: list[int] = []
    # Looks found so far: (first crop's index, its ink).
    looks: list[tuple[int, _Ink]] = []
    for i, ink in enumerate(inks):
        if ink is None:
            owners.append(i)
            continue
        owner = next((j for j, seen in looks if _same(ink, seen, max_apart)), None)
        if owner is None:
            looks.append((i, ink))
            owner = i
        owners.append(owner)
    return owners


def read_once(crops: list[np.ndarray], read: Callable[[list[np.ndarray]], list[CellText]], text_height: int,
              shared: Callable[[str], bool], max_apart: float = _MAX_APART,
              labels: Callable[[str], bool] | None = None) -> list[CellText]:
    """Every crop's reading (`read`: a batch of crops read), each look read once when its reading
    is one that may be shared (`shared`: a value); crops grouped with a look whose reading may
    not are read on their own, but for `labels` readings among crops within `SURE_APART`
    and `LABEL_WIDTH` of each other."""
    inks = _inks(crops, text_height, LABEL_WIDTH if labels else _MAX_WIDTH)
    # Values as before: among crops up to `_MAX_WIDTH` wide.
    owners = _owners([ink if ink is None or ink.shape[1] <= _MAX_WIDTH * text_height else None for ink in inks],
                     max_apart)
    if labels:
        # Among the looks those leave (a crop that shares another's reading is not read).
        looks = _owners([ink if owners[i] == i else None for i, ink in enumerate(inks)], SURE_APART)
        owners = [looks[i] if owner == i else owner for i, owner in enumerate(owners)]
    firsts = sorted(set(owners))
    readings = dict(zip(firsts, read([crops[i] for i in firsts]), strict=True))

    def share(i: int, owner: int) -> bool:
        text, ink, look = readings[owner].text, inks[i], inks[owner]
        if ink is None or look is None:
            return False
        if shared(text):
            return bool(ink.shape[1] <= _MAX_WIDTH * text_height)
        return labels is not None and labels(text) and _same(ink, look, SURE_APART)

    alone = [i for i, owner in enumerate(owners) if owner != i and not share(i, owner)]
    readings.update(zip(alone, read([crops[i] for i in alone]), strict=True))
    return [readings.get(i, readings[owner]) for i, owner in enumerate(owners)]
