"""How a document prints its tables, told from all its tokens at once: runs of digits between
row labels (a web page's text), rows padded to the widest with blanks after their values (a
`|` table), or only the 总计 column. The mapper's proposals read a row by these."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from ingest.labels import split_ordinal
from ingest.mapper.tokens import Kind, Token
from ingest.settings import Settings


def prints_runs(tokens: list[Token], s: Settings) -> bool:
    """Tables printed as runs of digits between row labels (a web page's text with the
    table markup stripped): digits with leading zeros (no printed number has them: two
    are enough), or glued to the next row's numbered label. Prose numbers glued to words
    (申请75件) do not count."""
    zeros = glued = 0
    for tok, nxt in itertools.pairwise(tokens):
        if tok.kind is not Kind.RUN:
            continue
        if len(tok.text) > 1 and tok.text.isdigit() and tok.text[0] == "0":
            zeros += 1
        elif nxt.kind is Kind.LABEL and split_ordinal(nxt.text)[0]:
            glued += 1
    return zeros >= s.mapper.runs_style_min_zeros or zeros + glued >= s.mapper.runs_style_min_runs


def _value_runs(tokens: list[Token]) -> Iterator[list[Token]]:
    """The tokens between one label and the next."""
    run: list[Token] = []
    for tok in tokens:
        if tok.kind is Kind.LABEL:
            yield run
            run = []
        else:
            run.append(tok)
    yield run


def padded_after_values(tokens: list[Token], s: Settings) -> frozenset[int]:
    """Row lengths whose full rows (as many values as cells, no blank among them) all print
    their values right after the label, and many of them blanks after the values: a `|`
    table padding each row to its widest (seed 001: `0 |` ×7 then `||`). A row of that length
    with blanks on both sides of fewer values has its blank cells before them."""
    full: dict[int, list[tuple[int, int]]] = {}
    for run in _value_runs(tokens):
        kinds = "".join("b" if t.kind is Kind.BLANK else "v" for t in run)
        values = kinds.strip("b")
        if values and "b" not in values:
            lead = len(kinds) - len(kinds.lstrip("b"))
            full.setdefault(len(values), []).append((lead, len(kinds) - len(values) - lead))
    return frozenset(
        n for n, rows in full.items()
        if all(lead == 0 for lead, _ in rows)
        and 2 * (padded := sum(1 for _, trail in rows if trail)) >= len(rows) and padded >= s.mapper.padded_rows_min
    )


def prints_only_totals(tokens: list[Token], s: Settings) -> bool:
    """Rows of lone values, many of them: a table printed with only its 总计 column, the
    blank cells dropped (as text pasted from a PDF of seed 004's kind comes) or printed as
    empty cells (`|` fillers)."""
    lone = multi = 0
    for run in _value_runs(tokens):
        printed = [t for t in run if t.kind is not Kind.BLANK]
        if len(printed) == 1 and printed[0].kind is Kind.VALUE:
            lone += 1
        elif len(printed) > 1:
            multi += 1
    return lone >= s.mapper.totals_only_min_rows and lone > multi
