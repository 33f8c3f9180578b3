"""The raster front end: a page image's rulings by morphology -> table regions -> row and
column lines -> cells with their row and column spans.

Every tolerance lives in the page's GridSettings, derived from the page itself (text
height, rule thickness), in pixels; each step is a named pure transform, as in
pdfplumber's table finder: masks in, geometry out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ingest.tables.carried import carried_rows, columns_between_rows
from ingest.tables.cells import grid_cells
from ingest.tables.components import components
from ingest.tables.dash_chains import chained_dashes
from ingest.tables.dash_rows import aligned_dash_rows
from ingest.tables.model import GridCell, GridSettings, PixelBox, within
from ingest.tables.regions import (
    Rulings,
    frames_dropped,
    open_ends,
    open_sides,
    overrunning_removed,
    region_rules,
    rule_positions,
    side_by_side_joined,
    split_unframed,
    table_regions,
)
from ingest.tables.rule_like import STROKES, inked_both_sides_at, runs_from_crossing, without_strokes

# Pixels between a rule and a stroke that runs into it (antialiasing, a pixel of skew).
_CONTACT = 2
# Dashes of a faint rule this far apart are joined before rules are looked for.
_DASH_JOIN = 2
# The space between two characters of a line, as a share of the text height.
_CHARACTER_SPACE = 0.1
# A cell border exists where this share of its length is ruled.
_EDGE_COVERAGE = 0.6
# A rule's dots over a table's label columns stand up to this share of the text height apart
# (measured on seed 8686 fax, text 24 px high: gaps up to 23-30 px).
_DOT_GAP = 1.25
# A dashed run lying beside a solid rule over more than this share of its length is not the
# rule's continuation.
_ON_SOLID = 0.5
# A faint rule carried on from a rule found strays this many pixels across its line at most
# (the page is deskewed; a rule drawn one pixel slanted steps aside over its length).
_CARRY_SLACK = 2
# Rules' thickness is measured down every this many columns.
_RUN_COLUMN_STEP = 8

# A gray page's faint rules within a box of it: (across, down) masks of the box.
FaintRules = Callable[[PixelBox], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class GridTable:
    box: PixelBox
    ys: list[int]
    xs: list[int]
    cells: list[GridCell[int]]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1


def text_height(ink: np.ndarray) -> int:
    """Typical height of a character: the upper quartile of glyph-sized ink components."""
    count, _, stats = components(ink)
    heights = stats[1:count, cv2.CC_STAT_HEIGHT]
    widths = stats[1:count, cv2.CC_STAT_WIDTH]
    glyphs = heights[(heights >= 6) & (heights <= 150) & (widths <= 150) & (widths >= 2)]
    if glyphs.size < 10:
        return 24
    return int(max(8, np.percentile(glyphs, 75)))


def _stroke_height(rules: np.ndarray) -> int:
    """The median height of the ink's runs down the columns of a mask of rules (every
    `_RUN_COLUMN_STEP`th: a rule is hundreds of columns long; all of them cost 50 ms a page)."""
    columns = rules[:, ::_RUN_COLUMN_STEP].T
    inked = np.zeros((columns.shape[0], columns.shape[1] + 2), np.int8)
    inked[:, 1:-1] = columns > 0
    steps = np.diff(inked, axis=1)  # column by column: +1 where a run starts, -1 past its end
    starts, ends = np.nonzero(steps == 1), np.nonzero(steps == -1)
    return int(np.median(ends[1] - starts[1]))


def raster_settings(ink: np.ndarray, bilevel: bool = False) -> GridSettings[int]:
    """The page's tolerances from its text height and the thickness of its long rules; on a
    `bilevel` (black-and-white) scan, those of rules broken into dashes too."""
    height = text_height(ink)
    min_line = int(2.5 * height)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (min_line, 1)))
    count, _, stats = components(horizontal)
    rules = stats[1:count, cv2.CC_STAT_HEIGHT]
    thickness = int(np.median(rules)) if rules.size else 2
    if rules.size:
        # A rule's box is as tall as its bow or slant: a curled sheet photographed where no
        # page's outline was found kept its rules bowed 5-14 px over 2 px of stroke (seed 4682's
        # photo 6: cells' insets as deep cut their text's lower third off, two rows lost).
        thickness = min(thickness, _stroke_height(horizontal) + 1)
    thickness = max(1, min(thickness, height // 3 or 1))
    return GridSettings(
        text_height=height,
        snap=max(3, thickness + height // 3),
        # Breaks in a faint or broken rule up to this long are bridged.
        bridge=max(4, height // 2),
        # A horizontal ruling is longer than any stroke of a character; a vertical one is
        # shorter (a one-row border is hardly taller than its text).
        min_line=min_line,
        min_vline=int(1.4 * height),
        intersection=_CONTACT,
        line_thickness=thickness,
        stitch=0,
        space_gap=0,
        same_line=0,
        stream_gap=0,
        edge_coverage=_EDGE_COVERAGE,
        # A dash steps a pixel or so off its line, and a deskewed page keeps a pixel or two of
        # slant (from the text height, as the rules' own thickness is unsure on such a page).
        rule_drift=max(1, height // 15) if bilevel else 0,
        # Wider than a dash gap of a hair-thin rule, narrower than the space between two
        # strokes of one character (so a line of text never closes up into a rule).
        dash_gap=max(3, height // 4) if bilevel else 0,
        dot_gap=round(_DOT_GAP * height) if bilevel else 0,
        # Characters closer than dashes are joined: their strokes line up into rule-long runs
        # (as on a black-and-white page, where no gray rim parts them).
        strokes_join=bilevel or _CHARACTER_SPACE * height <= _DASH_JOIN,
    )


def _rule_mask(ink: np.ndarray, size_open: tuple[int, int], size_close: tuple[int, int]) -> np.ndarray:
    """Long runs along one axis kept by opening, then gaps bridged along the rule."""
    # A rule drawn faint breaks into dashes: join dashes a pixel apart before the opening.
    dash = cv2.getStructuringElement(cv2.MORPH_RECT, _scaled(size_close, _DASH_JOIN))
    joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, dash)
    lines = cv2.morphologyEx(joined, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size_open))
    return cv2.morphologyEx(lines, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, size_close))


def find_rulings(ink: np.ndarray, faint: np.ndarray, gs: GridSettings[int],
                 faint_rules: FaintRules | None = None) -> Rulings:
    """Horizontal rules from the faint-ink mask (a thin rule of a bilevel scan turned a
    fraction of a degree is half gray: Otsu cuts it into dashes), vertical ones from the
    ink mask (in the faint one, strokes of characters touching a low row's rules pass for
    rules between them); each carried on through `faint_rules` (a gray page's faint rules
    found along their lines) where those run on from it."""
    # Strokes of small print lined up are long runs too, but no rules.
    horizontal = without_strokes(_rule_mask(faint, (gs.min_line, 1), (gs.bridge, 1)), faint, gs)
    vertical = without_strokes(_rule_mask(ink, (1, gs.min_vline), (1, gs.bridge)), ink, gs, upright=True)
    if faint_rules is not None:
        _carry_on_faint(horizontal, vertical, ink, faint, gs, faint_rules)
    dashed, chained = _dashed_rules(faint, horizontal, vertical, gs)
    horizontal |= dashed
    # Found along the page turned a quarter (a column's runs are a row's there); a column
    # of digits joins up through the rules between them as a vertical run of dashes meeting
    # rules, so a vertical run must carry on a solid rule.
    # (cv2.transpose: a tenth of the time of NumPy's copy of a transposed view of a page.)
    if gs.dash_gap:
        vertical |= cv2.transpose(cv2.bitwise_or(*_dashed_rules(
            cv2.transpose(ink), cv2.transpose(vertical), None, gs, ends_against=cv2.transpose(horizontal))))
    if gs.dot_gap:
        # A standard-resolution fax's row rules left as sparse dashes, on a page where no table
        # was found otherwise (where tables were, their rules and the rules' carrying-on read the
        # grid: drawn there too, the dashes' lines took one report's 32 wrong cells to none and
        # cost another 110, its label columns, found apart, joined into one cell over twenty
        # rows, seed 9393's fax TIFF 7). Then its rules over its label columns, and the rules
        # the masks lost within a table.
        # Elsewhere, rules left as chains of dashes up to a character apart.
        if not _table_rows(horizontal, vertical, gs):
            horizontal |= aligned_dash_rows(faint, horizontal, vertical, gs)
        else:
            horizontal |= chained
        horizontal |= carried_rows(ink, horizontal, vertical, _table_rows(horizontal, vertical, gs), gs)
        vertical |= columns_between_rows(ink, vertical, _table_rows(horizontal, vertical, gs), gs)
    return Rulings(horizontal, vertical | row_high_rules(ink, faint, horizontal, gs))


def _carry_on_faint(horizontal: np.ndarray, vertical: np.ndarray, ink: np.ndarray, faint: np.ndarray,
                    gs: GridSettings[int], faint_rules: FaintRules) -> None:
    """The rules found carried on, in place, through the faint rules around them. Only from
    rules found (a light seal's ring runs as straight as a short rule over its sides), and
    looked for only within a rule's length of them (the masks' long openings cost as much
    again as finding the rules over a whole page)."""
    found = cv2.findNonZero(cv2.bitwise_or(horizontal, vertical))
    if found is None:
        return
    x, y, w, h = cv2.boundingRect(found)
    pad = max(gs.min_line, gs.min_vline)
    height, width = ink.shape
    box = (max(0, x - pad), max(0, y - pad), min(width, x + w + pad), min(height, y + h + pad))
    near = (slice(box[1], box[3]), slice(box[0], box[2]))
    across, down = faint_rules(box)
    wider_h = _rule_mask(cv2.bitwise_or(faint[near], across), (gs.min_line, 1), (gs.bridge, 1))
    wider_v = _rule_mask(cv2.bitwise_or(ink[near], down), (1, gs.min_vline), (1, gs.bridge))
    horizontal[near] = _carried_on(horizontal[near], wider_h, wider_v, False, gs.min_line)
    vertical[near] = _carried_on(vertical[near], wider_v, wider_h, True, gs.min_vline)


def _carried_on(rules: np.ndarray, wider: np.ndarray, crossing: np.ndarray, vertical: bool,
                min_length: int) -> np.ndarray:
    """`rules` carried on through the runs of `wider` (a mask of the same rules found more
    widely) that hold one of them and meet a `crossing` rule (the other way's, found as
    widely), within the band across the line the rules held cover. Along it, a run is carried
    as far as those rules or the crossings reach, and on to its end where that lies a rule's
    `min_length` further. A seal's ring touching a rule is in its run, but off its line, or
    curving away a few pixels past the rule's end; the edge of a line of blurred print runs
    on as faintly, but meets no rule."""
    _, labels, stats = components(wider)
    carried = rules.copy()
    for label in np.intersect1d(labels[rules > 0], labels[crossing > 0]):
        if label == 0:
            continue
        x, y, w, h = (int(v) for v in stats[label, :4])
        run = labels[y:y + h, x:x + w] == label
        held_ys, held_xs = np.nonzero(run & (rules[y:y + h, x:x + w] > 0))
        met_ys, met_xs = np.nonzero(run & (crossing[y:y + h, x:x + w] > 0))
        across, along, met_along = (held_xs, held_ys, met_ys) if vertical else (held_ys, held_xs, met_xs)
        last = (h if vertical else w) - 1
        low, high = min(along.min(), met_along.min()), max(along.max(), met_along.max())
        low = 0 if low >= min_length else low
        high = last if last - high >= min_length else high
        rows, cols = np.arange(h)[:, None], np.arange(w)[None, :]
        at_across, at_along = (cols, rows) if vertical else (rows, cols)
        run &= (at_across >= across.min() - _CARRY_SLACK) & (at_across <= across.max() + _CARRY_SLACK)
        run &= (at_along >= low) & (at_along <= high)
        carried[y:y + h, x:x + w][run] = 255
    return carried


def _table_rows(horizontal: np.ndarray, vertical: np.ndarray,
                gs: GridSettings[int]) -> list[tuple[PixelBox, list[int]]]:
    """Each table region of the page with the lines of its row rules."""
    return [((x0, y0, x1, y1), [y0 + y for y in rule_positions(horizontal[y0:y1, x0:x1], 0, gs, gs.min_line)])
            for x0, y0, x1, y1 in table_regions(horizontal, vertical, gs)]


def _dashed_rules(ink: np.ndarray, solid: np.ndarray, crossing: np.ndarray | None,
                  gs: GridSettings[int], ends_against: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The horizontal rules, or rests of rules, that a hair-thin rule of a low-resolution
    black-and-white scan leaves: dashes stepping a pixel or two off the line (the skew's
    staircase, straightened) with gaps between them.

    Ink is widened across the line by the drift; pieces running along it (not the crossing
    strokes of characters) are kept and gaps up to a dash gap closed. A row's run as long as a
    one-row border is rule if it carries on a rule found `solid`, or (given `crossing`
    rules) if it starts or ends at one with paper on at least one side of it. Strokes of a
    line of text line up as dashes do, but they keep clear of the cell's rules and have ink
    above and below. Given `ends_against` (the rules across), a run's end past the solid rule
    it carries on is drawn only if it is not text (`_ends_in_text`). Beside them, the mask of
    the runs' chains (`chained_dashes`)."""
    if gs.dash_gap == 0:
        return np.zeros_like(ink), np.zeros_like(ink)
    width = 2 * gs.rule_drift + 1
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (1, width))
    # Longer than a crossing rule is thick (a column of digits does not join up through the rules).
    piece = max(gs.line_thickness + 2, gs.dash_gap // 2)
    # Widened, pieces kept, gaps closed, runs kept; each step's page replaces the last (three held were 30 MB).
    pieces = cv2.morphologyEx(cv2.dilate(ink, across), cv2.MORPH_OPEN, np.ones((1, piece), np.uint8))
    pieces = cv2.morphologyEx(pieces, cv2.MORPH_CLOSE, np.ones((1, gs.dash_gap), np.uint8))
    on = cv2.morphologyEx(pieces, cv2.MORPH_OPEN, np.ones((1, gs.min_vline), np.uint8)) > 0
    del pieces
    # Each row's runs numbered apart: a run never joins the next row's, as a rule does not
    # join the text beneath it. Numbered at their own pixels only (flat, in row order): a
    # page of run numbers was the peak of a 300-dpi page's memory.
    starts = on.copy()
    starts[:, 1:] &= ~on[:, :-1]
    at = np.flatnonzero(on).astype(np.int32)
    run = np.cumsum(starts.ravel()[at], dtype=np.int32)
    count = int(run[-1]) + 1 if run.size else 1
    # A run on a solid rule's own pixel rows carries it on. One only beside it (within the
    # drift) carries it on where it meets it, not along it: lying by a rule over most of its
    # length, it is the rule's rim with a low row's text touching it, which would thicken the
    # rule into the text.
    # Counted over the pixels that qualify (bincount's weights copy every run pixel as float64: a peak).
    lengths = np.bincount(run, minlength=count)
    on_rule = np.bincount(run[solid.ravel()[at] > 0], minlength=count)
    beside = cv2.dilate(solid, across).ravel()[at] > 0
    by_rule = np.bincount(run[beside], minlength=count)
    kept = (on_rule > 0) | ((by_rule > 0) & (by_rule <= _ON_SOLID * lengths))
    if crossing is not None:
        kept |= runs_from_crossing(ink, on, starts, at, run, crossing, gs)
    kept[0] = False
    drawn = kept[run]
    if ends_against is not None:
        drawn &= ~_ends_in_text(ink, beside, at, run, count, ends_against, gs)
    lines = np.zeros(on.shape, np.uint8)
    lines.ravel()[at[drawn]] = 255
    return cv2.morphologyEx(lines, cv2.MORPH_CLOSE, np.ones((1, gs.bridge), np.uint8)), chained_dashes(ink, at, run, gs)


def _ends_in_text(ink: np.ndarray, on_solid: np.ndarray, at: np.ndarray, run: np.ndarray, count: int,
                  across: np.ndarray, gs: GridSettings[int]) -> np.ndarray:
    """Which pixels of the runs (flat `at`, numbered `run`; `on_solid`: on a solid rule or within
    the drift of it) lie in an end of a run, past its solid rule's first or last pixel, that is
    text: over more than half of that end's ink, ink lies on both sides within a third of a
    character, or on one side where the end stops short of the rules `across` it. A
    character's upright stroke a dash gap past a column rule's end carries the rule on into the
    row above, ink beside it (项 of a heading spanning the table, over the rule between two
    columns: the heading was read in two halves, one of them a stray "1", and the rows under it
    were not placed, seed 6969's fax 2). A character's edge stroke on the rule's line has ink
    on its one side and stops below the row's top rule, where a rule runs into it (复 and 诉
    of 未经复议直接起诉 over section 四's columns: the heading read in three cells, the value
    row on the next page taken for its continuation and its 15 blanks flagged, seed 4545's
    scanned PDF 6)."""
    index = np.arange(run.size)
    first = np.full(count, run.size)
    np.minimum.at(first, run[on_solid], index[on_solid])
    last = np.full(count, -1)
    np.maximum.at(last, run[on_solid], index[on_solid])
    head, tail = index < first[run], index > last[run]
    # Each carrying run's two ends numbered apart: 2 * run (before the rule), 2 * run + 1 (after).
    end = 2 * run + tail
    past = (head | tail) & (last[run] >= 0)
    # Ink within the drift across the run, as its pieces were found.
    flat, shift = ink.ravel(), at.astype(np.int64)
    inked = np.zeros(run.size, bool)
    for k in range(-gs.rule_drift, gs.rule_drift + 1):
        near = shift + k * ink.shape[1]
        inside = (near >= 0) & (near < flat.size)
        inked[inside] |= flat[near[inside]] > 0
    inked &= past
    ys, xs = np.divmod(at[inked], ink.shape[1])
    share = np.bincount(end[inked], minlength=2 * count)
    flanked = np.bincount(end[inked], weights=inked_both_sides_at(ink, gs, ys, xs), minlength=2 * count)
    edged = np.bincount(end[inked], weights=inked_both_sides_at(ink, gs, ys, xs, either=True), minlength=2 * count)
    text = (flanked > STROKES * share) | ((edged > STROKES * share) & ~_ends_meet(across, at, run, count, gs))
    return past & text[end]  # type: ignore[no-any-return]


def _ends_meet(across: np.ndarray, at: np.ndarray, run: np.ndarray, count: int, gs: GridSettings[int]) -> np.ndarray:
    """For each run's two ends (2 * run: its first pixel, 2 * run + 1: its last; `at`, `run` as
    in `_ends_in_text`): whether a rule of `across` lies within a rule's thickness and drift of
    it, as where a rule runs into the rule crossing it."""
    if run.size == 0:
        return np.zeros(2 * count, bool)
    # Runs are numbered in row order, so each run's pixels are one stretch of `at`.
    numbers = np.arange(count)
    extremes = np.stack([np.searchsorted(run, numbers, "left"), np.searchsorted(run, numbers, "right") - 1], axis=1)
    real = extremes[:, 0] <= extremes[:, 1]
    pixel = np.where(real[:, None], at[np.clip(extremes, 0, run.size - 1)], 0).ravel().astype(np.int64)
    y, x = np.divmod(pixel, across.shape[1])
    reach = gs.line_thickness + gs.rule_drift + 1
    met = _any_in_boxes(across, y - gs.rule_drift, x - reach, 2 * gs.rule_drift + 1, np.full(pixel.size, 2 * reach + 1))
    return met & np.repeat(real, 2)


def row_high_rules(ink: np.ndarray, faint: np.ndarray, horizontal: np.ndarray, gs: GridSettings[int]) -> np.ndarray:
    """Vertical rules too short for the vertical mask: those of a one-row table (a table's
    last row carried over to the next page) are hardly taller than its text. A short upright
    stroke counts only where it runs into a horizontal rule's print (its mask's `faint` ink)
    at both ends, as printed rules do and characters, a few pixels clear of their cell's
    rules, do not (the mask itself, widened by a fax's drift, reached a "1" 4 pixels clear of
    its rules in a row 31 pixels high: seed 2424's fax TIFF 0, the 1 painted out as a rule,
    the cell read blank, sure)."""
    horizontal = cv2.bitwise_and(horizontal, faint)
    short = _rule_mask(ink, (1, gs.text_height // 2), (1, 1))
    # The strokes' boxes only: a page of int32 labels was the peak of a 300-dpi page's memory.
    stats = components(short)[2]
    x, y, w, h = (stats[:, i].astype(np.int64) for i in range(4))
    keep = (h < gs.min_vline) & (w <= gs.line_thickness + 4)
    keep[0] = False
    # A rule's pixels looked up in each stroke's few rows above and below only: an integral
    # image of the page, fresh memory each page, cost a third of finding its rulings.
    # Rows either side of each end, columns either side of the stroke: a rule's stroke runs
    # through the horizontal rule's thickness and may stop a pixel past its mask, and the mask
    # of a rule may stop a pixel or two short of the side rule (seed 927: 15 of 17 strokes of
    # a carried-over row missed so, and its values were lost). At a table's corner a blurred
    # side rule runs on past the rule it meets by the rule's thickness: the rows looked at reach
    # that far inside the stroke too (seed 6158's photo 2: its first value's rule missed, the
    # value read as prose and the lone row of section 四 not placed). A character's stroke a
    # few pixels clear of its rules holds no rule within its own ends.
    inward = gs.line_thickness + 1
    rows, reach = 2 * gs.intersection + 1 + inward, gs.intersection + gs.line_thickness
    left, wide = x[keep] - reach, w[keep] + 2 * reach
    keep[keep] = _any_in_boxes(horizontal, y[keep] - gs.intersection, left, rows, wide) \
        & _any_in_boxes(horizontal, y[keep] + h[keep] - 1 - gs.intersection - inward, left, rows, wide)
    out = np.zeros_like(ink)
    # Few strokes pass (a carried-over row's rules): each box copied, a stroke fills its own.
    for i in np.flatnonzero(keep):
        out[y[i]:y[i] + h[i], x[i]:x[i] + w[i]] = short[y[i]:y[i] + h[i], x[i]:x[i] + w[i]]
    # A small-print row's text touches its rules above and below (a black-and-white page
    # keeps no gap between): the upright strokes of its characters are not rules.
    return without_strokes(out, ink, gs, upright=True)


def _any_in_boxes(mask: np.ndarray, top: np.ndarray, left: np.ndarray, rows: int, widths: np.ndarray) -> np.ndarray:
    """For each box (`top`, `left`, `rows` high, `widths` wide, clipped to the mask): whether
    any of its pixels is set. Boxes a few pixels wide: every pixel of them at once."""
    dy = np.arange(rows)[None, :, None]
    dx = np.arange(max(int(widths.max(initial=0)), 1))[None, None, :]
    ys, xs = top[:, None, None] + dy, left[:, None, None] + dx
    height, width = mask.shape
    inside = (dx < widths[:, None, None]) & (ys >= 0) & (ys < height) & (xs >= 0) & (xs < width)
    hit = mask[np.clip(ys, 0, height - 1), np.clip(xs, 0, width - 1)] > 0
    return (hit & inside).any(axis=(1, 2))  # type: ignore[no-any-return]


def _scaled(size: tuple[int, int], cap: int) -> tuple[int, int]:
    return (min(size[0], cap), min(size[1], cap))


def find_tables(rulings: Rulings, gs: GridSettings[int], dots: np.ndarray | None = None,
                ink: np.ndarray | None = None) -> list[GridTable]:
    """The ruled tables of a page, top to bottom (`dots`, `ink`: see grid_cells)."""
    horizontal, vertical = rulings.horizontal, rulings.vertical
    tables: list[GridTable] = []
    # A rule broken by gaps up to a character wide is one: a standard-resolution fax's
    # hair-thin rules come out in dashes (seed 4747's fax TIFFs: the last column, beyond such
    # gaps, was left out of its table, and its values lost). The rulings themselves are found
    # within the regions the rules' own joins make (`_table_rows`).
    regions = frames_dropped(table_regions(horizontal, vertical, gs, rule_gap=gs.text_height), rulings, gs)
    for region in side_by_side_joined(regions, rulings, gs):
        # Rules of a table broken apart from its frame (a black-and-white page's dashes lost
        # all round a few cells) make a web of their own inside it: its grid is the table's.
        if any(within(region, table.box, gs.snap) for table in tables):
            continue
        ys, xs = region_rules(horizontal, vertical, region, gs)
        if len(ys) < 2 or len(xs) < 2:
            continue
        above, below = ([end] if end is not None else [] for end in open_ends(vertical, region, ys, xs, gs))
        ys = [*above, *ys, *below]
        for first, last in split_unframed(vertical, ys, xs, gs, dots):
            box = (region[0], ys[first] - gs.snap, region[2], ys[last] + gs.snap)
            part_vertical = overrunning_removed(rulings, box, ys[first:last + 1], gs)
            part_ys, part_xs = region_rules(horizontal, part_vertical, box, gs)
            # The open ends have no rule to find again.
            part_ys = [*(above if first == 0 else []), *part_ys, *(below if last == len(ys) - 1 else [])]
            if len(part_ys) < 2 or len(part_xs) < 2:
                continue
            left, right = open_sides(horizontal, region, part_ys, part_xs, gs)
            part_xs = [*([left] if left is not None else []), *part_xs, *([right] if right is not None else [])]
            cells = grid_cells(horizontal, part_vertical, part_ys, part_xs, gs, dots, ink)
            if len(cells) < 2:
                # A frame, not a table: a page's border around its tables, a box around text.
                continue
            tables.append(GridTable((part_xs[0], part_ys[0], part_xs[-1], part_ys[-1]), part_ys, part_xs, cells))
    return sharing_rules_joined(overlapping_rejoined(tables, rulings, gs, dots, ink), gs)


def overlapping_rejoined(tables: list[GridTable], rulings: Rulings, gs: GridSettings[int],
                         dots: np.ndarray | None = None, ink: np.ndarray | None = None) -> list[GridTable]:
    """Two tables whose grids overlap, sharing every column rule where they do and every row
    rule, are one table, its cells found again over both's rules: a fax's broken rules leave
    two webs, each a table (seed 2121's fax TIFF 3: section 二's labels and two of its value
    columns one, the three value columns the other; the last column's values lost, three read
    as clean paper, unflagged). Tables never overlap; regions do where rules are lost, and
    joined as regions a table's label column joined into one cell (seed 9393's fax TIFF 7)."""
    out = list(tables)
    while pair := next(((a, b) for a in out for b in out if _one_grid(a, b, gs)), None):
        a, b = pair
        xs = [*a.xs, *(x for x in b.xs if x > a.xs[-1] + gs.snap)]
        cells = grid_cells(rulings.horizontal, rulings.vertical, a.ys, xs, gs, dots, ink)
        out = [t for t in out if t is not a and t is not b]
        out.append(GridTable((xs[0], a.ys[0], xs[-1], a.ys[-1]), a.ys, xs, cells))
    return sorted(out, key=lambda t: (t.box[1], t.box[0]))


def _one_grid(a: GridTable, b: GridTable, gs: GridSettings[int]) -> bool:
    """Whether `b` reaches on from within `a` on `a`'s own rules: it starts past `a`'s first
    column and ends past its last, each of its column rules within `a` is one of `a`'s, and
    its row rules are `a`'s."""
    shared = [x for x in b.xs if x <= a.xs[-1] + gs.snap]
    return (a.xs[0] + gs.snap < b.xs[0] and len(shared) >= 2 and b.xs[-1] > a.xs[-1] + gs.snap
            and all(any(abs(x - y) <= gs.snap for y in a.xs) for x in shared) and _same_rows(a, b, gs))


def _same_rows(a: GridTable, b: GridTable, gs: GridSettings[int]) -> bool:
    """Whether two tables' row rules are the same, one for one."""
    return len(a.ys) == len(b.ys) and all(abs(ya - yb) <= gs.snap for ya, yb in zip(a.ys, b.ys, strict=True))


def sharing_rules_joined(tables: list[GridTable], gs: GridSettings[int]) -> list[GridTable]:
    """Tables side by side that share their facing column rule and every row rule joined into
    one: a fax's row rules broken on every row at a column rule leave two webs of rules whose
    dashes run past each other, each read as a table of its own (seed 9191's fax TIFF: section
    二's labels one table, their values another, the values lost). Tables apart have rules apart."""
    out = list(tables)
    while pair := next(((a, b) for a in out for b in out
                        if abs(b.xs[0] - a.xs[-1]) <= gs.snap and _same_rows(a, b, gs)), None):
        a, b = pair
        shift = a.n_cols
        cells = a.cells + [replace(c, col=c.col + shift) for c in b.cells]
        joined = GridTable((a.box[0], min(a.box[1], b.box[1]), b.box[2], max(a.box[3], b.box[3])),
                           a.ys, [*a.xs, *b.xs[1:]], cells)
        out = [t for t in out if t is not a and t is not b]
        out.append(joined)
    return sorted(out, key=lambda t: (t.box[1], t.box[0]))
