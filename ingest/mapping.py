"""The one mapper: a document's labels and values -> the template's cell keys.

Every reader's output goes through here. The mapper walks the token stream, and each
time values follow labels it proposes the template rows those labels may name. The
proposals that agree with the template's row order and score best are kept (a chain
increasing both in document position and in template order), and each row's values
are fitted to its columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.checks import Relation, expand_relations
from ingest.labels import best_variant, label_core, similarity
from ingest.layouts import ColumnLayout, RowLayout, TemplateLayout
from ingest.models import BBox, CellReading, Document, Number, SourceCell
from ingest.numbers import parse_number, piece_pattern, splits, unit_of
from ingest.settings import Settings
from ingest.tokens import Kind, Token, tokenize

# Labels joined from more characters than this are not a row label.
_MAX_LABEL_CHARS = 90
_HEADING_RATIO = 0.8
_END_HEADINGS = ("五、存在的主要问题及改进情况", "五、当前存在的主要问题及下步改进措施", "六、其他需要报告的事项")
_END = "end"


@dataclass(frozen=True)
class Slot:
    """What was printed in one column of a row."""

    text: str | None  # None: nothing there at all (row too short)
    blank: bool
    cell: SourceCell | None
    confidence: float
    note: str | None = None


@dataclass
class Proposal:
    row: RowLayout
    row_index: int
    position: int
    label_confidence: float
    deviation: str | None
    slots: list[Slot]
    score: float = 0.0


@dataclass
class Mapping:
    """The mapper's result for one template."""

    template: TemplateLayout
    cells: dict[str, CellReading]
    deviations: list[str]
    located: int
    score: float
    signature_hits: int
    notes: list[str] = field(default_factory=list)


def _is_heading(core: str, headings: tuple[str, ...]) -> bool:
    return any(similarity(core, label_core(h)) >= _HEADING_RATIO for h in headings)


def _section_marks(tokens: list[Token], layout: TemplateLayout) -> dict[int, str]:
    """Token position -> section id (or END) for every section heading found."""
    marks: dict[int, str] = {}
    for tok in tokens:
        if tok.kind is not Kind.LABEL or len(tok.text) > 40:
            continue
        core = label_core(tok.text)
        for section in layout.sections:
            if _is_heading(core, section.headings):
                marks[tok.position] = section.id
        if _is_heading(core, _END_HEADINGS) and tok.position not in marks:
            marks[tok.position] = _END
    return marks


def _local_relations(row: RowLayout, relations: list[Relation]) -> list[tuple[list[int], list[int]]]:
    """Relations that involve only this row's cells, as column indexes."""
    keys = row.cell_keys()
    out = []
    for rel in relations:
        if all(k in keys for k in rel.all_keys()):
            out.append(([keys.index(k) for k in rel.left], [keys.index(k) for k in rel.right]))
    return out


def _holds(values: list[str | None], local: list[tuple[list[int], list[int]]]) -> bool:
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


def _fit_run(run: Token, ctx: RowContext, s: Settings) -> list[Slot]:
    """Cut cells printed without separators (a run) into the row's cells."""
    n = len(ctx.columns)
    if n == 1:
        return [Slot(run.text, False, run.cell, s.conf_exact)]
    patterns = [piece_pattern(c.type == "decimal", c.signed) for c in ctx.columns]
    candidates = list(splits(run.text, patterns))
    if not candidates:
        return [Slot(None, True, run.cell, s.conf_missing_cells, f"run {run.text!r} fits no cut into {n} cells")] * n
    agreeing = [c for c in candidates if _holds(list(c), ctx.local)]
    if len(candidates) == 1 and (agreeing or not ctx.local):
        return [Slot(d, False, run.cell, s.conf_exact) for d in candidates[0]]
    if len(agreeing) == 1:
        note = "cells run together; cut where the row's total holds"
        return [Slot(d, False, run.cell, s.conf_fuzzy_label * 0.95, note) for d in agreeing[0]]
    pool = agreeing or candidates
    # Ambiguous: keep the guess with the most even pieces, flagged.
    guess = min(pool, key=lambda c: max(len(p) for p in c))
    note = f"cells run together as {run.text!r}; {len(pool)} cuts possible"
    return [Slot(d, False, run.cell, s.conf_ambiguous_alignment * 0.8, note) for d in guess]


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
    missing = Slot(None, True, None, s.conf_missing_cells, f"row has {len(values)} of {n} cells")
    has_total = ctx.columns[-1].key == "total"
    if has_total and len(values) == 1 and values[0].kind is not Kind.BLANK:
        # A lone value is the 总计 column when the whole table prints only totals (seed 004).
        conf = s.conf_exact if ctx.totals_only else s.conf_weak_label
        note = None if ctx.totals_only else "a lone value taken as the row's 总计"
        return [Slot(None, True, None, conf, note)] * (n - 1) + [_slot(values[0], conf, note)]
    note = f"row has {len(values)} of {n} cells; placed from the left"
    fitted = [_slot(t, s.conf_missing_cells, note) for t in values]
    return fitted + [missing] * (n - len(values))


def _fit_values(values: list[Token], ctx: RowContext, s: Settings) -> list[Slot]:
    """Fit the value tokens after a label to the row's columns."""
    n = len(ctx.columns)
    printed = [t for t in values if t.kind is not Kind.BLANK]
    if len(printed) == 1 and printed[0].kind is Kind.RUN:
        run = printed[0]
        if len(run.text) >= n or len(values) > 1:
            return _fit_run(run, ctx, s)
        # Too few characters to be a run of all the cells: one value with the blanks dropped.
        values = [Token(Kind.VALUE, run.text, run.cell, run.row_break, run.position, run.block)]
    if len(values) == n:
        return [_slot(t, s.conf_exact) for t in values]
    if len(values) < n:
        return _fit_short(values, ctx, s)
    starts = [i for i in range(len(values) - n + 1) if _window_ok(values, i, n)]
    if not starts:
        # Non-blank values spread over more cells than the row has: a row label was lost.
        note = f"{len(printed)} values where {n} cells were expected"
        return [_slot(t, s.conf_missing_cells, note) for t in values[:n]]

    def content(start: int) -> tuple[str | None, ...]:
        return tuple(None if t.kind is Kind.BLANK else t.text for t in values[start : start + n])

    def header_fit(start: int) -> int:
        return _header_fit(values[start : start + n], ctx.header_cols)

    # Word's text export shifts cells within rows, so the header's columns only break
    # ties: they never make an ambiguous row certain.
    best = max(starts, key=lambda i: (_holds(list(content(i)), ctx.local), header_fit(i), -i))
    variants = {content(i) for i in starts}
    if len(variants) == 1:
        return [_slot(t, s.conf_exact) for t in values[best : best + n]]
    unsure = {c for c in range(n) if len({v[c] for v in variants}) > 1}
    note = "blank cells at the row's edge make its alignment ambiguous"
    return [
        _slot(t, s.conf_ambiguous_alignment if c in unsure else s.conf_exact, note if c in unsure else None)
        for c, t in enumerate(values[best : best + n])
    ]


def _prints_only_totals(tokens: list[Token]) -> bool:
    """Rows of lone values, many of them: a table printed with only its 总计 column and
    the blank cells dropped (as text pasted from a PDF of seed 004's kind comes)."""
    lone = multi = 0
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and tokens[j].kind is not Kind.LABEL:
            j += 1
        run = tokens[i:j]
        if len(run) == 1 and run[0].kind is Kind.VALUE:
            lone += 1
        elif sum(1 for t in run if t.kind is not Kind.BLANK) > 1:
            multi += 1
        i = max(j, i + 1)
    return lone >= 15 and lone > multi


class _Walker:
    """Proposes template rows for every run of values in the token stream."""

    def __init__(self, layout: TemplateLayout, tokens: list[Token], settings: Settings) -> None:
        self.layout = layout
        self.tokens = tokens
        self.settings = settings
        self.rows = layout.rows()
        self.marks = _section_marks(tokens, layout)
        self.headed = set(self.marks.values())
        present = [k for row in self.rows for k in row.cell_keys()]
        relations = expand_relations(layout, present)
        self.local = {id(row): _local_relations(row, relations) for row in self.rows}
        self.totals_only = _prints_only_totals(tokens)
        # Header cells of the current section: label core -> grid positions (block, col).
        self.header_cells: dict[str, list[tuple[int, int]]] = {}

    def _context(self, row: RowLayout, block: int) -> RowContext:
        header_cols: list[int | None] = []
        for column in row.columns:
            places = [col for b, col in self.header_cells.get(label_core(column.label), []) if b == block]
            header_cols.append(places[0] if len(places) == 1 else None)
        return RowContext(row.columns, self.local[id(row)], header_cols, self.totals_only)

    def _allowed(self, section: str | None) -> list[int]:
        return [
            i for i, row in enumerate(self.rows)
            if row.section == section or (row.section not in self.headed and section != _END)
        ]

    def _label_candidates(self, buffer: list[Token], allowed: list[int]) -> list[tuple[int, float, str | None]]:
        """(row index, ratio, deviation) for rows the trailing labels may name."""
        best: dict[int, tuple[float, str | None]] = {}
        joined = ""
        for tok in reversed(buffer):
            joined = tok.text + joined
            if len(joined) > _MAX_LABEL_CHARS:
                break
            core = label_core(joined)
            for i in allowed:
                row = self.rows[i]
                if not row.labels:
                    continue
                hit = best_variant(core, [v.text for v in row.labels])
                if hit.ratio > best.get(i, (0.0, None))[0]:
                    deviation = next(v.deviation for v in row.labels if v.text == hit.variant)
                    best[i] = (hit.ratio, deviation or row.deviation)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        return [(i, r, d) for i, (r, d) in ranked[:3] if r >= self.settings.label_match_ratio]

    def _header_evidence(self, row: RowLayout, labels: list[Token]) -> float:
        """Share of the row's expected headers printed before it (headers may be glued together)."""
        joined = "".join(label_core(t.text) for t in labels)
        cores = {label_core(t.text) for t in labels}
        found = sum(
            1 for h in row.header_labels
            if label_core(h) in joined or any(similarity(label_core(h), c) >= 0.8 for c in cores)
        )
        return min(1.0, found / 3)

    def proposals(self) -> list[Proposal]:
        s = self.settings
        out: list[Proposal] = []
        section: str | None = None
        buffer: list[Token] = []
        section_labels: list[Token] = []
        in_header = True
        i = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            if tok.kind is Kind.LABEL:
                if tok.position in self.marks:
                    section = self.marks[tok.position]
                    buffer, section_labels = [], []
                    self.header_cells, in_header = {}, True
                else:
                    buffer.append(tok)
                    section_labels.append(tok)
                    if in_header and tok.cell is not None:
                        self.header_cells.setdefault(label_core(tok.text), []).append((tok.block, tok.cell.col))
                i += 1
                continue
            j = i
            while j < len(self.tokens) and self.tokens[j].kind is not Kind.LABEL:
                j += 1
            values = self.tokens[i:j]
            if any(t.kind is not Kind.BLANK for t in values):
                in_header = False
            allowed = self._allowed(section)
            ranked = self._label_candidates(buffer, allowed)
            best_ratio = ranked[0][1] if ranked else 0.0
            for idx, ratio, deviation in ranked:
                runner_up = max((r for k, r, _ in ranked if k != idx), default=0.0)
                if ratio >= 0.97:
                    label_conf = s.conf_exact
                elif ratio - runner_up >= 0.15:
                    label_conf = s.conf_fuzzy_label
                else:
                    label_conf = s.conf_weak_label
                # Under a section's heading, a row of another section is a weaker reading.
                weight = 1.0 if section in (None, self.rows[idx].section) else 0.5
                out.append(self._propose(idx, i, label_conf, ratio * weight, deviation, values))
            for idx in allowed:
                row = self.rows[idx]
                if row.header_labels and (best_ratio < 0.97 or row.section == section):
                    evidence = self._header_evidence(row, section_labels + buffer)
                    if evidence > 0:
                        conf = s.conf_exact if evidence >= 1 else s.conf_weak_label
                        out.append(self._propose(idx, i, conf, evidence, None, values))
            buffer = []
            i = j
        return out

    def _propose(self, idx: int, position: int, label_conf: float, ratio: float,
                 deviation: str | None, values: list[Token]) -> Proposal:
        row = self.rows[idx]
        slots = _fit_values(values, self._context(row, values[0].block), self.settings)
        printed = sum(1 for sl in slots if not sl.blank)
        fit = sum(sl.confidence for sl in slots) / len(slots)
        score = ratio * fit * (1 + 0.05 * printed)
        return Proposal(row, idx, position, label_conf, deviation, slots, score)


def _best_chain(proposals: list[Proposal]) -> list[Proposal]:
    """The highest-scoring proposals increasing in both document position and row order."""
    props = sorted(proposals, key=lambda p: (p.position, p.row_index))
    best = [p.score for p in props]
    prev = [-1] * len(props)
    for b, pb in enumerate(props):
        for a in range(b):
            pa = props[a]
            if pa.position < pb.position and pa.row_index < pb.row_index and best[a] + pb.score > best[b]:
                best[b] = best[a] + pb.score
                prev[b] = a
    if not props:
        return []
    end = max(range(len(props)), key=lambda k: best[k])
    chain = []
    while end >= 0:
        chain.append(props[end])
        end = prev[end]
    return chain[::-1]


_UNIT_IN_HEADER = re.compile(r"[（(]\s*(?:单位[:：])?\s*(万元|元)\s*[)）]")


def _reading(slot: Slot, column: ColumnLayout, label_conf: float, header_unit: str | None) -> CellReading:
    notes = [slot.note] if slot.note else []
    if slot.text is None or slot.blank:
        conf = label_conf * slot.confidence
        return CellReading(None, slot.text, conf, *_where(slot.cell), notes=notes)
    value: Number
    conf = label_conf * slot.confidence
    try:
        value = parse_number(slot.text, decimal=column.type == "decimal")
    except ValueError:
        return CellReading(None, slot.text, 0.0, *_where(slot.cell), notes=[*notes, "not a number"])
    if isinstance(value, Decimal) and column.type == "int":
        conf *= 0.5
        notes.append("a fraction in a whole-number column")
    if value < 0 and not column.signed:
        conf *= 0.5
        notes.append("negative count")
    unit = column.unit
    if column.units_in_text:
        unit = unit_of(slot.text) or header_unit
    return CellReading(value, slot.text, conf, *_where(slot.cell), unit=unit, notes=notes)


def _where(cell: SourceCell | None) -> tuple[int | None, BBox | None]:
    if cell is None:
        return None, None
    return cell.page, cell.bbox


def _signature_hits(layout: TemplateLayout, tokens: list[Token]) -> int:
    text = "".join(label_core(t.text) for t in tokens if t.kind is Kind.LABEL)
    return sum(1 for sig in layout.signature_labels if label_core(sig) in text)


def map_to_template(tokens: list[Token], layout: TemplateLayout, settings: Settings) -> Mapping:
    """Map a document's tokens onto one template's keys."""
    chain = _best_chain(_Walker(layout, tokens, settings).proposals())
    header_unit = None
    found_unit = _UNIT_IN_HEADER.search("".join(t.text for t in tokens if t.kind is Kind.LABEL and "采购" in t.text))
    if found_unit:
        header_unit = found_unit.group(1)
    cells: dict[str, CellReading] = {}
    deviations: list[str] = []
    replaced: set[str] = set()
    for prop in chain:
        if prop.deviation and prop.deviation not in deviations:
            deviations.append(prop.deviation)
        for rep in prop.row.replaces:
            replaced.update(layout.row_by_key(prop.row.section, rep).cell_keys())
        for column, slot in zip(prop.row.columns, prop.slots, strict=True):
            cells[prop.row.cell_key(column)] = _reading(slot, column, prop.label_confidence, header_unit)
    located = len(cells)
    ordered: dict[str, CellReading] = {}
    for row in layout.rows():
        for key in row.cell_keys():
            if key in replaced:
                continue
            if key in cells:
                ordered[key] = cells[key]
            elif row.deviation is None:
                ordered[key] = CellReading(None, None, 0.0, notes=["not found in the document"])
    return Mapping(
        template=layout,
        cells=ordered,
        deviations=deviations,
        located=located,
        score=sum(p.score for p in chain),
        signature_hits=_signature_hits(layout, tokens),
    )


def map_document(document: Document, layouts: tuple[TemplateLayout, ...], settings: Settings) -> Mapping:
    """Map onto the template the document follows: the one whose own labels it prints
    most, then the one it follows without deviations, then the one its rows fit best."""
    tokens = tokenize(document)
    mappings = [map_to_template(tokens, layout, settings) for layout in layouts]
    return max(mappings, key=lambda m: (m.signature_hits, -len(m.deviations), m.score))
