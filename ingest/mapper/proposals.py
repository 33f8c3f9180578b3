"""Where the template's rows may be printed: section headings found, and for every run of
values the rows its labels may name, each with its values fitted and a score."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ingest.labels import label_core, similarity, split_ordinal
from ingest.layouts import RowLayout, TemplateLayout, expand_relations
from ingest.mapper.fit import RowContext, Slot, fit_values, local_relations
from ingest.mapper.print_style import padded_after_values, prints_only_totals, prints_runs
from ingest.mapper.runs import Cut
from ingest.mapper.tokens import Kind, Token
from ingest.settings import Settings

# The section id of the parts after the tables (the template's `end_headings`).
END = "end"


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
    # How alike the labels read are to the row's, and the other rows they may name (row
    # index, likeness): a close rival leaves the row weakly placed.
    ratio: float = 0.0
    rivals: tuple[tuple[int, float], ...] = ()
    # A run cut one way only, read with one cell left blank (Fit.dropped).
    dropped: tuple[Cut, ...] = ()
    # A run's text split where it had spaces (Fit.printed).
    printed: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionMark:
    section: str
    # Header words printed after the heading in the same label.
    rest: str = ""


@dataclass(frozen=True)
class _Heading:
    section: str
    ordinal: str
    core: str


def _heading_prefix(ordinal: str, core: str, heading: _Heading, s: Settings) -> str | None:
    """When a long label begins with the heading (a web page's text runs a heading into
    the table's header words), the rest of it; None when it does not."""
    h_core = heading.core
    if not ordinal or ordinal != heading.ordinal or len(core) <= len(h_core):
        return None
    slack = s.mapper.label_length_slack
    cut = max(range(len(h_core) - slack, len(h_core) + slack + 1), key=lambda k: similarity(core[:k], h_core))
    if similarity(core[:cut], h_core) >= s.mapper.heading_match_ratio:
        return core[cut:]
    return None


def _suffix_similarity(joined: str, core: str, s: Settings) -> float:
    """How alike `core` is to the whole of `joined` or to its end (0 below the label match ratio)."""
    if not joined or not core:
        return 0.0
    floor, slack = s.mapper.label_match_ratio, s.mapper.label_length_slack
    # Each comparison below is 0 unless its quick ratio (twice the characters the two share,
    # over their lengths together) reaches the floor; none can where `joined` as a whole shares
    # too few with `core` over the shortest pair's lengths (counted as many times as `core`
    # holds each: no fewer than they share). Most rows' labels share few with a label read:
    # comparing them was most of a scanned page's mapping (c150: 10,750 rows looked at).
    shortest = min(len(joined), max(1, len(core) - slack)) + len(core)
    counts = _counts(core)
    if 2 * sum(counts[c] for c in _characters(joined) & counts.keys()) < floor * shortest:
        return 0.0
    ratio = similarity(joined, core, floor)
    for k in range(max(1, len(core) - slack), min(len(joined), len(core) + slack) + 1):
        ratio = max(ratio, similarity(joined[-k:], core, floor))
    return ratio


@lru_cache(maxsize=4096)
def _characters(text: str) -> frozenset[str]:
    return frozenset(text)


@lru_cache(maxsize=1024)
def _counts(core: str) -> Counter[str]:
    return Counter(core)


def section_marks(tokens: list[Token], layout: TemplateLayout, s: Settings) -> dict[int, SectionMark]:
    """Token position -> section id (or END) for every section heading found."""
    named = [(section.id, section.headings) for section in layout.sections] + [(END, layout.end_headings)]
    headings = [_Heading(section_id, split_ordinal(h)[0], label_core(h)) for section_id, texts in named for h in texts]
    marks: dict[int, SectionMark] = {}
    for tok in tokens:
        if tok.kind is not Kind.LABEL:
            continue
        ordinal, core = split_ordinal(tok.text)[0], label_core(tok.text)
        for heading in headings:
            if (len(tok.text) <= s.mapper.max_heading_chars
                    and similarity(core, heading.core, s.mapper.heading_match_ratio) >= s.mapper.heading_match_ratio):
                marks[tok.position] = SectionMark(heading.section)
            elif (rest := _heading_prefix(ordinal, core, heading, s)) is not None:
                marks[tok.position] = SectionMark(heading.section, rest)
            else:
                continue
            break
    return marks


class Walker:
    """Proposes template rows for every run of values in the token stream."""

    def __init__(self, layout: TemplateLayout, tokens: list[Token], settings: Settings) -> None:
        self.layout = layout
        self.tokens = tokens
        self.settings = settings
        self.rows = layout.rows()
        self.marks = section_marks(tokens, layout, settings)
        self.headed = {mark.section for mark in self.marks.values()}
        present = [k for row in self.rows for k in row.cell_keys()]
        relations = expand_relations(layout, present)
        self.local = {id(row): local_relations(row, relations) for row in self.rows}
        self.runs_style = prints_runs(tokens, settings)
        # Rows of lone numbers in a page running its cells together are cells run together,
        # not lone totals (seed 4242: 347, a row's 3, 4 and 7, was read its 总计, unflagged).
        self.totals_only = not self.runs_style and prints_only_totals(tokens, settings)
        self.padded_after = padded_after_values(tokens, settings)
        # Header cells of the current section: label core -> grid positions (block, col).
        self.header_cells: dict[str, list[tuple[int, int]]] = {}

    def _context(self, row: RowLayout, block: int) -> RowContext:
        header_cols: list[int | None] = []
        for column in row.columns:
            places = [col for b, col in self.header_cells.get(label_core(column.label), []) if b == block]
            header_cols.append(places[0] if len(places) == 1 else None)
        return RowContext(row.columns, self.local[id(row)], header_cols, self.totals_only, self.runs_style,
                          len(row.columns) in self.padded_after)

    def _allowed(self, section: str | None) -> list[int]:
        return [
            i for i, row in enumerate(self.rows)
            if row.section == section or (row.section not in self.headed and section != END)
        ]

    def _label_candidates(self, buffer: list[Token], allowed: list[int]) -> list[tuple[int, float, str | None]]:
        """(row index, ratio, deviation) for rows the trailing labels may name. The label
        may be the end of a longer one: a web page's text runs header words into it."""
        s = self.settings
        joined = ""
        for tok in reversed(buffer):
            if len(joined) + len(tok.text) > s.mapper.max_label_chars and joined:
                break
            joined = label_core(tok.text) + joined
        best: dict[int, tuple[float, str | None]] = {}
        for i in allowed:
            row = self.rows[i]
            ratios = [_suffix_similarity(joined, label_core(v.text), s) for v in row.labels]
            if not ratios:
                continue
            top = max(ratios)
            # A deviation is declared only when its label clearly reads better than the
            # template's own (行规范性文件 is a typo of 行政规范性文件, not the 2019 label).
            near = [v for v, r in zip(row.labels, ratios, strict=True) if r >= top - s.mapper.deviation_margin]
            chosen = next((v for v in near if v.deviation is None), near[0])
            best[i] = (top, chosen.deviation or row.deviation)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        return [(i, r, d) for i, (r, d) in ranked[: s.mapper.label_candidates] if r >= s.mapper.label_match_ratio]

    def _header_evidence(self, row: RowLayout, labels: list[Token]) -> float:
        """Share of the row's expected headers printed before it (headers may be glued together)."""
        s = self.settings.mapper
        joined = "".join(label_core(t.text) for t in labels)
        cores = {label_core(t.text) for t in labels}
        found = sum(
            1 for h in row.header_labels
            if label_core(h) in joined or any(similarity(label_core(h), c) >= s.header_match_ratio for c in cores)
        )
        return min(1.0, found / s.header_evidence_labels)

    def _label_confidence(self, ratio: float, runner_up: float) -> float:
        s = self.settings
        if ratio >= s.mapper.label_exact_ratio:
            return s.confidence.exact
        if ratio - runner_up >= s.mapper.label_clear_margin:
            return s.confidence.fuzzy_label
        return s.confidence.weak_label

    def proposals(self) -> list[Proposal]:
        """Every row the document may print, wherever values follow labels."""
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
                if _blank_and_short(values, len(self.rows[idx].columns)):
                    continue
                runner_up = max((r for k, r, _ in ranked if k != idx), default=0.0)
                label_conf = self._label_confidence(ratio, runner_up)
                # Under a section's heading, a row of another section is a weaker reading.
                weight = 1.0 if section in (None, self.rows[idx].section) else s.mapper.other_section_weight
                proposal = self._propose(idx, i, label_conf, ratio * weight, deviation, values)
                proposal.ratio, proposal.rivals = ratio, tuple((k, r) for k, r, _ in ranked if k != idx)
                out.append(proposal)
            for idx in allowed:
                row = self.rows[idx]
                if row.header_labels and not _blank_and_short(values, len(row.columns)):
                    evidence = self._header_evidence(row, section_labels + buffer)
                    # Under an exact row label, only the full header (section 四's, ending in
                    # 总计 like a row label) makes a header row worth proposing.
                    exact = best_ratio >= s.mapper.label_exact_ratio
                    if evidence >= 1 or (evidence > 0 and (not exact or row.section == section)):
                        conf = s.confidence.exact if evidence >= 1 else s.confidence.weak_label
                        out.append(self._propose(idx, i, conf, evidence, None, values))
                    elif section is None and not buffer and self._lone_last_row(idx, values, j):
                        out.append(self._propose(idx, i, s.confidence.weak_label, s.mapper.label_match_ratio, None,
                                                 values))
            buffer = []
            i = j
        return out

    def _lone_last_row(self, idx: int, values: list[Token], after: int) -> bool:
        """Whether `values`, the first thing the document prints, are one table row of as many
        cells as the template's last row, right before the parts after the tables: that row,
        its header on a page not given (a photo of a report's last page showing section 四's
        values under the seal, then 五、: seed 6262's, refused as no report)."""
        row = self.rows[idx]
        mark = self.marks.get(after)
        return (idx == len(self.rows) - 1 and mark is not None and mark.section == END
                and len(values) == len(row.columns) and values[0].cell is not None
                and all(t.cell is not None and t.cell.row == values[0].cell.row and t.block == values[0].block
                        for t in values))

    def propose_unread(self, idx: int, values: list[Token]) -> Proposal:
        """The template row `idx` printed with `values` under a label not read (placed by
        the rows around it): weakly placed, its cells flagged."""
        return self._propose(idx, values[0].position, self.settings.confidence.weak_label, 0.0, None, values)

    def _propose(self, idx: int, position: int, label_conf: float, ratio: float,
                 deviation: str | None, values: list[Token]) -> Proposal:
        row = self.rows[idx]
        values = _one_row(values, len(row.columns), labelled=not row.header_labels)
        fit = fit_values(values, self._context(row, values[0].block), self.settings)
        printed = sum(1 for sl in fit.slots if not sl.blank)
        mean = sum(sl.confidence for sl in fit.slots) / len(fit.slots)
        score = ratio * mean * (1 + self.settings.mapper.printed_value_bonus * printed)
        end = position + len(values)
        return Proposal(row, idx, position, label_conf, deviation, fit.slots, fit.cuts, fit.guessed, score, end,
                        dropped=fit.dropped, printed=fit.printed)


def _blank_and_short(values: list[Token], columns: int) -> bool:
    """Whether a label is followed by fewer cells than the row has, every one blank: a header's
    word over an empty cell (a borderless page's column header 总计 taken for （七）总计 held every
    row of section 三 before it out of the rows printed blank), not a row printed."""
    return bool(values) and len(values) < columns and all(t.kind is Kind.BLANK for t in values)


def _one_row(values: list[Token], columns: int, labelled: bool = True) -> list[Token]:
    """The values a table's row prints in its own cells when they fill its columns: what the
    reader gives after its row break is no further value of it (a number read under the table,
    a value's digit spilling over its bottom rule or a row cut by a photo's frame; seed 969
    photo: "8 values where 7 cells were expected", the row flagged), nor, in a row printed without
    a label of its own (section 四), what it gives before a whole row of them. Blank cells of
    another table after them are none of its values either (the next page's table opening with
    its group's columns, their labels on the page before: seed 5252's fax 0, a row a value short
    took one for its 总计, a blank read sure)."""
    if values[0].cell is None:
        return values
    apart = next((i for i, v in enumerate(values) if v.block != values[0].block), len(values))
    if all(v.kind is Kind.BLANK for v in values[apart:]):
        values = values[:apart]
    start = len(values) - columns
    if len(values) > columns and values[columns].row_break:
        own = values[:columns]
        return own if not any(v.row_break for v in own[1:]) else values
    if not labelled and start > 0 and values[start].row_break and not any(v.row_break for v in values[start + 1:]):
        # The row's cells are the last whole row of as many: what stands before them is of the
        # header above (its 总计 read 425 over section 四's values, seed 3131's fax 5). A labelled
        # row's values before a whole row are its own, the next row's label unread.
        return values[start:]
    return values
