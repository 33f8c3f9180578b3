"""Rows of a table drawn without rules whose labels wrap: a row's label printed over several
lines around the line of its values (a web page's table printed by a browser without rules:
1.本机关不掌握相 / 7 0 0 0 0 0 7 / 关政府信息). Pure transforms: lines -> value lines and
label fragments -> label blocks -> rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.labels import nfkc
from ingest.tables.glyphs import Glyph, Line, is_number, segments
from ingest.tables.model import GridSettings
from ingest.tables.stitch import ITEM_START


@dataclass(frozen=True)
class ValueLine:
    """A line whose last pieces are numbers: a row's values, after what of its label stands beside them."""

    line: Line
    labels: tuple[tuple[Glyph, ...], ...]
    values: tuple[tuple[Glyph, ...], ...]

    @property
    def value_left(self) -> float:
        return self.values[0][0].x0


@dataclass(frozen=True)
class WrappedRow:
    """One row: its label cells left to right (each the lines of one label, top to bottom)
    and its value pieces."""

    labels: tuple[tuple[Line, ...], ...]
    values: tuple[tuple[Glyph, ...], ...]


def _value_line(line: Line, gs: GridSettings[float]) -> ValueLine | None:
    """The line as a row's values, after what of its label stands beside them. A number alone
    is a value line too: the one value of a row printed blank but for its total, set midway
    between its label's two lines (二、上年结转政府信息公开申 / 0 / 请数量); it makes a row only
    with label lines wrapped around it."""
    parts = [piece for part in segments(line, gs) for piece in _number_apart(part, gs)]
    texts = ["".join(g.text for g in p) for p in parts]
    first = next((i for i, t in enumerate(texts) if is_number(t)), None)
    if first is None or not all(is_number(t) for t in texts[first:]):
        return None
    return ValueLine(line, tuple(parts[:first]), tuple(parts[first:]))


def _number_apart(part: tuple[Glyph, ...], gs: GridSettings[float]) -> list[tuple[Glyph, ...]]:
    """A piece whose text ends in a number set apart from it or after Chinese: the label's last
    line and the first value, a cell's padding apart or less (不计其 4, 申请数量5)."""
    for i in range(len(part) - 1, 0, -1):
        if not part[i].text.isdigit():
            break
        if part[i].x0 - part[i - 1].x1 > 2 * gs.space_gap or not part[i - 1].text.isascii():
            return [part[:i], part[i:]] if is_number("".join(g.text for g in part[i:])) else [part]
    return [part]


def _gap(above: Line, below: Line) -> float:
    return below.box[1] - above.box[3]


def wrapped_rows(lines: Sequence[Line], gs: GridSettings[float]) -> list[Line | WrappedRow]:
    """The lines, each run of value lines with the label lines wrapped around them (lines
    wholly left of the values, as close to the run as a cell's lines are to each other)
    replaced by its rows. A run whose labels do not wrap is left as it was."""
    out: list[Line | WrappedRow] = []
    region: list[Line] = []
    values: dict[Line, ValueLine] = {}
    left = 0.0
    for line in [*lines, None]:
        value = _value_line(line, gs) if line is not None else None
        if line is not None and region:
            near = _gap(region[-1], line) <= gs.wrap_gap
            if value is not None and (near or line.box[1] - region[-1].box[3] <= 2 * gs.text_height):
                region.append(line)
                values[line] = value
                left = min(left, value.value_left)
                continue
            if value is None and near and line.box[2] < left:
                region.append(line)
                continue
        if region:
            out.extend(_region_items(region, values, gs))
            region = []
        if line is None:
            continue
        if value is None:
            out.append(line)
            continue
        # Label lines just above the first value line belong to the run.
        left = value.value_left
        region.append(line)
        while (out and isinstance(above := out[-1], Line) and above.box[2] < left
               and _gap(above, region[0]) <= gs.wrap_gap):
            region.insert(0, above)
            out.pop()
        values[line] = value
    return out


def label_columns_apart(items: Sequence[Line | WrappedRow], gs: GridSettings[float]) -> list[Line | WrappedRow]:
    """The items, each run of close value-less lines that interleave two label columns set
    column by column: a group's label centred beside rows printed blank lands between the
    lines of their labels, or on their lines a padding apart (（六） / 2.申请人逾期未按收费 /
    其他处 / 通知要求缴纳费用、行 / 理), and the row's label, read in that order, named no row.
    Left to right, each top to bottom."""
    out: list[Line | WrappedRow] = []
    run: list[Line] = []
    for item in [*items, None]:
        label_line = item if isinstance(item, Line) and _value_line(item, gs) is None else None
        if label_line is not None and (not run or label_line.box[1] - max(ln.box[3] for ln in run) <= gs.wrap_gap):
            run.append(label_line)
            continue
        out.extend(_by_label_column(run, gs))
        run = [label_line] if label_line is not None else []
        if item is not None and not run:
            out.append(item)
    return out


def _by_label_column(run: list[Line], gs: GridSettings[float]) -> list[Line]:
    """The run's texts column by column when two label columns' texts interleave, else its lines as they are."""
    starts = _column_starts(run, gs)
    pieces = [piece for line in run for piece in _by_column(line, starts, gs)]
    columns: list[list[Line]] = []
    for piece in sorted(pieces, key=lambda ln: ln.box[0]):
        if columns and piece.box[0] < max(ln.box[2] for ln in columns[-1]):
            columns[-1].append(piece)
        else:
            columns.append([piece])
    column_of = {id(piece): c for c, column in enumerate(columns) for piece in column}
    order = [column_of[id(piece)] for piece in sorted(pieces, key=lambda ln: (ln.box[1], ln.box[0]))]
    # Label columns: two of them number their items (a title's or a signature's lines stand otherwise).
    numbered = sum(1 for column in columns if any(_item_text(piece) for piece in column))
    if numbered < 2 or not _interleaved(order):
        return run
    return [piece for column in columns for piece in sorted(column, key=lambda ln: ln.box[1])]


def _interleaved(order: list[int]) -> bool:
    """Whether a column's texts (`order`: the column of each, top to bottom) come back after another's."""
    return any(len(order) - order[::-1].index(c) - order.index(c) != order.count(c) for c in set(order))


def _region_items(region: list[Line], values: dict[Line, ValueLine],
                  gs: GridSettings[float]) -> list[Line | WrappedRow]:
    anchors = [values[ln] for ln in region if ln in values]
    fragments = [ln for ln in region if ln not in values]
    if not fragments:
        return list(region)
    label_lines = fragments + [Line(tuple(g for p in a.labels for g in p)) for a in anchors if a.labels]
    starts = _column_starts(label_lines, gs)
    pieces = [piece for ln in label_lines for piece in _by_column(ln, starts, gs)]
    labels: list[list[list[Line]]] = [[] for _ in anchors]
    before: list[Line] = []
    after: list[Line] = []
    # A row printed with every value blank: its label alone, beginning with its item number.
    blank_rows: list[tuple[float, WrappedRow]] = []
    middles = [_middle(a.line) for a in anchors]
    for block in _blocks(pieces, gs):
        rows, left_over = _assigned(block, middles, pieces, gs)
        if not rows and _item_text(block[0]):
            blank_rows.append((_middle(block[0]), WrappedRow((tuple(block),), ())))
            continue
        for index, lines in rows.items():
            labels[index].append(lines)
        for line in left_over:
            if _middle(line) < middles[0]:
                before.append(line)
            elif _middle(line) > middles[-1]:
                after.append(line)
            else:
                labels[_nearest(middles, _middle(line))].append([line])
    rows_out = [
        (middle, WrappedRow(tuple(tuple(b) for b in sorted(blocks, key=lambda b: min(ln.box[0] for ln in b))),
                            a.values))
        for middle, a, blocks in zip(middles, anchors, labels, strict=True)
    ]
    ordered: list[Line | WrappedRow] = [row for _, row in sorted(rows_out + blank_rows, key=lambda r: r[0])]
    return sorted(before, key=_middle) + ordered + sorted(after, key=_middle)


def _item_text(line: Line) -> bool:
    # A browser's PDF prints 一 as the Kangxi radical ⼀ (U+2F00).
    return bool(ITEM_START.match(nfkc("".join(g.text for g in line.glyphs))))


def _starts_of(line: Line, gs: GridSettings[float]) -> list[float]:
    """Where the line's texts begin: its first glyph and each after a gap wider than a space
    (CJK text runs gapless; two cells' texts on one line stand a padding apart)."""
    return [g.x0 for i, g in enumerate(line.glyphs) if i == 0 or g.x0 - line.glyphs[i - 1].x1 > 2 * gs.space_gap]


def _column_starts(lines: list[Line], gs: GridSettings[float]) -> list[float]:
    """The label columns' left edges: where texts of two lines or more begin."""
    found = sorted(x for ln in lines for x in _starts_of(ln, gs))
    clusters: list[list[float]] = []
    for x in found:
        if clusters and x - clusters[-1][-1] <= gs.snap:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return [c[0] for c in clusters if len(c) >= 2]


def _column(x: float, starts: list[float], gs: GridSettings[float]) -> int:
    return sum(1 for s in starts if s <= x + gs.snap)


def _by_column(line: Line, starts: list[float], gs: GridSettings[float]) -> list[Line]:
    """The line cut where a gap parts two texts: Chinese runs gapless, so any gap in it; between
    ASCII words (spaced), a gap before a label column's left edge or an item number."""
    pieces: list[list[Glyph]] = []
    for i, g in enumerate(line.glyphs):
        previous = line.glyphs[i - 1]
        opens = i == 0 or (g.x0 - previous.x1 > 2 * gs.space_gap
                           and (not (g.text.isascii() and previous.text.isascii())
                                or _column(g.x0, starts, gs) != _column(previous.x0, starts, gs)
                                or _item_text(Line(line.glyphs[i:]))))
        if opens:
            pieces.append([g])
        else:
            pieces[-1].append(g)
    return [Line(tuple(p)) for p in pieces]


def _blocks(pieces: list[Line], gs: GridSettings[float]) -> list[list[Line]]:
    """Label pieces joined into the blocks of one cell's text: pieces one above the other (left,
    centred or right aligned) that stand as close as a cell's lines, a new one at each item
    number (一、 （三） 4.)."""
    blocks: list[list[Line]] = []
    for piece in sorted(pieces, key=lambda ln: ln.box[1]):
        home = None if _item_text(piece) else next(
            (b for b in blocks if _gap(b[-1], piece) <= gs.wrap_gap and any(_overlap(ln, piece) > 0 for ln in b)), None)
        if home is None:
            blocks.append([piece])
        else:
            home.append(piece)
    return blocks


def _assigned(block: list[Line], middles: list[float], pieces: list[Line],
              gs: GridSettings[float]) -> tuple[dict[int, list[Line]], list[Line]]:
    """The rows a label block goes to, and its lines that go to none of them. A group's label
    (each row it stands beside has a label of its own further right) goes to the first row;
    else a cell's lines stand as many above its values' line as below it (its text is set in
    the cell's middle), which parts a block of several rows' labels between them."""
    lines = sorted(block, key=_middle)
    top, bottom = lines[0].box[1], lines[-1].box[3]
    inside = [i for i, m in enumerate(middles) if top <= m <= bottom]
    if not inside:
        return {}, lines
    right = max(ln.box[2] for ln in lines)
    grouped = len(inside) > 1 and all(
        any(p.box[0] >= right and abs(_middle(p) - middles[i]) <= gs.text_height for p in pieces) for i in inside
    )
    if grouped:
        return {inside[0]: lines}, []
    rows: dict[int, list[Line]] = {}
    waiting = lines
    for k, index in enumerate(inside):
        mid = middles[index]
        on_line = [ln for ln in waiting if abs(_middle(ln) - mid) <= gs.same_line]
        above = [ln for ln in waiting if _middle(ln) < mid - gs.same_line]
        following = middles[inside[k + 1]] if k + 1 < len(inside) else float("inf")
        below = [ln for ln in waiting if mid + gs.same_line < _middle(ln) < following]
        # Above the table's first row, only as many lines as stand below it are of its label.
        kept_above = above[len(above) - len(below):] if index == 0 and len(below) < len(above) else above
        rows[index] = kept_above + on_line + below[:len(above)]
        waiting = [ln for ln in waiting if ln not in rows[index] and _middle(ln) > mid]
    left_over = [ln for ln in lines if not any(ln in r for r in rows.values())]
    return rows, left_over


def _overlap(a: Line, b: Line) -> float:
    return min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])


def _nearest(middles: list[float], y: float) -> int:
    return min(range(len(middles)), key=lambda i: abs(middles[i] - y))


def _middle(line: Line) -> float:
    return (line.box[1] + line.box[3]) / 2
