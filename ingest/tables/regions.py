"""Where a page's ruled tables lie on its rule masks: webs of rules that are tables (parts of
one table found apart joined), the row and column rules within each, and where a table whose
end or side rule was lost ends."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ingest.tables.cells import border, ruled
from ingest.tables.components import components
from ingest.tables.model import GridSettings, PixelBox

# A table's first or last row rule is at least this share of its longest (a fax's dashed
# rules come out in parts, half their length or less).
_EDGE_RULE_SHARE = 0.125
# A side rule not found leans at most this much (run over rise: 6°) for its rows' ends to place it.
_SIDE_LEAN = 0.105


@dataclass(frozen=True)
class Rulings:
    """Masks (255 = rule) of a page's horizontal and vertical table rules."""

    horizontal: np.ndarray
    vertical: np.ndarray

    def turned_half(self) -> Rulings:
        return Rulings(cv2.rotate(self.horizontal, cv2.ROTATE_180), cv2.rotate(self.vertical, cv2.ROTATE_180))


def table_regions(horizontal: np.ndarray, vertical: np.ndarray, gs: GridSettings[int],
                  rule_gap: int = 0) -> list[PixelBox]:
    """Boxes of ruled tables: connected rulings with at least two rows and two columns of joints.
    Given a `rule_gap`, a table's rules broken apart are one table's: a horizontal rule broken by
    gaps up to `rule_gap` wide (beyond `snap`) is one, and webs that interleave (`_interleaved`)
    are one."""
    across = max(gs.snap, rule_gap)
    frame = cv2.bitwise_or(cv2.dilate(horizontal, np.ones((gs.snap, across), np.uint8)),
                           cv2.dilate(vertical, np.ones((gs.snap, gs.snap), np.uint8)))
    near_vertical = cv2.dilate(vertical, np.ones((gs.snap, gs.snap), np.uint8))
    joints = cv2.dilate(horizontal & near_vertical, np.ones((3, 3), np.uint8))
    count, labels, stats = components(frame)
    boxes = []
    tall = [i for i in range(1, count) if stats[i, cv2.CC_STAT_HEIGHT] >= gs.text_height]
    for group in _interleaved(stats, tall, gs) if rule_gap else [[i] for i in tall]:
        x, y, x1, y1 = _box_of(stats, group)
        if x1 - x < 4 * gs.min_line:
            continue
        region = np.isin(labels[y:y1, x:x1], group) & (joints[y:y1, x:x1] > 0)
        n_joints, _ = cv2.connectedComponents(region.astype(np.uint8))
        if n_joints - 1 >= 4:
            boxes.append((x, y, x1, y1))
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def _interleaved(stats: np.ndarray, webs: list[int], gs: GridSettings[int]) -> list[list[int]]:
    """The webs of rules (components numbered `webs`) grouped: webs whose spans across overlap
    and whose tops and bottoms are level are one table's, parted where a black-and-white page
    lost its hair-thin rules on every row between the same two column rules (seed 1313's fax
    TIFF 1: section 三's last column, beyond 30-pixel gaps in its row rules, a web of its own;
    its values lost)."""
    groups: list[list[int]] = []
    for i in sorted(webs, key=lambda i: int(stats[i, cv2.CC_STAT_LEFT])):
        box = _box_of(stats, [i])
        group = next((g for g in groups if _overlapping_level(_box_of(stats, g), box, gs)), None)
        if group is None:
            groups.append([i])
        else:
            group.append(i)
    return groups


def _box_of(stats: np.ndarray, group: list[int]) -> PixelBox:
    """The box around the components numbered `group`."""
    left, top = stats[group, cv2.CC_STAT_LEFT], stats[group, cv2.CC_STAT_TOP]
    right, bottom = left + stats[group, cv2.CC_STAT_WIDTH], top + stats[group, cv2.CC_STAT_HEIGHT]
    return int(left.min()), int(top.min()), int(right.max()), int(bottom.max())


def _overlapping_level(a: PixelBox, b: PixelBox, gs: GridSettings[int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and abs(a[1] - b[1]) <= 2 * gs.snap and abs(a[3] - b[3]) <= 2 * gs.snap


def frames_dropped(boxes: list[PixelBox], rulings: Rulings, gs: GridSettings[int]) -> list[PixelBox]:
    """The table regions without the frames around tables (`_frames`): a web page's bordered
    article box or a page border, its sides joined by strokes of the text lines touching them,
    is a web with joints enough, and read as a table it took the text inside for its cells
    (seed 6529's browser scan 1: sections 五 and 六's headings and the signature, below section
    四's table within the article's box, lost as text)."""
    return [box for box in boxes if not _frames(box, [b for b in boxes if b != box], rulings, gs)]


def _frames(box: PixelBox, others: list[PixelBox], rulings: Rulings, gs: GridSettings[int]) -> bool:
    """Whether a region is a frame around regions inside it: around at least one region inset
    from both its sides, it has no rule of its own but its sides, its top and bottom, and short
    strokes of text beside them. A table whose grid a fax broke all round a few cells holds
    that web too, but its rows run on beside it and its columns above or below it."""
    x0, y0, x1, y1 = box
    # The region's box reaches past its rules by half the gap joined across (`table_regions`).
    band = gs.text_height + gs.snap
    # Up and down give or take a character: at a page break a frame's sides run on to the
    # page's edge, and a table's do to its first row's top.
    inside = [b for b in others if b[0] > x0 + gs.snap and b[2] < x1 - gs.snap
              and b[1] >= y0 - gs.text_height and b[3] <= y1 + gs.text_height]
    if not inside:
        return False
    horizontal = rulings.horizontal[y0:y1, x0 + band:x1 - band].copy()
    vertical = rulings.vertical[y0 + band:y1 - band, x0 + band:x1 - band].copy()
    for bx0, by0, bx1, by1 in inside:
        left, right = max(0, bx0 - x0 - band - gs.snap), max(0, bx1 - x0 - band + gs.snap)
        horizontal[max(0, by0 - y0 - gs.snap):max(0, by1 - y0 + gs.snap), left:right] = 0
        vertical[max(0, by0 - y0 - band - gs.snap):max(0, by1 - y0 - band + gs.snap), left:right] = 0
    if rule_positions(vertical, 1, gs, gs.min_vline):
        return False
    # Beside a region inside it, a frame holds no rule (a table's rows run on there); elsewhere
    # only strokes far shorter than its width (text touching its sides), and its top and bottom.
    beside = np.zeros(horizontal.shape[0], bool)
    for _, by0, _, by1 in inside:
        beside[max(0, by0 - y0):max(0, by1 - y0)] = True
    across = (horizontal > 0).sum(axis=1)
    across[:band] = across[-band:] = 0
    return not across[beside].any() and 2 * int(across.max(initial=0)) < x1 - x0


def side_by_side_joined(boxes: list[PixelBox], rulings: Rulings, gs: GridSettings[int]) -> list[PixelBox]:
    """Table regions side by side that are parts of one table (`_parts_of_one`) joined. Only
    regions that are tables on their own: a label column whose rules a fax lost is read as the
    text beside a grid (`side_labels`), better than as a grid of what rules are left. A
    standard-resolution fax loses its hair-thin rules over a hand's width at a time, on every
    row at once now and then (seed 6363's fax TIFF: a table cut in two down a column, its right
    part no table and the values of its merged cells lost). Where the gaps stand a little apart
    from row to row, the right part's web reaches past the left one's end: the two overlap
    (seed 2828's fax TIFF 6, section 三's labels and values read as two tables)."""
    out = list(boxes)
    while pair := next(((a, b) for a in out for b in out
                        if a[0] < b[0] and a[2] < b[2] and _parts_of_one(a, b, rulings, gs)), None):
        a, b = pair
        out = [box for box in out if box not in pair] + [(a[0], min(a[1], b[1]), b[2], max(a[3], b[3]))]
    return sorted(out, key=lambda box: (box[1], box[0]))


def _parts_of_one(a: PixelBox, b: PixelBox, rulings: Rulings, gs: GridSettings[int]) -> bool:
    """Whether region `a` and region `b` right of it are one table's: as tall as each other, apart
    by less than the narrower is wide, their row rules at the same heights, and not both framed
    on the sides they face (two tables side by side are)."""
    return (abs(a[1] - b[1]) <= 2 * gs.snap and abs(a[3] - b[3]) <= 2 * gs.snap
            and b[0] - a[2] < min(a[2] - a[0], b[2] - b[0]) and _rows_agree(rulings.horizontal, a, b, gs)
            and not (_side_ruled(rulings, a, right=True, gs=gs) and _side_ruled(rulings, b, right=False, gs=gs)))


def _side_ruled(rulings: Rulings, box: PixelBox, right: bool, gs: GridSettings[int]) -> bool:
    """Whether a rule runs down most of a region's right (left) side, where its row rules end."""
    x0, y0, x1, y1 = box
    along = np.flatnonzero(rulings.horizontal[y0:y1, x0:x1].any(axis=0))
    if along.size == 0:
        return False
    x = x0 + int(along[-1] if right else along[0])
    band = rulings.vertical[y0:y1, max(0, x - 2 * gs.snap):x + 2 * gs.snap + 1]
    return bool(2 * np.count_nonzero(band.any(axis=1)) >= y1 - y0)


def _rows_agree(horizontal: np.ndarray, a: PixelBox, b: PixelBox, gs: GridSettings[int]) -> bool:
    """Whether three in four of the row rules of the region with fewer lie at those of the other."""
    ys_a, ys_b = ([box[1] + y for y in rule_positions(horizontal[box[1]:box[3], box[0]:box[2]], 0, gs, gs.min_line)]
                  for box in (a, b))
    fewer, more = sorted((ys_a, ys_b), key=len)
    if len(fewer) < 2:
        return False
    matched = sum(1 for y in fewer if any(abs(y - m) <= gs.snap for m in more))
    return 4 * matched >= 3 * len(fewer)


def rule_positions(mask: np.ndarray, axis: int, gs: GridSettings[int], min_length: int) -> list[int]:
    """Centres of the rules of a table-region mask: axis 0 gives y of horizontal rules, 1 gives x of vertical."""
    coverage = (mask > 0).sum(axis=1 - axis)
    rows = np.flatnonzero(coverage >= min_length)
    if rows.size == 0:
        return []
    # Rows of one rule are at most `snap` apart; a larger step starts the next rule.
    groups = np.split(rows, np.flatnonzero(np.diff(rows) > gs.snap) + 1)
    return [int(g[0] + g[-1]) // 2 for g in groups]


def region_rules(horizontal: np.ndarray, vertical: np.ndarray, box: PixelBox,
                 gs: GridSettings[int]) -> tuple[list[int], list[int]]:
    """The row rules (y) and column rules (x) of a table region."""
    x0, y0, x1, y1 = box
    ys = [y0 + y for y in rule_positions(horizontal[y0:y1, x0:x1], 0, gs, gs.min_line)]
    # A table's top and bottom rules run across it; a heading's bold stroke joined to its last
    # row is no rule (seed 5959's turned scan: 三、收到和处理… under a one-row table made a
    # second row, whose height left the table's side rule out and its value with it).
    spans = [int(horizontal[max(0, y - gs.snap):y + gs.snap + 1, x0:x1].any(axis=0).sum()) for y in ys]
    while len(ys) > 2 and _EDGE_RULE_SHARE * max(spans) > spans[-1]:
        ys, spans = ys[:-1], spans[:-1]
    while len(ys) > 2 and _EDGE_RULE_SHARE * max(spans) > spans[0]:
        ys, spans = ys[1:], spans[1:]
    # A one-row table's side rules are only as long as the row is high: its rules' span, not
    # the region's (a seal's strokes joined to the row make the region twice as high).
    height = ys[-1] - ys[0] if len(ys) >= 2 else y1 - y0
    xs = [x0 + x for x in rule_positions(vertical[y0:y1, x0:x1], 1, gs, min(gs.min_vline, height // 2))]
    return ys, xs


def overrunning_removed(rulings: Rulings, box: PixelBox, ys: list[int], gs: GridSettings[int]) -> np.ndarray:
    """The vertical rules without the pieces in `box`'s columns that cross the table's frame
    (`_crosses_frame`) and stand between its side rules where no other rule of its rows does: a
    column rule ends at the frame, a seal's ring and strokes cross it (seed 1414's gray image:
    the ring's side across section 四's value row parted two of its columns, and the row was
    lost). A fax's broken rules run on past a table's part too, into rows whose rules are
    there, or beside other pieces in line."""
    x0, _, x1, _ = box
    top, bottom = ys[0], ys[-1]
    horizontal = rulings.horizontal[:, x0:x1]
    count, labels, stats = components(rulings.vertical[:, x0:x1])
    crossing = [i for i in range(1, count) if _crosses_frame(horizontal, stats[i], top, bottom, gs)]
    ruled = np.flatnonzero(horizontal[max(0, top - gs.snap):bottom + gs.snap].any(axis=0))
    if not crossing or ruled.size == 0:
        return rulings.vertical
    rows = labels[top:bottom]
    others = np.any((rows > 0) & ~np.isin(rows, crossing), axis=0)
    lone = [i for i in crossing
            if ruled[0] + gs.snap < stats[i, 0] and stats[i, 0] + stats[i, 2] + gs.snap < ruled[-1]
            and not others[max(0, int(stats[i, 0]) - gs.snap):int(stats[i, 0] + stats[i, 2]) + gs.snap].any()]
    if not lone:
        return rulings.vertical
    kept = rulings.vertical.copy()
    kept[:, x0:x1][np.isin(labels, lone)] = 0
    return kept


def _crosses_frame(horizontal: np.ndarray, piece: np.ndarray, top: int, bottom: int, gs: GridSettings[int]) -> bool:
    """Whether a vertical rule piece (its component's stats) spans under half of the rows from
    `top` to `bottom` and runs on past one of them by more than `snap`, where no row rule is."""
    y, h = int(piece[1]), int(piece[3])
    inside = min(y + h, bottom) - max(y, top)
    beyond = [(a, b) for a, b in ((y, top - gs.snap), (bottom + gs.snap, y + h)) if a < b]
    return 0 < 2 * inside < bottom - top and bool(beyond) and not any(horizontal[a:b].any() for a, b in beyond)


def split_unframed(vertical: np.ndarray, ys: list[int], xs: list[int], gs: GridSettings[int],
                   dots: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Runs of rule rows (first, last index into ys) between which the table's side frame runs
    (in the rulings, or on a black-and-white page as `dots` of its ink along the side: a fax's
    side rule broken a little short of a rule's length below a gap, at the foot of a page,
    left its last row out: seed 6158's fax 0, 部分公开's seven values lost).

    Two tables one heading apart join through the heading's strokes; the heading's band
    has neither the left nor the right frame rule, so the tables part there. A heading right
    over (or a line right under) a table is no row of it either when rules crossing its band
    end at the table's rule and at most one runs on into the table: a heading's strokes end
    there, and one may run on into a column rule it met (seed 2828's fax TIFF 1: a bold heading's
    strokes, squared twice as tall on a standard-resolution fax, made a row of the value
    part's table, and section 三's label part, its rows not the same, was left out)."""
    bands = len(ys) - 1

    def crossing(r: int) -> set[int]:
        return {x for x in xs if border(vertical, x, ys[r], ys[r + 1], True, gs)}

    def text_band(r: int) -> bool:
        if bands < 3 or r not in (0, bands - 1):
            return False
        strokes, table = crossing(r), crossing(1 if r == 0 else r - 1)
        return len(strokes - table) >= 2 and len(strokes & table) < 2

    runs: list[tuple[int, int]] = []
    start = 0
    for r in range(bands):
        framed = any(ruled(vertical, x, ys[r], ys[r + 1], True, gs, dots) for x in (xs[0], xs[-1])) \
            and not text_band(r)
        if not framed:
            if r > start:
                runs.append((start, r))
            start = r + 1
    if len(ys) - 1 > start:
        runs.append((start, len(ys) - 1))
    return runs


def open_ends(vertical: np.ndarray, region: PixelBox, ys: list[int], xs: list[int],
              gs: GridSettings[int]) -> tuple[int | None, int | None]:
    """Where a table cut by a page break ends without a rule: both side rules run on past its
    first (last) rule by a row's height or more, up (down) to there (a browser prints the rows
    of a continued table so, and the first row on the page was lost). Or every column rule
    runs on past it, to ends on one line leaning as a scan's skew leaves the page's edge, the
    farthest by a row's height (seed 2929's browser scan: the cut ran 26 px over the first rule
    at the left side and 54 px at the right, 1.3° off the rows; its row 6.属于四类过程性信息 was lost)."""
    x0, y0, _, y1 = region
    rules = [np.asarray(vertical[y0:y1, max(x0, x - gs.snap):x + gs.snap + 1].any(axis=1)) for x in xs]
    return _open_end(rules, y0, ys[0], xs, gs, up=True), _open_end(rules, y0, ys[-1], xs, gs, up=False)


def _open_end(rules: list[np.ndarray], y0: int, edge: int, xs: list[int], gs: GridSettings[int],
              up: bool) -> int | None:
    """The open end beyond the rule at `edge` (`rules`: each column rule's rows, from `y0`), or None."""

    def end(ruled: np.ndarray) -> int | None:
        rows = np.flatnonzero(ruled)
        return None if rows.size == 0 else y0 + int(rows[0] if up else rows[-1])

    def past(y: int) -> int:
        return edge - y if up else y - edge

    sides = end(rules[0] & rules[-1])
    if sides is not None and past(sides) >= gs.min_vline:
        return sides
    ends = [end(ruled) for ruled in rules]
    known = [e for e in ends if e is not None]
    if len(known) < len(ends) or min(past(e) for e in known) <= gs.snap or max(past(e) for e in known) < gs.min_vline:
        return None
    return (min(known) if up else max(known)) if _on_one_side(xs, known, gs) else None


def open_sides(horizontal: np.ndarray, region: PixelBox, ys: list[int], xs: list[int],
               gs: GridSettings[int]) -> tuple[int | None, int | None]:
    """Where a table whose side rule was not found ends: every row rule runs on past its first
    (last) column rule by a row label's width or more, to ends that agree, there (a close-up
    photo's side rule leans by perspective: seed 4848's photo, 3.7° over section 二's first
    table, whose label column was left out of it and its rows unread). Ends agree when they
    lie on one line leaning at most `_SIDE_LEAN`: a scan's keystone leans a table's side
    rule more than its rows (seed 2121's scanned PDF: 4.8° over section 二's last table, its
    value column left out and a 0 read as clean paper, unflagged)."""
    x0, _, x1, _ = region

    def end(y: int, left: bool) -> int | None:
        along = np.flatnonzero(horizontal[max(0, y - gs.snap):y + gs.snap + 1, x0:x1].any(axis=0))
        return None if along.size == 0 else x0 + int(along[0] if left else along[-1])

    found: list[int | None] = []
    for left, side in ((True, xs[0]), (False, xs[-1])):
        ends = [end(y, left) for y in ys]
        known = [e for e in ends if e is not None]
        past = [side - e if left else e - side for e in known]
        runs_on = len(known) == len(ends) and min(past) >= gs.min_line and _on_one_side(ys, known, gs)
        found.append(int(np.median(known)) if runs_on else None)
    return found[0], found[1]


def _on_one_side(ys: list[int], ends: list[int], gs: GridSettings[int]) -> bool:
    """Whether the row rules' ends at heights `ys` agree: all within two snaps, or on a line
    leaning at most `_SIDE_LEAN`, each within a snap of it."""
    if max(ends) - min(ends) <= 2 * gs.snap:
        return True
    slope, offset = np.polyfit(ys, ends, 1)
    return bool(abs(slope) <= _SIDE_LEAN and np.abs(np.polyval((slope, offset), ys) - ends).max() <= gs.snap)
