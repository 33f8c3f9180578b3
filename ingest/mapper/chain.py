"""The rows the document prints, in order: the best chain of proposals, its runs of digits
cut over the whole table, and the template rows it surely leaves out."""

from __future__ import annotations

import itertools
from dataclasses import replace

from ingest.labels import label_core, similarity
from ingest.layouts import RowLayout, TemplateLayout, expand_relations
from ingest.mapper.cuts import RowCuts
from ingest.mapper.decisions import decide
from ingest.mapper.fit import Slot
from ingest.mapper.proposals import Proposal, SectionMark
from ingest.mapper.tokens import Kind, Token
from ingest.settings import Settings

# Said of a cell of digits run together that a best cut of the table leaves blank.
RUN_MAY_BE_BLANK = "or blank"

def _replaced_by(row: Proposal, single: Proposal) -> bool:
    """Whether `single` is a layout's single row standing for rows `row` is one of (（六）其他处理
    for its three): a table prints one or the other, never both."""
    return _replaced_by_row(row.row, single)


def _replaced_by_row(row: RowLayout, single: Proposal) -> bool:
    return row.section == single.row.section and row.key in single.row.replaces


def best_chain(proposals: list[Proposal]) -> list[Proposal]:
    """The highest-scoring proposals increasing in both document position and row order, no
    single row after a row it stands for (a misread label of the last of them matched the single
    row's: 3.其他 read 3.他, seed 887 fax)."""
    props = sorted(proposals, key=lambda p: (p.position, p.row_index))
    best = [p.score for p in props]
    prev = [-1] * len(props)
    for b, pb in enumerate(props):
        for a in range(b):
            pa = props[a]
            if _replaced_by(pa, pb):
                continue
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


def rivals_placed_elsewhere(chain: list[Proposal], s: Settings) -> None:
    """A row placed weakly for a rival row its label reads almost as much like is placed
    surely when the chain puts every such rival elsewhere by its exact label: the label can
    name it no more (二、上年结转… misread 二、」 二年结转…, as near 一、本年新收…, which the row
    above prints; seed 887 fax)."""
    exact = {p.row_index for p in chain if p.label_confidence >= s.confidence.exact}
    for prop in chain:
        if prop.label_confidence != s.confidence.weak_label or not prop.ratio:
            continue
        runner_up = max((r for k, r in prop.rivals if k not in exact), default=0.0)
        if prop.ratio - runner_up >= s.mapper.label_clear_margin:
            prop.label_confidence = s.confidence.fuzzy_label


def rows_placed_by_order(chain: list[Proposal], layout: TemplateLayout, tokens: list[Token], s: Settings) -> None:
    """Rows placed weakly (a label read almost as much like another row's, or not read) in a
    run from a row placed surely (or its section's first row) to a row placed surely (or its
    section's last row), the template's rows and the table's rows of values running one for
    one: each can be no row but the one its order gives, and is placed as surely as a label
    read clearly (seed 7979's fax TIFF 7, 行政许可, 行政处罚 and 行政强制 read alike, and
    section 三's last rows unread; every such cell of 336 scans right, and flagged)."""
    rows = layout.rows()
    plain = [i for i, row in enumerate(rows) if row.deviation is None]
    order = {index: k for k, index in enumerate(plain)}
    ordered = sorted(chain, key=lambda p: p.position)
    sure = [p.label_confidence >= s.confidence.fuzzy_label for p in ordered]
    start = 0
    while start < len(ordered):
        if sure[start]:
            start += 1
            continue
        end, section = start, ordered[start].row.section
        while end < len(ordered) and not sure[end] and ordered[end].row.section == section:
            end += 1
        run = ordered[start:end]
        first, last = order.get(run[0].row_index), order.get(run[-1].row_index)
        before = ordered[start - 1:start] if start > 0 and ordered[start - 1].row.section == section else []
        after = ordered[end:end + 1] if end < len(ordered) and ordered[end].row.section == section else []
        opens = first is not None and (first == 0 or rows[plain[first - 1]].section != section)
        closes = last is not None and (last == len(plain) - 1 or rows[plain[last + 1]].section != section)
        if (before or after) and (before or opens) and (after or closes) \
                and _one_for_one(before + run + after, order, tokens):
            for prop in run:
                prop.label_confidence = s.confidence.fuzzy_label
        start = end


def _one_for_one(props: list[Proposal], order: dict[int, int], tokens: list[Token]) -> bool:
    """Whether consecutive proposals are consecutive template rows of one section printed on
    consecutive rows of one table."""
    if any(p.row_index not in order or p.row.section != props[0].row.section for p in props):
        return False
    places = []
    for prop in props:
        cell = tokens[prop.position].cell if prop.position < len(tokens) else None
        if cell is None:
            return False
        # The row it is read in, not a merged cell's first (a blank over two rows, their rule lost).
        places.append((tokens[prop.position].block, cell.row))
    return all(order[b.row_index] == order[a.row_index] + 1 and pb == (pa[0], pa[1] + 1)
               for (a, pa), (b, pb) in itertools.pairwise(zip(props, places, strict=True)))


def _partly_printed(prop: Proposal) -> bool:
    """Whether a row prints some of its cells and leaves the others out (fewer numbers than cells)."""
    return any(sl.text is None for sl in prop.slots) and any(sl.text for sl in prop.slots)


def cut_runs(chain: list[Proposal], layout: TemplateLayout, prose: str, s: Settings,
             blank_rows: frozenset[str] = frozenset()) -> None:
    """Settle the rows printed as runs of digits over the whole table at once. A page that
    drops blank cells from its text (rows printing some cells and leaving others out) may
    have dropped one from a run cut one way only: in a table doing so, or leaving rows blank
    (`blank_rows`: their sections), the run's readings with a cell left blank are weighed with it
    (110 for 11,_,0)."""
    partly = {p.row.section for p in chain if _partly_printed(p)}
    dropping = partly | (blank_rows if partly else frozenset())
    doubted = {id(p) for p in chain if p.row.section in dropping and p.dropped and not p.guessed}
    if not any(p.cuts for p in chain) and not doubted:
        return
    rows = []
    for prop in chain:
        # A guessed row takes part as unknown: relations over it do not apply.
        texts: list[tuple[str | None, ...]] = list(prop.cuts) or [
            tuple(None if sl.blank or prop.guessed else sl.text for sl in prop.slots)
        ]
        if id(prop) in doubted:
            texts += prop.dropped
        label = min((label_core(v.text) for v in prop.row.labels), key=len, default="")
        rows.append(RowCuts.parse(tuple(prop.row.cell_keys()), texts, [c.type == "decimal" for c in prop.row.columns],
                                  label, prop.printed))
    relations = expand_relations(layout, [k for row in rows for k in row.keys])
    for prop, row, decision in zip(chain, rows, decide(rows, relations, prose, s), strict=True):
        if not prop.cuts and id(prop) not in doubted:
            continue
        # The table's cut differs from the row's own: each piece vouched for by the run's least sure cell.
        cell = min((sl.cell for sl in prop.slots), key=lambda c: c.confidence if c is not None else 1.0)
        slots = []
        for col, text in enumerate(row.texts[decision.choice]):
            candidates = tuple(decision.candidates.get(col, ()))
            if candidates:
                conf = s.confidence.ambiguous_alignment * s.confidence.run_unsure_factor
                blank = f"; {RUN_MAY_BE_BLANK}" if col in decision.may_be_blank else ""
                note: str | None = f"cells run together; {len(candidates)} values fit{blank}"
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


def _gaps(
    chain: list[Proposal], layout: TemplateLayout, tokens: list[Token], marks: dict[int, SectionMark],
    headed_rows: bool = False,
) -> list[tuple[int, list[Token]]]:
    """Each template row of a section found in the document that the chain leaves out, with
    the tokens between the rows found around it (its heading when none comes before it). A
    row no found row follows (a section's last rows, or a whole section printed without a
    number) reaches to the next part's heading. `headed_rows`: rows without a label of their
    own (section 四's one row, under its header) too."""
    out = []
    found = {p.row_index for p in chain}
    for index, row in enumerate(layout.rows()):
        if index in found or row.deviation is not None or not (row.labels or (headed_rows and row.header_labels)):
            continue
        before = [p.end for p in chain if p.row_index < index and p.row.section == row.section]
        # A later section's row is no end: only its heading is (a page cut short in section 三,
        # its last "1." taken for section 四's row, left the rows between judged not printed).
        after = [p.position for p in chain if p.row_index > index and p.row.section == row.section][:1]
        # The section's last heading before the rows that follow: the narrative of part 一 may
        # name a part's heading (（一）主动公开政府信息情况) well before its table.
        heading = max((at for at, mark in marks.items()
                       if mark.section == row.section and (not after or at < after[0])), default=None)
        start = before[-1] if before else heading
        if start is None:
            continue
        end = after or [at for at, mark in sorted(marks.items()) if at > start and mark.section != row.section][:1]
        # A row found after it in the template but before it in the text (a row label quoted in
        # a page's prose, the page cut short after) leaves no stretch of text to judge it by.
        if not end or end[0] <= start:
            continue
        gap = tokens[start + (not before) : end[0]]
        rest = marks[start].rest if not before and not row.labels else ""
        # A heading run into its table's header words (a web page's text) holds the header.
        out.append((index, [Token(Kind.LABEL, rest, None, False, start), *gap] if rest else gap))
    return out


def _names(gap: list[Token], row: RowLayout, s: Settings) -> bool:
    """Whether the gap's labels name the row: one of them, or their words joined (a label
    wrapped onto two lines, 政府集 / 中采购); a row without a label, by every header word."""
    cores = [label_core(t.text) for t in gap if t.kind is Kind.LABEL]
    joined = "".join(cores)
    if not row.labels:
        return bool(row.header_labels) and all(_header_word_printed(label_core(h), joined) for h in row.header_labels)
    return any(
        c in joined or any(similarity(core, c) >= s.mapper.label_match_ratio for core in cores)
        for c in (label_core(v.text) for v in row.labels)
    )


def _header_word_printed(word: str, joined: str) -> bool:
    """Whether a header word is in the text whole, or its two halves apart: a borderless page
    stacks a narrow column's words (结果 over 维持), and its text gives each line's words run
    together across the columns (总计结果结果其他尚未, 维持纠正结果审结)."""
    half = len(word) // 2
    return word in joined or (len(word) >= 4 and word[:half] in joined and word[half:] in joined)


def rows_not_printed(
    chain: list[Proposal], layout: TemplateLayout, tokens: list[Token], marks: dict[int, SectionMark], s: Settings,
    printed_blank: frozenset[int] = frozenset(),
) -> set[int]:
    """Rows (their ids) of a section found in the document that the document does not print
    (a body with no 规章 row): between the rows around them stand neither values nor their
    label, only other labels and the empty cells of header rows. A label printed with no values
    (a merged cell's other rows) is not this. Only in a section whose rows were mostly found,
    with values or `printed_blank` (ids)."""
    rows = layout.rows()
    return {id(rows[index]) for index, gap in _gaps(chain, layout, tokens, marks)
            if all(t.kind in (Kind.LABEL, Kind.BLANK) for t in gap) and not _names(gap, rows[index], s)
            and _mostly_found(chain, layout, rows[index].section, printed_blank, s.mapper.rows_not_printed_min_found)}


def _mostly_found(chain: list[Proposal], layout: TemplateLayout, section: str, printed_blank: frozenset[int],
                  share: float) -> bool:
    """Whether at least `share` of a section's rows were found, with values or printed blank."""
    own = {id(row) for row in layout.rows() if row.section == section and row.deviation is None}
    found = own & ({id(p.row) for p in chain} | printed_blank)
    return len(found) >= share * len(own)


def rows_printed_blank(
    chain: list[Proposal], layout: TemplateLayout, tokens: list[Token], marks: dict[int, SectionMark], s: Settings
) -> set[int]:
    """Rows (their ids) whose label is printed with nothing after it up to the next row found:
    every cell left blank (a row of zeros a web page leaves empty, 政府集中采购 with no
    purchases); a table printed with its labels and headers and no number at all (a body that
    received no request, its zeros left blank). Not the later rows of those a layout's single
    row replaces (（六）其他处理's three) before a row found: some tables print one merged row of
    values under their labels, after the first; unless the first is printed blank too."""
    rows = layout.rows()
    merged = {(r.section, key): r.replaces[0] for r in rows if r.deviation for key in r.replaces[1:]}
    out: set[int] = set()
    blank_keys: set[tuple[str, str]] = set()
    for index, gap in _gaps(chain, layout, tokens, marks, headed_rows=True):
        row = rows[index]
        tail = not any(p.row_index > index for p in chain)
        first = merged.get((row.section, row.key))
        if ((first is None or tail or (row.section, first) in blank_keys) and _names(gap, row, s)
                and all(t.kind in (Kind.LABEL, Kind.BLANK) for t in gap)):
            out.add(id(row))
            blank_keys.add((row.section, row.key))
    return out


def single_rows_printed_blank(
    chain: list[Proposal], layout: TemplateLayout, tokens: list[Token], marks: dict[int, SectionMark], s: Settings
) -> set[int]:
    """A layout's single rows (their ids) printed with nothing after their label, in place of
    the rows they replace: where those rows would stand, only labels and blanks, one of them
    the single row's, none theirs, and none of them found (a 2021 table keeping the 2019 （六）
    其他处理 on one row, its zeros left blank: seed 6211's text 0, its three rows judged left
    out and the row's cells not given)."""
    rows = layout.rows()
    found = {id(p.row) for p in chain}
    gaps = {id(rows[index]): gap for index, gap in _gaps(chain, layout, tokens, marks)}
    out: set[int] = set()
    for row in rows:
        replaced = [layout.row_by_key(row.section, key) for key in row.replaces]
        # One row standing for several (not one of 2021's three rows a 2019 layout knows for its one).
        gap = gaps.get(id(replaced[0])) if len(replaced) > 1 else None
        if gap is None or id(row) in found or any(id(r) in found for r in replaced):
            continue
        cores = [label_core(t.text) for t in gap if t.kind is Kind.LABEL]
        if (all(t.kind in (Kind.LABEL, Kind.BLANK) for t in gap) and _labelled(cores, row, s)
                and not any(_labelled(cores, r, s) for r in replaced)):
            out.add(id(row))
    return out


def _labelled(cores: list[str], row: RowLayout, s: Settings) -> bool:
    """Whether one of the labels (`cores`) is the row's, each read whole: not a word of it
    inside another (其他 in （六）其他处理, as `_names` allows)."""
    return any(similarity(core, label_core(v.text)) >= s.mapper.label_match_ratio for v in row.labels for core in cores)


def rows_between(
    chain: list[Proposal], layout: TemplateLayout, tokens: list[Token], marks: dict[int, SectionMark], s: Settings
) -> list[tuple[int, list[Token]]]:
    """Template rows (their index) the chain leaves out between the rows just before and
    just after them (or a section's first rows, before the row after them; or its last rows,
    after the row before them up to the next part's heading, each printing a value for every
    cell), with as many rows of a table's values printed there, each under labels that name no
    row (OCR misreadings: 3.其他 read 找他, 规章 read 规堂, 予以公开 read 所以公耳; 3.其他,
    （七）总计 and 四、结转下年度继续办理 read 3.J他, (七)总 0 and ド年度継納小理, seed 7979's fax
    TIFF 7): the rows can only be those, in order. Each with its values; the values are placed
    there, their labels unread."""
    rows = layout.rows()
    # Rows a deviation's row found stands for are printed there (（六）其他处理 as one row for its
    # three): a row found next to the gap.
    found = {p.row_index for p in chain}
    found |= {k for k, row in enumerate(rows) if any(_replaced_by_row(row, p) for p in chain)}
    # The template's own rows, in order (a deviation's row stands in for some of them).
    plain = [i for i, row in enumerate(rows) if row.deviation is None]
    groups = {rows[i].group for i in plain}
    out = []
    for index, gap in _gaps(chain, layout, tokens, marks):
        # The rows left out next to it in its section, and the rows found around them (but for
        # a section's first rows: its table's header before them).
        at, section = plain.index(index), rows[index].section
        lo, hi = at, at
        while lo > 0 and plain[lo - 1] not in found and rows[plain[lo - 1]].section == section:
            lo -= 1
        while hi + 1 < len(plain) and plain[hi + 1] not in found and rows[plain[hi + 1]].section == section:
            hi += 1
        neighbours = [plain[k] for k in (lo - 1, hi + 1) if 0 <= k < len(plain) and rows[plain[k]].section == section]
        if not neighbours or any(k not in found for k in neighbours):
            continue
        printed = _printed_rows(gap)
        if lo == 0 or rows[plain[lo - 1]].section != section:
            printed = _without_header_rows(printed, hi - lo + 1, len(rows[plain[lo]].columns))
        if printed is None or len(printed) != hi - lo + 1:
            continue
        # Past a section's last row found, the next heading is all that ends its rows: whatever
        # else a table prints there (a note's few numbers) must not pass for them.
        if neighbours[-1] < index and any(len(values) < len(rows[plain[lo + k]].columns)
                                          for k, (_, values) in enumerate(printed)):
            continue
        labels, values = printed[at - lo]
        # A group's label, printed beside each of its rows, names none of them though it reads
        # like one: (三)不予公开 like (一)予以公开 (seed 2828's photo 6, two rows lost); （六）其他处理
        # holds 3.其他's word, beside （五）'s rows where one cell spans both groups (seed 5903's fax
        # TIFF 6: 2.重复申请 misread, its row lost). Nor do the table's column headers before a
        # section's first row: 法人或其他组织 holds 其他 and 总计 is （七）总计's word (seed 8787's fax
        # TIFF 3: 一、本年新收's label lost, its row too).
        shown = [label_core(word) for word in (*groups, *(w for c in rows[index].columns
                                                          for w in (c.label, c.group))) if word]
        labels = [t for t in labels
                  if all(similarity(label_core(t.text), word) < s.mapper.label_match_ratio for word in shown)]
        # Rows found elsewhere are no candidates (a row is printed once; 其他 is inside （六）其他处理,
        # the group's label over each of its rows), nor is a deviation's row where the template's
        # rows around it were found.
        named = [k for k, row in enumerate(rows) if k != index and k not in found and row.deviation is None
                 and _names(labels, row, s)]
        if not named and all(t.cell is not None and t.kind in (Kind.VALUE, Kind.BLANK) for t in values):
            out.append((index, values))
    return out


def _printed_rows(gap: list[Token]) -> list[tuple[list[Token], list[Token]]] | None:
    """The rows printed in a gap, each as its labels and its run of values, when it is labels
    then values, over and over, then only the next row's labels; else None. Digits read in a
    table cell beside its words are part of the label (OCR misreadings of its ordinal: 1.属于
    国家秘密 read 1.41国家招密, （七）总计 read 1七121; seed 7319's fax), not a row's values.
    Blank cells before the first label are no row's (a heading row's empty first cell, 第二十条
    第（一）项 printed in the next; seed 7979's fax TIFF 3, 规章 read 规学 and its row lost), nor
    are blank cells left of a label in their table row (a group label's merged cell cut by the
    grid, read blank; seed 6173's fax 5, 2.重复申请 read 2.重中 and its row lost)."""
    rows: list[tuple[list[Token], list[Token]]] = []
    labels: list[Token] = []
    values: list[Token] = []
    for at, token in enumerate(gap):
        if token.kind is Kind.LABEL or _in_a_labels_cell(gap, at):
            if values:
                rows.append((labels, values))
                labels, values = [], []
            labels.append(token)
        elif token.kind is Kind.BLANK and (not labels or _left_of_a_label(gap, at)):
            continue
        elif not labels:
            return None
        else:
            values.append(token)
    if values:
        rows.append((labels, values))
    return rows or None


def _without_header_rows(printed: list[tuple[list[Token], list[Token]]] | None, wanted: int,
                         width: int) -> list[tuple[list[Token], list[Token]]] | None:
    """A section's first rows printed in a gap from its heading: the table's header rows
    before them (the first row's cells `width`), labels over merged cells read blank
    (第二十条第（一）项), or with a digit read in a piece of their words, are no rows of values
    (seed 4747's fax: 规章 read 规帝, its row's 4 0 0 lost; seed 5903's fax TIFF 0: the heading's
    （一）项 cut by a column's rule, its 一) read 1)."""
    while printed is not None and len(printed) > wanted and \
            sum(t.kind is Kind.VALUE for t in printed[0][1]) < min(width, max(len(v) for _, v in printed[1:])):
        printed = printed[1:]
    return printed


def _left_of_a_label(gap: list[Token], at: int) -> bool:
    """Whether the token at `at` stands left of a label in its own table row."""
    cell = gap[at].cell
    if cell is None:
        return False
    for token in gap[at + 1:]:
        if token.row_break:
            return False
        label = token.cell if token.kind is Kind.LABEL and token.block == gap[at].block else None
        if label is not None and label.row == cell.row and label.col > cell.col:
            return True
    return False


def _in_a_labels_cell(gap: list[Token], at: int) -> bool:
    """Whether the token at `at` was read in the same table cell as a label next to it."""
    cell = gap[at].cell
    return cell is not None and any(0 <= k < len(gap) and gap[k].kind is Kind.LABEL and gap[k].cell is cell
                                    for k in (at - 1, at + 1))


CUT_SHORT = "the document ends within this row: it may be cut short"


def doubt_row_cut_short(chain: list[Proposal], tokens: list[Token], s: Settings, ends_anywhere: bool = False) -> None:
    """The document's last row printed short, or ending in a blank cell, with nothing after it:
    the page may have been saved cut short inside it (a lone 0 after （六）其他处理 taken for its
    总计, the other cells blank; a row's tab before its 总计 the text's last character), so its
    cells are no surer than missing ones. A row whose every cell, blank or not, was seen in its
    table is whole (seed 6969's photo 3: section 四's zeros printed blank, its 15 cells flagged).

    A document that `ends_anywhere` (a text, a web page) may stop anywhere, not only at a
    page's end: there any last row with no words after it, only values or punctuation if
    anything, is doubted so; its last number cut (1864 saved as 18; 56321103.07 as 56321103.,
    its point left a label), a row label's blank cell taken for a value's when the row's 总计
    is cut off (_ 0 0 0 0 0 0 read as a blank 自然人), or its last values cut off the table's
    text (the text's last line of a row printed cell by cell is no cell of it)."""
    last = max(chain, key=lambda p: p.end, default=None)
    if last is None:
        return
    if ends_anywhere:
        if any(t.kind is Kind.LABEL and label_core(t.text) for t in tokens[last.end:]):
            return
    elif last.end < len(tokens) or (all(sl.text is not None for sl in last.slots)
                                    and (not last.slots[-1].blank or all(sl.cell is not None for sl in last.slots))):
        return
    _doubt(last, s.confidence.missing_cells, CUT_SHORT)


STRAY_VALUES = "values printed after this row that no row took: its cells may be misplaced"


def doubt_rows_before_stray_values(chain: list[Proposal], tokens: list[Token], s: Settings) -> None:
    """A row printed short, followed before the next row of its section by two or more values
    no row took: the text broke into the row (a page's banner saved between its cells), so its
    cells are as unsure as an ambiguous alignment (1.属于国家秘密 0, a banner, 0 0 0 0 0 0: the
    first 0 taken for a lone 总计 and six 0s left over)."""
    ordered = sorted(chain, key=lambda p: p.position)
    for row, following in itertools.pairwise(ordered):
        if row.row.section != following.row.section:
            continue
        # Only a row printed short can have lost them; one value alone is more often a header's
        # character misread (第二十条第（五）项's 项 as 1).
        short = any(sl.text is None for sl in row.slots)
        if short and sum(t.kind in (Kind.VALUE, Kind.RUN) for t in tokens[row.end:following.position]) >= 2:
            _doubt(row, s.confidence.ambiguous_alignment, STRAY_VALUES)


SHARED_LABEL = "its label is one cell over this and another row of values, and names one row only: which is unsure"


def doubt_rows_under_shared_labels(chain: list[Proposal], proposals: list[Proposal], tokens: list[Token],
                                   s: Settings) -> None:
    """A row whose values follow a label cell over more rows of values than the template rows
    it was taken to name: a rule between two row labels lost, one of them unread (规章 misread
    beside 行政规范性文件, one cell over both rows: the first row's values taken for the second's
    at 1.0, seed 9292's fax). Which of the rows the label names is unsure. Two labels run
    together over their two rows (一、本年新收…二、上年结转…) name them in order."""
    def shared_label(prop: Proposal) -> tuple[int, tuple[int, int]] | None:
        before = tokens[prop.position - 1] if prop.position > 0 else None
        if before is None or before.kind is not Kind.LABEL or before.cell is None or before.cell.origin is None:
            return None
        return before.block, before.cell.origin

    def value_row(prop: Proposal) -> int:
        # A value cell over rows (its origin's row) stands in each: one row of values.
        cell = tokens[prop.position].cell
        return -1 if cell is None else cell.origin[0] if cell.origin else cell.row

    # Label cell -> the rows of values after it, and the template rows they were taken for.
    named: dict[tuple[int, tuple[int, int]], tuple[set[int], set[int]]] = {}
    for prop in proposals:
        if (label := shared_label(prop)) is not None:
            value_rows, rows = named.setdefault(label, (set(), set()))
            value_rows.add(value_row(prop))
            rows.add(prop.row_index)
    for prop in chain:
        value_rows, rows = named.get(shared_label(prop) or (-1, (-1, -1)), (set(), set()))
        if len(rows) < len(value_rows):
            _doubt(prop, s.confidence.ambiguous_alignment, SHARED_LABEL)


def _doubt(prop: Proposal, confidence: float, note: str) -> None:
    """A row's cells no surer than `confidence`, for the reason `note`."""
    prop.slots = [replace(sl, confidence=min(sl.confidence, confidence), note=note) for sl in prop.slots]
