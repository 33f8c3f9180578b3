"""One page image read: orientation and skew fixed, tables found, every cell read on its own,
text outside the tables read line by line."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import cv2
import numpy as np

from ingest.errors import ErrorCode, InputError
from ingest.labels import CHINESE_OR_DIGIT, KANA
from ingest.models import Paragraph
from ingest.scan import photo, preprocess
from ingest.scan.cell_marks import (
    RULE_RIM,
    cell_ink,
    cell_interior,
    cell_marks,
    cut_by_inset,
    row_rule_strokes,
    specks_like_a_character,
)
from ingest.scan.crops import OCR_TEXT_HEIGHT, scaled_crop
from ingest.scan.dropped_rules import split_dropped_rules
from ingest.scan.grid_seams import doubt_blanks_beside, doubt_blanks_between, doubt_sliver_blanks
from ingest.scan.known_headings import read_text_lines
from ingest.scan.lines import rules_painted_out, text_line_boxes
from ingest.scan.lost_columns import with_lost_columns
from ingest.scan.ocr.base import CellText
from ingest.scan.ocr.consensus import EngineSet, has_chinese, looks_numeric, read_cells
from ingest.scan.ocr.sign_mark import with_faint_minus
from ingest.scan.orientation import read_orientation
from ingest.scan.process import release_freed_memory
from ingest.scan.prose_digits import first_digit, lines_to_read
from ingest.scan.side_labels import take_side_labels
from ingest.scan.table_cells import read_table_cells
from ingest.scan.values_between import values_between
from ingest.settings import ScanSettings, Settings
from ingest.tables.components import components
from ingest.tables.model import GridCell, GridSettings, Slot, bbox
from ingest.tables.model import PixelBox as Box
from ingest.tables.raster import GridTable, find_rulings, find_tables, raster_settings, text_height
from ingest.tables.regions import Rulings
from ingest.tables.stitch import TablePiece

# A text line this much taller than the page's body lines is a title (read even if full width):
# a body line's box grows with its marks (，below the line, “ above it) up to 1.13 times
# (seed 7474's images); titles are set a third larger.
_TITLE_SIZE = 1.25
# A paragraph's inner line starts at the text's left edge or an indent (two characters with
# their spacing, each a line's height or a little more) and ends this many of its heights
# short of the text's right edge at most: justified lines end within a character (a closing
# mark may overhang), ragged ones within two.
_INDENT = 3.5
_RAGGED = 2.5
# The line below an inner line starts at the left edge (within a character), at most this many
# body heights below it: it goes on with the same paragraph.
_LEADING = 1.5
# A line under this share of the body's height is no text to read: a strip cut by the sheet's
# edge or a shadow's rim (seed 1313's photo 2: read as kana and digits, a 7 taken for section
# 四's). Small print (a footnote's) is more than half the body's size.
_SLIVER = 0.5
# Characters of a line are closed up across gaps this share of the text height (wider than
# the space between two characters of a line, narrower than the space between lines).
_CHAR_GAP = 0.3
# Text running this many times more across than down (or down than across) settles whether
# the page lies upright or turned a quarter (measured: upright pages hundreds, turned < 0.2).
_SURE_AXIS = 4.0
# Text lines are told from columns on the page scaled so its text is about this tall.
_AXIS_TEXT_HEIGHT = 16
# Runs of text lines shorter than this many characters in all, either way, tell nothing of
# the text's axis (a page of print has hundreds).
_AXIS_MIN_CHARS = 12
# A mark cut by its cell's inset to under this share of the table's usual mark height is read
# in part (a tight row's digits, all cut alike by a row or two, read right: seed 2468's 150-dpi images).
_CUT_SHARE = 0.8
# A page is read smaller only when that leaves under three quarters of its pixels: resampling
# blurs the print, and a scale near 1 saves nothing to make up for it.
_SCALE_MARGIN = 1.15


@dataclass
class Prepared:
    """A page turned upright and straight: clean gray, ink (for text) and faint ink (for
    rulings), with the skew and quarter turns that set the page as fed upright."""

    gray: np.ndarray
    ink: np.ndarray
    faint: np.ndarray
    angle: float = 0.0
    turns: int = 0
    # A black-and-white scan (a fax): its hair-thin rules may be dashes.
    bilevel: bool = False
    # A phone photo's page: its print is blurred.
    photographed: bool = False
    # The page as fed was scaled by this to be read (`_reading_scale`).
    scale: float = 1.0

    def set_upright(self, color: np.ndarray) -> np.ndarray:
        """The colour page as fed, scaled and turned as this one (kept for review)."""
        return _set_upright(color, self.angle, self.turns, self.scale)

    @cached_property
    def grid(self) -> GridSettings[int]:
        return raster_settings(self.ink, self.bilevel)

    @cached_property
    def rulings(self) -> Rulings:
        if self.photographed:
            # A photo's rules are found on its gray sharpened (only they: its text cut from the
            # sharpened gray was split into other lines and cells, and a page of small print was
            # no longer read as a report).
            sharp = preprocess.sharpened(self.gray)
            return find_rulings(preprocess.binarise(sharp), preprocess.faint_ink(sharp), self.grid)
        if self.bilevel:
            return find_rulings(self.ink, self.faint, self.grid)
        # A gray page's faint rules are looked for along their lines too (over a third of a
        # character), where a cut at one pixel's gray breaks them into dashes.
        length = max(3, self.grid.text_height // 3)

        def faint_rules(box: Box) -> tuple[np.ndarray, np.ndarray]:
            gray, ink = (a[box[1]:box[3], box[0]:box[2]] for a in (self.gray, self.ink))
            return (preprocess.faint_rule_ink(gray, ink, length, vertical=False),
                    preprocess.faint_rule_ink(gray, ink, length, vertical=True))

        return find_rulings(self.ink, self.faint, self.grid, faint_rules)


@dataclass
class PageRead:
    number: int
    # (top y, block) in reading order.
    blocks: list[tuple[int, Paragraph | TablePiece[int]]]
    image: np.ndarray
    # The page's tables, for scoring the reading.
    tables: list[TablePiece[int]]
    # How much was read, and how surely (to choose between two readings of one page).
    score: float = 0.0


def _set_upright(color: np.ndarray, angle: float, turns: int, scale: float = 1.0) -> np.ndarray:
    return preprocess.quarter_turn(preprocess.rotate(preprocess.scaled_for_view(color, scale), angle), turns)


def prepare(color: np.ndarray, photographed: bool = False, scan: ScanSettings | None = None) -> Prepared:
    """Seal removed, a scanner lid's bands (or, black and white, its dither) whitened, scaled
    to its reading size (given `scan`), light flattened, faint print deepened, binarised:
    derived from the colour page as it stands."""
    raw = preprocess.whiten_scanner_edges(cv2.cvtColor(preprocess.remove_seal(color), cv2.COLOR_BGR2GRAY))
    bilevel = preprocess.is_bilevel(raw)
    if bilevel:
        raw = preprocess.whiten_dithered_surround(raw)
    scale = 1.0 if bilevel or photographed or scan is None else _reading_scale(raw, scan)
    flat = preprocess.whiten_edge_slivers(preprocess.deepen_faint_ink(preprocess.flatten_light(
        preprocess.scaled(raw, scale))))
    return _with_ink(flat, bilevel=bilevel, photographed=photographed, scale=scale)


def _reading_scale(gray: np.ndarray, scan: ScanSettings) -> float:
    """How much smaller a gray page is read: so that its print is `scan.reading_text_height`
    pixels tall, its short side no shorter than `scan.reading_min_side`. A 300-dpi page's rules
    and characters are found and read as well at 200 dpi, for half the pixels. The short side
    keeps a page's small print legible where a large title and prose set the print's height
    (seed 8642's scanned PDF 5: its section 二 lost, read at 150 dpi).

    `prepare` reads a black-and-white page as it is: its rules' dashes and its digits' strokes
    are a pixel or two wide (seeds 1313 and 4949's black-and-white pages read smaller: 414 more
    cells wrong, 6 silent); and a phone photo's, flattened at `scan.photo_dpi` already, its
    print blurred (4949's photo 2 read smaller: 14 blank cells doubted)."""
    side = scan.reading_min_side / min(gray.shape)
    if side * _SCALE_MARGIN > 1:
        return 1.0  # the short side alone keeps it (A4 at up to 230 dpi): its print is not measured
    scale = max(scan.reading_text_height / text_height(preprocess.binarise(gray)), side)
    return 1.0 if scale * _SCALE_MARGIN > 1 else scale


def _with_ink(gray: np.ndarray, angle: float = 0.0, bilevel: bool = False, photographed: bool = False,
              turns: int = 0, scale: float = 1.0) -> Prepared:
    return Prepared(gray, preprocess.binarise(gray), preprocess.faint_ink(gray), angle, turns, bilevel=bilevel,
                    photographed=photographed, scale=scale)


def _turned(page: Prepared, turns: int) -> Prepared:
    if turns % 4 == 0:
        # The page itself, with the measures and rulings it has found (not found again).
        return page
    gray, ink, faint = (preprocess.quarter_turn(a, turns) for a in (page.gray, page.ink, page.faint))
    turned = Prepared(gray, ink, faint, page.angle, page.turns + turns, page.bilevel, page.photographed, page.scale)
    # A half turn keeps the page's measures and turns its rulings: found once, not again.
    if turns % 4 == 2 and "rulings" in page.__dict__:
        turned.__dict__["grid"] = page.grid
        turned.__dict__["rulings"] = page.rulings.turned_half()
    return turned


def _straight(page: Prepared) -> Prepared:
    """The page deskewed as it lies; the clean gray is turned rather than cleaned again (seal
    removal and light flattening are the costly steps). The skew is measured along the rows:
    a page turned a quarter is straightened again once turned (its text and rules run down
    the page as fed, and the rows' profile tells nothing of their slant: seed 2727's turned
    scan, 0.7° off, its section 四 read as one row)."""
    angle = preprocess.skew_angle(page.ink)
    if abs(angle) < 0.05:
        return page
    # Turning by the angle, then a quarter, is the quarter turn, then the angle.
    return _with_ink(preprocess.rotate(page.gray, angle), page.angle + angle, page.bilevel, page.photographed,
                     page.turns, page.scale)


def text_axis(page: Prepared) -> float:
    """How much the page's text runs across rather than down, from the text lines and the
    table rulings together: with the rules taken out, characters closed up along rows join
    into line-long runs on an upright (or upside-down) page, and along columns on a page
    turned a quarter; the gap between two characters of a line is far narrower than the
    gap between lines. >1: across, <1: down, near 1 (or no text): unknown."""
    gs = page.grid
    rules = cv2.dilate(cv2.bitwise_or(page.rulings.horizontal, page.rulings.vertical), np.ones((5, 5), np.uint8))
    text = cv2.subtract(page.ink, rules)
    # Lines and the gaps between them show as well at a smaller scale: the closings and the
    # page of component labels cost a fraction of the time and memory there (a pixel is ink
    # where ink covered at least half of it: any ink at all ran a bilevel page's lines together).
    scale = min(1.0, _AXIS_TEXT_HEIGHT / max(gs.text_height, 1))
    if scale < 1:
        text = cv2.threshold(cv2.resize(text, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), 127, 255,
                             cv2.THRESH_BINARY)[1]
    height = max(1, round(gs.text_height * scale))
    k = max(3, round(_CHAR_GAP * height))
    across = _line_runs(cv2.morphologyEx(text, cv2.MORPH_CLOSE, np.ones((1, k), np.uint8)), height)
    down = _line_runs(cv2.morphologyEx(text, cv2.MORPH_CLOSE, np.ones((k, 1), np.uint8)).T, height)
    if max(across, down) < _AXIS_MIN_CHARS * height:
        # Seed 5791's black-and-white page scanned sideways, its print's height taken for half
        # of it: one run three characters long across, none down, and the page was upright.
        return 1.0
    return (across + height) / (down + height)


def _line_runs(closed: np.ndarray, text_height: int) -> int:
    """Total length of the runs of a closed-up ink mask that are shaped like text lines:
    a line's height and at least three characters long."""
    count, _, stats = components(closed)
    width, height = stats[1:count, cv2.CC_STAT_WIDTH], stats[1:count, cv2.CC_STAT_HEIGHT]
    lines = (width >= 3 * text_height) & (height <= 1.6 * text_height) & (height >= text_height // 2)
    return int(width[lines].sum())


def upright(color: np.ndarray, engines: EngineSet, photographed: bool = False,
            scan: ScanSettings | None = None) -> list[Prepared]:
    """The page turned (0/90/180/270) and deskewed so that its text reads left to right:
    one way when that is sure, else the two likeliest ways, likelier first.

    Whether text runs across or down the sheet is seen from the lines themselves
    (`text_axis`); which end is up, by reading text windows both ways round. When the axis
    is in doubt the quarter turn is read too: Chinese turned a quarter can still read
    confidently, so OCR alone does not settle that. Both turns' probes are read then, and
    the page is read both ways unless one turn's probes read twice as well as the other's
    (seed 6262's black-and-white turned scan: its axis unseen, the first turn's probes read
    surely upside down, and section 三 was read sideways, 147 cells lost)."""
    straight = _straight(prepare(color, photographed, scan))
    axis = text_axis(straight)
    turns = [0] if axis >= _SURE_AXIS else [1] if axis <= 1 / _SURE_AXIS else [0, 1]
    options: list[tuple[float, Prepared, bool, bool]] = []
    for turn in turns:
        page = _straight(_turned(straight, 1)) if turn == 1 else straight
        found = read_orientation(page, engines, axis_sure=len(turns) == 1)
        options += [(found.as_is, page, False, found.sure), (found.flipped, page, True, found.sure)]
    options.sort(key=lambda o: o[0], reverse=True)
    ways = [_turned(page, 2) if flip else page for _, page, flip, _ in options[:2]]
    settled = options[0][3] and (len(turns) == 1 or options[0][0] >= 2 * options[1][0])
    return ways[:1] if settled else ways


def read_table(page: Prepared, table: GridTable, gs: GridSettings[int], number: int, engines: EngineSet,
               settings: Settings) -> TablePiece[int]:
    """The table's cells read one by one: labels as Chinese, values twice as numbers."""
    texts: dict[tuple[int, int], CellText] = {}
    # Each inked cell as its text lines (a label may wrap; a value never does).
    pending: list[tuple[GridCell[int], list[np.ndarray]]] = []
    # Cells whose mark runs on past their interior, with the height of their tallest mark; and
    # every inked cell's. A mark cut to well under the table's usual height is read in part, unsure;
    # so is a number whose marks run on across a rule (`crossed`).
    cut: dict[tuple[int, int], int] = {}
    crossed: set[tuple[int, int]] = set()
    # A crossed cell's one line beside the stroke's own part in it (`_beside_strokes_read`).
    beside_strokes: dict[tuple[int, int], np.ndarray] = {}
    heights: list[int] = []
    # Cells read from marks lighter than the ink's cut, with the confidence of their blank:
    # unsure, however clear the reading.
    light_read: dict[tuple[int, int], float] = {}
    # Those whose marks are all lighter than the faintest ink.
    below_ink: set[tuple[int, int]] = set()
    h, w = page.ink.shape
    ox, oy = max(0, table.box[0] - gs.snap), max(0, table.box[1] - gs.snap)
    # A black-and-white scan's rules (dashes drifting into cells) are painted out; other
    # scans were measured as read as well without (seed 43: photos lost a row with it).
    rules = [page.rulings.horizontal, page.rulings.vertical] if page.bilevel else []
    around = (ox, oy, min(w, table.box[2] + gs.snap), min(h, table.box[3] + gs.snap))
    gray, ink = rules_painted_out(page.gray, page.ink, rules, around)
    # The ink off the row rules and their rims, where a mark running past a cell's interior shows.
    left, top, right, bottom = around
    near_rulings = Rulings(page.rulings.horizontal[top:bottom, left:right],
                           page.rulings.vertical[top:bottom, left:right])
    row_rules = cv2.dilate(near_rulings.horizontal, np.ones((2 * RULE_RIM + 1,) * 2, np.uint8))
    table_ink = page.ink[top:bottom, left:right]
    unruled = cv2.bitwise_and(table_ink, cv2.bitwise_not(row_rules))
    for cell in table.cells:
        x0, y0, x1, y1 = cell_interior(cell.box, ox, oy, gs, page.bilevel)
        # Rule rests and specks are cut off; a blank cell has no mark a third of a character tall.
        # Where a merged cell's inner rule would run, if it dropped out over this row.
        inner = tuple(x - ox - x0 for x in table.xs[cell.col + 1:cell.col + cell.col_span]) if page.bilevel else ()
        opened, region = cell_ink(ink[y0:y1, x0:x1], gs, inner)
        if page.bilevel:
            # Rule rests are not read either (the rest of their pixels, cut off as specks, with them).
            rests = cv2.dilate(((opened > 0) & (region == 0)).astype(np.uint8), np.ones((3, 3), np.uint8))
            gray[y0:y1, x0:x1][rests > 0] = 255
        lines = cell_marks(ink[y0:y1, x0:x1], region, gs)
        if not lines:
            # Paper lighter than any ink all over is surely blank; faint marks may be a digit
            # that thresholding lost (a 0 under a seal's rest, a washed-out stroke). On a black-
            # and-white page only marks apart from its ink are faint: the others are the rules'
            # dashes painted out of the ink and their smoothed edges (seed 5151's fax: 17 blank
            # cells flagged, all right).
            faint_ink = page.faint[y0 + oy:y1 + oy, x0 + ox:x1 + ox]
            if page.bilevel:
                near_ink = cv2.dilate(page.ink[y0 + oy:y1 + oy, x0 + ox:x1 + ox], np.ones((5, 5), np.uint8))
                faint_ink = cv2.bitwise_and(faint_ink, cv2.bitwise_not(near_ink))
            faint = bool(cell_marks(faint_ink, cell_ink(faint_ink, gs)[1], gs)) or (
                page.bilevel and specks_like_a_character(ink[y0:y1, x0:x1], gs))
            # A cell narrower than a character is a sliver of a grid gone wrong (a seal's
            # strokes taken for a rule): its clean paper says nothing of the value beside it.
            sliver = x1 - x0 < gs.text_height
            blank = settings.ocr.conf_blank_marks if faint or sliver else settings.ocr.conf_blank
            if not page.bilevel:
                # A light face's digit at 150 dpi, gray all through, binarises to specks (seed
                # 8641's image 0, printed in AR PL UMing: 50 zeros called blank, sure): read
                # where lighter marks make a character, flagged (such digits are misread too),
                # as a value missed unflagged is the worst error.
                light = preprocess.light_ink(gray[y0:y1, x0:x1])
                lines = cell_marks(light, cell_ink(light, gs)[1], gs)
                if lines and preprocess.lighter_than_ink(gray[y0:y1, x0:x1], light):
                    below_ink.add((cell.row, cell.col))
            if not lines:
                texts[(cell.row, cell.col)] = CellText("", blank)
                continue
            light_read[(cell.row, cell.col)] = blank
        if len(lines) == 1:
            lines = [with_faint_minus(gray[y0:y1, x0:x1], lines[0])]
        crops = [scaled_crop(gray, (max(x0, x0 + lx0 - 3), max(y0, y0 + ly0 - 3), min(x1, x0 + lx1 + 3),
                                     min(y1, y0 + ly1 + 3)), gs.text_height) for lx0, ly0, lx1, ly1 in lines]
        pending.append((cell, crops))
        ruled = (cell.box[0] - ox, cell.box[1] - oy, cell.box[2] - ox, cell.box[3] - oy)
        across, strokes = row_rule_strokes(table_ink, near_rulings, ruled, (x0, y0, x1, y1), lines, gs.line_thickness)
        if across:
            crossed.add((cell.row, cell.col))
        if strokes and len(lines) - len(strokes) == 1:
            beside_strokes[(cell.row, cell.col)] = next(c for i, c in enumerate(crops) if i not in strokes)
        heights.append(max(ly1 - ly0 for _, ly0, _, ly1 in lines))
        if cut_by_inset(unruled, (x0, y0, x1, y1), lines):
            cut[(cell.row, cell.col)] = heights[-1]
    grid, crops_read = [c for c, _ in pending], [crops for _, crops in pending]
    first = read_table_cells(table.cells, grid, crops_read, engines, settings, OCR_TEXT_HEIGHT, page.bilevel)
    readings = values_between(grid, crops_read, first, engines, settings, OCR_TEXT_HEIGHT, page.bilevel)
    readings = _beside_strokes_read(grid, readings, beside_strokes, engines, settings, page.bilevel)
    usual = float(np.median(heights)) if heights else 0.0
    part_read = {at for at, height in cut.items() if height < _CUT_SHARE * usual}
    inked_values = any(looks_numeric(r.text) for (c, _), r in zip(pending, readings, strict=True)
                       if (c.row, c.col) not in light_read)
    for (c, _), reading in zip(pending, readings, strict=True):
        at = (c.row, c.col)
        # A stroke across a rule beside a label is a seal's or a pen's; only a number is at stake.
        if at in light_read and (not looks_numeric(reading.text) or (at in below_ink and inked_values)):
            # Light marks read as no number (a seal's rest its removal left light), or marks
            # lighter than the faintest ink in a table that prints its values in ink (the next
            # sheet or the reverse side showing through: seed 3461's scanned PDF 1, 35 blank
            # cells of section 三 read 5, 22221, 1323…; a light face prints every value light,
            # seed 8641): the cell is as blank as its ink says.
            reading = CellText("", light_read[at])
        elif at in light_read:
            # Lighter than print, the marks may be the reverse side's showing through: its "0"
            # keeps every sum of zeros as a blank would (ingest/evidence.py: faint_ink).
            reading = CellText(reading.text, min(reading.confidence, settings.ocr.conf_light_read))
        elif at in part_read or (at in crossed and looks_numeric(reading.text)):
            reading = CellText(reading.text, min(reading.confidence, settings.ocr.conf_disagree))
        texts[at] = reading
    slots = [Slot(texts[(c.row, c.col)].text, (c.row, c.col), number, bbox(c.box), texts[(c.row, c.col)].confidence)
             for c in table.cells]
    return TablePiece(number, list(zip(table.cells, slots, strict=True)), table.n_rows, table.n_cols, gs.snap,
                      numeric=looks_numeric)


def _beside_strokes_read(grid: list[GridCell[int]], readings: list[CellText],
                         beside_strokes: dict[tuple[int, int], np.ndarray], engines: EngineSet, settings: Settings,
                         bilevel: bool) -> list[CellText]:
    """The readings, each of a cell crossed by a stroke (`beside_strokes`: its one other line's
    crop) that read with no Chinese taken from that line alone where it reads as a number: the
    stroke's part is no print (seed 7058's image 2: a tick's end read "、1" beside a 0 made the
    cell a label and lost its row; one read "1" beside a 1 made it 11)."""
    stroked = [i for i, (c, reading) in enumerate(zip(grid, readings, strict=True))
               if (c.row, c.col) in beside_strokes and not has_chinese(reading.text)]
    alone = read_cells([[beside_strokes[(grid[i].row, grid[i].col)]] for i in stroked], engines, settings,
                       OCR_TEXT_HEIGHT, bilevel)
    out = list(readings)
    for i, reading in zip(stroked, alone, strict=True):
        if looks_numeric(reading.text):
            out[i] = reading
    return out


def _worth_reading(lines: list[Box]) -> tuple[list[Box], set[Box]]:
    """The text lines outside tables that can matter: every line but the inside of a prose
    paragraph (headings, titles, short last lines, signature, date); and which of them end a
    paragraph. A line running from the text's left edge, or a paragraph indent, to its right
    edge in body size, in a paragraph that goes on below it or above it from the left edge, is
    prose the template never asks for: reading it would cost as much as a table. Titles are
    set larger. The edges are the text's, not the tables': a table set wider than the text
    left every line of seed 7474's image 4 short of its edge."""
    if not lines:
        return [], set()
    left, right = min(b[0] for b in lines), max(b[2] for b in lines)
    body = float(np.median([b[3] - b[1] for b in lines]))
    by_top = sorted(lines, key=lambda b: b[1])
    below = dict(zip(by_top, [*by_top[1:], None], strict=True))
    above = dict(zip(by_top, [None, *by_top[:-1]], strict=True))

    def full(box: Box) -> bool:
        height = box[3] - box[1]
        return height < _TITLE_SIZE * body and box[0] <= left + _INDENT * height and box[2] >= right - _RAGGED * height

    def runs_on(upper: Box, lower: Box | None) -> bool:
        """Whether `lower` goes on with `upper`'s paragraph."""
        return lower is not None and lower[0] <= left + body and lower[1] - upper[3] <= _LEADING * body

    def last(box: Box) -> bool:
        before = above[box]
        return before is not None and full(before) and runs_on(before, box)

    kept = [b for b in lines if not (full(b) and (runs_on(b, below[b]) or last(b)))]
    return kept, {b for b in kept if last(b)}


def _without_slivers(lines: list[Box]) -> list[Box]:
    """The text lines without those far thinner than the page's body lines (`_SLIVER`)."""
    body = float(np.median([b[3] - b[1] for b in lines])) if lines else 0.0
    return [b for b in lines if b[3] - b[1] >= _SLIVER * body]


def _is_text(reading: str) -> bool:
    """Whether a line's reading is text, not a sheet's edge read as kana (seed 4949's photo 2:
    the strip along its foot read `のはにのの…2の2…399のまが`, its 2 taken for a value of
    section 四)."""
    return bool(reading.strip()) and len(KANA.findall(reading)) <= len(CHINESE_OR_DIGIT.findall(reading))


def read_page(color: np.ndarray, number: int, engines: EngineSet, settings: Settings) -> PageRead:
    """A page's tables and text lines, top to bottom; a page whose orientation stays in
    doubt is read both ways and the reading that scores better is kept. A phone photo's sheet
    is found and flattened first.

    Each way's arrays are let go once it is read, and the colour page is turned (for
    review) only for the reading kept: a page read both ways holds one way at a time."""
    color, photographed = photo.as_scanned(color, settings)
    ways = upright(color, engines, photographed, settings.scan)
    best: tuple[PageRead, float, int, float] | None = None
    while ways:
        page = ways.pop(0)
        read = _read_upright(page, number, engines, settings)
        if best is None or read.score > best[0].score:
            best = (read, page.angle, page.turns, page.scale)
        del page
    assert best is not None, "upright() gives at least one way"
    read, angle, turns, scale = best
    # The OCR engine's buffers for long text lines, freed, go back to the system before the
    # colour page is turned: held in the heap they were the peak of a 300-dpi page.
    release_freed_memory()
    return replace(read, image=_set_upright(color, angle, turns, scale))


def _read_upright(page: Prepared, number: int, engines: EngineSet, settings: Settings) -> PageRead:
    gs = page.grid
    # A black-and-white page's hair-thin rules may be left as dots.
    dots = page.ink if page.bilevel else None
    tables = [split_dropped_rules(t, page.ink, gs, page.bilevel) for t in find_tables(page.rulings, gs, dots, page.ink)]
    tables = [with_lost_columns(t, page.ink, gs, [o.box for o in tables if o is not t]) for t in tables]
    release_freed_memory()
    limit = settings.limits.scan_cells
    if sum(len(t.cells) for t in tables) > limit:
        raise InputError(ErrorCode.FILE_TOO_LARGE, f"page {number} has more than {limit} table cells")
    read_tables = []
    outside = page.ink.copy()
    for table in tables:
        x0, y0, x1, y1 = table.box
        outside[max(0, y0 - gs.snap):y1 + gs.snap, max(0, x0 - gs.snap):x1 + gs.snap] = 0
        read_tables.append(read_table(page, table, gs, number, engines, settings))
    lines = _without_slivers(text_line_boxes(outside, gs.text_height))
    kept, paragraph_ends = _worth_reading(lines)
    lines = lines_to_read(outside, lines, kept)  # prose lines holding numbers too
    # A heading stands on its own (no paragraph's last line) and holds no digit.
    may_be_heading = [b in kept and b not in paragraph_ends and first_digit(outside, b) is None for b in lines]
    readings = read_text_lines([scaled_crop(page.gray, b, b[3] - b[1]) for b in lines], may_be_heading,
                               engines, settings)
    read_tables, claimed = take_side_labels(read_tables, lines, readings)
    if read_tables:
        # Ink off the rules and their rims, where a value left out of the grids shows.
        ruled = cv2.dilate(cv2.bitwise_or(page.rulings.horizontal, page.rulings.vertical), np.ones((5, 5), np.uint8))
        off_rules = cv2.bitwise_and(page.ink, cv2.bitwise_not(ruled))
        read_tables = doubt_blanks_beside(read_tables, off_rules, gs, settings.ocr.conf_blank_marks)
        if len(read_tables) > 1:
            read_tables = doubt_blanks_between(read_tables, off_rules, gs, settings.ocr.conf_blank_marks)
        read_tables = doubt_sliver_blanks(read_tables, settings.ocr.conf_blank_marks)
    blocks: list[tuple[int, Paragraph | TablePiece[int]]] = [
        (t.box[1], r) for t, r in zip(tables, read_tables, strict=True)]
    for i, (box, reading) in enumerate(zip(lines, readings, strict=True)):
        if _is_text(reading.text) and i not in claimed:
            blocks.append((box[1], Paragraph(reading.text.strip(), number)))
    blocks.sort(key=lambda item: item[0])
    # Characters read, each weighed by its reading's confidence: a page read the wrong way
    # round yields few characters, and those unsure.
    # A cell spanning rows or columns counts once.
    cells = sum(s.confidence * len(s.text) for t in read_tables for _, s in t.cells)
    score = cells + sum(r.confidence * len(r.text.strip()) for r in readings)
    return PageRead(number, blocks, np.zeros((0, 0, 3), np.uint8), read_tables, score)
