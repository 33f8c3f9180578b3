"""The rows the document prints, in order: the best chain of proposals, its runs of digits
cut over the whole table, and the template rows it surely leaves out."""

from __future__ import annotations

from ingest.labels import label_core, similarity
from ingest.layouts import TemplateLayout, expand_relations
from ingest.mapper.cuts import RowCuts, decide
from ingest.mapper.fit import Slot
from ingest.mapper.proposals import Proposal, SectionMark
from ingest.mapper.tokens import Kind, Token
from ingest.settings import Settings


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
                conf = s.confidence.ambiguous_alignment * s.confidence.run_unsure_factor
                note: str | None = f"cells run together; {len(candidates)} values fit"
            elif decision.by_column:
                conf, note = s.confidence.fuzzy_label, "cells run together; the blank put in the blank column"
            elif decision.by_prose:
                conf, note = s.confidence.prose_cut, "cells run together; cut as the prose quotes"
            elif decision.in_broken:
                conf, note = s.confidence.weak_label, "cells run together; cut where a relation breaks"
            else:
                conf, note = s.confidence.exact, None
            slots.append(Slot(text, text is None, cell, conf, note, candidates))
        prop.slots = slots


def rows_not_printed(
    chain: list[Proposal], layout: TemplateLayout, tokens: list[Token], marks: dict[int, SectionMark], s: Settings
) -> set[int]:
    """Rows (their ids) of a section found in the document that the document does not print
    (a body with no 规章 row): between the rows around them stand neither values nor their
    label. A label printed with no values (a merged cell's other rows) is not this."""
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
            or any(c in label_core(t.text) or similarity(label_core(t.text), c) >= s.mapper.label_match_ratio
                   for c in cores)
            for t in gap
        )
        if not printed:
            out.add(id(row))
    return out
