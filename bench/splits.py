"""Which printed values a text cannot fix: digit runs that several splits explain.

A web page's table with its markup stripped prints a row's values as one run of digits
(`713000074`), or with spaces on only some cell boundaries (`23 0 00 0 023`). A reader knows
the template's column count, that numbers have no leading zeros (a lone `0` is a cell), the
column types (signed 本年增/减, decimal amounts) and the template's relations. A key is
*ambiguous* when more than one way of splitting every run satisfies all the relations the
printed values satisfy (relations the report itself breaks cannot help a reader), and the
ways disagree on its value. The truth lists such keys; the benchmark does not score them but
counts the ones the result leaves unflagged.

Spaces in a run always fall on cell boundaries here (the generator never prints one inside
a number), so a run is cut at its spaces first and only the glued pieces are split. A cell
printed blank leaves no trace in its row's run: the run holds its other cells' values, and
where the blanks stand is one more thing the text may leave open (`0 0 0 0 0 0` for a row of
seven cells).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bench.truth import ReportTruth, Value, layout_for
from ingest.layouts import ColumnLayout, Relation, TemplateLayout, expand_relations

# Past these sizes the search gives up and calls every key of the runs involved ambiguous:
# a conservative truth (not scored, must be flagged) rather than a slow generator.
MAX_RUN_CANDIDATES = 5_000
MAX_STATES = 200_000

_INT = re.compile(r"0|[1-9]\d*")
_SIGNED = re.compile(r"-?(?:0|[1-9]\d*)")
_DECIMAL = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")


# One value per key of a run (None: printed blank).
Candidate = tuple[int | Decimal | None, ...]


@dataclass(frozen=True)
class Run:
    """The values of one table row as printed between its labels: `keys` in order, `text`
    the digits with whatever spaces the page put between them."""

    section: str
    keys: tuple[str, ...]
    text: str
    piece_cells: tuple[int, ...] = ()  # how many cells each whitespace-free piece holds
    blanks: int = 0  # how many of `keys` are printed blank (which ones, the text does not tell)

    def pieces(self) -> list[str]:
        return self.text.split()


@dataclass(frozen=True)
class Ambiguity:
    keys: list[str]  # ambiguous keys, in the runs' order
    capped: bool  # a search limit was hit: every key of the runs involved is listed
    joint_splits_log10: dict[str, float]  # per section: log10 of the splits before relations


def _pattern(column: ColumnLayout) -> re.Pattern[str]:
    if column.type == "decimal":
        return _DECIMAL
    return _SIGNED if column.signed else _INT


def _number(text: str) -> int | Decimal:
    return Decimal(text) if "." in text else int(text)


def _sum_bound(local: Sequence[Relation], keys: tuple[str, ...]) -> list[tuple[int, list[int]]]:
    """Local relations `total = a + b + …` with the total printed after its addends:
    (index of the total, indices of the addends). They let the splitter prune early."""
    out = []
    for rel in local:
        if len(rel.left) == 1:
            total = keys.index(rel.left[0])
            parts = [keys.index(k) for k in rel.right]
            if all(p < total for p in parts):
                out.append((total, parts))
    return out


def run_candidates(run: Run, columns: Mapping[str, ColumnLayout], local: Sequence[Relation],
                   limit: int = MAX_RUN_CANDIDATES) -> list[Candidate] | None:
    """Every split of the run into its keys' values (None: printed blank, `run.blanks` of them
    anywhere) that satisfies its local relations; None when there are more than `limit`."""
    text = " ".join(run.pieces())  # any whitespace (U+3000 too) parts cells alike
    last = len(run.keys) - 1
    placements: Iterable[tuple[int, ...]] = itertools.combinations(range(len(run.keys)), run.blanks)
    if run.blanks == last and run.section == "s3" and run.keys[last].endswith(".total"):
        # A row of section 三 that prints one value prints its 总计 (seed 004 fills in 总计
        # alone), whether or not that value is the sum its blanks would give: read so.
        placements = [tuple(range(last))]
    out: list[Candidate] = []
    for blank in placements:
        printed = tuple(k for i, k in enumerate(run.keys) if i not in blank)
        # The relations over printed cells alone prune the split; the others are checked after.
        found = _printed_candidates(text, printed, columns, [r for r in local if set(r.all_keys()) <= set(printed)],
                                    limit - len(out))
        if found is None:
            return None
        for values in found:
            filled = iter(values)
            candidate = tuple(None if i in blank else next(filled) for i in range(len(run.keys)))
            if all(_holds(rel, dict(zip(run.keys, candidate, strict=True))) for rel in local):
                out.append(candidate)
    return out


def _printed_candidates(text: str, keys: tuple[str, ...], columns: Mapping[str, ColumnLayout],
                        local: Sequence[Relation], limit: int) -> list[tuple[int | Decimal, ...]] | None:
    """Every split of `text` into one value for each of `keys` that satisfies `local`; None
    when there are more than `limit`."""
    patterns = [_pattern(columns[k]) for k in keys]
    sums = _sum_bound(local, keys)
    last = len(keys) - 1
    # When the run ends with a total, the total is chosen first: it bounds every addend.
    tail = next((n for n, (total, _) in enumerate(sums) if total == last), None)
    out: list[tuple[int | Decimal, ...]] = []
    values: list[int | Decimal] = []

    def feasible(i: int, end: int, head: str, count: int, known: int | Decimal | None) -> bool:
        left = len(head[end:].replace(" ", ""))
        for n, (total, parts) in enumerate(sums):
            if i == total:
                if values[total] != sum(values[p] for p in parts):
                    return False
            elif i in parts:
                so_far = sum(values[p] for p in parts if p <= i)
                if n == tail and known is not None:
                    # What the addends still to come print must fit under what the total leaves.
                    rest = count - 1 - i
                    if so_far > known or left > rest * len(str(int(known - so_far))) or (
                            rest == 0 and so_far != known):
                        return False
                else:
                    # The total takes at most what the cells still to come leave it.
                    room = left - (count - i - 2)
                    if room <= 0 or so_far >= 10 ** room:
                        return False
        return True

    def walk(i: int, start: int, head: str, count: int, known: int | Decimal | None) -> Iterator[None]:
        while start < len(head) and head[start] == " ":
            start += 1
        if i == count or start == len(head):
            if i == count and start == len(head):
                yield None
            return
        stop = head.find(" ", start)
        stop = len(head) if stop < 0 else stop
        if known is not None and tail is not None and i in sums[tail][1]:
            stop = min(stop, start + len(str(int(known))))  # an addend is no longer than its total
        if head[start] == "0" and patterns[i] is not _DECIMAL:
            stop = start + 1  # a lone 0 is a cell: no number starts with 0
        for end in range(start + 1, stop + 1):
            piece = head[start:end]
            if not patterns[i].fullmatch(piece):
                continue
            values.append(_number(piece))
            if feasible(i, end, head, count, known):
                yield from walk(i + 1, end, head, count, known)
            values.pop()

    splits: tuple[tuple[str, int, int | Decimal | None], ...]
    if tail is None:
        splits = ((text, len(keys), None),)
    else:
        splits = tuple((text[:j], last, _number(text[j:])) for j in range(1, len(text))
                       # a total is at most one digit longer than its longest addend
                       if text[j - 1] != "-" and len(text) - j <= j - last + 2
                       and patterns[last].fullmatch(text[j:]))
    for head, count, known in splits:
        for _ in walk(0, 0, head, count, known):
            candidate = (*values, known) if known is not None else tuple(values)
            if all(_holds(rel, dict(zip(keys, candidate, strict=True))) for rel in local):
                if len(out) >= limit:
                    return None
                out.append(candidate)
    return out


def _holds(rel: Relation, values: Mapping[str, Value]) -> bool:
    return sum((values[k] or 0 for k in rel.left), start=0) == sum((values[k] or 0 for k in rel.right), start=0)


def ambiguous_keys(layout: TemplateLayout, cells: Mapping[str, Value], runs: Sequence[Run],
                   quoted: Mapping[str, Value] | None = None) -> Ambiguity:
    """The keys of `runs` that more than one relation-satisfying split reads differently.
    `cells` is what the page prints (the truth): keys outside every run are taken as printed;
    `quoted` are values the page's prose states for some keys (现行有效规范性文件698件): a split
    must agree with them."""
    columns = {row.cell_key(c): c for row in layout.rows() for c in row.columns}
    holding = [r for r in expand_relations(layout, cells.keys()) if _holds(r, cells)]
    where = {k: i for i, run in enumerate(runs) for k in run.keys}
    local: list[list[Relation]] = [[] for _ in runs]
    shared: list[Relation] = []
    for rel in holding:
        owners = {where.get(k) for k in rel.all_keys()}
        owner = owners.pop() if len(owners) == 1 else None
        if owner is not None:
            local[owner].append(rel)
        else:
            shared.append(rel)
    candidates = [run_candidates(run, columns, local[i]) for i, run in enumerate(runs)]
    logs: dict[str, float] = {}
    for run, cands in zip(runs, candidates, strict=True):
        logs[run.section] = logs.get(run.section, 0.0) + math.log10(len(cands) if cands else MAX_RUN_CANDIDATES)
    for i, run in enumerate(runs):
        pins = [(n, quoted[k]) for n, k in enumerate(run.keys) if quoted and k in quoted]
        if pins and candidates[i] is not None:
            candidates[i] = [c for c in candidates[i] or [] if all(c[n] == v for n, v in pins)]
    if any(c is None for c in candidates):
        capped = [k for run, c in zip(runs, candidates, strict=True) if c is None for k in run.keys]
        return Ambiguity(capped + _differing(runs, candidates), True, logs)
    viable = _viable(runs, [c for c in candidates if c is not None], shared, cells, where)
    if viable is None:
        return Ambiguity(_differing(runs, candidates), True, logs)
    for run, cands in zip(runs, viable, strict=True):
        if tuple(cells[k] for k in run.keys) not in cands:
            raise ValueError(f"the printed run {run.text!r} of {run.keys[0]}… does not split into its own truth")
    return Ambiguity(_differing(runs, viable), False, logs)


def record_ambiguity(truth: ReportTruth, runs: Sequence[Run], quoted: Mapping[str, Value] | None = None) -> Ambiguity:
    """List among the truth's ambiguous keys (those listed already kept) the keys of `runs`
    the text leaves open, in the truth's order."""
    found = ambiguous_keys(layout_for(truth.template), truth.cells, runs, quoted)
    listed = set(truth.ambiguous) | set(found.keys)
    truth.ambiguous = [k for k in truth.cells if k in listed]
    return found


def _differing(runs: Sequence[Run], candidates: Sequence[list[Candidate] | None]) -> list[str]:
    out = []
    for run, cands in zip(runs, candidates, strict=True):
        if cands:
            out += [k for i, k in enumerate(run.keys) if len({c[i] for c in cands}) > 1]
    return out


def _viable(runs: Sequence[Run], candidates: list[list[Candidate]], shared: Sequence[Relation],
            cells: Mapping[str, Value], where: Mapping[str, int]) -> list[list[Candidate]] | None:
    """The candidates of each run that some choice for every other run completes into a split
    satisfying the shared relations: forward and backward sets of partial sums (None: too many)."""
    variable = [i for i, c in enumerate(candidates) if len(c) > 1]
    relations = [r for r in shared if any(where.get(k) in variable for k in r.all_keys())]
    if not variable or not relations:
        return candidates

    def contribution(i: int, cand: Candidate) -> tuple[int | Decimal, ...]:
        values = dict(zip(runs[i].keys, cand, strict=True))
        return tuple(sum((values.get(k) or 0 for k in r.left), start=0) - sum((values.get(k) or 0 for k in r.right),
                                                                               start=0) for r in relations)

    fixed = dict(cells)
    for i, cands in enumerate(candidates):
        if len(cands) == 1:
            fixed.update(zip(runs[i].keys, cands[0], strict=True))
    base = tuple(sum((fixed[k] or 0 for k in r.left if where.get(k) not in variable), start=0)
                 - sum((fixed[k] or 0 for k in r.right if where.get(k) not in variable), start=0) for r in relations)
    steps = [[contribution(i, c) for c in candidates[i]] for i in variable]
    # Splits that differ only in where a blank stands among zeros add the same: each sum once.
    distinct = [set(step) for step in steps]
    forward = [{base}]
    for step in distinct:
        forward.append({_add(f, c) for f in forward[-1] for c in step})
        if len(forward[-1]) > MAX_STATES:
            return None
    zero: tuple[int | Decimal, ...] = tuple(0 for _ in relations)
    backward = [{zero}]
    for step in reversed(distinct):
        backward.append({_add(b, c) for b in backward[-1] for c in step})
        if len(backward[-1]) > MAX_STATES:
            return None
    backward.reverse()
    out = list(candidates)
    for n, i in enumerate(variable):
        after = backward[n + 1]
        out[i] = [cand for cand, c in zip(candidates[i], steps[n], strict=True)
                  if any(tuple(-x for x in _add(f, c)) in after for f in forward[n])]
    return out


def _add(a: tuple[int | Decimal, ...], b: tuple[int | Decimal, ...]) -> tuple[int | Decimal, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))
