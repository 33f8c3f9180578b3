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
from ingest.cuts import RowCuts, decide, even_cut, run_options
from ingest.labels import label_core, nfkc, similarity, split_ordinal
from ingest.layouts import ColumnLayout, RowLayout, TemplateLayout
from ingest.models import BBox, CellReading, Document, Number, SourceCell
from ingest.numbers import parse_number, unit_of
from ingest.settings import Settings
from ingest.tokens import Kind, Token, tokenize

# Labels joined from more characters than this are not a row label.
_MAX_LABEL_CHARS = 90
_HEADING_RATIO = 0.8
_END_HEADINGS = ("五、存在的主要问题及改进情况", "五、当前存在的主要问题及下步改进措施", "六、其他需要报告的事项")
_END = "end"
# A document with this many runs of glued digits prints its tables run together.
_RUNS_STYLE_MIN = 5


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


@dataclass(frozen=True)
class Fit:
    """A row's values fitted to its columns."""

    slots: list[Slot]
    # A run that several cuts explain: every cut, for the table to decide between.
    cuts: tuple[tuple[str, ...], ...] = ()


@dataclass
class Proposal:
    row: RowLayout
    row_index: int
    position: int
    label_confidence: float
    deviation: str | None
    slots: list[Slot]
    cuts: tuple[tuple[str, ...], ...] = ()
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


def _heading_prefix(text: str, headings: tuple[str, ...]) -> str | None:
    """When a long label begins with one of the headings (a web page's text runs a heading
    into the table's header words), the rest of it; None when it does not."""
    ordinal, _ = split_ordinal(text)
    core = label_core(text)
    for heading in headings:
        h_ordinal, _ = split_ordinal(heading)
        h_core = label_core(heading)
        if not ordinal or ordinal != h_ordinal or len(core) <= len(h_core):
            continue
        cut = max(range(len(h_core) - 2, len(h_core) + 3), key=lambda k: similarity(core[:k], h_core))
        if similarity(core[:cut], h_core) >= _HEADING_RATIO:
            return core[cut:]
    return None


def _suffix_similarity(joined: str, core: str) -> float:
    """How alike `core` is to the whole of `joined` or to its end."""
    if not joined or not core:
        return 0.0
    ratio = similarity(joined, core)
    for k in range(max(1, len(core) - 2), min(len(joined), len(core) + 2) + 1):
        ratio = max(ratio, similarity(joined[-k:], core))
    return ratio


@dataclass(frozen=True)
class SectionMark:
    section: str
    # Header words printed after the heading in the same label.
    rest: str = ""


def _section_marks(tokens: list[Token], layout: TemplateLayout) -> dict[int, SectionMark]:
    """Token position -> section id (or END) for every section heading found."""
    marks: dict[int, SectionMark] = {}
    sections = [(section.id, section.headings) for section in layout.sections] + [(_END, _END_HEADINGS)]
    for tok in tokens:
        if tok.kind is not Kind.LABEL:
            continue
        core = label_core(tok.text)
        for section_id, headings in sections:
            if tok.position in marks:
                break
            if len(tok.text) <= 40 and _is_heading(core, headings):
                marks[tok.position] = SectionMark(section_id)
            elif (rest := _heading_prefix(tok.text, headings)) is not None:
                marks[tok.position] = SectionMark(section_id, rest)
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
    # The document runs its cells together (a web page's text): spaces are not cell boundaries.
    runs_style: bool


def _fit_run(printed: list[Token], ctx: RowContext, s: Settings) -> Fit:
    """Cut cells printed without separators (a run) into the row's cells; when several
    cuts remain, the table decides (ingest.cuts)."""
    n = len(ctx.columns)
    cell = printed[0].cell
    run = "".join(t.text for t in printed)
    if n == 1:
        return Fit([Slot(run, False, cell, s.conf_exact)])
    kinds = [(c.type == "decimal", c.signed) for c in ctx.columns]
    options = run_options(run, kinds, lambda cut: _holds(list(cut), ctx.local), s.max_run_cuts)
    if not options.cuts:
        return Fit([Slot(None, True, cell, s.conf_missing_cells, f"run {run!r} fits no cut into {n} cells")] * n)
    if len(options.cuts) == 1 and not options.truncated:
        return Fit([Slot(d, False, cell, s.conf_exact) for d in options.cuts[0]])
    guess = even_cut(options.cuts)
    if options.truncated:
        note = f"cells run together as {run!r}; too many cuts to weigh"
        return Fit([Slot(d, False, cell, s.conf_ambiguous_alignment * 0.8, note) for d in guess])
    return Fit([Slot(d, False, cell, s.conf_fuzzy_label) for d in guess], tuple(options.cuts))


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


def _is_run(values: list[Token], printed: list[Token], ctx: RowContext) -> bool:
    """Whether a row's values are cells run together rather than one value per cell."""
    n = len(ctx.columns)
    if len(printed) == 1 and printed[0].kind is Kind.RUN:
        # Too few characters to be a run of all the cells: one value with the blanks dropped.
        return len(printed[0].text) >= n or len(values) > 1 or ctx.runs_style
    if not printed or len(printed) < len(values):
        return False
    if len(printed) == n and all(t.kind is Kind.VALUE for t in printed):
        return False
    # Spaces that do not fall on cell boundaries (`10 0 0 0 01`): the digits are one run.
    return ctx.runs_style or any(t.kind is Kind.RUN for t in printed)


def _fit_values(values: list[Token], ctx: RowContext, s: Settings) -> Fit:
    """Fit the value tokens after a label to the row's columns."""
    n = len(ctx.columns)
    printed = [t for t in values if t.kind is not Kind.BLANK]
    if _is_run(values, printed, ctx) and sum(len(t.text) for t in printed) >= n:
        return _fit_run(printed, ctx, s)
    values = [Token(Kind.VALUE, t.text, t.cell, t.row_break, t.position, t.block) if t.kind is Kind.RUN else t
              for t in values]
    if len(values) == n:
        return Fit([_slot(t, s.conf_exact) for t in values])
    if len(values) < n:
        return Fit(_fit_short(values, ctx, s))
    starts = [i for i in range(len(values) - n + 1) if _window_ok(values, i, n)]
    if not starts:
        # Non-blank values spread over more cells than the row has: a row label was lost.
        note = f"{len(printed)} values where {n} cells were expected"
        return Fit([_slot(t, s.conf_missing_cells, note) for t in values[:n]])

    def content(start: int) -> tuple[str | None, ...]:
        return tuple(None if t.kind is Kind.BLANK else t.text for t in values[start : start + n])

    def header_fit(start: int) -> int:
        return _header_fit(values[start : start + n], ctx.header_cols)

    # Word's text export shifts cells within rows, so the header's columns only break
    # ties: they never make an ambiguous row certain.
    best = max(starts, key=lambda i: (_holds(list(content(i)), ctx.local), header_fit(i), -i))
    variants = {content(i) for i in starts}
    if len(variants) == 1:
        return Fit([_slot(t, s.conf_exact) for t in values[best : best + n]])
    unsure = {c for c in range(n) if len({v[c] for v in variants}) > 1}
    note = "blank cells at the row's edge make its alignment ambiguous"
    return Fit([
        _slot(t, s.conf_ambiguous_alignment if c in unsure else s.conf_exact, note if c in unsure else None)
        for c, t in enumerate(values[best : best + n])
    ])


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
        self.headed = {mark.section for mark in self.marks.values()}
        present = [k for row in self.rows for k in row.cell_keys()]
        relations = expand_relations(layout, present)
        self.local = {id(row): _local_relations(row, relations) for row in self.rows}
        self.totals_only = _prints_only_totals(tokens)
        self.runs_style = sum(1 for t in tokens if t.kind is Kind.RUN) >= _RUNS_STYLE_MIN
        # Header cells of the current section: label core -> grid positions (block, col).
        self.header_cells: dict[str, list[tuple[int, int]]] = {}

    def _context(self, row: RowLayout, block: int) -> RowContext:
        header_cols: list[int | None] = []
        for column in row.columns:
            places = [col for b, col in self.header_cells.get(label_core(column.label), []) if b == block]
            header_cols.append(places[0] if len(places) == 1 else None)
        return RowContext(row.columns, self.local[id(row)], header_cols, self.totals_only, self.runs_style)

    def _allowed(self, section: str | None) -> list[int]:
        return [
            i for i, row in enumerate(self.rows)
            if row.section == section or (row.section not in self.headed and section != _END)
        ]

    def _label_candidates(self, buffer: list[Token], allowed: list[int]) -> list[tuple[int, float, str | None]]:
        """(row index, ratio, deviation) for rows the trailing labels may name. The label
        may be the end of a longer one: a web page's text runs header words into it."""
        joined = ""
        for tok in reversed(buffer):
            if len(joined) + len(tok.text) > _MAX_LABEL_CHARS and joined:
                break
            joined = label_core(tok.text) + joined
        best: dict[int, tuple[float, str | None]] = {}
        for i in allowed:
            row = self.rows[i]
            for variant in row.labels:
                ratio = _suffix_similarity(joined, label_core(variant.text))
                if ratio > best.get(i, (0.0, None))[0]:
                    best[i] = (ratio, variant.deviation or row.deviation)
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
                    mark = self.marks[tok.position]
                    section = mark.section
                    buffer, section_labels = [], []
                    self.header_cells, in_header = {}, True
                    if mark.rest:
                        rest = Token(Kind.LABEL, mark.rest, tok.cell, False, tok.position, tok.block)
                        buffer.append(rest)
                        section_labels.append(rest)
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
        fit = _fit_values(values, self._context(row, values[0].block), self.settings)
        printed = sum(1 for sl in fit.slots if not sl.blank)
        mean = sum(sl.confidence for sl in fit.slots) / len(fit.slots)
        score = ratio * mean * (1 + 0.05 * printed)
        return Proposal(row, idx, position, label_conf, deviation, fit.slots, fit.cuts, score)


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
    return CellReading(value, slot.text, conf, *_where(slot.cell), unit=unit, notes=notes,
                       candidates=list(slot.candidates))


def _where(cell: SourceCell | None) -> tuple[int | None, BBox | None]:
    if cell is None:
        return None, None
    return cell.page, cell.bbox


def _signature_hits(layout: TemplateLayout, tokens: list[Token]) -> int:
    text = "".join(label_core(t.text) for t in tokens if t.kind is Kind.LABEL)
    return sum(1 for sig in layout.signature_labels if label_core(sig) in text)


def _cut_runs(chain: list[Proposal], layout: TemplateLayout, prose: str, s: Settings) -> None:
    """Settle the rows printed as runs of digits over the whole table at once."""
    if not any(p.cuts for p in chain):
        return
    rows = []
    for prop in chain:
        texts: list[tuple[str | None, ...]] = list(prop.cuts) or [
            tuple(None if sl.blank else sl.text for sl in prop.slots)
        ]
        label = min((label_core(v.text) for v in prop.row.labels), key=len, default="")
        rows.append(RowCuts.parse(tuple(prop.row.cell_keys()), texts, [c.type == "decimal" for c in prop.row.columns],
                                  label))
    relations = expand_relations(layout, [k for row in rows for k in row.keys])
    for prop, row, decision in zip(chain, rows, decide(rows, relations, prose, s.max_cut_states), strict=True):
        if not prop.cuts:
            continue
        cell = prop.slots[0].cell
        slots = []
        for col, text in enumerate(row.texts[decision.choice]):
            if col in decision.candidates:
                note = f"cells run together; {len(decision.candidates[col])} values fit every relation"
                slots.append(Slot(text, False, cell, s.conf_ambiguous_alignment * 0.8, note,
                                  tuple(decision.candidates[col])))
            elif decision.by_prose:
                slots.append(Slot(text, False, cell, s.conf_prose_cut, "cells run together; cut as the prose quotes"))
            elif decision.in_broken:
                note = "cells run together; cut where a relation breaks"
                slots.append(Slot(text, False, cell, s.conf_weak_label, note))
            else:
                slots.append(Slot(text, False, cell, s.conf_exact))
        prop.slots = slots


def map_to_template(tokens: list[Token], layout: TemplateLayout, settings: Settings, prose: str = "") -> Mapping:
    """Map a document's tokens onto one template's keys."""
    chain = _best_chain(_Walker(layout, tokens, settings).proposals())
    _cut_runs(chain, layout, prose, settings)
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
    prose = nfkc("\n".join(document.lines()))
    mappings = [map_to_template(tokens, layout, settings, prose) for layout in layouts]
    return max(mappings, key=lambda m: (m.signature_hits, -len(m.deviations), m.score))
