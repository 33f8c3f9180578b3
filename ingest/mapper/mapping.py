"""A document's proposals settled into cell readings, for each template; the template the
document follows chosen."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.labels import label_core, nfkc
from ingest.layouts import ColumnLayout, TemplateLayout
from ingest.mapper.chain import (
    best_chain,
    cut_runs,
    doubt_row_cut_short,
    doubt_rows_before_stray_values,
    doubt_rows_under_shared_labels,
    rivals_placed_elsewhere,
    rows_between,
    rows_not_printed,
    rows_placed_by_order,
    rows_printed_blank,
    single_rows_printed_blank,
)
from ingest.mapper.fit import Slot
from ingest.mapper.numbers import parse_number, unit_of
from ingest.mapper.proposals import Walker
from ingest.mapper.short_rows import place_short_rows
from ingest.mapper.tokens import Kind, Token, tokenize
from ingest.models import BBox, CellReading, Document, Number, SourceCell
from ingest.settings import Settings

# The note of a cell whose whole row the table leaves out (not a blank it prints).
ROW_NOT_PRINTED = "row not printed"
# The note of a cell whose row label is printed with nothing after it.
ROW_PRINTED_BLANK = "row label printed with no values"
# The note of every cell of a report whose tables the document does not hold.
TABLES_LEFT_OUT = "the document prints the report's section headings but none of its tables (images left out?)"
# The note of a scan's reading of a decimal column printed with no point.
LOST_POINT = "no decimal point read: the point may be lost"
_UNIT_IN_HEADER = re.compile(r"[（(]\s*(?:单位[:：])?\s*(万元|元)\s*[)）]")


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
    # The same document mapped onto each template not chosen.
    others: list[Mapping] = field(default_factory=list)

    def rank(self) -> tuple[int, int, float]:
        """What the template is chosen by: its own labels printed, then fewer deviations, then
        how well its rows fit."""
        return self.signature_hits, -len(self.deviations), self.score

    def told_apart(self) -> bool:
        """Whether anything in the document chose this template over the others: a page
        showing only rows every template prints alike leaves the choice to list order. Nor
        does a template chosen for fewer deviations while another's rows fit as well or better:
        that page is as much the other's printed with one of its known deviations (seed 3031's
        photo, a 2021 table with （六） on one row, read as 2019 unflagged; seed 7575's image of
        the same page, its rows fitting both alike, read so at 0.97)."""
        return not self._rivals()

    def _rivals(self) -> list[Mapping]:
        """The other templates nothing in the document chose this one over (`told_apart`)."""
        return [other for other in self.others
                if not (self.rank() > other.rank() and not self._only_fewer_deviations(other))]

    def as_year_follows(self, year_template: TemplateLayout | None) -> Mapping:
        """This mapping, or the one onto the template the report's year follows when nothing
        in the document chose this one over it (seed 7070's photo 5: a 2023 page of section 三
        whose rows fit both templates, （六） on one row, taken for 2019 for its fewer
        deviations, and a 2019 format reported for 2023). The template stays unsure."""
        named = year_template.template if year_template is not None else None
        rival = next((m for m in self._rivals() if m.template.template == named), None)
        if rival is None:
            return self
        rival.others = [self, *(m for m in self.others if m is not rival)]
        return rival

    def _only_fewer_deviations(self, other: Mapping) -> bool:
        return (self.signature_hits == other.signature_hits and len(self.deviations) < len(other.deviations)
                and self.score <= other.score)

    def read_otherwise(self) -> dict[str, list[str]]:
        """The cells that another template's mapping reads differently, each with the other
        templates it differs under: only cells that mean the same in both (`aligns_with`)
        and are found in both. When the template is unsure, these are the cells whose value
        hangs on it (a 2021 row of one value column read as 2019's three puts the value
        under another key); the rest read alike whichever template the page follows."""
        differing: dict[str, list[str]] = {}
        for other in self.others:
            for key, cell in self.cells.items():
                twin = other.cells.get(key)
                if (twin is None or not cell.found or not twin.found or twin.value == cell.value
                        or not _aligned(self.template, other.template, key)):
                    continue
                differing.setdefault(key, []).append(other.template.template)
        return differing


def _aligned(one: TemplateLayout, other: TemplateLayout, key: str) -> bool:
    """Whether `key` means the same cell in both templates."""
    return any(a.aligns_with is not None and a.aligns_with.template == b.template and a.aligns_with.covers(key)
               for a, b in ((one, other), (other, one)))


def _reading(slot: Slot, column: ColumnLayout, label_conf: float, header_unit: str | None,
             s: Settings) -> CellReading:
    notes = [slot.note] if slot.note else []
    if slot.text is None or slot.blank:
        conf = label_conf * slot.confidence
        return CellReading(None, slot.text, conf, *_where(slot.cell), notes=notes, candidates=list(slot.candidates))
    value: Number
    conf = label_conf * slot.confidence
    try:
        value = parse_number(slot.text, decimal=column.type == "decimal")
    except ValueError:
        return CellReading(None, slot.text, 0.0, *_where(slot.cell), notes=[*notes, "not a number"])
    if isinstance(value, Decimal) and column.type == "int":
        conf *= s.confidence.implausible_value
        notes.append("a fraction in a whole-number column")
    if value < 0 and not column.signed:
        conf *= s.confidence.implausible_value
        notes.append("negative count")
    unit = column.unit
    if column.units_in_text:
        unit = unit_of(slot.text) or header_unit
    candidates = list(slot.candidates)
    pointed = [] if candidates else _points_a_scan_may_have_lost(slot, column)
    if pointed:
        candidates = [value, *pointed]
        notes.append(LOST_POINT)
    return CellReading(value, slot.text, conf, *_where(slot.cell), unit=unit, notes=notes, candidates=candidates)


def _points_a_scan_may_have_lost(slot: Slot, column: ColumnLayout) -> list[Number]:
    """The values a decimal column's OCR reading without a point would have with the point
    (1 to the column's printed places from the right): a point is a few pixels of ink both
    engines may miss (seed 931: 30.12 read 3012 by both). Text formats carry their points."""
    read_by_ocr = slot.cell is not None and slot.cell.confidence < 1.0
    digits = "".join(c for c in nfkc(slot.text or "") if c.isdigit())
    if not read_by_ocr or "." in (slot.text or "") or not digits.strip("0"):
        return []
    return [Decimal(digits).scaleb(-places) for places in range(1, column.decimals + 1) if len(digits) > places]


def _where(cell: SourceCell | None) -> tuple[int | None, BBox | None]:
    if cell is None:
        return None, None
    return cell.page, cell.bbox


def _signature_hits(layout: TemplateLayout, tokens: list[Token]) -> int:
    text = "".join(label_core(t.text) for t in tokens if t.kind is Kind.LABEL)
    return sum(1 for sig in layout.signature_labels if label_core(sig) in text)


def _header_unit(tokens: list[Token], column: ColumnLayout) -> str | None:
    """The unit printed in the header labels that hold the column's `unit_header` word."""
    if not column.unit_header:
        return None
    found = _UNIT_IN_HEADER.search(
        "".join(t.text for t in tokens if t.kind is Kind.LABEL and column.unit_header in t.text)
    )
    return found.group(1) if found else None


def map_to_template(tokens: list[Token], layout: TemplateLayout, settings: Settings, prose: str = "",
                    ends_anywhere: bool = False) -> Mapping:
    """Map a document's tokens onto one template's keys (`ends_anywhere`: as `Document`'s)."""
    walker = Walker(layout, tokens, settings)
    proposals = walker.proposals()
    chain = best_chain(proposals)
    rivals_placed_elsewhere(chain, settings)
    blank_rows = frozenset(row.section for row in layout.rows()
                           if id(row) in rows_printed_blank(chain, layout, tokens, walker.marks, settings))
    cut_runs(chain, layout, prose, settings, blank_rows)
    chain = sorted(chain + [walker.propose_unread(index, values)
                            for index, values in rows_between(chain, layout, tokens, walker.marks, settings)],
                   key=lambda p: p.position)
    rows_placed_by_order(chain, layout, tokens, settings)
    blank = rows_printed_blank(chain, layout, tokens, walker.marks, settings)
    singles = single_rows_printed_blank(chain, layout, tokens, walker.marks, settings)
    place_short_rows(chain, layout, settings,
                     [key for row in layout.rows() if id(row) in blank for key in row.cell_keys()])
    doubt_row_cut_short(chain, tokens, settings, ends_anywhere)
    doubt_rows_before_stray_values(chain, tokens, settings)
    doubt_rows_under_shared_labels(chain, proposals, tokens, settings)
    cells: dict[str, CellReading] = {}
    deviations: list[str] = []
    replaced: set[str] = set()
    for prop in chain:
        if prop.deviation and prop.deviation not in deviations:
            deviations.append(prop.deviation)
        for rep in prop.row.replaces:
            replaced.update(layout.row_by_key(prop.row.section, rep).cell_keys())
        for column, slot in zip(prop.row.columns, prop.slots, strict=True):
            header_unit = _header_unit(tokens, column)
            cells[prop.row.cell_key(column)] = _reading(slot, column, prop.label_confidence, header_unit, settings)
    for row in layout.rows():
        if id(row) in singles:
            if row.deviation and row.deviation not in deviations:
                deviations.append(row.deviation)
            replaced.update(key for rep in row.replaces for key in layout.row_by_key(row.section, rep).cell_keys())
    located = len(cells)
    absent = rows_not_printed(chain, layout, tokens, walker.marks, settings, frozenset(blank))
    ordered: dict[str, CellReading] = {}
    for row in layout.rows():
        for key in row.cell_keys():
            if key in replaced:
                continue
            if key in cells:
                ordered[key] = cells[key]
            elif row.deviation is None and id(row) in absent:
                ordered[key] = CellReading(None, None, settings.confidence.row_not_printed, notes=[ROW_NOT_PRINTED])
            elif (row.deviation is None and id(row) in blank) or id(row) in singles:
                ordered[key] = CellReading(None, "", settings.confidence.row_not_printed, notes=[ROW_PRINTED_BLANK])
            elif row.deviation is None:
                ordered[key] = CellReading(None, None, 0.0, notes=["not found in the document"], found=False)
    return Mapping(
        template=layout,
        cells=ordered,
        deviations=deviations,
        located=located,
        score=sum(p.score for p in chain),
        signature_hits=_signature_hits(layout, tokens),
    )


def tables_left_out(layout: TemplateLayout) -> Mapping:
    """The mapping of a report that holds none of its tables: every cell of `layout` not found."""
    cells = {key: CellReading(None, None, 0.0, notes=[TABLES_LEFT_OUT], found=False)
             for row in layout.rows() if row.deviation is None for key in row.cell_keys()}
    return Mapping(template=layout, cells=cells, deviations=[], located=0, score=0.0, signature_hits=0)


def map_document(document: Document, layouts: tuple[TemplateLayout, ...], settings: Settings) -> Mapping:
    """Map onto the template the document follows: the one whose own labels it prints
    most, then the one it follows without deviations, then the one its rows fit best."""
    tokens = tokenize(document, frozenset(label_core(v.text) for layout in layouts for row in layout.rows()
                                          for v in row.labels), settings.mapper.label_match_ratio)
    prose = nfkc("\n".join(document.lines()))
    mappings = [map_to_template(tokens, layout, settings, prose, document.ends_anywhere) for layout in layouts]
    chosen = max(mappings, key=Mapping.rank)
    chosen.others = [m for m in mappings if m is not chosen]
    return chosen
