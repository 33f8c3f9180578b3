"""One page image read: orientation and skew fixed, tables found, every cell read on its own,
text outside the tables read line by line."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ingest.errors import FileTooLarge
from ingest.models import BBox, Paragraph, SourceCell, Table
from ingest.scan import preprocess
from ingest.scan.grid import GridSettings, GridTable, find_tables, grid_settings, ruling_masks
from ingest.scan.lines import Box, has_ink, line_boxes
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import EngineSet, looks_numeric, read_values
from ingest.settings import Settings

# Text windows read both ways round to tell an upright page from an upside-down one; a window
# is at most this many text heights wide (a dozen characters decide it, a whole line costs more).
_ORIENTATION_PROBES = 6
_PROBE_CHARS = 12
# Readings of a page this sure (mean score, and twice the other way round's) settle its
# orientation without trying the quarter turn.
_SURE_SCORE = 0.8
# Crops are scaled so their text is about this tall (both engines read best near it).
_OCR_TEXT_HEIGHT = 32


@dataclass
class Prepared:
    """A page turned upright and straight: colour (as kept for review), clean gray, ink (for
    text) and faint ink (for rulings)."""

    color: np.ndarray
    gray: np.ndarray
    ink: np.ndarray
    faint: np.ndarray


@dataclass
class PageRead:
    number: int
    # (top y, block) in reading order.
    blocks: list[tuple[int, Paragraph | Table]]
    image: np.ndarray
    # Table cells per table, for joining tables across pages.
    tables: list[Table]


def prepare(color: np.ndarray) -> Prepared:
    """Seal removed, light flattened, binarised: derived from the colour page as it stands."""
    gray = preprocess.flatten_light(cv2.cvtColor(preprocess.remove_seal(color), cv2.COLOR_BGR2GRAY))
    return Prepared(color, gray, preprocess.binarise(gray), preprocess.faint_ink(gray))


def _scaled_crop(gray: np.ndarray, box: Box, text_height: int) -> np.ndarray:
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    scale = _OCR_TEXT_HEIGHT / max(text_height, 1)
    if abs(scale - 1) > 0.15:
        method = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=method)
    return cv2.copyMakeBorder(crop, 6, 6, 8, 8, cv2.BORDER_CONSTANT, value=255)


def _straight(color: np.ndarray) -> Prepared:
    page = prepare(color)
    angle = preprocess.skew_angle(page.ink)
    return prepare(preprocess.rotate(color, angle)) if abs(angle) >= 0.05 else page


def _probe_windows(page: Prepared) -> list[np.ndarray]:
    """Crops of the page's inkiest text windows, table rules taken out."""
    gs = grid_settings(page.ink)
    horizontal, vertical = ruling_masks(page.faint, gs)
    rules = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    text = cv2.subtract(page.ink, rules)
    windows: list[tuple[int, Box]] = []
    for x0, y0, x1, y1 in line_boxes(text, gs.text_height // 2, min_gap=2):
        if y1 - y0 > 2 * gs.text_height:
            continue
        x1 = min(x1, x0 + _PROBE_CHARS * (y1 - y0))
        windows.append((int(np.count_nonzero(text[y0:y1, x0:x1])), (x0, y0, x1, y1)))
    windows.sort(key=lambda w: w[0], reverse=True)
    return [_scaled_crop(page.gray, box, box[3] - box[1]) for _, box in windows[:_ORIENTATION_PROBES]]


@dataclass(frozen=True)
class Orientation:
    """How well a page's text windows read as they stand and turned half round."""

    as_is: float
    flipped: float
    sure: bool


def _orientation(page: Prepared, engines: EngineSet) -> Orientation:
    probes = _probe_windows(page)
    if not probes:
        return Orientation(0.0, 0.0, False)
    readings = engines.labels.read_lines(probes + [cv2.rotate(p, cv2.ROTATE_180) for p in probes], "label")

    def score(part: list[CellText]) -> float:
        return sum(r.confidence * len(r.text) for r in part)

    as_is, flipped = score(readings[: len(probes)]), score(readings[len(probes):])
    best = readings[: len(probes)] if as_is >= flipped else readings[len(probes):]
    mean = sum(r.confidence for r in best) / len(best)
    return Orientation(as_is, flipped, mean >= _SURE_SCORE and max(as_is, flipped) >= 2 * min(as_is, flipped))


def upright(color: np.ndarray, engines: EngineSet) -> Prepared:
    """The page turned (0/90/180/270) and deskewed so that its text reads left to right.

    Text windows are read both ways round; when that leaves the page's orientation in
    doubt, the quarter turn is read too and the way that reads best wins. Only the page as
    fed may settle it alone: Chinese turned a quarter can still read confidently."""
    options: list[tuple[float, Prepared, bool]] = []
    for turn in (0, 1):
        page = _straight(preprocess.quarter_turn(color, turn))
        found = _orientation(page, engines)
        options += [(found.as_is, page, False), (found.flipped, page, True)]
        if found.sure:
            break
    _, best, flip = max(options, key=lambda o: o[0])
    return prepare(preprocess.quarter_turn(best.color, 2)) if flip else best


def _interior(box: tuple[int, int, int, int], gs: GridSettings) -> Box:
    inset = gs.line_thickness + 2
    x0, y0, x1, y1 = box
    return (x0 + inset, y0 + inset, max(x0 + inset + 1, x1 - inset), max(y0 + inset + 1, y1 - inset))


def _thin_marks(region: np.ndarray, gs: GridSettings) -> list[Box]:
    """The box of a cell's marks drawn in strokes too thin to survive the speck filter (a "2"
    of a faint 150 dpi scan): marks a third of a character tall clear of the cell's sides,
    where rests of vertical rules lie (a low row's text may touch its top or bottom).
    Read rather than called blank: a missed value is the worst error."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    w = region.shape[1]
    marks = [(x, y, x + cw, y + ch) for x, y, cw, ch, _ in stats[1:count]
             if ch >= gs.text_height // 3 and x > 0 and x + cw < w]
    if not marks:
        return []
    return [(min(m[0] for m in marks), min(m[1] for m in marks), max(m[2] for m in marks), max(m[3] for m in marks))]


def read_table(page: Prepared, table: GridTable, gs: GridSettings, number: int, engines: EngineSet,
               settings: Settings) -> Table:
    """The table's cells read one by one: labels as Chinese, values twice as numbers."""
    texts: dict[tuple[int, int], CellText] = {}
    # Each inked cell as its text lines (a label may wrap; a value never does).
    pending: list[tuple[tuple[int, int], list[np.ndarray]]] = []
    for cell in table.cells:
        x0, y0, x1, y1 = _interior(cell.box, gs)
        # Rule rests and specks are cut off; a blank cell has no mark a third of a character tall.
        region = cv2.morphologyEx(page.ink[y0:y1, x0:x1], cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
        lines = [b for b in line_boxes(region, gs.text_height // 3, min_gap=2) if has_ink(
            region[b[1]:b[3], b[0]:b[2]], gs.text_height // 3)] or _thin_marks(page.ink[y0:y1, x0:x1], gs)
        if not lines:
            texts[(cell.row, cell.col)] = CellText("", settings.ocr_conf_blank)
            continue
        crops = [_scaled_crop(page.gray, (max(x0, x0 + lx0 - 3), max(y0, y0 + ly0 - 3), min(x1, x0 + lx1 + 3),
                                          min(y1, y0 + ly1 + 3)), gs.text_height) for lx0, ly0, lx1, ly1 in lines]
        pending.append(((cell.row, cell.col), crops))
    flat = [crop for _, crops in pending for crop in crops]
    flat_readings = iter(engines.labels.read_lines(flat, "label"))
    first = []
    for _, crops in pending:
        parts = [next(flat_readings) for _ in crops]
        first.append(CellText("".join(p.text for p in parts), min(p.confidence for p in parts)))
    values = [i for i, reading in enumerate(first) if len(pending[i][1]) == 1 and looks_numeric(reading.text)]
    numbers = read_values([pending[i][1][0] for i in values], engines, [first[i] for i in values], settings)
    for i, reading in zip(values, numbers, strict=True):
        first[i] = reading
    for (position, _), reading in zip(pending, first, strict=True):
        texts[position] = reading
    grid: list[list[SourceCell]] = [[] for _ in range(table.n_rows)]
    for cell in table.cells:
        reading = texts[(cell.row, cell.col)]
        bbox = BBox(*(float(v) for v in cell.box))
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                grid[r].append(SourceCell(reading.text, r, c, origin=(cell.row, cell.col), page=number, bbox=bbox,
                                          confidence=reading.confidence))
    for row in grid:
        row.sort(key=lambda sc: sc.col)
    return Table(grid)


def read_page(color: np.ndarray, number: int, engines: EngineSet, settings: Settings) -> PageRead:
    """A page's tables and text lines, top to bottom."""
    page = upright(color, engines)
    gs = grid_settings(page.ink)
    tables = find_tables(page.ink, page.faint, gs)
    if sum(len(t.cells) for t in tables) > settings.scan_max_cells:
        raise FileTooLarge(f"page {number} has more than {settings.scan_max_cells} table cells")
    blocks: list[tuple[int, Paragraph | Table]] = []
    read_tables = []
    outside = page.ink.copy()
    for table in tables:
        x0, y0, x1, y1 = table.box
        outside[max(0, y0 - gs.snap):y1 + gs.snap, max(0, x0 - gs.snap):x1 + gs.snap] = 0
        read = read_table(page, table, gs, number, engines, settings)
        read_tables.append(read)
        blocks.append((y0, read))
    lines = [b for b in line_boxes(outside, gs.text_height // 2, min_gap=2) if b[2] - b[0] >= gs.text_height // 2]
    readings = engines.labels.read_lines([_scaled_crop(page.gray, b, b[3] - b[1]) for b in lines], "label")
    for box, reading in zip(lines, readings, strict=True):
        if reading.text.strip():
            blocks.append((box[1], Paragraph(reading.text.strip(), number)))
    blocks.sort(key=lambda item: item[0])
    return PageRead(number, blocks, page.color, read_tables)
