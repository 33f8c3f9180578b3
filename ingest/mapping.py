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

from ingest.checks import expand_relations
from ingest.cuts import Cut, RowCuts, decide
from ingest.fit import RowContext, Slot, fit_values, local_relations, prints_only_totals, prints_runs
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


@dataclass
class Proposal:
    row: RowLayout
    row_index: int
    position: int
    label_confidence: float
    deviation: str | None
    slots: list[Slot]
    cuts: tuple[Cut, ...] = ()
    guessed: bool = False
    score: float = 0.0
    # Token position just past the row's values.
    end: int = 0


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


@dataclass(frozen=True)
class _Heading:
    section: str
    ordinal: str
    core: str


def _heading_prefix(ordinal: str, core: str, heading: _Heading) -> str | None:
    """When a long label begins with the heading (a web page's text runs a heading into
    the table's header words), the rest of it; None when it does not."""
    h_core = heading.core
    if not ordinal or ordinal != heading.ordinal or len(core) <= len(h_core):
        return None
    cut = max(range(len(h_core) - 2, len(h_core) + 3), key=lambda k: similarity(core[:k], h_core))
    if similarity(core[:cut], h_core) >= _HEADING_RATIO:
        return core[cut:]
    return None


def _suffix_similarity(joined: str, core: str, floor: float) -> float:
    """How alike `core` is to the whole of `joined` or to its end (0 below `floor`)."""
    if not joined or not core:
        return 0.0
    ratio = similarity(joined, core, floor)
    for k in range(max(1, len(core) - 2), min(len(joined), len(core) + 2) + 1):
        ratio = max(ratio, similarity(joined[-k:], core, floor))
    return ratio


@dataclass(frozen=True)
class SectionMark:
    section: str
    # Header words printed after the heading in the same label.
    rest: str = ""


def _section_marks(tokens: list[Token], layout: TemplateLayout) -> dict[int, SectionMark]:
    """Token position -> section id (or END) for every section heading found."""
    named = [(section.id, section.headings) for section in layout.sections] + [(_END, _END_HEADINGS)]
    headings = [_Heading(section_id, split_ordinal(h)[0], label_core(h)) for section_id, texts in named for h in texts]
    marks: dict[int, SectionMark] = {}
    for tok in tokens:
        if tok.kind is not Kind.LABEL:
            continue
        ordinal, core = split_ordinal(tok.text)[0], label_core(tok.text)
        for heading in headings:
            if len(tok.text) <= 40 and similarity(core, heading.core, _HEADING_RATIO) >= _HEADING_RATIO:
                marks[tok.position] = SectionMark(heading.section)
            elif (rest := _heading_prefix(ordinal, core, heading)) is not None:
                marks[tok.position] = SectionMark(heading.section, rest)
            else:
                continue
            break
    return marks


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
        self.local = {id(row): local_relations(row, relations) for row in self.rows}
        self.totals_only = prints_only_totals(tokens)
        self.runs_style = prints_runs(tokens)
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
            floor = self.settings.label_match_ratio
            ratios = [_suffix_similarity(joined, label_core(v.text), floor) for v in row.labels]
            if not ratios:
                continue
            top = max(ratios)
            # A deviation is declared only when its label clearly reads better than the
            # template's own (行规范性文件 is a typo of 行政规范性文件, not the 2019 label).
            near = [v for v, r in zip(row.labels, ratios, strict=True) if r >= top - self.settings.deviation_margin]
            chosen = next((v for v in near if v.deviation is None), near[0])
            best[i] = (top, chosen.deviation or row.deviation)
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
                if row.header_labels:
                    evidence = self._header_evidence(row, section_labels + buffer)
                    # Under an exact row label, only the full header (section 四's, ending in
                    # 总计 like a row label) makes a header row worth proposing.
                    if evidence >= 1 or (evidence > 0 and (best_ratio < 0.97 or row.section == section)):
                        conf = s.conf_exact if evidence >= 1 else s.conf_weak_label
                        out.append(self._propose(idx, i, conf, evidence, None, values))
            buffer = []
            i = j
        return out

    def _propose(self, idx: int, position: int, label_conf: float, ratio: float,
                 deviation: str | None, values: list[Token]) -> Proposal:
        row = self.rows[idx]
        fit = fit_values(values, self._context(row, values[0].block), self.settings)
        printed = sum(1 for sl in fit.slots if not sl.blank)
        mean = sum(sl.confidence for sl in fit.slots) / len(fit.slots)
        score = ratio * mean * (1 + 0.05 * printed)
        end = position + len(values)
        return Proposal(row, idx, position, label_conf, deviation, fit.slots, fit.cuts, fit.guessed, score, end)


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


# The note of a cell whose whole row the table leaves out (not a blank it prints).
ROW_NOT_PRINTED = "row not printed"
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
        # A guessed row takes part as unknown: relations over it do not apply.
        texts: list[tuple[str | None, ...]] = list(prop.cuts) or [
            tuple(None if sl.blank or prop.guessed else sl.text for sl in prop.slots)
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
            candidates = tuple(decision.candidates.get(col, ()))
            if candidates:
                conf, note = s.conf_ambiguous_alignment * 0.8, f"cells run together; {len(candidates)} values fit"
            elif decision.by_prose:
                conf, note = s.conf_prose_cut, "cells run together; cut as the prose quotes"
            elif decision.in_broken:
                conf, note = s.conf_weak_label, "cells run together; cut where a relation breaks"
            else:
                conf, note = s.conf_exact, None
            slots.append(Slot(text, text is None, cell, conf, note, candidates))
        prop.slots = slots


def _rows_not_printed(
    chain: list[Proposal], layout: TemplateLayout, tokens: list[Token], marks: dict[int, SectionMark], s: Settings
) -> set[int]:
    """Rows of a section found in the document that the document does not print (a body
    with no 规章 row): between the rows around them stand neither values nor their label.
    A label printed with no values (a merged cell's other rows) is not this."""
    rows = layout.rows()
    out: set[int] = set()
    found = {p.row_index for p in chain}
    headings = {mark.section: position for position, mark in sorted(marks.items(), reverse=True)}
    for index, row in enumerate(rows):
        if index in found or row.deviation is not None or not row.labels:
            continue
        before = [p.end for p in chain if p.row_index < index and p.row.section == row.section]
        after = [p for p in chain if p.row_index > index]
        start = before[-1] if before else headings.get(row.section)
        if start is None or not after:
            continue
        gap = tokens[start + (not before) : after[0].position]
        cores = [label_core(v.text) for v in row.labels]
        printed = any(
            t.kind is not Kind.LABEL
            or any(c in label_core(t.text) or similarity(label_core(t.text), c) >= s.label_match_ratio for c in cores)
            for t in gap
        )
        if not printed:
            out.add(id(row))
    return out


def map_to_template(tokens: list[Token], layout: TemplateLayout, settings: Settings, prose: str = "") -> Mapping:
    """Map a document's tokens onto one template's keys."""
    walker = _Walker(layout, tokens, settings)
    chain = _best_chain(walker.proposals())
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
    absent = _rows_not_printed(chain, layout, tokens, walker.marks, settings)
    ordered: dict[str, CellReading] = {}
    for row in layout.rows():
        for key in row.cell_keys():
            if key in replaced:
                continue
            if key in cells:
                ordered[key] = cells[key]
            elif row.deviation is None and id(row) in absent:
                ordered[key] = CellReading(None, None, settings.conf_row_not_printed, notes=[ROW_NOT_PRINTED])
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
