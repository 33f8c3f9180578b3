"""A table's row labels matched against the templates' labels instead of read whole: the
long ones by their opening characters, the ones between by the row order; a header's note
(layouts' `notes`) by its opening characters too, and a group's label ((三)不予公开) by the
labels so taken beside it (`groups_told`).

Reading costs grow with a crop's width, and a table's row labels are its widest crops
(section 三's "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" wraps
over lines). A long label is taken for a template's when all of these hold:
- its opening characters (a label wrapped over lines: its first line's) read surely and name
  exactly one template row, with its ordinal (the last character read may be cut by the
  crop's edge and is not compared);
- the cell's width is that label's (wrapped lines together; a character's width measured
  from the crop's ink height);
- the table's labels taken so, row by row, come in one template's order, each once.
Between two labels so taken whose template rows lie as many rows apart as their table rows,
each row's label is the template's row as far down, if its cell is as wide. Anything else
(a row the template lacks, rows merged or split by the grid, an unsure or ambiguous opening)
is read whole. The labels are data (layouts/), the thresholds settings (`Settings.ocr.label_*`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import numpy as np

from ingest.labels import label_core, split_ordinal
from ingest.layouts import load_layouts
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import EngineSet
from ingest.settings import Settings
from ingest.tables.model import GridCell

# Ink darker than this is a character's (the crops are gray, paper near white); in a crop whose
# darkest pixel is lighter than half this (a light or blurred print), ink is up to half this
# darker than that pixel, at most halfway to its paper (a 150-dpi image's （一）予以公开, its
# strokes mostly lighter than 128, measured 3.7 characters wide, not 7, and was read whole).
_INK = 128
# White added right of an opening crop (as the crops' own border).
_BORDER = 8
# An ordinal's mark read without its numeral, and the ordinal it is then (`_ordinal_read`).
_LOST_ONE = (("、", "一、"), ("()", "(一)"))
# Share of its median by which a label's measured width over the template's may differ and
# still agree with the others' (`print_scale`).
_SCALE_AGREEMENT = 0.2


@dataclass(frozen=True)
class KnownLabel:
    text: str
    core: str
    # Printed width in characters (a digit or a Latin mark is about half a Chinese character).
    width: float
    # Its row's place in each template that has it: (template, index of the row).
    places: frozenset[tuple[str, int]]


def printed_width(text: str) -> float:
    """A text's printed width in Chinese characters."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text if not c.isspace())


def unplaced(text: str) -> KnownLabel:
    """A template text that is no row's label (a group's label, a header's word)."""
    return KnownLabel(text, label_core(text), printed_width(text), frozenset())


@cache
def known_labels(layouts_dir: Path) -> tuple[KnownLabel, ...]:
    """Every template's row labels printed without a deviation, each with its rows' places,
    and the texts in its tables that are no row's (a header's note), with none."""
    places: dict[str, set[tuple[str, int]]] = {}
    for layout in load_layouts(layouts_dir):
        for index, row in enumerate(layout.rows()):
            for variant in row.labels:
                if variant.deviation is None:
                    places.setdefault(variant.text, set()).add((layout.template, index))
        for note in layout.notes:
            places.setdefault(note, set())
    return tuple(KnownLabel(text, label_core(text), printed_width(text), frozenset(p)) for text, p in places.items())


def _ink(crop: np.ndarray) -> np.ndarray:
    darkest, paper = int(crop.min()), int(crop.max())
    return crop < max(_INK, min(darkest + _INK // 2, (darkest + paper) // 2))


def _extent(ink: np.ndarray, axis: int) -> int:
    """How many pixels an ink mask spans across `axis` (0: its columns, 1: its rows); 0: no ink."""
    inked = np.flatnonzero(ink.any(axis=axis))
    return int(inked[-1] - inked[0] + 1) if len(inked) else 0


def char_width(crop: np.ndarray, share: float) -> float:
    """A Chinese character's width in a one-line crop: `share` of its ink's height."""
    return share * _extent(_ink(crop), 1)


def ink_width(crop: np.ndarray, share: float) -> float:
    """How many characters wide a one-line crop's ink is (`char_width`)."""
    ink = _ink(crop)
    width = _extent(ink, 0)
    return 0.0 if width == 0 else width / (share * _extent(ink, 1))


def opening(crop: np.ndarray, chars: int, char_width: float) -> np.ndarray:
    """The crop's first `chars` characters (`char_width` pixels each): cut at the palest column
    within a third of a character of that width, white beyond it."""
    ink = _ink(crop)
    columns = np.flatnonzero(ink.any(axis=0))
    target = int(columns[0] + chars * char_width) if len(columns) else crop.shape[1]
    reach = round(char_width / 3)
    lo, hi = max(1, target - reach), min(crop.shape[1] - 1, target + reach)
    if lo >= hi:
        return crop
    column_ink = ink[:, lo:hi].sum(axis=0)
    cut = lo + int(np.argmin(column_ink))
    out = np.full((crop.shape[0], cut + _BORDER), 255, crop.dtype)
    out[:, :cut] = crop[:, :cut]
    return out


def _ordinal_read(text: str) -> str:
    """The ordinal an opening reading prints (`split_ordinal`), "一、" or "(一)" where only its
    mark was read: 一 is one thin stroke, which a light 150-dpi print loses (the ten 150-dpi
    images: five of six section 三 tables' 一、本年新收… read 、本年新收…, and read whole)."""
    ordinal, rest = split_ordinal(text)
    if not ordinal:
        ordinal = next((full for mark, full in _LOST_ONE if rest.startswith(mark)), "")
    return ordinal


def _named(reading: CellText, labels: Sequence[KnownLabel], settings: Settings) -> list[KnownLabel]:
    """The template labels (one row's variants) this opening reading names, or none."""
    ocr = settings.ocr
    if reading.confidence < ocr.label_opening_min_score:
        return []
    ordinal = _ordinal_read(reading.text)
    # The last character read may be cut by the crop's edge: it chooses only between rows that
    # the characters before it name alike (5.要求行 between 3.要求提供… and 5.要求行政…).
    whole = label_core(reading.text)
    core = whole[:-1]
    named = [k for k in labels if k.core.startswith(core)] if len(core) >= ocr.label_opening_min_core else []
    if len({k.places for k in named}) != 1 and len(whole) >= ocr.label_opening_min_core:
        named = [k for k in labels if k.core.startswith(whole)]
    # The opening names one row (its ordinal read as printed in the template); the width only
    # tells that row's variants apart ("（二）部分公开" with its note or without).
    if len({k.places for k in named}) != 1 or any(split_ordinal(k.text)[0] != ordinal for k in named):
        return []
    return named


def match_opening(reading: CellText, width: float, labels: Sequence[KnownLabel],
                  settings: Settings) -> KnownLabel | None:
    """The one template label this opening reading and cell width (in the table's characters,
    `print_scale`) name, if exactly one."""
    fitting = [k for k in _named(reading, labels, settings) if fits(width, k, settings)]
    return fitting[0] if len(fitting) == 1 else None


def print_scale(ratios: list[float]) -> float:
    """How much wider than `label_char_width` tells the table prints its labels (letter-spaced,
    a wide face, a page stretched across): the median of the labels' measured widths over the
    template's (`ratios`). 1 when fewer than three tell it, or when most of them lie more than a
    fifth off their median."""
    if len(ratios) < 3:
        return 1.0
    middle = float(np.median(ratios))
    near = [r for r in ratios if abs(r - middle) <= _SCALE_AGREEMENT * middle]
    return middle if 2 * len(near) > len(ratios) else 1.0


def _in_order(matched: list[KnownLabel]) -> bool:
    """Whether labels (in the table's row order) come in one template's row order, each once."""
    templates = {t for k in matched for t, _ in k.places}
    for template in templates:
        indexes = [next((i for t, i in k.places if t == template), None) for k in matched]
        if None not in indexes and all(a < b for a, b in pairwise(indexes)):  # type: ignore[operator]
            return True
    return not matched


def _between(anchors: dict[int, KnownLabel], grid: list[GridCell[int]], widths: list[float],
             labels: Sequence[KnownLabel], settings: Settings) -> dict[int, tuple[KnownLabel, int, int]]:
    """Labels the row order tells: between two labels taken by their openings whose template
    rows lie as many rows apart as their table rows, each table row in between holds the
    template row as far down, its label the row's first cell of one row's height (a group's
    label spans rows), if that cell is as wide as one of the row's labels. Each found with the
    two labels that tell it (by index)."""
    place_labels: dict[tuple[str, int], list[KnownLabel]] = {}
    for label in labels:
        for place in label.places:
            place_labels.setdefault(place, []).append(label)
    rows: dict[int, list[int]] = {}
    for i, cell in enumerate(grid):
        if cell.row_span == 1:
            rows.setdefault(cell.row, []).append(i)
    found: dict[int, tuple[KnownLabel, int, int]] = {}
    order = sorted(anchors, key=lambda i: (grid[i].row, grid[i].col))
    for a, b in pairwise(order):
        ra, rb = grid[a].row, grid[b].row
        if grid[a].row_span != 1 or grid[b].row_span != 1 or rb - ra < 2:
            continue
        for template, ta in anchors[a].places:
            tb = next((t for name, t in anchors[b].places if name == template), None)
            if tb != ta + rb - ra:
                continue
            for r in range(ra + 1, rb):
                first = min(rows.get(r, []), key=lambda i: grid[i].col, default=None)
                if first is None:
                    continue
                expected = place_labels.get((template, ta + r - ra), [])
                fitting = [k for k in expected if fits(widths[first], k, settings)]
                if len(fitting) == 1:
                    found[first] = (fitting[0], a, b)
            break
    return found


def fits(width: float, label: KnownLabel, settings: Settings) -> bool:
    """Whether a cell's measured width (in characters) is the label's, give or take the slack."""
    ocr = settings.ocr
    return abs(width - label.width) <= ocr.label_width_slack * label.width + ocr.label_width_slack_chars


def labels_taken(grid: list[GridCell[int]], cells: list[list[np.ndarray]], widths: list[float],
                 engines: EngineSet, settings: Settings, skip: Collection[int] = ()) -> dict[int, CellText]:
    """The inked cells (`grid`: the cells, `cells`: their crops, `widths`: their widths in
    characters) whose labels are taken for the template's, by index, when the checks above
    hold; the cells `skip` names (known already) are not looked at. The long cells' openings
    are read every other row first: a row between two labels so taken is told by the order, its
    opening not read (seed 879's ten images: 144 openings read before, 102 now); the rest are
    read after."""
    ocr = settings.ocr
    labels = known_labels(settings.layouts_dir)
    share = ocr.label_char_width
    # A label wrapped over lines is long by its lines together; its opening is its first line's.
    long = sorted((i for i, crops in enumerate(cells)
                   if crops and i not in skip and widths[i] >= ocr.label_opening_min_width
                   and ink_width(crops[0], share) >= ocr.label_opening_chars),
                  key=lambda i: (grid[i].row, grid[i].col))

    def read_openings(indexes: list[int]) -> dict[int, CellText]:
        crops = [opening(cells[i][0], ocr.label_opening_chars, char_width(cells[i][0], share)) for i in indexes]
        return dict(zip(indexes, engines.labels.read_lines(crops, "label"), strict=True))

    # The last too: rows after the last label taken are told by nothing.
    openings = read_openings(sorted({*long[::2], *long[-1:]}, key=long.index))
    taken = _labels_taken(openings, grid, widths, labels, settings)
    openings.update(read_openings([i for i in long if i not in openings and i not in taken]))
    return _labels_taken(openings, grid, widths, labels, settings)


@cache
def _group_rows(layouts_dir: Path) -> dict[tuple[str, str], frozenset[int]]:
    """Each template's row groups ((三)不予公开): the places of their rows."""
    groups: dict[tuple[str, str], set[int]] = {}
    for layout in load_layouts(layouts_dir):
        for index, row in enumerate(layout.rows()):
            if row.group:
                groups.setdefault((layout.template, row.group), set()).add(index)
    return {key: frozenset(rows) for key, rows in groups.items()}


def groups_told(grid: list[GridCell[int]], widths: list[float], taken: dict[int, CellText],
                settings: Settings) -> dict[int, CellText]:
    """The group labels ((三)不予公开 beside its eight rows) the labels taken tell, by index: a
    cell spanning rows each of which holds a label taken to its right, when those labels' rows
    are exactly one group's of a template and the cell is as wide as the group's label (at the
    print scale the labels taken agree on); as sure as the least sure of them."""
    by_text = {k.text: k for k in known_labels(settings.layouts_dir) if k.places}
    rows = {i: by_text[reading.text] for i, reading in taken.items() if reading.text in by_text}
    scale = print_scale([widths[i] / k.width for i, k in rows.items() if k.width > 0])
    group_rows = _group_rows(settings.layouts_dir)
    told: dict[int, CellText] = {}
    for g, cell in enumerate(grid):
        if g in taken or cell.row_span < 2:
            continue
        beside = [i for i in rows if grid[i].col > cell.col and grid[i].row_span == 1
                  and cell.row <= grid[i].row < cell.row + cell.row_span]
        if {grid[i].row for i in beside} != set(range(cell.row, cell.row + cell.row_span)):
            continue
        named = {group for (template, group), places in group_rows.items()
                 if {p for i in beside for t, p in rows[i].places if t == template} == places
                 and all(any(t == template for t, _ in rows[i].places) for i in beside)}
        if len(named) != 1:
            continue
        group = named.pop()
        if fits(widths[g] / scale, unplaced(group), settings):
            told[g] = CellText(group, min(taken[i].confidence for i in beside))
    return told


def _labels_taken(openings: dict[int, CellText], grid: list[GridCell[int]], widths: list[float],
                  labels: Sequence[KnownLabel], settings: Settings) -> dict[int, CellText]:
    """The labels taken for the template's: by the openings read (by index), and between two
    rows so taken by the row order."""
    named = {i: _named(reading, labels, settings) for i, reading in openings.items()}
    scale = print_scale([widths[i] / k[0].width for i, k in named.items() if len(k) == 1 and k[0].width > 0])
    widths = [w / scale for w in widths]
    matched = {i: m for i, reading in openings.items() if (m := match_opening(reading, widths[i], labels, settings))}
    # A note is told by its opening and width alone; row labels by their order too.
    rows = {i: m for i, m in matched.items() if m.places}
    if not _in_order([rows[i] for i in sorted(rows, key=lambda i: (grid[i].row, grid[i].col))]):
        rows = {}
    taken = {i: CellText(m.text, openings[i].confidence) for i, m in matched.items() if i in rows or not m.places}
    taken.update((i, CellText(m.text, min(taken[a].confidence, taken[b].confidence)))
                 for i, (m, a, b) in _between(rows, grid, widths, labels, settings).items() if i not in taken)
    return taken
