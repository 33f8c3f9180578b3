"""A raster table's cells from its grid: slots between its rules, merged across the borders
no rule parts."""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np

from ingest.tables.dotted import ruled_by_dots
from ingest.tables.model import GridCell, GridSettings

# A slot of the grid: (row, column).
Slot = tuple[int, int]


def border(mask: np.ndarray, fixed: int, lo: int, hi: int, vertical: bool, gs: GridSettings[int]) -> bool:
    """Whether a rule runs at `fixed` from lo to hi over the required share of its length."""
    pad = gs.snap
    if hi - lo <= 2 * pad:
        lo, hi = lo + 1, hi - 1
    else:
        lo, hi = lo + pad, hi - pad
    if hi <= lo:
        return True
    a, b = max(0, fixed - pad), fixed + pad + 1
    band = mask[lo:hi, a:b] if vertical else mask[a:b, lo:hi]
    covered = (band > 0).any(axis=1 if vertical else 0)
    return float(covered.mean()) >= gs.edge_coverage


def ruled(mask: np.ndarray, fixed: int, lo: int, hi: int, vertical: bool, gs: GridSettings[int],
          dots: np.ndarray | None = None) -> bool:
    """Whether a border is ruled: by the rulings' `mask` (`border`), or on a black-and-white
    page by `dots` of its ink along the line (`ruled_by_dots`)."""
    return border(mask, fixed, lo, hi, vertical, gs) or (
        dots is not None and ruled_by_dots(dots, fixed, lo, hi, vertical, gs))


def grid_cells(horizontal: np.ndarray, vertical: np.ndarray, ys: list[int], xs: list[int],
               gs: GridSettings[int], dots: np.ndarray | None = None,
               ink: np.ndarray | None = None) -> list[GridCell[int]]:
    """Cells of a table: slots between rules, merged wherever their shared border is not ruled
    (by the rulings' masks, nor on a black-and-white page by `dots` of its ink along the line).

    Merged cells are rectangles. Where the slots merged are not one (a fax's print lost a
    stretch of rule over one cell: seed 8686 fax, section 三's label columns over the row of
    1.信访举报投诉类申请, which joined the cell of 三、本年度办理结果 to the cells beside it and
    read every label of the column as one), on a black-and-white page a border whose rule runs
    on in the slots on both sides of it along its line is taken as ruled. A merge still not a
    rectangle is parted into rectangles, its rows' (or else its columns') runs, where no print
    of the page's `ink` crosses a cut; one no such parting fits is read as the rectangle
    around it."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    # Right of slot (r, c); below slot (r, c).
    right = np.array([[ruled(vertical, xs[c + 1], ys[r], ys[r + 1], True, gs, dots) for c in range(n_cols - 1)]
                      for r in range(n_rows)], bool).reshape(n_rows, max(0, n_cols - 1))
    below = np.array([[ruled(horizontal, ys[r + 1], xs[c], xs[c + 1], False, gs, dots) for c in range(n_cols)]
                      for r in range(n_rows - 1)], bool).reshape(max(0, n_rows - 1), n_cols)
    groups = _merged(right, below)
    # Only on a black-and-white page (a gray scan's rule under a seal kept the rectangle: seed
    # 7575 pdf_scanned, a table's first two rows at a page's foot, read no better parted).
    if dots is not None and not all(_rectangle(slots) for slots in groups):
        ragged = {slot for slots in groups if not _rectangle(slots) for slot in slots}
        groups = _merged(_runs_on(right, ragged, at_ends=True), _runs_on(below.T, {(c, r) for r, c in ragged}).T)
    if ink is not None and not all(_rectangle(slots) for slots in groups):
        # The page's print off its rules, made only for a table with a ragged merge.
        text = ink & ~(horizontal | vertical)
        groups = [part for slots in groups for part in _parted(slots, text, ys, xs, gs)]
    taken: set[Slot] = set()
    cells = []
    for slots in sorted(groups):
        r0, c0 = min(r for r, _ in slots), min(c for _, c in slots)
        r1, c1 = max(r for r, _ in slots), max(c for _, c in slots)
        if (r0, c0) in taken:
            continue
        taken.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
        cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])))
    return cells


def _merged(right: np.ndarray, below: np.ndarray) -> list[list[Slot]]:
    """The groups of slots joined across borders not ruled (`right`, `below`: see grid_cells)."""
    n_rows, n_cols = right.shape[0], below.shape[1]
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not right[r, c]:
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not below[r, c]:
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    groups: dict[int, list[Slot]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    return list(groups.values())


def _parted(slots: list[Slot], text: np.ndarray, ys: list[int], xs: list[int],
            gs: GridSettings[int]) -> list[list[Slot]]:
    """A merge not a rectangle as rectangles: the runs of its rows alike in their columns, or
    else of its columns alike in their rows, whichever no print crosses between (seed 4646's
    photo 1, a sheet curled at its corner, lost the rule under 二、上年结转's label over the
    column of 三、本年度办理结果; the rectangle around the two took every label of section 三
    for one cell)."""
    if _rectangle(slots):
        return [slots]
    for by_rows in (True, False):
        parts = _runs_alike(slots, by_rows)
        if all(_rectangle(part) for part in parts) and not any(
                _crossed(text, a, b, ys, xs, gs, by_rows) for a, b in pairwise(parts)):
            return parts
    return [slots]


def _runs_alike(slots: list[Slot], by_rows: bool) -> list[list[Slot]]:
    """Slots in runs of rows (columns) that hold the same columns (rows), in order."""
    lines: dict[int, list[Slot]] = {}
    for slot in sorted(slots, key=lambda s: s if by_rows else (s[1], s[0])):
        lines.setdefault(slot[0] if by_rows else slot[1], []).append(slot)
    runs: list[list[Slot]] = []
    across = None
    for line in lines.values():
        line_across = [s[1] if by_rows else s[0] for s in line]
        if line_across == across:
            runs[-1].extend(line)
        else:
            runs.append(list(line))
        across = line_across
    return runs


def _crossed(text: np.ndarray, a: list[Slot], b: list[Slot], ys: list[int], xs: list[int],
             gs: GridSettings[int], by_rows: bool) -> bool:
    """Whether print crosses the cut between two runs of a merge (`a` before `b`): a line of
    text, its characters and its wrapped lines closed up, running a quarter of the text
    height on both sides of it. The print on the cut's own line, and on the rules' lines
    across it, is left out: a rule's dashes too short for a rule, lost from the rulings, and
    a column rule's end joined the text above to the text below (seed 7979's fax TIFF 7:
    未经复议直接起诉 over its columns' headers, every cell of the part read as one); text
    crossing the cut closes over that line all the same."""
    axis = 0 if by_rows else 1
    shared = sorted({s[1 - axis] for s in a} & {s[1 - axis] for s in b})
    if not shared:
        return True
    at = (ys if by_rows else xs)[b[0][axis]]
    edges = xs if by_rows else ys
    lo, hi = edges[shared[0]] + gs.snap, edges[shared[-1] + 1] - gs.snap
    reach, h = max(1, gs.text_height // 4), gs.text_height
    window = text[max(0, at - h):at + h, lo:hi] if by_rows else text[lo:hi, max(0, at - h):at + h].T
    if window.size == 0 or hi <= lo:
        return False
    mid = at - max(0, at - h)
    close = max(1, round(0.6 * h))
    line = max(1, min(gs.line_thickness, close // 3))
    window = window.copy()
    window[max(0, mid - line):mid + line + 1] = 0
    for edge in (edges[k] - lo for k in shared[1:]):
        window[:, max(0, edge - gs.snap):edge + gs.snap + 1] = 0
    closed = cv2.morphologyEx(window, cv2.MORPH_CLOSE, np.ones((close, 1), np.uint8))
    return bool((closed[max(0, mid - reach):mid + reach + 1] > 0).all(axis=0).any())


def _rectangle(slots: list[Slot]) -> bool:
    rows, cols = {r for r, _ in slots}, {c for _, c in slots}
    return len(slots) == len(rows) * len(cols) and max(rows) - min(rows) + 1 == len(rows) \
        and max(cols) - min(cols) + 1 == len(cols)


def _runs_on(right: np.ndarray, ragged: set[Slot], at_ends: bool = False) -> np.ndarray:
    """`right` (the column rules right of each slot) with the border of a slot in `ragged`
    taken as ruled where the rule is there in the rows above and below it; `at_ends`, in the
    first (last) row where it is there in the two rows below (above) it (seed 7319's fax: a
    piece's first row lost its rule between label and values, and the rectangle around the
    ragged merge took every label of section 三 and a column of values for one cell). Not a
    row rule at the first or last column: a group's label there spans rows the next columns part."""
    out = right.copy()
    rows = right.shape[0]
    for r in range(rows):
        if 0 < r < rows - 1:
            neighbours = (r - 1, r + 1)
        elif at_ends and rows >= 3:
            neighbours = (1, 2) if r == 0 else (r - 1, r - 2)
        else:
            continue
        for c in range(right.shape[1]):
            if (r, c) in ragged and all(right[n, c] for n in neighbours):
                out[r, c] = True
    return out
