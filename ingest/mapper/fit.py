"""A row's printed values fitted to its template columns.

The mapper proposes a row wherever values follow labels; this module decides which
value goes to which column: one value per cell, cells dropped from text pasted from a
PDF, blank cells at a row's edge, and cells run together with no separator (a web
page's text), whose possible cuts go to `cuts` to be settled over the table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ingest.layouts import ColumnLayout, Relation, RowLayout
from ingest.mapper.numbers import MEASURE_WORDS, parse_number, piece_pattern, split_unit, splits_summing
from ingest.mapper.runs import Cut, blanks_dropped, even_cut, one_blank_dropped, run_options, sums_as_zero
from ingest.mapper.tokens import Kind, Token
from ingest.models import Number, SourceCell
from ingest.settings import Settings


@dataclass(frozen=True)
class Slot:
    """What was printed in one column of a row."""

    text: str | None  # None: nothing there at all (row too short)
    blank: bool
    cell: SourceCell | None
    confidence: float
    note: str | None = None
    # Values the cell may hold when the table cannot tell (cells run together).
    candidates: tuple[Number, ...] = ()
    # Of a row printing fewer values than it has cells (blanks dropped): placed by a guess
    # that the table's sums may settle (`short_rows`).
    short_row: bool = False


@dataclass(frozen=True)
class Fit:
    """A row's values fitted to its columns."""

    slots: list[Slot]
    # A run that several cuts explain: every cut, for the table to decide between.
    cuts: tuple[Cut, ...] = ()
    # A run with more cuts than were weighed: its values are a guess that decides nothing.
    guessed: bool = False
    # A run cut one way only: its readings with one cell left blank, the same digits in the
    # others (`cut_runs` weighs them where the document drops blanks elsewhere).
    dropped: tuple[Cut, ...] = ()
    # The run's text split where it had spaces, for the table to prefer cuts that keep parts whole.
    printed: tuple[str, ...] = ()


def local_relations(row: RowLayout, relations: list[Relation]) -> list[tuple[list[int], list[int]]]:
    """Relations that involve only this row's cells, as column indexes."""
    keys = row.cell_keys()
    out = []
    for rel in relations:
        if all(k in keys for k in rel.all_keys()):
            out.append(([keys.index(k) for k in rel.left], [keys.index(k) for k in rel.right]))
    return out


def holds(values: list[str | None], local: list[tuple[list[int], list[int]]]) -> bool:
    """True when every local relation holds with its left side printed."""
    def num(i: int) -> Number:
        v = values[i]
        return parse_number(v) if v else 0

    try:
        return bool(local) and all(
            all(values[i] for i in left) and sum(num(i) for i in left) == sum(num(i) for i in right)
            for left, right in local
        )
    except ValueError:
        return False


@dataclass(frozen=True)
class RowContext:
    """What the mapper knows about a row while fitting its values."""

    columns: tuple[ColumnLayout, ...]
    local: list[tuple[list[int], list[int]]]
    # Grid column of each template column, from the section's header cells (None: unknown).
    header_cols: list[int | None]
    # The document prints rows as lone values (blank cells simply absent): only 总计 filled.
    totals_only: bool
    # The document runs its cells together (a web page's text): spaces are not cell boundaries.
    runs_style: bool
    # The document's rows of this many cells pad with blanks after their values, never before.
    padded_after: bool = False


def _sums_to_last(ctx: RowContext) -> bool:
    """The row's one relation: its last cell (总计) is the sum of the others, all counts."""
    n = len(ctx.columns)
    counts = all(c.type != "decimal" and not c.signed for c in ctx.columns)
    return counts and ctx.local == [([n - 1], list(range(n - 1)))]


def _least_sure(tokens: list[Token]) -> SourceCell | None:
    return min((t.cell for t in tokens), key=lambda c: c.confidence if c is not None else 1.0)


def _piece_cells(printed: list[Token], cut: Cut) -> list[SourceCell | None]:
    """The source cell each piece of a cut was read from: of the printed tokens its digits
    span, the one read least surely. A run pieced from several cells (a photo's lost rule
    read as a 1 between two 0s) keeps each piece's own reading, so a misread cell's pieces
    are not vouched for by its neighbour's sure reading."""
    out = []
    start = 0
    for piece in cut:
        end = start + len(piece or "")
        spanned, begin = [], 0
        for tok in printed:
            stop = begin + len(tok.text)
            # A blank piece (no digits) lies in the token at its place.
            if begin < max(end, start + 1) and stop > start:
                spanned.append(tok)
            begin = stop
        out.append(_least_sure(spanned or printed[-1:]))
        start = end
    return out


def _cut_slots(printed: list[Token], cut: Cut, conf: float, note: str | None = None) -> list[Slot]:
    return [Slot(d, d is None, cell, conf, note) for d, cell in zip(cut, _piece_cells(printed, cut), strict=True)]


def _fit_run(printed: list[Token], ctx: RowContext, s: Settings) -> Fit:
    """Cut cells printed without separators (a run) into the row's cells; when several
    cuts remain, the table decides (`cuts`)."""
    n = len(ctx.columns)
    cell = printed[0].cell
    parts = [t.text for t in printed]
    run = "".join(parts)
    if n == 1:
        return Fit([Slot(run, False, _least_sure(printed), s.confidence.exact)])
    if len(parts) == 1 and split_unit(run)[1] in MEASURE_WORDS:
        # A page cut short before its table left prose's 规范性文件698件 to stand for the row.
        return Fit([Slot(None, True, cell, s.confidence.missing_cells, f"{run!r} is one count, not {n} cells")] * n)
    kinds = [(c.type == "decimal", c.signed) for c in ctx.columns]
    sums_to_last = _sums_to_last(ctx)
    options = run_options(parts, kinds, lambda cut: holds(list(cut), ctx.local), s, s.cuts.max_run_cuts, sums_to_last)
    cuts: list[Cut] = list(options.cuts)
    if sums_to_last and not options.holding:
        # No cut adds up to a 总计: one cell may be printed blank and leave no trace in the run
        # (总计 on a 2019 page's detail rows, or any cell): the digits are the other cells.
        fewer = run_options(parts, kinds[:-1], lambda cut: True, s, s.cuts.max_run_cuts // n, False, keep_spaces=True)
        cuts += [(*c[:blank], None, *c[blank:]) for c in fewer.cuts for blank in range(n)]
        cuts += blanks_dropped(parts, kinds, s)
    elif not options.holding:
        # No cut keeps the row's sums: a 总计 printed blank may have left no trace (seed 5353's
        # section 四: 0000000000024024 is nine 0s, a blank 总计 and 0 0 24 0 24, not sixteen
        # digits in fifteen cells that break a sum), the digits the other cells'. A sum is the
        # cell a page leaves blank (a 2019 habit); a count left so is not told from a break.
        # Fewer digits than cells: a cell was left blank, which one only the sums may say (the
        # zeros of a sum's group trade places with it: seed 4141's text 1, a blank taken for a
        # 总计, read sure).
        sums = {col for left, _ in ctx.local for col in left}
        short = len(run) < n
        cuts += [cut for cut in one_blank_dropped(parts, kinds, ctx.local, s) if short or cut.index(None) in sums]
    elif sums_to_last and 1 < len(parts) < n:
        # A page leaving its zeros blank leaves no trace of them, and may part its printed cells
        # by spaces (1315 549 1864, 1315 5491864): fewer cells adding up, the rest blank, is a
        # reading as good as the cuts into every cell (13|15|5|4|9|18|64 adds up too); the
        # table decides between them.
        cuts += blanks_dropped(parts, kinds, s)
    if not cuts:
        return Fit([Slot(None, True, cell, s.confidence.missing_cells, f"run {run!r} fits no cut into {n} cells")] * n)
    if len(cuts) == 1 and not options.truncated:
        dropped = one_blank_dropped(parts, kinds, ctx.local, s) if None not in cuts[0] else ()
        return Fit(_cut_slots(printed, cuts[0], s.confidence.exact), dropped=dropped)
    guess = even_cut(cuts)
    if options.truncated:
        note = f"cells run together as {run!r}; too many cuts to weigh"
        conf = s.confidence.ambiguous_alignment * s.confidence.run_unsure_factor
        return Fit(_cut_slots(printed, guess, conf, note), guessed=True)
    return Fit(_cut_slots(printed, guess, s.confidence.fuzzy_label), tuple(cuts), printed=tuple(parts))


def _window_ok(values: list[Token], start: int, n: int) -> bool:
    inside = values[start : start + n]
    outside = values[:start] + values[start + n :]
    return all(t.kind is Kind.BLANK for t in outside) and not any(t.row_break for t in inside[1:])


def _header_fit(window: list[Token], header_cols: list[int | None]) -> int:
    """How many cells sit in the grid column their header says."""
    return sum(
        1 for tok, col in zip(window, header_cols, strict=True)
        if col is not None and tok.cell is not None and tok.cell.col == col
    )


def _slot(tok: Token, conf: float, note: str | None = None) -> Slot:
    blank = tok.kind is Kind.BLANK
    return Slot(tok.text, blank, tok.cell, conf * (tok.cell.confidence if tok.cell else 1.0), note)


def _fit_short(values: list[Token], ctx: RowContext, s: Settings) -> list[Slot]:
    """Fewer cells than columns: blank cells were dropped (text pasted from a PDF)."""
    n = len(ctx.columns)
    missing = Slot(None, True, None, s.confidence.missing_cells, f"row has {len(values)} of {n} cells")
    has_total = ctx.columns[-1].key == "total"
    lone = values[0].text if len(values) == 1 and values[0].kind is not Kind.BLANK else ""
    # Digits after a leading 0 (00000) are no one count: cells run together, blanks dropped.
    glued = len(lone) > 1 and lone.isdigit() and lone.startswith("0")
    pieces = _summing_pieces(lone, ctx) if ctx.runs_style and not ctx.totals_only else None
    if pieces:
        # A page running its cells together prints no blank: "11" is a detail of 1 and its
        # 总计 of 1 (their relation holds) rather than a 总计 of 11 over blank details.
        values = [Token(Kind.VALUE, p, values[0].cell, values[0].row_break, values[0].position, values[0].block)
                  for p in pieces]
    elif has_total and lone and not glued:
        # A lone value is the 总计 column when the whole table prints only totals (seed 004).
        conf = s.confidence.exact if ctx.totals_only else s.confidence.weak_label
        note = None if ctx.totals_only else "a lone value taken as the row's 总计"
        return [Slot(None, True, None, conf, note)] * (n - 1) + [_slot(values[0], conf, note)]
    if _last_sums_the_rest(values, ctx):
        # Text pasted from a PDF drops blank cells, more often a detail's than the 总计 that
        # sums the rest: the last number is taken as the 总计, the blanks among the details
        # (right far more often than a row placed from the left: 87 against 22 % of its blanks
        # on seed 831). Ambiguous all the same: a page printing 总计 blank on a row of 1 and 1
        # reads the same.
        note = f"row has {len(values)} of {n} cells; the last, their sum, taken as the 总计"
        fitted = [_slot(t, s.confidence.ambiguous_alignment, note) for t in values]
        missing = replace(missing, confidence=s.confidence.ambiguous_alignment, note=note)
        return fitted[:-1] + [missing] * (n - len(values)) + fitted[-1:]
    placed = _blank_placed_by_sums(values, ctx, s)
    if placed:
        return placed
    note = f"row has {len(values)} of {n} cells; placed from the left"
    fitted = [_slot(t, s.confidence.missing_cells, note) for t in values]
    return fitted + [missing] * (n - len(values))


def _blank_placed_by_sums(values: list[Token], ctx: RowContext, s: Settings) -> list[Slot]:
    """A row one cell short placed where its own sums allow the missing cell (as a 0): a scan
    whose grid lost a column's rule over section 四 (seed 4343's fax TIFF 1: 14 values, placed
    from the left, shifted the last ten a column, all flagged). A cell every such place puts
    the same value in is placed; one the places disagree on is ambiguous, the missing cell
    unread. Nothing when no place keeps the sums."""
    n = len(ctx.columns)
    if len(values) != n - 1 or not ctx.local or any(t.kind is Kind.BLANK for t in values):
        return []
    texts = [t.text for t in values]
    places = [b for b in range(n) if sums_as_zero((*texts[:b], None, *texts[b:]), ctx.local)]
    if not places:
        return []

    def at(blank: int, col: int) -> Token | None:
        return None if col == blank else values[col if col < blank else col - 1]

    note = f"row has {n - 1} of {n} cells; its sums place the missing one"
    # Where the sums cannot tell, the latest place: the cells placed from the left, as a page
    # that drops a blank 总计 prints them (8383's texts: all-zero rows, their 总计 blank).
    slots = []
    for col in range(n):
        token = at(places[-1], col)
        if token is None:
            slots.append(Slot(None, True, None, s.confidence.missing_cells, note))
        elif all(at(b, col) is token for b in places):
            # Placed by the sums, not by a label or a rule: weakly.
            slots.append(_slot(token, s.confidence.weak_label))
        else:
            slots.append(_slot(token, s.confidence.ambiguous_alignment, note))
    return slots


def _summing_pieces(run: str, ctx: RowContext) -> list[str] | None:
    """The one cut of a short run of digits into fewer pieces than the row has cells whose
    last is the sum of the others (not all zero), when the row's 总计 sums the rest."""
    if not run.isdigit() or not _sums_to_last(ctx) or set(run) == {"0"}:
        return None
    pattern = piece_pattern(False, False)
    cuts = [cut for k in range(2, min(len(run), len(ctx.columns) - 1) + 1)
            for cut in splits_summing(run, [pattern] * k, limit=2)]
    return cuts[0] if len(cuts) == 1 else None


def _last_sums_the_rest(values: list[Token], ctx: RowContext) -> bool:
    """A short row of numbers whose last is the sum of the others (not 0), in a row whose 总计 sums the rest."""
    if len(values) < 2 or not _sums_to_last(ctx) or any(t.kind is Kind.BLANK for t in values):
        return False
    try:
        numbers = [parse_number(t.text) for t in values]
    except ValueError:
        return False
    # Zeros sum to a zero whichever cells they fill: that settles nothing.
    return numbers[-1] != 0 and sum(numbers[:-1]) == numbers[-1]


def _is_run(values: list[Token], printed: list[Token], ctx: RowContext, s: Settings) -> bool:
    """Whether a row's values are cells run together rather than one value per cell."""
    n = len(ctx.columns)
    if len(printed) == 1 and printed[0].kind is Kind.RUN:
        # Too few characters to be a run of all the cells: one value with the blanks dropped.
        return len(printed[0].text) >= n or len(values) > 1 or ctx.runs_style
    if not printed or len(printed) < len(values):
        return False
    if len(printed) == 1 and n >= s.mapper.run_min_columns and len(printed[0].text) >= n and printed[0].text.isdigit():
        # As many digits as cells, or more, in one number (100010000000000): no count is that large.
        return True
    # Spaces only on some cell boundaries (`10 0 0 0 01`): the digits are one run.
    return ctx.runs_style or any(t.kind is Kind.RUN for t in printed)


def _total_as_the_table_prints(content: tuple[str | None, ...], ctx: RowContext) -> bool:
    """A row among blank cells (`|` fillers) whose placements differ only in which blanks end
    the row and which start the next, in a document whose rows print only their 总计 column
    (most print one lone value): the placement printing the 总计, its relation holding, is
    the table's own. Which blanks belong to which row cannot say; the table's style does."""
    n = len(ctx.columns)
    return (ctx.totals_only and content[n - 1] is not None and ctx.columns[-1].key == "total"
            and holds(list(content), ctx.local))


def fit_values(values: list[Token], ctx: RowContext, s: Settings) -> Fit:
    """Fit the value tokens after a label to the row's columns."""
    n = len(ctx.columns)
    printed = [t for t in values if t.kind is not Kind.BLANK]
    # A row with sums may have left one blank cell without a trace (`_fit_run` weighs where).
    if _is_run(values, printed, ctx, s) and sum(len(t.text) for t in printed) >= n - bool(ctx.local):
        return _fit_run(printed, ctx, s)
    values = [Token(Kind.VALUE, t.text, t.cell, t.row_break, t.position, t.block) if t.kind is Kind.RUN else t
              for t in values]
    if len(values) == n:
        return Fit([_slot(t, s.confidence.exact) for t in values])
    if len(values) < n:
        return Fit([replace(slot, short_row=True) for slot in _fit_short(values, ctx, s)])
    starts = [i for i in range(len(values) - n + 1) if _window_ok(values, i, n)]
    if not starts:
        # Non-blank values spread over more cells than the row has: a row label was lost.
        note = f"{len(printed)} values where {n} cells were expected"
        return Fit([_slot(t, s.confidence.missing_cells, note) for t in values[:n]])

    def content(start: int) -> tuple[str | None, ...]:
        return tuple(None if t.kind is Kind.BLANK else t.text for t in values[start : start + n])

    def header_fit(start: int) -> int:
        return _header_fit(values[start : start + n], ctx.header_cols)

    # Word's text export shifts cells within rows, so the header's columns only break
    # ties: they never make an ambiguous row certain.
    best = max(starts, key=lambda i: (holds(list(content(i)), ctx.local), header_fit(i), -i))
    variants = {content(i) for i in starts}
    if ctx.padded_after and starts[0] == 0:
        # Nothing but cells stands between a label and its values in this table: the blanks
        # there are cells, and those after the values the row's padding.
        best, variants = 0, {content(0)}
    if len(variants) == 1 or _total_as_the_table_prints(content(best), ctx):
        return Fit([_slot(t, s.confidence.exact) for t in values[best : best + n]])
    unsure = {c for c in range(n) if len({v[c] for v in variants}) > 1}
    note = "blank cells at the row's edge make its alignment ambiguous"
    return Fit([
        _slot(t, s.confidence.ambiguous_alignment if c in unsure else s.confidence.exact, note if c in unsure else None)
        for c, t in enumerate(values[best : best + n])
    ])
