"""The rows the document prints, in order: the best chain of proposals, its runs of digits
cut over the whole table, and the template rows it surely leaves out or prints empty."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.labels import label_core, similarity
from ingest.layouts import RowLayout, TemplateLayout, expand_relations
from ingest.mapper.cuts import RowCuts, decide
from ingest.mapper.fit import Slot
from ingest.mapper.proposals import Proposal, SectionMark
from ingest.mapper.tokens import Kind, Token
from ingest.settings import Settings

# A row label this long is looked for in the labels of a gap joined, as well as in each.
_JOINED_LABEL_MIN = 4
# Said of a cell of digits run together that a best cut of the table leaves blank.
RUN_MAY_BE_BLANK = "or blank"


def best_chain(proposals: list[Proposal]) -> list[Proposal]:
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


def cut_runs(chain: list[Proposal], layout: TemplateLayout, prose: str, s: Settings) -> None:
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
    for prop, row, decision in zip(chain, rows, decide(rows, relations, prose, s), strict=True):
        if not prop.cuts:
            continue
        cell = prop.slots[0].cell
        slots = []
        for col, text in enumerate(row.texts[decision.choice]):
            candidates = tuple(decision.candidates.get(col, ()))
            if candidates:
                conf = s.conf_ambiguous_alignment * s.run_unsure_factor
                blank = f"; {RUN_MAY_BE_BLANK}" if col in decision.may_be_blank else ""
                note: str | None = f"cells run together; {len(candidates)} values fit{blank}"
            elif decision.by_column:
                conf, note = s.conf_fuzzy_label, "cells run together; the blank put in the blank column"
            elif decision.by_prose:
                conf, note = s.conf_prose_cut, "cells run together; cut as the prose quotes"
            elif decision.in_broken:
                conf, note = s.conf_weak_label, "cells run together; cut where a relation breaks"
            else:
                conf, note = s.conf_exact, None
            slots.append(Slot(text, text is None, cell, conf, note, candidates))
        prop.slots = slots


@dataclass(frozen=True)
class Unmatched:
    """Rows (their ids) of the sections found that no proposal holds: those the document does
    not print (a body with no 规章 row), and those printed as a label with nothing after it."""

    not_printed: set[int]
    printed_empty: set[int]


def _merged(row: RowLayout, rows: list[RowLayout], found: set[int], empty: set[int]) -> bool:
    """Whether the row is one of its group's last rows (two or more) printed empty after a first
    row printed with values: one merged cell's values under several labels (a bureau's three
    （六） labels), not blanks. A group's one last row printed empty is a row of blanks."""
    group = [i for i, r in enumerate(rows) if r.group is not None and r.group == row.group and r.section == row.section]
    if not group or group[0] not in found:
        return False
    first_empty = next(i for i in group if i not in found)
    after = group[group.index(first_empty):]
    return len(after) >= 2 and all(i in empty for i in after)


def unmatched_rows(
    chain: list[Proposal], layout: TemplateLayout, tokens: list[Token], marks: dict[int, SectionMark], s: Settings
) -> Unmatched:
    """Rows of a section found in the document that no proposal holds: not printed when between
    the rows around them stand neither values nor their label; printed empty when only labels
    stand there, one of them theirs (a row of blanks its style drops), unless merged (`_merged`)."""
    rows = layout.rows()
    absent: set[int] = set()
    empty: set[int] = set()
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
        own = [t.kind is Kind.LABEL and any(c in label_core(t.text) or similarity(label_core(t.text), c)
                                            >= s.label_match_ratio for c in cores) for t in gap]
        # A label a narrow page wraps (政府集 / 中采购) is found in the labels joined.
        joined = "".join(label_core(t.text) for t in gap if t.kind is Kind.LABEL)
        printed = any(own) or any(len(c) >= _JOINED_LABEL_MIN and c in joined for c in cores)
        if all(t.kind is Kind.LABEL for t in gap):
            (empty if printed else absent).add(index)
    merged = {i for i in empty if _merged(rows[i], rows, found, empty)}
    return Unmatched({id(rows[i]) for i in absent}, {id(rows[i]) for i in empty - merged})
